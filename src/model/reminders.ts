// Everything the incident should nudge people about right now, for the sidebar's tree.
// While everyone is sent home, all of it waits: one entry says until when.
import { CUSTOMER_PREFIX, nextContactSuggestion } from './contacts';
import { postMortemReminder } from './postmortemReadiness';
import type { Incident, Person } from './record';
import type { Reminder } from './reminder';
import { countOf } from './plural';
import { activeRegroup } from './regroup';
import { formatTimeRelative, viewerZone } from './timeDisplay';
import { smeReminder } from './roles';
import { DEFAULT_ESCALATION_MINUTES, escalationSuggestion } from './severity';
import { DEFAULT_HANDOFF_MINUTES, DEFAULT_IM_LIMIT_MINUTES, DEFAULT_IM_PROMPT_MINUTES, handOffSuggestions, imHandOverPrompt, singleWorkerSuggestion } from './staffing';

export interface ReminderSettings {
  handOffAfterMinutes: number;
  imPromptAfterMinutes: number;
  imLimitMinutes: number;
  escalateAfterMinutes: number;
  /** The zone the reader sees times in (default: this machine's). */
  zone?: string;
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = {
  handOffAfterMinutes: DEFAULT_HANDOFF_MINUTES,
  imPromptAfterMinutes: DEFAULT_IM_PROMPT_MINUTES,
  imLimitMinutes: DEFAULT_IM_LIMIT_MINUTES,
  escalateAfterMinutes: DEFAULT_ESCALATION_MINUTES,
};

function customerReminders(incident: Incident, people: readonly Person[]): Reminder[] {
  const out: Reminder[] = [];
  for (const c of incident.customers ?? []) {
    const who = `${CUSTOMER_PREFIX}${c.id}`;
    const next = nextContactSuggestion(incident, who, people);
    if (next?.kind === 'email') {
      out.push({ id: `email:${c.id}`, severity: 'warning', message: next.message, action: { kind: 'log-contact', label: `Email ${c.name}`, who, channel: 'email', purpose: 'customer' } });
    }
  }
  return out;
}

export function remindersFor(incident: Incident, people: readonly Person[], now: Date, settings: Partial<ReminderSettings> = {}): Reminder[] {
  // A closed incident is reminded of one thing only: its post-mortem.
  if (incident.status === 'closed') return [postMortemReminder(incident, people, now)].filter((r): r is Reminder => r !== null);
  const s = { ...DEFAULT_REMINDER_SETTINGS, ...settings };
  const pause = activeRegroup(incident, now);
  if (pause) {
    // The one rule for times: the reader's zone, named, with how long until then.
    const until = formatTimeRelative(pause.until, s.zone ?? viewerZone(), now);
    return [{ id: 'paused', severity: 'info', message: `Paused until ${until}: everyone was sent home to sleep.`, action: { kind: 'resume', label: 'Resume now' } }];
  }
  const found: (Reminder | null)[] = [
    smeReminder(incident),
    singleWorkerSuggestion(incident, people),
    ...handOffSuggestions(incident, now, people, s.handOffAfterMinutes),
    imHandOverPrompt(incident, now, people, { promptAfterMinutes: s.imPromptAfterMinutes, limitMinutes: s.imLimitMinutes }),
    escalationSuggestion(incident, now, s.escalateAfterMinutes),
    ...customerReminders(incident, people),
  ];
  return found.filter((r): r is Reminder => r !== null);
}

/**
 * Commits on the fix branch authored by the IM: the runbook keeps the IM off the fix, so this is
 * a reminder too, not only a line in the Fix branch section.
 */
export function imCommitReminder(incident: Incident, people: readonly Person[], commits: readonly { sha: string; subject: string }[]): Reminder | null {
  if (incident.status === 'closed' || commits.length === 0) return null;
  const im = people.find((p) => p.id === incident.roles.incident_manager)?.name ?? incident.roles.incident_manager;
  const list = commits.slice(0, 3).map((c) => `${c.sha.slice(0, 7)} ${c.subject}`).join('; ');
  return {
    id: 'im-commits',
    severity: 'warning',
    message: `${im} (the Incident Manager) authored ${countOf(commits.length, 'commit')} on the fix branch: the IM must not fix the problem; hand the work to a worker. ${list}${commits.length > 3 ? '; …' : ''}`,
    action: { kind: 'add-worker', label: 'Assign a worker' },
    threshold: commits.map((c) => c.sha).sort().join(','),
  };
}

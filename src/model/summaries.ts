// The observer summary of an update cycle ("summarized and passed off to the Observers").
// Observers are internal, so names stay; phone numbers and emails never go into it, since
// summaries get pasted into mail threads and chat rooms with a wider audience.
import { DateTime } from 'luxon';
import { nextUpdate } from './cadence';
import { privateFacts, scrubContacts, type PrivateFacts } from './customerText';
import { LEVEL_TABLE } from './levels';
import type { Incident, Person, UpdateCycle } from './record';
import { formatDuration, instantOf, toTimestamp } from './time';
import { decisionText, isNoUpdate } from './updates';

const STATUS_TEXT: Readonly<Record<Incident['status'], string>> = {
  active: 'active',
  'fix-released-awaiting-tests': 'fix released, awaiting tests',
  closed: 'closed',
};

/** Markdown-safe single line: a line break in a field would break the list structure. */
function oneLine(text: string, facts: PrivateFacts): string {
  return scrubContacts(text, facts).replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * The Markdown summary of one cycle for the observers: title, level, status, impact, each
 * worker's progress, the IM's decision and when the next update is due (in `zone`, default
 * the IM's, written with its offset).
 */
export function observerSummary(
  incident: Incident,
  cycle: UpdateCycle,
  people: readonly Person[] = [],
  now: Date | number = instantOf(cycle.at),
  zone?: string,
): string {
  const facts = privateFacts(incident, people);
  const everyone = [...people, ...(incident.people ?? [])];
  const nameOf = (id: string): string => everyone.find((p) => p.id === id)?.name ?? id;
  const outZone = zone ?? everyone.find((p) => p.id === incident.roles.incident_manager)?.timezone;
  const rules = LEVEL_TABLE[incident.severity];
  const at = instantOf(cycle.at);

  const lines: string[] = [];
  lines.push(`# ${oneLine(incident.title, facts)}`);
  lines.push('');
  lines.push(`- **Level:** ${rules.name} (updates every ${formatDuration(rules.updateCadenceMinutes * 60_000)})`);
  lines.push(`- **Status:** ${STATUS_TEXT[incident.status]}`);
  lines.push(`- **Update of:** ${toTimestamp(at, outZone)}, by ${nameOf(cycle.by)}`);
  lines.push(`- **Incident Manager:** ${nameOf(incident.roles.incident_manager)}`);
  lines.push('');
  lines.push('## Impact');
  lines.push('');
  lines.push(scrubContacts(incident.impact.trim(), facts));
  lines.push('');
  lines.push('## Progress');
  lines.push('');
  if (cycle.workers.length === 0) lines.push('No workers on the incident this cycle.');
  for (const u of cycle.workers) {
    lines.push(`### ${nameOf(u.person)}${u.needs_help ? ' (needs help)' : ''}`);
    lines.push('');
    if (isNoUpdate(u)) {
      lines.push('- No update this cycle.');
    } else {
      lines.push(`- **Found:** ${oneLine(u.found, facts)}`);
      lines.push(`- **Next:** ${u.next.trim() ? oneLine(u.next, facts) : '(not given)'}`);
    }
    lines.push(`- **Needs help:** ${u.needs_help ? (u.help_wanted ? `yes: ${oneLine(u.help_wanted, facts)}` : 'yes') : 'no'}`);
    lines.push('');
  }
  if (cycle.notable?.trim()) {
    lines.push('## Notable');
    lines.push('');
    lines.push(scrubContacts(cycle.notable.trim(), facts));
    lines.push('');
  }
  lines.push('## Decision');
  lines.push('');
  const note = cycle.decision_note?.trim();
  const decision = decisionText(cycle.decision);
  lines.push(`${decision.charAt(0).toUpperCase()}${decision.slice(1)}${note ? `: ${oneLine(note, facts)}` : '.'}`);
  lines.push('');
  lines.push('## Next update');
  lines.push('');
  // The cycle being summarised may not be in the record yet (drafted before the store applies it).
  const recorded = (incident.updates ?? []).some((u) => u === cycle || u.at === cycle.at);
  const withCycle: Incident = recorded ? incident : { ...incident, updates: [...(incident.updates ?? []), cycle] };
  const next = nextUpdate(withCycle, now, undefined, outZone);
  const due = DateTime.fromISO(next.dueTimestamp, { setZone: true });
  const zoneName = outZone ?? due.zoneName ?? 'local time';
  if (next.state === 'paused') {
    lines.push(`Paused while the team regroups; due ${next.dueTimestamp} (${zoneName}) if work resumes as planned.`);
  } else if (next.state === 'overdue') {
    lines.push(`Due ${next.dueTimestamp} (${zoneName}): overdue by ${formatDuration(next.overdueMs)}.`);
  } else {
    lines.push(`Due ${next.dueTimestamp} (${zoneName}), in ${formatDuration(next.remainingMs)}.`);
  }
  return `${lines.join('\n')}\n`;
}

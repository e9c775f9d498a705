// Keeping people fresh: how long each worker and the IM have been at it, suggestions to bring
// in more developers or hand off, and recording hand-offs and releases.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { LEVEL_TABLE, RUNBOOK_URL } from './levels';
import { personLabel } from './people';
import type { Incident, Person, PersonId, Timestamp, WorkerAssignment } from './record';
import type { Reminder } from './reminder';
import { pausesUntil, regroupEnd } from './regroup';
import { checkCanWork, currentWorkers, IM_CHANGE_KINDS, RULE_ROLE } from './roles';
import { formatDuration, instantOf, toTimestamp } from './time';

export const DEFAULT_HANDOFF_MINUTES = 360;
export const DEFAULT_IM_PROMPT_MINUTES = 360;
export const DEFAULT_IM_LIMIT_MINUTES = 480;
export const QUOTE_MORE_DEVELOPERS = 'multiple developers should be brought on board';
export const QUOTE_HAND_OFF = "Workers will fade after working on a problem for long enough. [...] It's the manager's job to help them hand off the task.";
export const QUOTE_SOMEONE_WORKING = 'repeat until you have someone actively working on the task';

/** Milliseconds of [start, end] not covered by any pause. */
function workedMs(start: number, end: number, pauses: readonly [number, number][]): number {
  let ms = Math.max(0, end - start);
  for (const [ps, pe] of pauses) ms -= Math.max(0, Math.min(end, pe) - Math.max(start, ps));
  return Math.max(0, ms);
}

/** The stretch restarts when people come back from a regroup: they slept. */
function stretchStart(start: number, pauses: readonly [number, number][]): number {
  return pauses.reduce((s, [, pe]) => (pe > s ? pe : s), start);
}

export interface WorkerTime {
  person: PersonId;
  active: boolean;
  /** When their latest assignment began. */
  since: Timestamp;
  releasedAt: Timestamp | null;
  /** Time at it since they started or last came back from a regroup; 0 once released. */
  stretchMs: number;
  /** When the current stretch began (an instant, UTC); null once released. */
  stretchSince: Timestamp | null;
  /** All their time on the incident, regroup pauses excluded. */
  totalMs: number;
}

/**
 * A stretch's start as one canonical instant: the same stretch gives the same text however its
 * timestamp was written, so a reminder about it is announced once (per stretch, not per person).
 */
function stretchKey(ms: number): Timestamp {
  return new Date(ms).toISOString();
}

/** Each worker's time on the incident, in the order they first joined. */
export function workerTimes(incident: Incident, now: Date): WorkerTime[] {
  const t = now.getTime();
  const pauses = pausesUntil(incident, now);
  const byPerson = new Map<PersonId, WorkerAssignment[]>();
  for (const w of incident.roles.workers ?? []) byPerson.set(w.person, [...(byPerson.get(w.person) ?? []), w]);
  return [...byPerson.entries()].map(([person, assignments]) => {
    const sorted = [...assignments].sort((a, b) => instantOf(a.since) - instantOf(b.since));
    const latest = sorted[sorted.length - 1];
    const active = sorted.some((a) => !a.released_at);
    const current = sorted.find((a) => !a.released_at) ?? latest;
    const totalMs = sorted.reduce((sum, a) => sum + workedMs(instantOf(a.since), a.released_at ? instantOf(a.released_at) : t, pauses), 0);
    const startedMs = stretchStart(instantOf(current.since), pauses);
    const stretchMs = active ? Math.max(0, t - startedMs) : 0;
    const stretchSince = active ? stretchKey(startedMs) : null;
    return { person, active, since: current.since, releasedAt: active ? null : (latest.released_at ?? null), stretchMs, stretchSince, totalMs };
  });
}

/** At levels that want several developers, a lone worker is flagged; nobody at all is flagged at any level. */
export function singleWorkerSuggestion(incident: Incident, people: readonly Person[] = incident.people ?? []): Reminder | null {
  if (incident.status === 'closed') return null;
  const rules = LEVEL_TABLE[incident.severity];
  const workers = currentWorkers(incident);
  if (workers.length === 0 && incident.status === 'active') {
    return {
      id: 'no-worker',
      severity: 'warning',
      message: `Nobody is working on the problem. Find someone and ${QUOTE_SOMEONE_WORKING}.`,
      action: { kind: 'add-worker', label: 'Add a worker' },
    };
  }
  if (workers.length !== 1 || !rules.multipleWorkers) return null;
  return {
    id: 'single-worker',
    severity: 'info',
    message: `${personLabel(people, workers[0].person)} is the only worker. ${rules.name}: bring more developers on board; the runbook says "${QUOTE_MORE_DEVELOPERS}". (${RUNBOOK_URL})`,
    action: { kind: 'add-worker', label: 'Add a worker' },
  };
}

/** Workers past the stretch get a hand-off suggestion each. */
export function handOffSuggestions(
  incident: Incident,
  now: Date,
  people: readonly Person[] = incident.people ?? [],
  stretchMinutes: number = DEFAULT_HANDOFF_MINUTES,
): Reminder[] {
  if (incident.status === 'closed') return [];
  return workerTimes(incident, now)
    .filter((w) => w.active && w.stretchMs >= stretchMinutes * 60_000)
    .map((w) => ({
      id: `hand-off:${w.person}`,
      severity: 'warning' as const,
      message: `${personLabel(people, w.person)} has been at it for ${formatDuration(w.stretchMs)}: help them hand off. The runbook: "${QUOTE_HAND_OFF}" (${RUNBOOK_URL})`,
      action: { kind: 'hand-off-worker' as const, label: `Hand off ${personLabel(people, w.person)}`, person: w.person },
      // Once per stretch: someone released and back at work later is reminded again.
      threshold: `${w.person}@${w.stretchSince}`,
    }));
}

function currentAssignmentIndex(incident: Incident, person: PersonId): number {
  return (incident.roles.workers ?? []).findIndex((w) => w.person === person && !w.released_at);
}

/** Releases one worker and brings in another in the same step, so the work is never unstaffed. */
export function handOffWorker(incident: Incident, from: PersonId, to: PersonId, ctx: ActionContext): RecordEdit[] {
  const people = incident.people ?? [];
  const index = currentAssignmentIndex(incident, from);
  if (index < 0) throw new RuleViolation(RULE_ROLE, `${personLabel(people, from)} is not a current worker.`);
  const next = to.trim();
  if (!next) throw new RuleViolation(RULE_ROLE, 'Choose who takes over.');
  checkCanWork(incident, next);
  const at = toTimestamp(ctx.now, ctx.zone);
  const value: WorkerAssignment = { person: next, since: at, released_at: null };
  return [
    { op: 'set', path: ['roles', 'workers', index, 'released_at'], value: at },
    { op: 'append', path: ['roles', 'workers'], value },
    timelineEdit(ctx, 'worker-handoff', `${personLabel(people, from)} handed off to ${personLabel(people, next)}`),
  ];
}

function hasRole(incident: Incident, person: PersonId): boolean {
  const r = incident.roles;
  return (
    r.incident_manager === person ||
    r.prm === person ||
    (r.sme ?? []).includes(person) ||
    (r.observers ?? []).includes(person) ||
    (r.workers ?? []).some((w) => w.person === person)
  );
}

/**
 * Records that someone was released: a current worker's assignment ends now; anyone else
 * (a SME, an observer) is released on the timeline, so "let people get back to sleep" is on record.
 */
export function releasePerson(incident: Incident, person: PersonId, ctx: ActionContext): RecordEdit[] {
  const people = incident.people ?? [];
  if (!hasRole(incident, person)) throw new RuleViolation(RULE_ROLE, `${personLabel(people, person)} has no role in this incident.`);
  const edits: RecordEdit[] = [];
  const index = currentAssignmentIndex(incident, person);
  if (index >= 0) edits.push({ op: 'set', path: ['roles', 'workers', index, 'released_at'], value: toTimestamp(ctx.now, ctx.zone) });
  edits.push(timelineEdit(ctx, 'released', `${personLabel(people, person)} released`));
  return edits;
}

export interface ImStretch {
  person: PersonId;
  /** Declaration, the last IM change, or the end of the last regroup, whichever is latest. */
  since: Timestamp;
  ms: number;
}

export function imStretch(incident: Incident, now: Date): ImStretch {
  const t = now.getTime();
  let since = incident.declared_at;
  let sinceMs = instantOf(since);
  const consider = (ts: Timestamp): void => {
    const ms = instantOf(ts);
    if (ms > sinceMs && ms <= t) {
      since = ts;
      sinceMs = ms;
    }
  };
  for (const e of incident.timeline) if (IM_CHANGE_KINDS.includes(e.kind)) consider(e.at);
  for (const r of incident.regroup ?? []) {
    if (instantOf(r.at) > t) continue;
    const end = regroupEnd(r);
    if (end > t) {
      // Resting now: the stretch has not started again.
      since = toTimestamp(t);
      sinceMs = t;
    } else consider(r.resumed_at && instantOf(r.resumed_at) === end ? r.resumed_at : r.until);
  }
  return { person: incident.roles.incident_manager, since, ms: Math.max(0, t - sinceMs) };
}

export interface ImPromptSettings {
  /** When the 7th hour begins: the prompt to start handing over. */
  promptAfterMinutes: number;
  /** Past this, the stronger prompt. */
  limitMinutes: number;
}

export const DEFAULT_IM_PROMPT_SETTINGS: ImPromptSettings = { promptAfterMinutes: DEFAULT_IM_PROMPT_MINUTES, limitMinutes: DEFAULT_IM_LIMIT_MINUTES };

/** Prompts the IM to start handing over in the 7th hour of their stretch, and more strongly past the 8th. */
export function imHandOverPrompt(
  incident: Incident,
  now: Date,
  people: readonly Person[] = incident.people ?? [],
  settings: ImPromptSettings = DEFAULT_IM_PROMPT_SETTINGS,
): Reminder | null {
  if (incident.status === 'closed') return null;
  const stretch = imStretch(incident, now);
  const name = personLabel(people, stretch.person);
  const action = { kind: 'hand-over-im' as const, label: 'Hand over the IM role' };
  if (stretch.ms >= settings.limitMinutes * 60_000) {
    return {
      id: 'im-handover',
      severity: 'warning',
      message: `${name} has been Incident Manager for ${formatDuration(stretch.ms)}, past the ${settings.limitMinutes / 60}-hour limit: hand over the IM role now.`,
      action,
      threshold: `${stretch.person}@${stretchKey(instantOf(stretch.since))}:limit`,
    };
  }
  if (stretch.ms >= settings.promptAfterMinutes * 60_000) {
    return {
      id: 'im-handover',
      severity: 'info',
      message: `${name} has been Incident Manager for ${formatDuration(stretch.ms)}: start handing over (an IM works at most about ${settings.limitMinutes / 60} hours without a break).`,
      action,
      threshold: `${stretch.person}@${stretchKey(instantOf(stretch.since))}:prompt`,
    };
  }
  return null;
}

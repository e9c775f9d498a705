// Sending everyone home to sleep and regrouping in the morning: allowed where the level table
// says so (Levels 2 and 3), never at Level 1. While the pause holds, reminders stay quiet.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { LEVEL_TABLE, RUNBOOK_URL } from './levels';
import { findPerson, personLabel } from './people';
import type { Incident, Person, Regroup, Timestamp } from './record';
import { instantOf, toTimestamp } from './time';
import { nextLocalTime } from './waking';

export const DEFAULT_MORNING_START = '07:00';
export const RULE_REGROUP = 'regroup';
export const QUOTE_REGROUP = 'During a Level 2 incident, it is acceptable to send everyone home to get some sleep before regrouping in the morning.';

export interface RegroupOptions {
  /** When everyone is back; by default the next morning start in the IM's time zone. */
  until?: Timestamp;
  /** Local "HH:mm" the morning starts, in the IM's zone. */
  morningStart?: string;
}

/** When a pause ended or will end: on resumption if that came first. */
export function regroupEnd(r: Regroup): number {
  const until = instantOf(r.until);
  return r.resumed_at ? Math.min(until, instantOf(r.resumed_at)) : until;
}

function activeIndex(incident: Incident, now: Date): number {
  // A pause does not hold at a level that forbids one (e.g. after escalation to Level 1).
  if (!LEVEL_TABLE[incident.severity].regroupAllowed) return -1;
  const t = now.getTime();
  const pauses = incident.regroup ?? [];
  for (let i = pauses.length - 1; i >= 0; i--) {
    const r = pauses[i];
    if (instantOf(r.at) <= t && t < regroupEnd(r)) return i;
  }
  return -1;
}

/** The pause in force now, or null (its time passed, it was resumed, or the level forbids it). */
export function activeRegroup(incident: Incident, now: Date): Regroup | null {
  const i = activeIndex(incident, now);
  return i < 0 ? null : (incident.regroup ?? [])[i];
}

/** The pauses that began before now, as [start, end] instants in ms, ends clipped to now. */
export function pausesUntil(incident: Incident, now: Date): [number, number][] {
  const t = now.getTime();
  return (incident.regroup ?? [])
    .map((r): [number, number] => [instantOf(r.at), Math.min(regroupEnd(r), t)])
    .filter(([start, end]) => start < t && end > start);
}

export function regroupUntilMorning(incident: Incident, people: readonly Person[], options: RegroupOptions, ctx: ActionContext): RecordEdit[] {
  const rules = LEVEL_TABLE[incident.severity];
  if (!rules.regroupAllowed) {
    throw new RuleViolation(
      RULE_REGROUP,
      `${rules.name} does not allow sending everyone home: ${rules.wakingText} The runbook allows it from Level 2 down: "${QUOTE_REGROUP}" (${RUNBOOK_URL})`,
    );
  }
  if (activeRegroup(incident, ctx.now)) throw new RuleViolation(RULE_REGROUP, 'Everyone is already sent home; resume first to set a new time.');
  const imId = incident.roles.incident_manager;
  let until: Timestamp;
  if (options.until !== undefined) {
    instantOf(options.until);
    until = options.until;
  } else {
    const zone = findPerson(people, imId)?.timezone;
    if (!zone) throw new RuleViolation(RULE_REGROUP, `The time zone of ${personLabel(people, imId)} (the IM) is not known; give the time to regroup.`);
    until = nextLocalTime(ctx.now, zone, options.morningStart ?? DEFAULT_MORNING_START);
  }
  if (instantOf(until) <= ctx.now.getTime()) throw new RuleViolation(RULE_REGROUP, `The time to regroup (${until}) has already passed.`);
  const value: Regroup = { at: toTimestamp(ctx.now, ctx.zone), by: ctx.actor, until, resumed_at: null };
  return [{ op: 'append', path: ['regroup'], value }, timelineEdit(ctx, 'regroup', `Everyone sent home to sleep; regroup at ${until}`)];
}

/** Ends the pause in force now, recording when work resumed. */
export function resume(incident: Incident, ctx: ActionContext): RecordEdit[] {
  const i = activeIndex(incident, ctx.now);
  if (i < 0) throw new RuleViolation(RULE_REGROUP, 'No regroup is in force to resume from.');
  return [
    { op: 'set', path: ['regroup', i, 'resumed_at'], value: toTimestamp(ctx.now, ctx.zone) },
    timelineEdit(ctx, 'resumed', 'Work resumed after the regroup'),
  ];
}

// When the next update cycle is due, for the status bar, the tree and the notifications.
// Called on every status-bar tick for every open incident, so it is pure and avoids
// re-parsing the same timestamps: parsed instants are memoised by their text.
import { LEVEL_TABLE } from './levels';
import type { Incident, Regroup, Timestamp } from './record';
import { formatDuration, instantOf, toTimestamp } from './time';
import { formatTime, viewerZone } from './timeDisplay';

export type CadenceState = 'normal' | 'near' | 'overdue' | 'paused';

export interface NextUpdate {
  /** When the next cycle is due, ms since the epoch. While paused: when it will be due if the regroup ends as planned. */
  dueAt: number;
  dueTimestamp: Timestamp;
  /** The last recorded update cycle, ms since the epoch; absent before the first. */
  lastAt?: number;
  /** How late the cycle is; 0 unless overdue. */
  overdueMs: number;
  /** Time left until due; 0 once overdue. */
  remainingMs: number;
  state: CadenceState;
  /** End of the active regroup, ms since the epoch; only when paused. */
  pausedUntil?: number;
  /** The cadence of the incident's current level. */
  cadenceMinutes: number;
}

export interface MostUrgent {
  /** Incidents that are not closed. */
  openCount: number;
  /** The open incident whose update is due first (paused ones only when nothing else is open). */
  urgent?: { incident: Incident; next: NextUpdate };
  /** Every open incident whose update is overdue now, so callers need not compute them again. */
  overdue: { incident: Incident; next: NextUpdate }[];
}

export const DEFAULT_NEAR_THRESHOLD_MINUTES = 15;

const MEMO_LIMIT = 20000;
const instants = new Map<string, number>();
const formatted = new Map<string, Timestamp>();

function instant(ts: Timestamp): number {
  let ms = instants.get(ts);
  if (ms === undefined) {
    ms = instantOf(ts);
    // Bounded so a long-running editor session cannot grow it without limit.
    if (instants.size >= MEMO_LIMIT) instants.clear();
    instants.set(ts, ms);
  }
  return ms;
}

function stamp(ms: number, zone: string | undefined): Timestamp {
  const key = `${ms}|${zone ?? ''}`;
  let ts = formatted.get(key);
  if (ts === undefined) {
    ts = toTimestamp(ms, zone);
    if (formatted.size >= MEMO_LIMIT) formatted.clear();
    formatted.set(key, ts);
  }
  return ts;
}

/** A regroup is active until its `until`, unless someone resumed it earlier. */
export function activeRegroup(incident: Incident, now: Date | number): Regroup | undefined {
  const t = typeof now === 'number' ? now : now.getTime();
  return (incident.regroup ?? []).find((r) => !r.resumed_at && t < instant(r.until));
}

/** When a finished regroup ended: the resume time, or its planned end when nobody resumed it. */
function regroupEnd(r: Regroup): number {
  return r.resumed_at ? instant(r.resumed_at) : instant(r.until);
}

function imZone(incident: Incident): string | undefined {
  const im = incident.roles.incident_manager;
  return incident.people?.find((p) => p.id === im)?.timezone;
}

/**
 * When the next update cycle is due.
 *
 * The cadence is the current level's (1 h, 2 h, 4 h), counted from the last recorded cycle,
 * or from the declaration before the first. After a severity change the NEW level's cadence
 * is counted from the last cycle, not from the change: an escalation to Level 1 two hours
 * after the last cycle makes an update due at once, which is what the stricter level asks.
 * While a regroup is active the countdown is paused; afterwards the cycle restarts from the
 * resume time (or the regroup's `until` when nobody resumed it).
 *
 * `zone` only chooses how `dueTimestamp` is written (default: the IM's zone, else this machine's).
 */
export function nextUpdate(
  incident: Incident,
  now: Date | number,
  nearThresholdMinutes: number = DEFAULT_NEAR_THRESHOLD_MINUTES,
  zone?: string,
): NextUpdate {
  const t = typeof now === 'number' ? now : now.getTime();
  const cadenceMinutes = LEVEL_TABLE[incident.severity].updateCadenceMinutes;
  const cadenceMs = cadenceMinutes * 60_000;
  const outZone = zone ?? imZone(incident);

  // Ordering is by instant, not by position in the file (hand edits may reorder).
  let lastAt: number | undefined;
  for (const cycle of incident.updates ?? []) {
    const at = instant(cycle.at);
    if (lastAt === undefined || at > lastAt) lastAt = at;
  }
  let base = lastAt ?? instant(incident.declared_at);

  let paused: Regroup | undefined;
  for (const r of incident.regroup ?? []) {
    // Overlapping regroups: the pause lasts until the last of them ends.
    if (!r.resumed_at && t < instant(r.until)) {
      if (!paused || instant(r.until) > instant(paused.until)) paused = r;
    }
    else base = Math.max(base, regroupEnd(r));
  }

  if (paused) {
    const pausedUntil = instant(paused.until);
    const dueAt = Math.max(base, pausedUntil) + cadenceMs;
    const result: NextUpdate = {
      dueAt,
      dueTimestamp: stamp(dueAt, outZone),
      overdueMs: 0,
      remainingMs: dueAt - t,
      state: 'paused',
      pausedUntil,
      cadenceMinutes,
    };
    if (lastAt !== undefined) result.lastAt = lastAt;
    return result;
  }

  const dueAt = base + cadenceMs;
  const remainingMs = Math.max(0, dueAt - t);
  const overdueMs = Math.max(0, t - dueAt);
  const state: CadenceState = t >= dueAt ? 'overdue' : remainingMs <= nearThresholdMinutes * 60_000 ? 'near' : 'normal';
  const result: NextUpdate = { dueAt, dueTimestamp: stamp(dueAt, outZone), overdueMs, remainingMs, state, cadenceMinutes };
  if (lastAt !== undefined) result.lastAt = lastAt;
  return result;
}

/**
 * The open incident to show first, and how many are open: the most severe level, and within
 * it the update due first. Closed incidents are ignored; paused ones come after every running
 * countdown. Ties go to the lower id so the
 * status bar does not flicker between two incidents. An incident whose times cannot be read
 * still counts as open but is not chosen.
 */
export function mostUrgent(
  incidents: readonly Incident[],
  now: Date | number,
  nearThresholdMinutes: number = DEFAULT_NEAR_THRESHOLD_MINUTES,
): MostUrgent {
  let openCount = 0;
  let best: { incident: Incident; next: NextUpdate } | undefined;
  const overdue: { incident: Incident; next: NextUpdate }[] = [];
  for (const incident of incidents) {
    if (incident.status === 'closed') continue;
    openCount++;
    let next: NextUpdate;
    try {
      next = nextUpdate(incident, now, nearThresholdMinutes);
    } catch {
      // A hand-edited timestamp without an offset must not stop the countdown of the others;
      // the record itself is reported as broken where it is read.
      continue;
    }
    if (next.state === 'overdue') overdue.push({ incident, next });
    if (!best || before(incident, next, best.incident, best.next)) best = { incident, next };
  }
  return best ? { openCount, urgent: best, overdue } : { openCount, overdue };
}

/**
 * Running countdowns before paused ones; then the more severe level (an overdue Level 2 must
 * not hide a Level 1: the Level 1 is the one people are woken for); then the earlier due.
 */
function before(a: Incident, an: NextUpdate, b: Incident, bn: NextUpdate): boolean {
  const ap = an.state === 'paused';
  const bp = bn.state === 'paused';
  if (ap !== bp) return bp;
  if (a.severity !== b.severity) return a.severity < b.severity;
  if (an.dueAt !== bn.dueAt) return an.dueAt < bn.dueAt;
  return a.id < b.id;
}

/** The instant a paused NextUpdate was computed at (its remaining time counts from then). */
function pausedNow(next: NextUpdate): number {
  return next.dueAt - next.remainingMs;
}

/** "update in 1h 05m", "update overdue by 12m", "paused until 08:00": the status bar's words. */
export function countdownText(next: NextUpdate, zone?: string): string {
  switch (next.state) {
    case 'paused': {
      // The time of day is enough: a regroup lasts at most overnight.
      return `paused until ${formatTime(next.pausedUntil ?? next.dueAt, zone ?? viewerZone(), pausedNow(next))}`;
    }
    case 'overdue':
      return `update overdue by ${formatDuration(next.overdueMs)}`;
    default:
      return `update in ${formatDuration(next.remainingMs)}`;
  }
}

/** "1:42": hours and minutes, as a clock reads; a day or more reads "2d 3h". */
export function clockText(ms: number): string {
  if (ms >= 86_400_000) return formatDuration(ms);
  const minutes = Math.floor(Math.max(0, ms) / 60000);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "checkout-5xx" for "2026-11-26-checkout-5xx": the date is noise in a status bar. */
export function shortIncidentId(id: string): string {
  return id.replace(/^\d{4}-\d{2}-\d{2}-/, '');
}

/**
 * The status bar's text for the most urgent incident, with codicons:
 * "$(flame) SEV2 checkout-5xx · update in 1:42 (+2)". `zone` sets the clock a pause ends by.
 */
export function countdownLabel(incident: Incident, next: NextUpdate, openCount: number, zone?: string): string {
  const id = `SEV${incident.severity} ${shortIncidentId(incident.id)}`;
  const more = openCount > 1 ? ` (+${openCount - 1})` : '';
  switch (next.state) {
    case 'paused':
      return `$(debug-pause) ${id} · paused until ${formatTime(next.pausedUntil ?? next.dueAt, zone ?? viewerZone(), pausedNow(next))}${more}`;
    case 'overdue':
      return `$(flame) ${id} · update overdue ${clockText(next.overdueMs)}${more}`;
    default:
      return `$(flame) ${id} · update in ${clockText(next.remainingMs)}${more}`;
  }
}

/**
 * An open incident's next update, worked out once: it stays true until `validUntil` (the end of
 * a regroup that is pausing it, or no end), so the status bar's tick is arithmetic on numbers.
 */
export interface UpdateDeadline {
  incident: Incident;
  /** The answer at the time it was worked out; undefined when the record's times cannot be read. */
  next?: NextUpdate;
  validUntil: number;
}

function deadlineOf(incident: Incident, now: number): UpdateDeadline {
  let next: NextUpdate;
  try {
    next = nextUpdate(incident, now);
  } catch {
    return { incident, validUntil: Number.POSITIVE_INFINITY };
  }
  let validUntil = Number.POSITIVE_INFINITY;
  for (const r of incident.regroup ?? []) {
    if (r.resumed_at) continue;
    const until = instant(r.until);
    if (until > now && until < validUntil) validUntil = until;
  }
  return { incident, next, validUntil };
}

/** The deadlines of the open incidents among these, worked out at `now`. */
export function updateDeadlines(incidents: readonly Incident[], now: number): UpdateDeadline[] {
  return incidents.filter((i) => i.status !== 'closed').map((i) => deadlineOf(i, now));
}

/** mostUrgent over precomputed deadlines: the same answer, without reading a timestamp per tick. */
export function mostUrgentDeadline(deadlines: UpdateDeadline[], now: number, nearThresholdMinutes: number = DEFAULT_NEAR_THRESHOLD_MINUTES): MostUrgent {
  let best: { incident: Incident; next: NextUpdate } | undefined;
  const overdue: { incident: Incident; next: NextUpdate }[] = [];
  for (let i = 0; i < deadlines.length; i++) {
    let d = deadlines[i]!;
    // A regroup ended since: the countdown restarts, so this one is worked out again (rare).
    if (now >= d.validUntil) d = deadlines[i] = deadlineOf(d.incident, now);
    const at = d.next;
    if (!at) continue;
    let next: NextUpdate;
    if (at.state === 'paused') {
      next = { ...at, remainingMs: at.dueAt - now };
    } else {
      const remainingMs = Math.max(0, at.dueAt - now);
      const state: CadenceState = now >= at.dueAt ? 'overdue' : remainingMs <= nearThresholdMinutes * 60_000 ? 'near' : 'normal';
      next = { ...at, remainingMs, overdueMs: Math.max(0, now - at.dueAt), state };
    }
    if (next.state === 'overdue') overdue.push({ incident: d.incident, next });
    if (!best || before(d.incident, next, best.incident, best.next)) best = { incident: d.incident, next };
  }
  return best ? { openCount: deadlines.length, urgent: best, overdue } : { openCount: deadlines.length, overdue };
}

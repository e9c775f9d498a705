// The incident's story: the timeline holds what commands did, and people add notes to it,
// including what happened before anyone declared (the deploy, the first alert). Notes carry a
// kind so the post-mortem can find when the problem was detected, mitigated and resolved.
import { DateTime } from 'luxon';
import { RuleViolation, type ActionContext, type RecordEdit } from './edits';
import { personLabel } from './people';
import { NOTE_KINDS, type Incident, type NoteKind, type Person, type PersonId, type TimelineEntry, type Timestamp } from './record';
import { instantOf, isTimeZone, isTimestamp, toTimestamp } from './time';

export const RULE_NOTE = 'timeline-note';
/** The timeline kind of a note people wrote (commands write their own kinds). */
export const NOTE_ENTRY_KIND = 'note';

export type TimelineOrder = 'oldest-first' | 'newest-first';
export const TIMELINE_ORDERS: readonly TimelineOrder[] = ['oldest-first', 'newest-first'];

/** A note may be dated slightly ahead (clocks differ), never into the future. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface NoteInput {
  text: string;
  /** When it happened; defaults to now. May be before the declaration. */
  at?: Timestamp;
  /** Who it was (who deployed, who saw the alert); defaults to the person writing. */
  by?: PersonId;
  kind?: NoteKind;
}

export function isNoteKind(value: unknown): value is NoteKind {
  return typeof value === 'string' && (NOTE_KINDS as readonly string[]).includes(value);
}

/** Adds a note to the story. Allowed after close: the story goes on into the post-mortem. */
export function addTimelineNote(_incident: Incident, input: NoteInput, ctx: ActionContext): RecordEdit[] {
  const text = input.text.replace(/\s+$/g, '').trim();
  if (!text) throw new RuleViolation(RULE_NOTE, 'A timeline note needs some text.');
  const kind = input.kind ?? 'other';
  if (!isNoteKind(kind)) throw new RuleViolation(RULE_NOTE, `"${String(kind)}" is not a note kind (${NOTE_KINDS.join(', ')}).`);
  const written = toTimestamp(ctx.now, ctx.zone);
  const at = input.at ?? written;
  if (!isTimestamp(at)) throw new RuleViolation(RULE_NOTE, `"${at}" is not a time with an offset (e.g. 2026-11-27T13:30:00+01:00).`);
  if (instantOf(at) > ctx.now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new RuleViolation(RULE_NOTE, `${at} is in the future; a note tells what already happened.`);
  }
  const by = input.by?.trim() || ctx.actor;
  const entry: TimelineEntry = { at, by, kind: NOTE_ENTRY_KIND, note_kind: kind, text };
  // Said after the fact, or about someone else: who wrote it and when stays on record.
  if (input.at !== undefined && at !== written) entry.recorded_at = written;
  if (by !== ctx.actor) entry.recorded_by = ctx.actor;
  return [{ op: 'append', path: ['timeline'], value: entry }];
}

/**
 * A time typed by a person: a timestamp with its offset, or a local "HH:mm" or
 * "YYYY-MM-DD HH:mm" in their zone. "HH:mm" later than now means yesterday: notes tell the past.
 */
export function parseNoteTime(text: string, now: Date, zone: string): Timestamp {
  const value = text.trim();
  if (isTimestamp(value)) return value;
  if (!isTimeZone(zone)) throw new RangeError(`"${zone}" is not an IANA time zone.`);
  const clock = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (clock) {
    const local = DateTime.fromJSDate(now, { zone });
    let at = local.set({ hour: Number(clock[1]), minute: Number(clock[2]), second: 0, millisecond: 0 });
    if (!at.isValid || Number(clock[1]) > 23 || Number(clock[2]) > 59) throw new RangeError(`"${value}" is not a time of day.`);
    if (at.toMillis() > now.getTime() + FUTURE_TOLERANCE_MS) at = at.minus({ days: 1 });
    return toTimestamp(at.toMillis(), zone);
  }
  const dated = DateTime.fromFormat(value, 'yyyy-MM-dd HH:mm', { zone });
  if (dated.isValid) return toTimestamp(dated.toMillis(), zone);
  throw new RangeError(`"${value}" is not a time: use HH:mm, YYYY-MM-DD HH:mm, or a timestamp with its offset (2026-11-27T13:30:00+01:00).`);
}

/** The timeline by instant (the file's order breaks ties), oldest or newest first. */
export function orderedTimeline(incident: Incident, order: TimelineOrder = 'oldest-first'): TimelineEntry[] {
  const sorted = incident.timeline
    .map((entry, index) => ({ entry, index, ms: instantOf(entry.at) }))
    .sort((a, b) => a.ms - b.ms || a.index - b.index)
    .map((x) => x.entry);
  return order === 'newest-first' ? sorted.reverse() : sorted;
}

export function isNote(entry: TimelineEntry): boolean {
  return entry.kind === NOTE_ENTRY_KIND;
}

/** "2026-11-26 14:05" in the zone: one reader, one zone, named once in the heading. */
export function zonedTime(ts: Timestamp, zone: string): string {
  return DateTime.fromMillis(instantOf(ts), { zone }).toFormat('yyyy-MM-dd HH:mm');
}

/** The IM's zone, for the story's times; UTC when the IM is not known. */
export function storyZone(incident: Incident, people: readonly Person[]): string {
  const im = incident.roles.incident_manager;
  const zone = [...people, ...(incident.people ?? [])].find((p) => p.id === im)?.timezone;
  return zone && isTimeZone(zone) ? zone : 'UTC';
}

/** What the row says happened: a note's kind, else the command's. */
export function entryKindLabel(entry: TimelineEntry): string {
  return isNote(entry) ? `note (${entry.note_kind ?? 'other'})` : entry.kind;
}

/** Keeps a cell's text from breaking a Markdown table or becoming markup. */
export function tableCell(text: string): string {
  return text.replace(/\r?\n+/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim();
}

/** The timeline as a Markdown table, oldest first, times in the zone. */
export function timelineTable(incident: Incident, people: readonly Person[], zone: string): string {
  const rows = ['| When | Who | What | Kind |', '| --- | --- | --- | --- |'];
  for (const e of orderedTimeline(incident, 'oldest-first')) {
    rows.push(`| ${zonedTime(e.at, zone)} | ${tableCell(personLabel(people, e.by))} | ${tableCell(e.text)} | ${tableCell(entryKindLabel(e))} |`);
  }
  return rows.join('\n');
}

/** Export Timeline: a Markdown page of the story in the IM's zone. */
export function timelineMarkdown(incident: Incident, people: readonly Person[] = incident.people ?? []): string {
  const everyone = [...people, ...(incident.people ?? [])];
  const zone = storyZone(incident, everyone);
  return [`# Timeline: ${tableCell(incident.title)}`, '', `Incident \`${incident.id}\`. Times in ${zone}.`, '', timelineTable(incident, everyone, zone), ''].join('\n');
}

/** The instants that split an incident into phases; absent ones were never recorded. */
export interface Milestones {
  /** The earliest moment in the story (a note before the declaration), else the declaration. */
  started: number;
  /** The first detection note, else the declaration. */
  detected: number;
  declared: number;
  /** The first mitigation note. */
  mitigated?: number;
  /** The first resolution note, else the release of the fix, else the close. */
  resolved?: number;
  closed?: number;
}

function firstNote(incident: Incident, kind: NoteKind): number | undefined {
  const times = incident.timeline.filter((e) => isNote(e) && e.note_kind === kind).map((e) => instantOf(e.at));
  return times.length ? Math.min(...times) : undefined;
}

export function milestones(incident: Incident): Milestones {
  const declared = instantOf(incident.declared_at);
  const earliest = Math.min(declared, ...incident.timeline.map((e) => instantOf(e.at)));
  const detected = firstNote(incident, 'detection') ?? declared;
  const closed = incident.status === 'closed' && incident.closed_at ? instantOf(incident.closed_at) : undefined;
  const released = incident.released_without_tests ? instantOf(incident.released_without_tests.at) : undefined;
  const out: Milestones = { started: Math.min(earliest, detected), detected, declared };
  const mitigated = firstNote(incident, 'mitigation');
  if (mitigated !== undefined) out.mitigated = mitigated;
  const resolved = firstNote(incident, 'resolution') ?? released ?? closed;
  if (resolved !== undefined) out.resolved = resolved;
  if (closed !== undefined) out.closed = closed;
  return out;
}

export interface LevelSpan {
  level: number;
  from: number;
  to: number;
}

/** The level the incident was at over time, from its severity-change entries. */
export function levelHistory(incident: Incident, end: number): LevelSpan[] {
  const changes = orderedTimeline(incident)
    .filter((e) => e.kind === 'severity-changed')
    .map((e) => ({ at: instantOf(e.at), m: /Level (\d)\s*→\s*Level (\d)/.exec(e.text) }))
    .filter((c): c is { at: number; m: RegExpExecArray } => c.m !== null);
  const spans: LevelSpan[] = [];
  let level = changes.length ? Number(changes[0].m[1]) : incident.severity;
  let from = instantOf(incident.declared_at);
  for (const c of changes) {
    if (c.at > from) spans.push({ level, from, to: Math.min(c.at, end) });
    level = Number(c.m[2]);
    from = Math.max(from, c.at);
  }
  if (end > from) spans.push({ level, from, to: end });
  return spans;
}

// A three-way merge of one incident record by meaning, for git's merge driver: list entries
// (timeline, steps, runs, results, sign-offs, contacts, updates) are a union, a value changed on
// one side only takes that side, and a value changed differently on both sides is a conflict
// left as standard conflict markers at its line. The result is our file with the edits that
// bring in their changes, so our text (comments, layout) is kept byte for byte.
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import type { RecordEdit, RecordPath } from '../model/edits';
import { editText } from './recordEditor';
import { parseRecordDetailed, parseYamlFile } from './recordFile';

export interface MergeConflict {
  path: RecordPath;
  ours: unknown;
  theirs: unknown;
}

export type MergeOutcome =
  | { clean: true; text: string }
  | { clean: false; text: string; conflicts: MergeConflict[]; reason: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const ABSENT = Symbol('absent');
type Value = Json | typeof ABSENT;

function isObject(v: Value): v is { [key: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const same = (a: Value, b: Value) => isDeepStrictEqual(a, b);

/** Identity of a list entry: its id when it has one, else its whole content. */
function identity(item: Json): string {
  if (isObject(item) && (typeof item.id === 'string' || typeof item.id === 'number')) return `id:${String(item.id)}`;
  return `value:${JSON.stringify(item)}`;
}

function timeOf(item: Json): string | undefined {
  if (!isObject(item)) return undefined;
  const at = item.at ?? item.since ?? item.started_at ?? item.done_at;
  return typeof at === 'string' ? at : undefined;
}

function instant(ts: string): number {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Merges the three values. Returns the merged value and the conflicts (where the merged value
 * keeps ours).
 */
export function mergeValues(base: Value, ours: Value, theirs: Value, path: RecordPath = [], conflicts: MergeConflict[] = []): { value: Value; conflicts: MergeConflict[] } {
  if (same(ours, theirs) || same(base, theirs)) return { value: ours, conflicts };
  if (same(base, ours)) return { value: theirs, conflicts };
  if (isObject(ours) && isObject(theirs)) {
    const b = isObject(base) ? base : {};
    const out: { [key: string]: Json } = {};
    const keys = [...Object.keys(ours), ...Object.keys(theirs).filter((k) => !(k in ours))];
    for (const key of keys) {
      const merged = mergeValues(key in b ? b[key]! : ABSENT, key in ours ? ours[key]! : ABSENT, key in theirs ? theirs[key]! : ABSENT, [...path, key], conflicts).value;
      if (merged !== ABSENT) out[key] = merged;
    }
    return { value: out, conflicts };
  }
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    return { value: mergeLists(Array.isArray(base) ? base : [], ours, theirs, path, conflicts), conflicts };
  }
  conflicts.push({ path, ours: ours === ABSENT ? undefined : ours, theirs: theirs === ABSENT ? undefined : theirs });
  return { value: ours, conflicts };
}

/**
 * A union of the entries: ours in our order, then theirs' new entries in time order. An entry
 * one side removed (and the other left alone) is removed; one both changed is merged by id.
 */
function mergeLists(base: Json[], ours: Json[], theirs: Json[], path: RecordPath, conflicts: MergeConflict[]): Json[] {
  const baseById = new Map(base.map((x) => [identity(x), x]));
  const theirsById = new Map(theirs.map((x) => [identity(x), x]));
  const oursIds = new Set(ours.map(identity));
  const out: Json[] = [];
  ours.forEach((item) => {
    const id = identity(item);
    const theirItem = theirsById.get(id);
    const baseItem = baseById.get(id);
    if (theirItem === undefined) {
      // They removed it: drop it unless we changed it.
      if (baseItem !== undefined && same(baseItem, item)) return;
      out.push(item);
      return;
    }
    // Conflict paths name the item where it ends up in the merged list.
    const merged = mergeValues(baseItem ?? ABSENT, item, theirItem, [...path, out.length], conflicts).value;
    out.push(merged as Json);
  });
  const added = theirs.filter((x) => !oursIds.has(identity(x)) && !baseById.has(identity(x)));
  const timed = added.every((x) => timeOf(x) !== undefined);
  if (timed) added.sort((a, b) => instant(timeOf(a)!) - instant(timeOf(b)!));
  return [...out, ...added];
}

/** The edits that turn `from` into `to` at path, appending where a list only grew. */
export function editsBetween(from: Value, to: Value, path: RecordPath = [], out: RecordEdit[] = []): RecordEdit[] {
  if (same(from, to)) return out;
  if (to === ABSENT) {
    out.push({ op: 'delete', path });
    return out;
  }
  if (isObject(from) && isObject(to) && path.length >= 0) {
    for (const key of Object.keys(from)) if (!(key in to)) out.push({ op: 'delete', path: [...path, key] });
    for (const key of Object.keys(to)) editsBetween(key in from ? from[key]! : ABSENT, to[key]!, [...path, key], out);
    return out;
  }
  if (Array.isArray(from) && Array.isArray(to) && to.length >= from.length && from.every((x, i) => same(x, to[i]!))) {
    for (const item of to.slice(from.length)) out.push({ op: 'append', path, value: item });
    return out;
  }
  if (Array.isArray(from) && Array.isArray(to) && to.length === from.length) {
    to.forEach((item, i) => editsBetween(from[i]!, item, [...path, i], out));
    return out;
  }
  out.push({ op: 'set', path, value: to });
  return out;
}

const MARKER_SIZE = 7;

/**
 * Merges three record texts. Clean: the merged record, valid. Not clean: our text with conflict
 * markers around each value both sides changed, or, when the files cannot be merged by meaning
 * (one does not parse, or the merge would not be a valid record), both whole files in markers.
 */
export function mergeRecordTexts(base: string, ours: string, theirs: string, labels = { ours: 'ours', theirs: 'theirs' }): MergeOutcome {
  const [b, o, t] = [base, ours, theirs].map((text) => parseYamlFile(text));
  if (!o!.ok || !t!.ok) {
    return wholeFileConflict(ours, theirs, labels, `${!o!.ok ? 'our' : 'their'} version does not parse`);
  }
  const baseValue: Value = b!.ok ? (b!.parsed.value as Json) : ABSENT;
  const { value, conflicts } = mergeValues(baseValue, o!.parsed.value as Json, t!.parsed.value as Json);
  const edits = editsBetween(o!.parsed.value as Json, value);
  let merged: string;
  try {
    merged = editText(o!.parsed.text, o!.parsed.doc, edits);
  } catch (err) {
    return wholeFileConflict(ours, theirs, labels, (err as Error).message);
  }
  const check = parseRecordDetailed('merged', merged).loaded;
  if (check.kind === 'broken') {
    const first = check.problems[0];
    return wholeFileConflict(ours, theirs, labels, `the merged record would not be valid${first ? `: ${first.message}` : ''}`);
  }
  if (conflicts.length === 0) return { clean: true, text: merged };
  return { clean: false, conflicts, text: markConflicts(merged, conflicts, labels), reason: conflicts.map(describeConflict).join('; ') };
}

function describeConflict(c: MergeConflict): string {
  return `${c.path.join('.')} changed on both sides (ours: ${JSON.stringify(c.ours)}, theirs: ${JSON.stringify(c.theirs)})`;
}

function wholeFileConflict(ours: string, theirs: string, labels: { ours: string; theirs: string }, reason: string): MergeOutcome {
  const nl = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
  const text = `${'<'.repeat(MARKER_SIZE)} ${labels.ours}\n${nl(ours)}${'='.repeat(MARKER_SIZE)}\n${nl(theirs)}${'>'.repeat(MARKER_SIZE)} ${labels.theirs}\n`;
  return { clean: false, text, conflicts: [], reason };
}

/** Wraps the lines of each conflicted value: ours, then theirs, in standard markers. */
function markConflicts(text: string, conflicts: MergeConflict[], labels: { ours: string; theirs: string }): string {
  const lines = text.split('\n');
  const hunks: { start: number; end: number; theirs: string[] }[] = [];
  for (const c of conflicts) {
    const edit: RecordEdit = c.theirs === undefined ? { op: 'delete', path: c.path } : { op: 'set', path: c.path, value: c.theirs };
    let other: string[];
    try {
      other = editText(text, parseDocument(text), [edit]).split('\n');
    } catch {
      continue;
    }
    let start = 0;
    while (start < lines.length && start < other.length && lines[start] === other[start]) start++;
    let endA = lines.length;
    let endB = other.length;
    while (endA > start && endB > start && lines[endA - 1] === other[endB - 1]) {
      endA--;
      endB--;
    }
    hunks.push({ start, end: endA, theirs: other.slice(start, endB) });
  }
  hunks.sort((a, b) => b.start - a.start);
  for (const h of hunks) {
    lines.splice(h.start, h.end - h.start, `${'<'.repeat(MARKER_SIZE)} ${labels.ours}`, ...lines.slice(h.start, h.end), '='.repeat(MARKER_SIZE), ...h.theirs, `${'>'.repeat(MARKER_SIZE)} ${labels.theirs}`);
  }
  return lines.join('\n');
}

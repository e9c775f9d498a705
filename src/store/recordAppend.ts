// Appending entries to a record's top-level block lists (a test run's audit entry and its
// timeline entry) without parsing the whole record again. A record of fifty runs is 40 KB of
// YAML, which a cold parser takes a few hundred milliseconds of CPU over, while the runner it
// competes with still runs; an append changes only the end of two lists.
//
// Given the text and its value (known to be what parsing the text gives: the caller took it from
// the signed value cache, by the text's own hash), the new item goes after a list's last item
// only when the text proves, line by line, where that item ends:
//  - the list is a top-level key's block list (`key:` alone at column 0, its items at one column
//    further in), followed by another top-level key or the end of the text;
//  - every line of the list is a comment, blank, or a single-line construct: `- `, `key:`, and
//    values that close on their line (plain, quoted, one-line flow lists). No block scalars,
//    multi-line strings, anchors, aliases or tags, so no construct can be open where the item goes;
//  - the items counted at the list's column are as many as the value's list has;
//  - only blank lines follow the last item before the next key (a comment there is kept where it is
//    by the full path, which the caller takes instead);
//  - the new item's own lines are of the same kind, and parsing them alone gives the new value.
// Anything else (CRLF, a missing final newline, document markers, a flow or empty list, tabs,
// columns the checks do not know) returns undefined, and the caller takes the full path, which
// parses the record, edits it in place and parses the result back.
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import type { RecordEdit } from '../model/edits';
import type { Incident } from '../model/record';
import { validateAppended } from '../model/validate';
import { formatOptionsFor } from './recordEditor';
import { renderBlockItem } from './textEdit';

const DOUBLE_QUOTED = String.raw`"(?:[^"\\\n]|\\.)*"`;
const SINGLE_QUOTED = String.raw`'(?:[^'\n]|'')*'`;
// A plain scalar on one line: no indicator first (but '-', '?' or ':' followed by a character a
// plain scalar may hold, as in a runner's option "--ci"), no ": " or " #" inside, no ':' or '#'
// at all but a ':' followed by a non-space (a time).
const PLAIN = String.raw`(?:[^\s\-?:,\[\]{}#&*!|>'"%@\x60]|[-?:](?=\S))(?:[^\n:#]|:(?=[^\s:]))*`;
const FLOW_PLAIN = String.raw`(?:[^\s\-?:,\[\]{}#&*!|>'"%@\x60]|[-?:](?=[^\s,\[\]{}]))(?:[^\n:#,\[\]{}]|:(?=[^\s:,\[\]{}]))*`;
const FLOW_ITEM = `(?:${DOUBLE_QUOTED}|${SINGLE_QUOTED}|${FLOW_PLAIN})`;
const FLOW_LIST = String.raw`\[ *(?:${FLOW_ITEM} *(?:, *${FLOW_ITEM} *)*,? *)?\]`;
const VALUE = String.raw`(?:${DOUBLE_QUOTED}|${SINGLE_QUOTED}|${FLOW_LIST}|\{ *\}|${PLAIN})`;
const KEY = '[A-Za-z_][A-Za-z0-9_-]*';
/**
 * A line that opens nothing the next line could continue: `- ` items (nested too), `key:` with or
 * without a value that ends on the line, a trailing comment. A bare value (a plain scalar's
 * continuation) is not one.
 */
const SELF_CONTAINED_LINE = new RegExp(String.raw`^ *(?:(?:- +)*${KEY}:(?: +${VALUE})?|(?:- +)+${VALUE}|(?:- +)*-)(?: +#[^\n]*)? *$`);
const BLANK_OR_COMMENT = /^ *(?:#.*)?$/;
/** A line at column 0 that is not a top-level `key:`, a comment or blank: the text is not laid out as the checks expect. */
const UNEXPECTED_TOP_LEVEL = /^(?=[^ #\n])(?![A-Za-z_][A-Za-z0-9_-]*:(?: |$))/m;

/** As the record's own parse (recordFile.ts). */
const ITEM_PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false, strict: true } as const;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where a new item goes in one top-level block list, and how it is laid out. */
interface ListEnd {
  /** Offset just after the last item's last line. */
  at: number;
  col: number;
  firstOffset: number | undefined;
}

/** The end of the block list under the top-level key, proven line by line; undefined when it cannot be. */
function listEnd(text: string, key: string, items: number): ListEnd | undefined {
  const keyLine = new RegExp(`^${escapeRegExp(key)}:[ ]*$`, 'gm');
  const found = [...text.matchAll(keyLine)];
  if (found.length !== 1) return undefined;
  const start = found[0]!.index! + found[0]![0].length + 1;
  if (start > text.length) return undefined;
  // The list runs to the next line at column 0 that is not a comment.
  const next = /^[^ #\n]/gm;
  next.lastIndex = start;
  const end = next.exec(text)?.index ?? text.length;
  const lines = text.slice(start, end).split('\n');
  lines.pop(); // the slice ends with a line break: nothing after it
  let col: number | undefined;
  let firstOffset: number | undefined;
  let counted = 0;
  let at = start;
  let offset = start;
  // A comment after the last item stays where the full path puts it; that path is taken then.
  let commentAfter = false;
  for (const line of lines) {
    const lineEndOffset = offset + line.length + 1;
    offset = lineEndOffset;
    if (BLANK_OR_COMMENT.test(line)) {
      if (line.trim() !== '') commentAfter = true;
      continue;
    }
    commentAfter = false;
    const indent = line.length - line.trimStart().length;
    if (col === undefined) {
      const first = /^( +)-( +)?(\S)?/.exec(line);
      if (!first) return undefined;
      col = first[1]!.length;
      firstOffset = first[3] === undefined || first[3] === '#' ? undefined : 1 + (first[2]?.length ?? 0);
    }
    if (indent < col || !SELF_CONTAINED_LINE.test(line)) return undefined;
    if (indent === col) {
      if (line[col] !== '-') return undefined;
      counted++;
    }
    at = lineEndOffset;
  }
  if (col === undefined || counted !== items || commentAfter) return undefined;
  return { at, col, firstOffset };
}

/**
 * The text with each edit's item appended, when every edit appends to a different top-level block
 * list that the checks above can prove the end of; undefined otherwise (the caller parses).
 * `value` must be what parsing `text` gives; `after` is that value with the edits applied.
 */
export function appendToBlockLists(text: string, value: Incident, after: Incident, edits: readonly RecordEdit[]): string | undefined {
  if (edits.length === 0 || text.includes('\r') || text.includes('\t') || !text.endsWith('\n')) return undefined;
  if (UNEXPECTED_TOP_LEVEL.test(text)) return undefined;
  const keys = new Set<string>();
  for (const edit of edits) {
    if (edit.op !== 'append' || edit.path.length !== 1 || typeof edit.path[0] !== 'string' || keys.has(edit.path[0])) return undefined;
    keys.add(edit.path[0]);
  }
  const options = formatOptionsFor(text);
  const inserts: { at: number; lines: string }[] = [];
  for (const edit of edits) {
    if (edit.op !== 'append') return undefined;
    const key = edit.path[0] as string;
    const before = (value as unknown as Record<string, unknown>)[key];
    const now = (after as unknown as Record<string, unknown>)[key];
    if (!Array.isArray(before) || before.length === 0 || !Array.isArray(now) || now.length !== before.length + 1) return undefined;
    const end = listEnd(text, key, before.length);
    if (!end) return undefined;
    const lines = renderBlockItem(options, end.col, end.firstOffset, edit.value);
    // The new item: its own lines of the same kind, one item at the list's column, saying exactly the new value.
    const own = lines.split('\n');
    if (own.pop() !== '') return undefined;
    const dashLines = own.filter((l) => !BLANK_OR_COMMENT.test(l) && l.length - l.trimStart().length === end.col);
    if (dashLines.length !== 1 || !own[0]!.startsWith(`${' '.repeat(end.col)}-`)) return undefined;
    if (!own.every((l) => !BLANK_OR_COMMENT.test(l) && l.length - l.trimStart().length >= end.col && SELF_CONTAINED_LINE.test(l))) return undefined;
    const alone = parseDocument(lines, ITEM_PARSE_OPTIONS);
    if (alone.errors.length > 0 || alone.warnings.length > 0 || !isDeepStrictEqual(alone.toJS(), [now[now.length - 1]])) return undefined;
    inserts.push({ at: end.at, lines });
  }
  let out = text;
  for (const { at, lines } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + lines + out.slice(at);
  return out;
}

/**
 * Runs what an append runs (the YAML library's rendering and parsing of one item, the record's
 * validation) once on the record's own newest items, writing nothing, so that the real append,
 * after a test run, runs code that is loaded and compiled: for a moment the process would
 * otherwise only wait (a test run, whose runner has a core of its own). A few milliseconds.
 */
export function warmUpAppend(incident: Incident): void {
  const lastRun = incident.test_runs?.[incident.test_runs.length - 1];
  const item = renderBlockItem(formatOptionsFor('a:\n  - b\n'), 2, 2, lastRun ?? { at: '2026-01-01T00:00:00+00:00', by: 'x', kind: 'x', text: 'x' });
  parseDocument(item, ITEM_PARSE_OPTIONS).toJS();
  validateAppended(incident, lastRun ? ['test_runs'] : []);
}

// Reading one record file: bytes to a validated Incident, or to a broken record whose
// problems carry the line and column a person needs to fix it by hand.
import { Document, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import type { Incident } from '../model/record';
import { validateIncident, type ProblemPath, type ValidationProblem } from '../model/validate';

export interface RecordProblem {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export type BrokenReason = 'empty' | 'encoding' | 'conflict' | 'parse' | 'schema' | 'duplicate-id' | 'io';

export type LoadedRecord =
  | { kind: 'ok'; file: string; incident: Incident; text: string }
  | { kind: 'broken'; file: string; reason: BrokenReason; problems: RecordProblem[]; id?: string; text?: string };

/** A YAML file that decoded and parsed, with what is needed to map paths back to positions. */
export interface ParsedYaml {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  value: unknown;
}

export type YamlOutcome =
  | { ok: true; parsed: ParsedYaml }
  | { ok: false; reason: BrokenReason; problems: RecordProblem[]; text?: string };

// Core schema (YAML 1.2): timestamps stay strings, quoted "0123" stays a string.
const PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false, strict: true } as const;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The text, or undefined when the bytes are not UTF-8 (the slow scan then finds where). */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The text of a record's bytes, as parseYamlFile decodes them; for bytes known to be valid UTF-8 (a record that parsed). */
export function recordText(bytes: Buffer): string {
  return STRICT_UTF8.decode(bytes);
}

/** Decodes UTF-8 strictly, refuses empty files and conflict markers, and parses YAML. */
export function parseYamlFile(bytes: Buffer | string): YamlOutcome {
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
  } else {
    const decoded = decodeUtf8(bytes);
    const bad = decoded === undefined ? firstInvalidUtf8(bytes) : -1;
    if (bad >= 0) {
      const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
      const pos = positionInText(before, before.length);
      const hex = bytes[bad]!.toString(16).toUpperCase().padStart(2, '0');
      return {
        ok: false,
        reason: 'encoding',
        problems: [{ ...pos, message: `the file is not valid UTF-8: byte 0x${hex} cannot start or continue a character here` }],
      };
    }
    text = decoded ?? new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  }

  const nul = text.indexOf('\0');
  if (nul >= 0) {
    return { ok: false, reason: 'encoding', text, problems: [{ ...positionInText(text, nul), message: 'the file contains a NUL byte; a record is text. Remove it (it may be a binary file saved under a .yaml name)' }] };
  }
  if (text.includes('\r') && !text.includes('\n')) {
    return {
      ok: false,
      reason: 'encoding',
      text,
      problems: [{ line: 1, col: 1, message: 'the file ends its lines with a carriage return only (old Mac style); save it with LF or CRLF line endings' }],
    };
  }
  if (isBlankOrComments(text)) {
    return { ok: false, reason: 'empty', text, problems: [{ line: 1, col: 1, message: 'the file is empty (no YAML content, only blank lines or comments)' }] };
  }

  const conflicts = conflictMarkers(text);
  if (conflicts.length > 0) {
    return { ok: false, reason: 'conflict', text, problems: conflicts };
  }

  const directive = /^%YAML[ \t]+(\S+)/m.exec(text);
  if (directive && directive[1] !== '1.2') {
    return {
      ok: false,
      reason: 'parse',
      text,
      problems: [
        {
          ...positionInText(text, directive.index),
          message: `the file declares %YAML ${directive[1]}, whose rules read NO as false and on as true; records are YAML 1.2: remove this line`,
        },
      ],
    };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      reason: 'parse',
      text,
      problems: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        if (e.code === 'DUPLICATE_KEY') {
          const rest = text.slice(e.pos[0]).split('\n', 1)[0] ?? '';
          const key = /^(.*?):(?:\s|$)/.exec(rest)?.[1]?.trim();
          const named = key ? ` "${key}"` : '';
          return { line, col, message: `duplicate key${named}: keys in a mapping must be unique` };
        }
        if (e.code === 'MULTIPLE_DOCS') {
          return { line, col, message: 'one incident per file: a second YAML document starts here (a "---" line after content); move it to its own file' };
        }
        if (e.code === 'MISSING_CHAR' && /quote/.test(e.message)) {
          const open = openingQuote(text, e.pos[0]);
          if (open !== undefined) {
            const at = lineCounter.linePos(open);
            return { ...at, message: `this quoted value is never closed: add the closing ${text[open]} on this line` };
          }
        }
        return { line, col, message: tooDeep(e.message) ?? e.message };
      }),
    };
  }
  const tagged = unknownTags(doc, text);
  if (tagged.length > 0) {
    return {
      ok: false,
      reason: 'parse',
      text,
      problems: tagged.map(({ offset, tag }) => ({
        ...lineCounter.linePos(offset),
        message: `custom tag ${tag} is not allowed in a record (it could run code or fetch secrets in other tools); remove the tag`,
      })),
    };
  }
  if (doc.contents === null) {
    return { ok: false, reason: 'empty', text, problems: [{ line: 1, col: 1, message: 'the file is empty (the document has no content)' }] };
  }
  let value: unknown;
  try {
    value = plainValue(doc.contents);
    if (value === NOT_PLAIN) value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const message = (err as Error).message;
    return { ok: false, reason: 'parse', text, problems: [{ line: 1, col: 1, message: tooDeep(message) ?? message }] };
  }
  return { ok: true, parsed: { text, doc, lineCounter, value } };
}

/** The parser's own words for nesting deeper than the stack allows, said as what is wrong with the file. */
function tooDeep(message: string): string | undefined {
  return /Maximum call stack size exceeded/.test(message)
    ? 'values nest too deeply here (thousands of levels of lists or mappings); a record nests a few levels deep'
    : undefined;
}

const NOT_PLAIN = Symbol('not plain');

/**
 * The value of a tree of plain maps, lists and scalars, as `doc.toJS()` makes it, in one walk
 * without its general machinery (a record is parsed often, and is nearly always this simple).
 * Anything else (an alias, a key that is not a scalar) is NOT_PLAIN, and toJS does it.
 */
function plainValue(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) return node.value;
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = pair.key;
      if (!isScalar(key)) return NOT_PLAIN;
      const k = key.value === null ? '' : typeof key.value === 'object' ? undefined : String(key.value);
      if (k === undefined) return NOT_PLAIN;
      const v = plainValue(pair.value);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      // As toJS does: a key the object already answers to ("__proto__", "toString") is defined, not assigned.
      if (k in out) Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
      else out[k] = v;
    }
    return out;
  }
  if (isSeq(node)) {
    const out: unknown[] = new Array(node.items.length);
    for (let i = 0; i < node.items.length; i++) {
      const v = plainValue(node.items[i]);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      out[i] = v;
    }
    return out;
  }
  return NOT_PLAIN;
}

/** Parses and validates one incident record. Never throws for bad content. */
export function parseRecord(file: string, bytes: Buffer | string): LoadedRecord {
  return parseRecordDetailed(file, bytes).loaded;
}

/** As parseRecord, plus the parsed document when the YAML parsed (even if the record is invalid). */
export function parseRecordDetailed(file: string, bytes: Buffer | string): { loaded: LoadedRecord; parsed?: ParsedYaml } {
  const outcome = parseYamlFile(bytes);
  if (!outcome.ok) {
    const id = outcome.text !== undefined ? idFromText(outcome.text) : undefined;
    return {
      loaded: {
        kind: 'broken',
        file,
        reason: outcome.reason,
        problems: outcome.problems,
        ...(id !== undefined ? { id } : {}),
        ...(outcome.text !== undefined ? { text: outcome.text } : {}),
      },
    };
  }
  const { parsed } = outcome;
  const problems = validateIncident(parsed.value);
  if (problems.length > 0) {
    const id = idFromValue(parsed.value);
    return {
      parsed,
      loaded: {
        kind: 'broken',
        file,
        reason: 'schema',
        problems: locateProblems(parsed, problems),
        ...(id !== undefined ? { id } : {}),
        text: parsed.text,
      },
    };
  }
  return { parsed, loaded: { kind: 'ok', file, incident: parsed.value as Incident, text: parsed.text } };
}

/** Gives each validation problem the position of the offending node, or of its nearest existing parent. */
export function locateProblems(parsed: ParsedYaml, problems: ValidationProblem[]): RecordProblem[] {
  return problems.map((p) => ({ ...positionOfPath(parsed, p.path), message: p.message }));
}

export function positionOfPath(parsed: ParsedYaml, path: ProblemPath): { line: number; col: number } {
  const offset = offsetOfPath(parsed.doc, path);
  return parsed.lineCounter.linePos(offset);
}

function offsetOfPath(doc: Document.Parsed, path: ProblemPath): number {
  let node: Node | null = doc.contents;
  let fallback = node?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && keyMatches(it.key, seg));
      if (!pair) return fallback;
      // A key with no value, or a missing child below it, is best shown at the key.
      const keyNode = pair.key as Node | null;
      if (keyNode?.range) fallback = keyNode.range[0];
      const value = pair.value as Node | null;
      if (!value?.range) return fallback;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item?.range) return fallback;
      fallback = item.range[0];
      node = item;
    } else {
      return fallback;
    }
  }
  return node?.range?.[0] ?? fallback;
}

function keyMatches(key: unknown, seg: string | number): boolean {
  if (isScalar(key)) return String(key.value) === String(seg);
  return key === seg;
}

function idFromValue(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const id = (value as Record<string, unknown>).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * The top-level `id:` of a record's text, found without parsing it. A file that does not parse
 * may still name its incident, which keeps duplicate detection and the UI honest.
 */
export function idFromText(text: string): string | undefined {
  // Line by line, without a backtracking regular expression: linear in the text's length.
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (text.startsWith('id:', start)) return idOfLine(text.slice(start + 3, end).replace(/\r$/, ''));
    if (nl < 0) break;
    start = nl + 1;
  }
  return undefined;
}

/** The value of an `id:` line (after the colon): quoted, or plain up to a comment. */
function idOfLine(rest: string): string | undefined {
  const value = rest.trimStart();
  if (value.startsWith('"') || value.startsWith("'")) {
    const close = value.indexOf(value[0]!, 1);
    if (close < 0) return undefined;
    const after = value.slice(close + 1).trim();
    if (after !== '' && !after.startsWith('#')) return undefined;
    return value.slice(1, close) || undefined;
  }
  if (value.startsWith('#')) return undefined;
  const hash = value.search(/\s#/);
  const plain = (hash < 0 ? value : value.slice(0, hash)).trim();
  return plain === '' ? undefined : plain;
}

/** The offset of the quote that opens the quoted scalar still open at offset: the last quote that starts a value before it. */
function openingQuote(text: string, offset: number): number | undefined {
  const quote = text[Math.min(offset, text.length - 1)] === "'" ? "'" : undefined;
  const re = /(^|[:\-[{,][ \t]*|^[ \t]*)(["'])/gm;
  let found: number | undefined;
  for (let m = re.exec(text); m && m.index < offset; m = re.exec(text)) {
    const at = m.index + m[0].length - 1;
    if (at >= offset) break;
    if (quote && m[2] !== quote) continue;
    // A quote closed on its own line is not the open one.
    const lineEnd = text.indexOf('\n', at);
    const rest = text.slice(at + 1, lineEnd < 0 ? text.length : lineEnd);
    const closed = m[2] === '"' ? /(^|[^\\])"/.test(rest) : rest.includes("'");
    if (!closed) found = at;
  }
  return found;
}

const CORE_TAGS = new Set(['tag:yaml.org,2002:str', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:null', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq']);

/** Where a node's tag could start: "!" at a line start or after a blank, a flow indicator, or a key's colon. */
const MAYBE_TAG = /(?:^|[\s[{,:])!/m;

/** Nodes with an explicit tag outside YAML's core schema (`!vault`, `!!js/function`). */
function unknownTags(doc: Document.Parsed, text: string): { offset: number; tag: string }[] {
  const out: { offset: number; tag: string }[] = [];
  for (const w of doc.warnings) if (w.code === 'TAG_RESOLVE_FAILED') out.push({ offset: w.pos[0], tag: w.message.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!') });
  if (out.length > 0) return out;
  // A tag starts with "!" at the start of a node: after a line start, a space or a flow or block indicator.
  if (!MAYBE_TAG.test(text)) return out;
  visit(doc, (_key, node) => {
    if (isNode(node) && node.tag && !CORE_TAGS.has(node.tag)) out.push({ offset: node.range?.[0] ?? 0, tag: node.tag });
  });
  return out;
}

/** No line holds anything but blanks or a comment (found without splitting the text into lines). */
function isBlankOrComments(text: string): boolean {
  return !/^\s*[^\s#]/m.test(text);
}

const CONFLICT_LINE = /^(<{7}|={7}|\|{7}|>{7})(?: .*)?\r?$/;

function conflictMarkers(text: string): RecordProblem[] {
  // Reported only with an outer marker, which no ordinary record holds: no need to look at each line.
  if (!text.includes('<<<<<<<') && !text.includes('>>>>>>>')) return [];
  const lines = text.split('\n');
  const markers: { line: number; kind: string }[] = [];
  lines.forEach((l, i) => {
    const m = CONFLICT_LINE.exec(l);
    if (m) markers.push({ line: i + 1, kind: m[1]![0]! });
  });
  // A lone "=======" can be legitimate text; real conflicts always have the outer markers.
  if (!markers.some((m) => m.kind === '<' || m.kind === '>')) return [];
  const starts = markers.filter((m) => m.kind === '<');
  const reported = starts.length > 0 ? starts : [markers[0]!];
  return reported.map((m) => ({ line: m.line, col: 1, message: 'unresolved git conflict markers: resolve the merge conflict, then save' }));
}

function positionInText(text: string, index: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: index - lineStart + 1 };
}

/** Offset of the first byte that breaks UTF-8, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

// The few fields per record that the tree, the status bar and `status` need, and a cache of
// them on disk keyed by each file's size, mtime, ctime and inode (plus a content hash for files
// changed within the file system's timestamp granularity of the cache being written), so a warm
// start stats the files and parses nothing. The cache is derived: anything odd about it (a
// corrupt file, another format, another folder) and it is thrown away and rebuilt from the files.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, statSync, promises as fs, type Stats } from 'node:fs';
import { DEFAULT_MAX_RECORD_BYTES, RECORD_OPEN_FLAGS, unreadableRecord } from './recordIo';
import * as path from 'node:path';
import { forEachInSlices, slicePacer, yieldToEventLoop } from './slices';
import type { IncidentStatus, Level, Timestamp } from '../model/record';
import { isTimestamp } from '../model/time';
import { parseRecordDetailed, positionOfPath, recordText, type BrokenReason, type LoadedRecord, type ParsedYaml, type RecordProblem } from './recordFile';
import type { RecordValueCache } from './recordValueCache';

/** The record schema's key: a hash of its file, computed when the code is built (esbuild.mjs). */
declare const INCIDENT_ROOM_SCHEMA_KEY: string;

export const SUMMARY_CACHE_FORMAT = 'incident-room-summaries/4';
/** Bump when the checks in validate.ts or recordFile.ts change: summaries made by other rules are not reused. */
const RULES_REVISION = 1;

/** Which rules made a summary: a cache made with another schema (another version of this code) is not trusted. */
export function recordRulesKey(): string {
  return `${RULES_REVISION}:${INCIDENT_ROOM_SCHEMA_KEY}`;
}

/** What is known about one record without holding it: enough to list, sort, group and count it. */
export interface RecordSummary {
  file: string;
  kind: 'ok' | 'broken';
  id?: string;
  /** 1-based line of the `id:` key, for duplicate-id messages that point at the other file. */
  idLine?: number;
  title?: string;
  severity?: Level;
  status?: IncidentStatus;
  declaredAt?: Timestamp;
  declaredMs?: number;
  closedAt?: Timestamp;
  closedMs?: number;
  fix?: { branch: string; base: string };
  reason?: BrokenReason;
  problems?: RecordProblem[];
  /**
   * Set on a closed record's summary read from the cache's stamps part: only `file`, `kind`, `id`,
   * `idLine`, `status` and `month` are known until IncidentStore.completeSummaries fills in the
   * rest (in place: the object stays the same, as the file did).
   */
  partial?: true;
  /** With `partial`: the year and month of the declaration ("2024-03"), which the tree groups by. */
  month?: string;
}

/** The identity of a file's contents as the file system reports it. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface CachedSummary {
  stamp: FileStamp;
  /** sha1 of the bytes the summary was made from. */
  hash: string;
  /**
   * When the stamp was taken (ms since the epoch). A file whose mtime or ctime is this close to
   * it may have changed since within the file system's timestamp granularity: its bytes decide.
   */
  checkedAt: number;
  summary: RecordSummary;
  /** A closed record's: where its summary is in the cache's closed part (see writeSummaryCache). */
  slot?: number;
}

export function stampOf(st: Stats): FileStamp {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

export function hashBytes(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

function instantOrUndefined(ts: unknown): number | undefined {
  return typeof ts === 'string' && isTimestamp(ts) ? Date.parse(ts) : undefined;
}

/** The summary of a record that was just parsed in full. */
export function summarize(loaded: LoadedRecord, parsed?: ParsedYaml): RecordSummary {
  if (loaded.kind === 'broken') {
    const s: RecordSummary = { file: loaded.file, kind: 'broken', reason: loaded.reason, problems: loaded.problems };
    if (loaded.id !== undefined) s.id = loaded.id;
    const line = idLineOf(parsed, loaded.text);
    if (line !== undefined) s.idLine = line;
    return s;
  }
  const i = loaded.incident;
  const s: RecordSummary = {
    file: loaded.file,
    kind: 'ok',
    id: i.id,
    title: i.title,
    severity: i.severity,
    status: i.status,
    declaredAt: i.declared_at,
  };
  const line = idLineOf(parsed, loaded.text);
  if (line !== undefined) s.idLine = line;
  const declared = instantOrUndefined(i.declared_at);
  if (declared !== undefined) s.declaredMs = declared;
  if (i.closed_at) {
    s.closedAt = i.closed_at;
    const closed = instantOrUndefined(i.closed_at);
    if (closed !== undefined) s.closedMs = closed;
  }
  if (i.fix) s.fix = { branch: i.fix.branch, base: i.fix.base };
  return s;
}

function idLineOf(parsed: ParsedYaml | undefined, text: string | undefined): number | undefined {
  if (parsed) return positionOfPath(parsed, ['id']).line;
  if (!text) return undefined;
  const index = text.split('\n').findIndex((l) => /^id\s*:/.test(l));
  return index >= 0 ? index + 1 : undefined;
}

export function isOpenSummary(s: RecordSummary): boolean {
  return s.kind === 'ok' && s.status !== 'closed';
}

/** The outcome of reading one file in full: its summary, and the record itself for callers that keep it. */
export interface SummarizedFile {
  file: string;
  cached?: CachedSummary;
  record?: LoadedRecord;
  /** Set when the file could not be read at all (gone between listing and reading). */
  missing?: boolean;
}

/**
 * Reads and summarises one record file; the stamp comes from the open descriptor, so it matches
 * the bytes read. `keepRecord`: hand back the record itself too, always, or only for an open
 * incident (the editor holds those in full, so they need not be parsed a second time). With
 * `values` (a RecordValueCache), a valid record whose exact bytes it holds is not parsed (its id
 * line is then found in the text).
 */
export function summarizeFileSync(
  file: string,
  keepRecord: boolean | 'open' = false,
  maxBytes: number = DEFAULT_MAX_RECORD_BYTES,
  values?: Pick<RecordValueCache, 'get'>,
): SummarizedFile {
  const checkedAt = Date.now();
  let fd: number;
  try {
    fd = openSync(file, RECORD_OPEN_FLAGS);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { file, missing: true };
    const record = ioBroken(file, err);
    return { file, cached: { stamp: { size: -1, mtimeMs: -1, ctimeMs: -1, ino: -1 }, hash: '', checkedAt, summary: summarize(record) }, ...(keepRecord ? { record } : {}) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { file, missing: true };
    const refusal = unreadableRecord(file, true, st.size, maxBytes);
    if (refusal) {
      // Refused from its size, unread; the stamp still lets a warm start skip it.
      const record = ioBroken(file, refusal);
      return { file, cached: { stamp: stampOf(st), hash: '', checkedAt, summary: summarize(record) }, ...(keepRecord ? { record } : {}) };
    }
    const bytes = readFileSync(fd);
    const known = values?.get(bytes);
    const { loaded, parsed }: { loaded: LoadedRecord; parsed?: ParsedYaml } = known
      ? { loaded: { kind: 'ok', file, incident: known, text: recordText(bytes) } }
      : parseRecordDetailed(file, bytes);
    const summary = summarize(loaded, parsed);
    const keep = keepRecord === 'open' ? isOpenSummary(summary) : keepRecord;
    return { file, cached: { stamp: stampOf(st), hash: hashBytes(bytes), checkedAt, summary }, ...(keep ? { record: loaded } : {}) };
  } catch (err) {
    const record = ioBroken(file, err);
    return { file, cached: { stamp: { size: -1, mtimeMs: -1, ctimeMs: -1, ino: -1 }, hash: '', checkedAt, summary: summarize(record) }, ...(keepRecord ? { record } : {}) };
  } finally {
    closeSync(fd);
  }
}

export function ioBroken(file: string, err: unknown): LoadedRecord {
  return { kind: 'broken', file, reason: 'io', problems: [{ line: 1, col: 1, message: `cannot read the file: ${(err as Error).message}` }] };
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** Every file sharing an id with another is broken, pointing at the others' `id:` lines. In slices: one pass over every summary. */
export async function markDuplicateSummaries(summaries: RecordSummary[]): Promise<RecordSummary[]> {
  const byId = new Map<string, number | number[]>();
  let shared = false;
  await forEachInSlices(summaries, (s, i) => {
    if (s.id === undefined) return;
    const seen = byId.get(s.id);
    if (seen === undefined) byId.set(s.id, i);
    else {
      shared = true;
      if (typeof seen === 'number') byId.set(s.id, [seen, i]);
      else seen.push(i);
    }
  });
  if (!shared) return summaries;
  const out = summaries.slice();
  for (const [id, indexes] of byId) {
    if (typeof indexes === 'number') continue;
    for (const i of indexes) {
      const others = indexes.filter((j) => j !== i).map((j) => `${path.basename(summaries[j]!.file)}:${summaries[j]!.idLine ?? 1}`);
      const problem: RecordProblem = { line: summaries[i]!.idLine ?? 1, col: 1, message: `id "${id}" is also used by ${others.join(', ')}` };
      const s = summaries[i]!;
      out[i] = s.kind === 'ok'
        ? { file: s.file, kind: 'broken', reason: 'duplicate-id', problems: [problem], id, ...(s.idLine !== undefined ? { idLine: s.idLine } : {}) }
        : { ...s, problems: [...(s.problems ?? []), problem] };
    }
  }
  return out;
}

// ---- the cache file ----

// Two parts, so that a warm start reads only what the tree's root needs:
//
// - the stamps part (the cache file itself): a header line, then lines of up to ENTRIES_PER_LINE
//   entries, one per record file. An open or broken record's entry carries its whole summary,
//   `[name, size, mtimeMs, ctimeMs, ino, checkedAt, hash, summary]`; a closed one's only what
//   lists, counts, groups and checks ids: `[name, size, mtimeMs, ctimeMs, ino, checkedAt, id,
//   idLine, month, slot]`, `slot` being where its summary is in the closed part, and `id` null
//   when it is the file's name without its extension (as `create` names files).
// - the closed part (beside it, `.closed.json`): a header line, then lines of ENTRIES_PER_LINE
//   slots, each `[name, hash, summary]` or null (a slot no record uses any more). It is read a
//   line at a time, when a closed record's summary is needed (its month opened in the tree, a
//   command listing every incident, the cache written again).
//
// Both headers name the same `generation`; a closed part of another generation (another writer
// came between), or a slot that does not hold the record the stamps part says, is not trusted:
// those records are parsed from their files. A line at a time is read and written between
// yields, so the cache never holds the event loop for long (one JSON.parse or JSON.stringify of
// 10,000 entries blocks for a hundred milliseconds and more), while a few dozen lines cost far
// less than a parse per entry.
interface CacheHeader {
  format: string;
  rules: string;
  folder: string;
  /** When the cache was written (for people reading it; each entry says when its stamp was taken). */
  writtenAt: number;
  /** Entries in the lines that follow: a cache cut short is not trusted. */
  count: number;
  /** Names this writing of the two parts: the closed part read must carry the same. */
  generation: string;
}

interface ClosedPartHeader {
  format: string;
  rules: string;
  folder: string;
  generation: string;
  /** Slots in the lines that follow (some may be null). */
  slots: number;
}

export const CLOSED_PART_FORMAT = 'incident-room-closed-summaries/1';

/** Entries per line: a line parses in about a millisecond. */
const ENTRIES_PER_LINE = 200;

type FullLine = [name: string, size: number, mtimeMs: number, ctimeMs: number, ino: number, checkedAt: number, hash: string, summary: RecordSummary];
type ClosedLine = [name: string, size: number, mtimeMs: number, ctimeMs: number, ino: number, checkedAt: number, id: string | null, idLine: number, month: string, slot: number];
type SlotEntry = [name: string, hash: string, summary: RecordSummary] | null;

/** How coarse a file system's mtime may be (FAT: 2 s); entries this close to the write are checked by content. */
const RACY_WINDOW_MS = 2000;

export interface LoadedCache {
  entries: Map<string, CachedSummary>;
  /** The generation of the closed part the entries' slots point into. */
  generation: string;
}

/** The closed part of a cache file: where the summaries of closed records are kept. */
export function closedPartFile(cacheFile: string): string {
  return cacheFile.replace(/\.json$/, '') + '.closed.json';
}

/** The year and month a record is filed under: the date as written in its declaration. */
export function monthOf(s: RecordSummary): string {
  return (s.declaredAt ?? s.month ?? '').slice(0, 7);
}

/** A closed, valid record: its summary is kept in the closed part, and read only when needed. */
export function isClosedSummary(s: RecordSummary): boolean {
  return s.kind === 'ok' && s.status === 'closed';
}

/** The folder's path with its separator, to which a plain file name in it is appended (path.join per file costs more than the stat it goes with). */
export function folderPrefix(folder: string): string {
  return path.join(folder, 'x').slice(0, -1);
}

function isSummary(v: unknown): v is RecordSummary {
  const s = v as RecordSummary;
  if (typeof v !== 'object' || v === null || (s.kind !== 'ok' && s.kind !== 'broken') || s.partial !== undefined) return false;
  if (s.kind === 'ok') return typeof s.id === 'string' && typeof s.title === 'string' && typeof s.severity === 'number' && typeof s.status === 'string' && typeof s.declaredAt === 'string';
  return typeof s.reason === 'string' && Array.isArray(s.problems);
}

/** A name that is not a plain record file name is not something this code wrote. */
function isRecordName(name: unknown): name is string {
  return typeof name === 'string' && !name.includes('/') && !name.includes('\\') && RECORD_NAME.test(name);
}
const RECORD_NAME = /\.ya?ml$/i;

function isStampLine(item: unknown[]): boolean {
  return isRecordName(item[0]) && typeof item[1] === 'number' && typeof item[2] === 'number' && typeof item[3] === 'number' && typeof item[4] === 'number' && typeof item[5] === 'number';
}

/** An open or broken record's entry (after isStampLine): a closed one's summary belongs in the closed part. */
function isFullLine(item: unknown[]): item is FullLine {
  return typeof item[6] === 'string' && isSummary(item[7]) && !isClosedSummary(item[7]);
}

/** A closed record's entry (after isStampLine): the month is the first seven characters of the declaration, as monthOf gives them. */
function isClosedLine(item: unknown[]): item is ClosedLine {
  const month = item[8];
  return (
    (item[6] === null || typeof item[6] === 'string') &&
    Number.isInteger(item[7]) &&
    typeof month === 'string' &&
    month.length <= 7 &&
    Number.isInteger(item[9]) &&
    (item[9] as number) >= 0
  );
}

/** The file's name without its extension: a closed record's id when its entry says null. */
function stemOf(name: string): string {
  return name.slice(0, name.lastIndexOf('.'));
}

function headerOf(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function isHeaderFor(h: unknown, format: string, folder: string): boolean {
  const header = h as Partial<CacheHeader>;
  return typeof h === 'object' && h !== null && header.format === format && header.rules === recordRulesKey() && header.folder === path.resolve(folder) && typeof header.generation === 'string';
}

/**
 * Reads the stamps part of `folder`'s cache; undefined when there is none or it cannot be trusted
 * as a whole (not JSON, another format, written for another folder, cut short, an entry of the
 * wrong shape). Closed records come back with a partial summary (see RecordSummary.partial).
 */
export async function readSummaryCache(cacheFile: string, folder: string): Promise<LoadedCache | undefined> {
  let text: string;
  try {
    text = await fs.readFile(cacheFile, 'utf8');
  } catch {
    return undefined;
  }
  let end = text.indexOf('\n');
  const header = headerOf(end < 0 ? text : text.slice(0, end)) as CacheHeader;
  if (!isHeaderFor(header, SUMMARY_CACHE_FORMAT, folder) || typeof header.writtenAt !== 'number' || typeof header.count !== 'number') return undefined;
  const entries = new Map<string, CachedSummary>();
  const slots = new Set<number>();
  const pace = slicePacer();
  // The names are plain file names (checked below).
  const prefix = folderPrefix(folder);
  while (end >= 0 && end < text.length - 1) {
    const start = end + 1;
    end = text.indexOf('\n', start);
    let items: unknown;
    try {
      items = JSON.parse(text.slice(start, end < 0 ? undefined : end));
    } catch {
      return undefined;
    }
    if (!Array.isArray(items)) return undefined;
    for (const item of items as unknown[]) {
      if (!Array.isArray(item) || !isStampLine(item)) return undefined;
      if (item.length === 8 && isFullLine(item)) {
        if (entries.has(item[0])) return undefined;
        const summary = item[7];
        summary.file = prefix + item[0];
        entries.set(item[0], { stamp: { size: item[1], mtimeMs: item[2], ctimeMs: item[3], ino: item[4] }, hash: item[6], checkedAt: item[5], summary });
      } else if (item.length === 10 && isClosedLine(item)) {
        if (entries.has(item[0]) || slots.has(item[9])) return undefined;
        slots.add(item[9]);
        const summary: RecordSummary = { file: prefix + item[0], kind: 'ok', id: item[6] ?? stemOf(item[0]), status: 'closed', month: item[8], partial: true };
        if (item[7] > 0) summary.idLine = item[7];
        entries.set(item[0], { stamp: { size: item[1], mtimeMs: item[2], ctimeMs: item[3], ino: item[4] }, hash: '', checkedAt: item[5], summary, slot: item[9] });
      } else {
        return undefined;
      }
      const pause = pace();
      if (pause) await pause;
    }
  }
  if (end < 0 && !text.endsWith('\n')) return undefined;
  return entries.size === header.count ? { entries, generation: header.generation } : undefined;
}

/** What a slot of the closed part holds for one record. */
export interface ClosedSummary {
  hash: string;
  summary: RecordSummary;
}

/** The lines of the closed part read so far: its text, where each line starts, which were parsed. */
function closedPartLines(text: string, folder: string, generation: string): { lineAt(i: number): string | undefined; slots: number } | undefined {
  const first = text.indexOf('\n');
  if (first < 0 || !text.endsWith('\n')) return undefined;
  const header = headerOf(text.slice(0, first)) as ClosedPartHeader;
  if (!isHeaderFor(header, CLOSED_PART_FORMAT, folder) || header.generation !== generation || !Number.isInteger(header.slots)) return undefined;
  const starts: number[] = [];
  for (let at = first + 1; at < text.length; at = text.indexOf('\n', at) + 1) starts.push(at);
  if (starts.length !== Math.ceil(header.slots / ENTRIES_PER_LINE)) return undefined;
  return { slots: header.slots, lineAt: (i) => (i < starts.length ? text.slice(starts[i], (starts[i + 1] ?? text.length) - 1) : undefined) };
}

/**
 * The summaries in these slots of the closed part of generation `generation`, by slot, each
 * checked against the name and id the stamps part gave: a slot that holds anything else, or a
 * closed part that is missing, damaged or of another generation, gives nothing for it (the
 * caller parses those files). Synchronous: `slots` are the few records someone asked for.
 */
export function readClosedSummariesSync(cacheFile: string, folder: string, generation: string, wanted: ReadonlyMap<number, { name: string; id: string }>): Map<number, ClosedSummary> {
  let text: string;
  try {
    text = readFileSync(closedPartFile(cacheFile), 'utf8');
  } catch {
    return new Map();
  }
  const found = new Map<number, ClosedSummary>();
  const lines = closedPartLines(text, folder, generation);
  if (!lines) return found;
  for (const [line, slots] of slotsByLine(wanted)) takeSlots(lines.lineAt(line), line, slots, wanted, folder, found);
  return found;
}

/** As readClosedSummariesSync for many slots (every closed record), a line at a time between yields. */
export async function readClosedSummaries(cacheFile: string, folder: string, generation: string, wanted: ReadonlyMap<number, { name: string; id: string }>): Promise<Map<number, ClosedSummary>> {
  let text: string;
  try {
    text = await fs.readFile(closedPartFile(cacheFile), 'utf8');
  } catch {
    return new Map();
  }
  const found = new Map<number, ClosedSummary>();
  const lines = closedPartLines(text, folder, generation);
  if (!lines) return found;
  for (const [line, slots] of slotsByLine(wanted)) {
    takeSlots(lines.lineAt(line), line, slots, wanted, folder, found);
    await yieldToEventLoop();
  }
  return found;
}

/** The wanted slots grouped by the closed part's line that holds them. */
function slotsByLine(wanted: ReadonlyMap<number, unknown>): Map<number, number[]> {
  const byLine = new Map<number, number[]>();
  for (const slot of wanted.keys()) {
    const line = Math.floor(slot / ENTRIES_PER_LINE);
    const list = byLine.get(line);
    if (list) list.push(slot);
    else byLine.set(line, [slot]);
  }
  return byLine;
}

function takeSlots(text: string | undefined, line: number, slots: number[], wanted: ReadonlyMap<number, { name: string; id: string }>, folder: string, found: Map<number, ClosedSummary>): void {
  if (text === undefined) return;
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    return;
  }
  if (!Array.isArray(items)) return;
  const prefix = folderPrefix(folder);
  for (const slot of slots) {
    const item = (items as unknown[])[slot - line * ENTRIES_PER_LINE] as SlotEntry | undefined;
    const want = wanted.get(slot)!;
    if (!Array.isArray(item) || item.length !== 3 || item[0] !== want.name || typeof item[1] !== 'string' || !isSummary(item[2])) continue;
    const summary = item[2];
    if (!isClosedSummary(summary) || summary.id !== want.id) continue;
    summary.file = prefix + want.name;
    found.set(slot, { hash: item[1], summary });
  }
}

/** Whether a cached entry may be trusted for a file with this stamp without reading it. */
export function trustByStamp(entry: CachedSummary, stamp: FileStamp): boolean {
  return sameStamp(entry.stamp, stamp) && stamp.mtimeMs < entry.checkedAt - RACY_WINDOW_MS && stamp.ctimeMs < entry.checkedAt - RACY_WINDOW_MS;
}

/** A name for one writing of the two parts (not a secret: it only tells writings apart). */
function newGeneration(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Writes the cache atomically (temp files, then renames: the closed part first, so the stamps
 * part never names a closed part that is not there yet); a failure leaves no cache rather than a
 * bad one. With `keep` (the generation of the closed part on disk, when every closed entry still
 * has its slot there), only the stamps part is written. Every closed entry must have its whole
 * summary otherwise. Returns the generation written.
 */
export async function writeSummaryCache(cacheFile: string, folder: string, entries: Map<string, CachedSummary>, keep?: string): Promise<string | undefined> {
  const generation = keep ?? newGeneration();
  const header: CacheHeader = { format: SUMMARY_CACHE_FORMAT, rules: recordRulesKey(), folder: path.resolve(folder), writtenAt: Date.now(), count: entries.size, generation };
  const lines = [JSON.stringify(header)];
  const closedLines: string[] = [];
  let closedLine: SlotEntry[] = [];
  let slots = 0;
  const pace = slicePacer();
  let line: (FullLine | ClosedLine)[] = [];
  for (const [name, entry] of entries) {
    // The file's path is implied by the folder; the cache stays valid if the folder is the same.
    const { file: _file, ...summary } = entry.summary;
    const { size, mtimeMs, ctimeMs, ino } = entry.stamp;
    if (isClosedSummary(entry.summary)) {
      let slot: number;
      if (keep !== undefined) {
        if (entry.slot === undefined) throw new Error(`${name}: a closed record without its slot in the kept closed part`);
        slot = entry.slot;
      } else {
        if (entry.summary.partial) throw new Error(`${name}: a closed record's summary was not read before writing the cache`);
        slot = slots++;
        entry.slot = slot;
        closedLine.push([name, entry.hash, summary as RecordSummary]);
        if (closedLine.length >= ENTRIES_PER_LINE) {
          closedLines.push(JSON.stringify(closedLine));
          closedLine = [];
        }
      }
      const id = entry.summary.id!;
      line.push([name, size, mtimeMs, ctimeMs, ino, entry.checkedAt, id === stemOf(name) ? null : id, entry.summary.idLine ?? 0, monthOf(entry.summary), slot]);
    } else {
      line.push([name, size, mtimeMs, ctimeMs, ino, entry.checkedAt, entry.hash, summary as RecordSummary]);
    }
    if (line.length >= ENTRIES_PER_LINE) {
      lines.push(JSON.stringify(line));
      line = [];
    }
    const pause = pace();
    if (pause) await pause;
  }
  if (line.length > 0) lines.push(JSON.stringify(line));
  if (closedLine.length > 0) closedLines.push(JSON.stringify(closedLine));
  const closedFile = closedPartFile(cacheFile);
  const suffix = `.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  const temps = [`${cacheFile}${suffix}`, `${closedFile}${suffix}`];
  try {
    await fs.mkdir(path.dirname(cacheFile), { recursive: true });
    if (keep === undefined) {
      const closedHeader: ClosedPartHeader = { format: CLOSED_PART_FORMAT, rules: header.rules, folder: header.folder, generation, slots };
      await fs.writeFile(temps[1]!, `${[JSON.stringify(closedHeader), ...closedLines].join('\n')}\n`);
      await fs.rename(temps[1]!, closedFile);
    }
    await fs.writeFile(temps[0]!, `${lines.join('\n')}\n`);
    await fs.rename(temps[0]!, cacheFile);
    return generation;
  } catch {
    await Promise.all([...temps, cacheFile].map((f) => fs.rm(f, { force: true }).catch(() => undefined)));
    return undefined;
  }
}

/**
 * The git directory of the repository holding `dir`, found without running git: a `.git`
 * directory, or a `.git` file (worktrees, submodules) naming it. Undefined outside a repository.
 */
export function findGitDir(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    const dotGit = path.join(current, '.git');
    try {
      const st = statSync(dotGit);
      if (st.isDirectory()) return dotGit;
      if (st.isFile()) {
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
        if (m) return path.resolve(current, m[1]!);
      }
    } catch {
      // not here; look further up
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Where the summaries of a records folder are cached inside a git dir (never committed). */
export function cacheFileInGitDir(gitDir: string, folder: string): string {
  return path.join(gitDir, 'incident-room', `summaries-${textKey(path.resolve(folder)).slice(0, 12)}.json`);
}

/**
 * Sixteen hex digits for a text: two 32-bit FNV-1a hashes. Names a folder's cache; not a
 * security measure (what is under .git is never trusted over the files), and it keeps a warm
 * `status`, which hashes nothing else, from loading the crypto module.
 */
export function textKey(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

// A folder of incident records: loading them all, creating one, and updating one safely
// (one writer at a time through a lock, re-read first, never write a broken or invalid record,
// never clobber a change on disk, never leave a temp file where it could be committed).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isScalar, type Pair } from 'yaml';
import { applyEditsToValue, type RecordEdit, type RecordOperation } from '../model/edits';
import type { Incident, Person } from '../model/record';
import { validateIncident, validatePeopleFile } from '../model/validate';
import { createValueNode, editText } from './recordEditor';
import { DEFAULT_MAX_RECORD_BYTES, readRegularFile, replaceIfUnchanged, writableTarget } from './recordIo';
import { withRecordLock } from './recordLock';
import { sweepTempFiles } from './workDir';
import {
  idFromText,
  locateProblems,
  parseRecordDetailed,
  parseYamlFile,
  positionOfPath,
  type BrokenReason,
  type LoadedRecord,
  type ParsedYaml,
  type RecordProblem,
} from './recordFile';

export const RECORD_HEADER = '# Incident record (incident-room/v1). Hand edits are kept.';

const MAX_UPDATE_ATTEMPTS = 3;

function problemList(problems: readonly RecordProblem[]): string {
  return problems.map((p) => `  ${p.line}:${p.col} ${p.message}`).join('\n');
}

/** The file on disk is broken; it is left exactly as it is. */
export class RecordBrokenError extends Error {
  constructor(
    readonly file: string,
    readonly reason: BrokenReason,
    readonly problems: RecordProblem[],
  ) {
    super(`${path.basename(file)} is broken (${reason}) and was not changed:\n${problemList(problems)}`);
    this.name = 'RecordBrokenError';
  }
}

/** The change (or the new record) would not validate; nothing was written. Positions are in the text that would have been written. */
export class RecordInvalidError extends Error {
  constructor(
    readonly file: string,
    readonly problems: RecordProblem[],
  ) {
    super(`refused to write ${path.basename(file)}: the result would not be a valid record:\n${problemList(problems)}`);
    this.name = 'RecordInvalidError';
  }
}

/** The file kept changing on disk while we tried to update it. */
export class RecordChangedError extends Error {
  constructor(
    readonly file: string,
    attempts: number,
  ) {
    super(`${path.basename(file)} changed on disk during each of ${attempts} attempts to update it; nothing was written. Try again.`);
    this.name = 'RecordChangedError';
  }
}

/** create() refused: the id or the file is already taken. */
export class RecordExistsError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'RecordExistsError';
  }
}

export class IncidentStore {
  private loaded: LoadedRecord[] = [];
  // Updates to one file run one after another, so two in this process cannot race.
  private readonly queues = new Map<string, Promise<unknown>>();

  private swept = false;
  /** Records larger than this many bytes are refused (not read). */
  readonly maxRecordBytes: number;

  constructor(
    readonly folderPath: string,
    options: { maxRecordBytes?: number } = {},
  ) {
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  /** Reads every *.yaml / *.yml directly in the folder, sorted by file name. A missing folder holds no records. */
  async loadAll(): Promise<LoadedRecord[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.folderPath);
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) {
        this.loaded = [];
        return [];
      }
      throw err;
    }
    if (!this.swept) {
      // Temp files of writers that died mid-write, from an earlier run.
      this.swept = true;
      await sweepTempFiles(this.folderPath);
    }
    names = names.filter((n) => /\.ya?ml$/i.test(n)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const entries: { loaded: LoadedRecord; parsed?: ParsedYaml }[] = [];
    for (const name of names) {
      const file = path.join(this.folderPath, name);
      let stat;
      try {
        stat = await fs.stat(file);
      } catch (err) {
        entries.push({ loaded: ioBroken(file, err) });
        continue;
      }
      if (!stat.isFile()) continue;
      try {
        entries.push(parseRecordDetailed(file, (await readRegularFile(file, this.maxRecordBytes)).bytes));
      } catch (err) {
        entries.push({ loaded: ioBroken(file, err) });
      }
    }
    this.loaded = markDuplicateIds(entries);
    return [...this.loaded];
  }

  /** The records from the last loadAll (kept current by create and update). */
  records(): readonly LoadedRecord[] {
    return this.loaded;
  }

  /** The record with this id from the last load; a valid one when there is one. */
  get(id: string): LoadedRecord | undefined {
    const matches = this.loaded.filter((r) => (r.kind === 'ok' ? r.incident.id === id : r.id === id));
    return matches.find((r) => r.kind === 'ok') ?? matches[0];
  }

  /** Writes a new record as <id>.yaml and returns its path. Never overwrites a file or reuses an id. */
  async create(incident: Incident): Promise<string> {
    const file = path.join(this.folderPath, `${String(incident.id)}.yaml`);
    const text = renderNewRecord(incident);
    const check = parseRecordDetailed(file, text).loaded;
    if (check.kind === 'broken') throw new RecordInvalidError(file, check.problems);
    const existing = (await this.loadAll()).find((r) => (r.kind === 'ok' ? r.incident.id === incident.id : r.id === incident.id));
    if (existing) {
      throw new RecordExistsError(existing.file, `an incident with id "${incident.id}" already exists in ${path.basename(existing.file)}`);
    }
    await fs.mkdir(this.folderPath, { recursive: true });
    try {
      await fs.writeFile(file, text, { flag: 'wx' });
    } catch (err) {
      if (isErrno(err, 'EEXIST')) throw new RecordExistsError(file, `${path.basename(file)} already exists; not overwritten`);
      throw err;
    }
    await this.loadAll();
    return file;
  }

  /**
   * Re-reads the file, runs the operation on what is on disk now, applies its edits to the
   * YAML and writes the result atomically, only if the file did not change in the meantime.
   * Throws RecordBrokenError for a broken file, RecordInvalidError for an invalid result,
   * RecordChangedError when the file kept changing; RuleViolation from the operation passes through.
   */
  update(file: string, operation: RecordOperation): Promise<Incident> {
    const abs = path.resolve(this.folderPath, file);
    const previous = this.queues.get(abs) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.updateNow(abs, operation));
    this.queues.set(abs, next);
    const cleanup = () => {
      if (this.queues.get(abs) === next) this.queues.delete(abs);
    };
    next.then(cleanup, cleanup);
    return next;
  }

  /** Reads a shared people file; see readPeopleFile. */
  readPeopleFile(filePath: string): Promise<{ people: Person[]; problems: RecordProblem[] }> {
    return readPeopleFile(filePath);
  }

  private async updateNow(file: string, operation: RecordOperation): Promise<Incident> {
    // A symlink is written through to its target; hard links and read-only files are refused.
    const target = await writableTarget(file);
    return withRecordLock(target, async () => {
      for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
        const snapshot = await readRegularFile(target, this.maxRecordBytes);
        const { loaded, parsed } = parseRecordDetailed(file, snapshot.bytes);
        if (loaded.kind === 'broken' || !parsed) {
          const broken = loaded as Extract<LoadedRecord, { kind: 'broken' }>;
          this.remember(broken);
          throw new RecordBrokenError(file, broken.reason, broken.problems);
        }
        const twins = await this.otherFilesWithId(file, loaded.incident.id);
        if (twins.length > 0) {
          const problem = { ...positionOfPath(parsed, ['id']), message: `id "${loaded.incident.id}" is also used by ${twins.join(', ')}` };
          throw new RecordBrokenError(file, 'duplicate-id', [problem]);
        }
        const edits = operation(structuredClone(loaded.incident));
        if (edits.length === 0) {
          this.remember(loaded);
          return loaded.incident;
        }
        const result = editRecord(file, parsed, loaded.incident, edits);
        if (result.text === parsed.text) {
          this.remember(result.loaded);
          return result.loaded.incident;
        }
        const bom = startsWithBom(snapshot.bytes) ? '\uFEFF' : '';
        if (await replaceIfUnchanged(target, snapshot, bom + result.text)) {
          this.remember(result.loaded);
          return result.loaded.incident;
        }
      }
      throw new RecordChangedError(file, MAX_UPDATE_ATTEMPTS);
    });
  }

  /** Other record files in the folder whose `id:` line names this id, as "name:line". */
  private async otherFilesWithId(file: string, id: string): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.folderPath);
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const name of names.filter((n) => /\.ya?ml$/i.test(n)).sort()) {
      const other = path.join(this.folderPath, name);
      if (path.resolve(other) === path.resolve(file)) continue;
      let text: string;
      try {
        text = (await readRegularFile(other, this.maxRecordBytes)).bytes.toString('utf8');
      } catch {
        continue;
      }
      if (idFromText(text) === id) out.push(`${name}:${text.split('\n').findIndex((l) => /^id\s*:/.test(l)) + 1}`);
    }
    return out;
  }

  private remember(record: LoadedRecord): void {
    const i = this.loaded.findIndex((r) => r.file === record.file);
    if (i >= 0) this.loaded[i] = record;
  }
}

/** Reads a people file (`people: [ {id, name, timezone, phone, email, git_emails} ]`). A missing or empty file holds no people. */
export async function readPeopleFile(filePath: string): Promise<{ people: Person[]; problems: RecordProblem[] }> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(filePath);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { people: [], problems: [] };
    return { people: [], problems: [{ line: 1, col: 1, message: `cannot read the people file: ${(err as Error).message}` }] };
  }
  const outcome = parseYamlFile(bytes);
  if (!outcome.ok) {
    return { people: [], problems: outcome.reason === 'empty' ? [] : outcome.problems };
  }
  const problems = validatePeopleFile(outcome.parsed.value);
  const value = outcome.parsed.value as { people?: unknown };
  const list = Array.isArray(value?.people) ? (value.people as unknown[]) : [];
  // Keep the people that are fine; one bad entry should not hide everyone else.
  const bad = new Set(problems.filter((p) => p.path[0] === 'people' && typeof p.path[1] === 'number').map((p) => p.path[1] as number));
  const people = list.filter((_, i) => !bad.has(i)) as Person[];
  return { people: problems.some((p) => p.path.length < 2) ? [] : people, problems: locateProblems(outcome.parsed, problems) };
}

const TOP_LEVEL_ORDER = [
  'schema', 'id', 'title', 'severity', 'status', 'declared_at', 'closed_at', 'impact', 'links', 'people', 'roles', 'customers',
  'questions', 'checklists', 'contact_attempts', 'regroup', 'updates', 'fix', 'released_without_tests', 'test_command',
  'test_plan', 'test_runs', 'timeline',
];

/** The text of a new record: header comment, known keys in a fixed order, sections separated by a blank line. */
export function renderNewRecord(incident: Incident): string {
  const source = incident as unknown as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_ORDER) if (source[key] !== undefined) ordered[key] = source[key];
  for (const key of Object.keys(source)) if (!(key in ordered) && source[key] !== undefined) ordered[key] = source[key];
  const doc = new Document();
  const root = createValueNode(doc, ordered);
  doc.contents = root as never;
  doc.commentBefore = RECORD_HEADER.replace(/^#/, '');
  if (isMap(root)) {
    let first = true;
    for (const pair of root.items as Pair[]) {
      const collection = pair.value !== null && typeof pair.value === 'object' && !isScalar(pair.value);
      if (collection && !first && isScalar(pair.key)) pair.key.spaceBefore = true;
      first = false;
    }
  }
  return doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false });
}

/**
 * Runs an operation on a record's text that is not on disk (an editor's unsaved buffer): the
 * same checks and the same in-place edits as update, returning the new text instead of writing
 * it. Throws RecordBrokenError for a broken text, RecordInvalidError for an invalid result.
 */
export function updateText(file: string, text: string, operation: RecordOperation): { text: string; incident: Incident } {
  const { loaded, parsed } = parseRecordDetailed(file, text);
  if (loaded.kind === 'broken' || !parsed) {
    const broken = loaded as Extract<LoadedRecord, { kind: 'broken' }>;
    throw new RecordBrokenError(file, broken.reason, broken.problems);
  }
  const edits = operation(structuredClone(loaded.incident));
  if (edits.length === 0) return { text, incident: loaded.incident };
  const result = editRecord(file, parsed, loaded.incident, edits);
  return { text: result.text, incident: result.loaded.incident };
}

function startsWithBom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * The record after the edits, from one parse: the text is patched in place, and what it means
 * is the loaded value with the same edits applied, validated. Only a small text is parsed once
 * more to check that the two agree (a large one's patches are checked by construction).
 */
function editRecord(file: string, parsed: ParsedYaml, incident: Incident, edits: readonly RecordEdit[]): { text: string; loaded: Extract<LoadedRecord, { kind: 'ok' }> } {
  const text = editText(parsed.text, parsed.doc, edits);
  let value: unknown;
  try {
    value = applyEditsToValue(incident, edits);
  } catch (err) {
    throw new RecordInvalidError(file, [{ line: 1, col: 1, message: (err as Error).message }]);
  }
  const problems = validateIncident(value);
  if (problems.length > 0 || text.length <= RECHECK_BELOW_CHARS) {
    const check = parseRecordDetailed(file, text);
    if (check.loaded.kind === 'broken') throw new RecordInvalidError(file, check.loaded.problems);
    if (!isDeepStrictEqual(check.loaded.incident, value)) {
      throw new RecordInvalidError(file, [{ line: 1, col: 1, message: 'the change could not be written without changing other values; nothing was written' }]);
    }
  }
  return { text, loaded: { kind: 'ok', file, incident: value as Incident, text } };
}

// Below this size a patched record is parsed again to prove the text says what was meant.
const RECHECK_BELOW_CHARS = 64 * 1024;

function ioBroken(file: string, err: unknown): LoadedRecord {
  return { kind: 'broken', file, reason: 'io', problems: [{ line: 1, col: 1, message: `cannot read the file: ${(err as Error).message}` }] };
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function idOf(r: LoadedRecord): string | undefined {
  return r.kind === 'ok' ? r.incident.id : r.id;
}

function idPosition(entry: { loaded: LoadedRecord; parsed?: ParsedYaml }): { line: number; col: number } {
  if (entry.parsed) return positionOfPath(entry.parsed, ['id']);
  const text = entry.loaded.text;
  const index = text ? text.split('\n').findIndex((l) => /^id\s*:/.test(l)) : -1;
  return { line: index >= 0 ? index + 1 : 1, col: 1 };
}

/** Every file sharing an id with another is broken, pointing at the others' `id:` lines. */
function markDuplicateIds(entries: { loaded: LoadedRecord; parsed?: ParsedYaml }[]): LoadedRecord[] {
  const byId = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const id = idOf(e.loaded);
    if (id === undefined) return;
    byId.set(id, [...(byId.get(id) ?? []), i]);
  });
  const out = entries.map((e) => e.loaded);
  for (const [id, indexes] of byId) {
    if (indexes.length < 2) continue;
    for (const i of indexes) {
      const others = indexes
        .filter((j) => j !== i)
        .map((j) => `${path.basename(entries[j]!.loaded.file)}:${idPosition(entries[j]!).line}`);
      const problem: RecordProblem = { ...idPosition(entries[i]!), message: `id "${id}" is also used by ${others.join(', ')}` };
      const r = out[i]!;
      out[i] =
        r.kind === 'ok'
          ? { kind: 'broken', file: r.file, reason: 'duplicate-id', problems: [problem], id, text: r.text }
          : { ...r, problems: [...r.problems, problem] };
    }
  }
  return out;
}

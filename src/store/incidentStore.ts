// A folder of incident records: loading them all, creating one, and updating one safely
// (one writer at a time through a lock, re-read first, never write a broken or invalid record,
// never clobber a change on disk, never leave a temp file where it could be committed).
import { promises as fs, readFileSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isScalar, type Pair } from 'yaml';
import { applyEditsToValue, type RecordEdit, type RecordOperation } from '../model/edits';
import type { Incident, Person } from '../model/record';
import { validateAppended, validateIncident, validatePeopleFile } from '../model/validate';
import { appendToBlockLists } from './recordAppend';
import { createValueNode, editText } from './recordEditor';
import { DEFAULT_MAX_RECORD_BYTES, readRegularFile, replaceIfUnchanged, writableTarget } from './recordIo';
import { withRecordLock } from './recordLock';
import { forEachInSlices, sliceClockMs, slicePacer } from './slices';
import { sweepTempFiles } from './workDir';
import type { RecordValueCache } from './recordValueCache';
import {
  locateProblems,
  parseRecordDetailed,
  recordText,
  parseYamlFile,
  positionOfPath,
  type BrokenReason,
  type LoadedRecord,
  type ParsedYaml,
  type RecordProblem,
} from './recordFile';
import { FEW_FILES_FOR_WORKERS, inParseWorkers, worthParseWorkers } from './parseWorkers';
import {
  folderPrefix,
  hashBytes,
  isClosedSummary,
  markDuplicateSummaries,
  readClosedSummaries,
  readClosedSummariesSync,
  readSummaryCache,
  sameStamp,
  stampOf,
  summarizeFileSync,
  trustByStamp,
  writeSummaryCache,
  type CachedSummary,
  type ClosedSummary,
  type RecordSummary,
  type SummarizedFile,
} from './summaryCache';

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

export interface IncidentStoreOptions {
  /** Where the record summaries are cached between runs (never inside the records folder). */
  cacheFile?: string;
  /** Parse cold files in a worker thread, so the caller's event loop stays free (the editor). */
  offThread?: boolean;
  /** Records larger than this many bytes are refused unread (default DEFAULT_MAX_RECORD_BYTES). */
  maxRecordBytes?: number;
  /**
   * Valid records' values by the hash of their bytes (see recordValueCache.ts): readRecord uses
   * an entry for the exact bytes on disk instead of parsing, and every read that parsed and every
   * write whose text was parsed back keeps one.
   */
  valueCache?: RecordValueCache;
}

export interface LoadProgress {
  done: number;
  total: number;
}

/** Main-thread parsing yields after this much work, so a burst cannot block the event loop for long. */
const SLICE_MS = 12;
/** Content checks in flight at once: enough to keep the I/O threads busy. */
const CHECK_CONCURRENCY = 64;
/** While files are parsed, progress (with the summaries so far) is reported this often. */
const PROGRESS_MS = 250;
/** Records parsed in full while summarising (every open one among them), kept for readRecord. */
const RECENT_RECORDS = 256;
/** A cache write waits this long for more changes (a burst of saves writes it once). */
const CACHE_WRITE_DELAY_MS = 1000;

export class IncidentStore {
  private loaded: LoadedRecord[] = [];
  // Updates to one file run one after another, so two in this process cannot race.
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Summaries by file name, with the stamp and hash they were made from. */
  private summaryEntries = new Map<string, CachedSummary>();
  private summaryList: RecordSummary[] = [];
  /** The summaries marked broken for sharing their id with another file, by file. */
  private duplicates = new Map<string, RecordSummary>();
  private cacheRead = false;
  private cacheDirty = false;
  /** The generation of the cache's closed part that the closed entries' slots point into (see summaryCache.ts). */
  private closedGeneration: string | undefined;
  private cacheTimer: NodeJS.Timeout | undefined;
  /** Records parsed in full while summarising (the few changed on the main thread), for readRecord. */
  private readonly recentRecords = new Map<string, { stamp: CachedSummary['stamp']; record: LoadedRecord }>();
  /** The last parse of each record's bytes (readRecord's): an update of the same bytes starts from it instead of parsing again. */
  private readonly parsedBytes = new Map<string, { bytes: Buffer; loaded: LoadedRecord; parsed?: ParsedYaml }>();

  private swept = false;
  /** Records larger than this many bytes are refused (not read). */
  readonly maxRecordBytes: number;

  constructor(
    readonly folderPath: string,
    private readonly options: IncidentStoreOptions = {},
  ) {
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  /** Whether work over many records goes to worker threads, to keep the caller's event loop free (the editor's store). */
  get parsesOffThread(): boolean {
    return this.options.offThread === true;
  }

  /**
   * The summary of every record in the folder, sorted by file name. Unchanged files (same size,
   * mtime, ctime and inode as in the cache) are not read; the others are parsed in full, in a
   * worker thread when the store was made for the editor. Duplicate ids are marked broken.
   */
  async loadSummaries(opts: { onProgress?(progress: LoadProgress, summaries: readonly RecordSummary[]): void } = {}): Promise<RecordSummary[]> {
    await this.syncSummaries(opts.onProgress);
    await this.flushCache();
    return this.summaryList;
  }

  /** As loadSummaries, leaving the cache to be written a little later. */
  private async syncSummaries(
    onProgress?: (progress: LoadProgress, summaries: readonly RecordSummary[]) => void,
    except?: string,
  ): Promise<RecordSummary[]> {
    // The folder is listed while the cache is read.
    const listing = fs.readdir(this.folderPath);
    listing.catch(() => undefined);
    await this.readCacheOnce();
    let names: string[];
    try {
      names = (await listing).filter((n) => /\.ya?ml$/i.test(n));
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
      names = [];
    }
    const present = new Set(names);
    for (const name of [...this.summaryEntries.keys()]) {
      if (!present.has(name)) {
        this.summaryEntries.delete(name);
        this.cacheDirty = true;
      }
    }
    await this.refreshNames(except === undefined ? names : names.filter((n) => n !== except), onProgress);
    this.scheduleCacheWrite();
    return this.summaryList;
  }

  /**
   * Re-reads only the named files (a file-system event's), parsing the ones that changed;
   * a named file that is gone is dropped. Returns every summary.
   */
  async refreshFiles(files: readonly string[]): Promise<RecordSummary[]> {
    await this.readCacheOnce();
    const names = new Set<string>();
    for (const f of files) {
      const abs = path.resolve(this.folderPath, f);
      if (path.dirname(abs) === path.resolve(this.folderPath) && /\.ya?ml$/i.test(abs)) names.add(path.basename(abs));
    }
    await this.refreshNames([...names]);
    this.scheduleCacheWrite();
    return this.summaryList;
  }

  /**
   * Every record's summary with the hash of the bytes it was made from, brought up to date first
   * (files are stat-ed; only changed ones are parsed): for what is derived from every record.
   */
  async syncedEntries(): Promise<{ name: string; hash: string; summary: RecordSummary }[]> {
    await this.syncSummaries();
    await this.completeSummaries();
    const list = this.summaryList;
    const entries: { name: string; hash: string; summary: RecordSummary }[] = new Array(list.length);
    await forEachInSlices(list, (summary, i) => {
      const name = path.basename(summary.file);
      entries[i] = { name, hash: this.summaryEntries.get(name)?.hash ?? '', summary };
    });
    return entries;
  }

  /** Where this folder's summaries are cached, if anywhere; what else is derived from the records is kept beside it. */
  get cacheFile(): string | undefined {
    return this.options.cacheFile;
  }

  /**
   * The summaries from the last loadSummaries or refreshFiles. A closed record's is partial (see
   * RecordSummary.partial) until completeSummaries has read it.
   */
  summaries(): readonly RecordSummary[] {
    return this.summaryList;
  }

  /**
   * Completes, in place, the partial summaries of these files (every file's when none are named)
   * from the cache's closed part; a file the closed part does not vouch for (another generation,
   * damaged, gone) is parsed instead. Resolves true when a record turned out to be other than
   * the stamps part said (not closed, or another id): the list was rebuilt, and what was derived
   * from it should be too.
   */
  async completeSummaries(files?: readonly string[]): Promise<boolean> {
    const wanted = this.partialEntries(files);
    if (wanted.size === 0) return false;
    const { cacheFile } = this.options;
    const found = cacheFile && this.closedGeneration !== undefined ? await readClosedSummaries(cacheFile, this.folderPath, this.closedGeneration, wanted) : new Map<number, ClosedSummary>();
    const missing = await this.fillInSlices(wanted, found);
    if (missing.length === 0) return false;
    // Not vouched for: the files decide. Forgotten first, so that their stamps do not let them pass.
    for (const { name } of missing) this.summaryEntries.delete(name);
    await this.refreshNames(missing.map((m) => m.name));
    this.cacheDirty = true;
    this.scheduleCacheWrite();
    return missing.some(({ name, id }) => {
      const summary = this.summaryEntries.get(name)?.summary;
      return !summary || !isClosedSummary(summary) || summary.id !== id;
    });
  }

  /** As completeSummaries, synchronously: for the few records of a month someone opened in the tree. */
  completeSummariesSync(files: readonly string[]): boolean {
    const wanted = this.partialEntries(files);
    if (wanted.size === 0) return false;
    const { cacheFile } = this.options;
    const found = cacheFile && this.closedGeneration !== undefined ? readClosedSummariesSync(cacheFile, this.folderPath, this.closedGeneration, wanted) : new Map<number, ClosedSummary>();
    const missing = this.fillIn(wanted, found);
    let surprise = false;
    for (const { name } of missing) {
      const entry = this.summaryEntries.get(name)!;
      const result = summarizeFileSync(folderPrefix(this.folderPath) + name, false, this.maxRecordBytes, this.options.valueCache);
      if (!result.cached) continue;
      // In place, so that whoever holds the summary sees the file's truth.
      if (!isClosedSummary(result.cached.summary) || result.cached.summary.id !== entry.summary.id) surprise = true;
      replaceInPlace(entry.summary, result.cached.summary);
      this.summaryEntries.set(name, { ...result.cached, summary: entry.summary });
    }
    if (missing.length > 0) {
      this.cacheDirty = true;
      this.scheduleCacheWrite();
    }
    return surprise;
  }

  /** The partial entries among these files (all when none are named), by their slot in the closed part. */
  private partialEntries(files?: readonly string[]): Map<number, { name: string; id: string; entry: CachedSummary }> {
    const wanted = new Map<number, { name: string; id: string; entry: CachedSummary }>();
    const add = (name: string, entry: CachedSummary | undefined) => {
      if (entry?.summary.partial && entry.slot !== undefined) wanted.set(entry.slot, { name, id: entry.summary.id!, entry });
    };
    if (files === undefined) for (const [name, entry] of this.summaryEntries) add(name, entry);
    else for (const f of files) add(path.basename(f), this.summaryEntries.get(path.basename(f)));
    return wanted;
  }

  /** Completes the partial summaries the closed part held; returns the others. */
  private fillIn(wanted: Map<number, { name: string; id: string; entry: CachedSummary }>, found: Map<number, ClosedSummary>): { name: string; id: string }[] {
    const missing: { name: string; id: string }[] = [];
    for (const [slot, want] of wanted) this.fillOne(want, found.get(slot), missing);
    return missing;
  }

  /** As fillIn, a slice at a time: completing every closed summary of 10,000 took 90 ms at once. */
  private async fillInSlices(wanted: Map<number, { name: string; id: string; entry: CachedSummary }>, found: Map<number, ClosedSummary>): Promise<{ name: string; id: string }[]> {
    const missing: { name: string; id: string }[] = [];
    const pace = slicePacer();
    for (const [slot, want] of wanted) {
      this.fillOne(want, found.get(slot), missing);
      const pause = pace();
      if (pause) await pause;
    }
    return missing;
  }

  private fillOne({ name, id, entry }: { name: string; id: string; entry: CachedSummary }, closed: ClosedSummary | undefined, missing: { name: string; id: string }[]): void {
    // Replaced while the closed part was read, or while this yielded (the file changed): the new entry is whole.
    if (this.summaryEntries.get(name) !== entry || !entry.summary.partial) return;
    if (!closed) {
      missing.push({ name, id });
      return;
    }
    replaceInPlace(entry.summary, closed.summary);
    entry.hash = closed.hash;
  }

  /** One record in full, read now (reused when it was just parsed and has not changed since). */
  async readRecord(file: string): Promise<LoadedRecord> {
    const abs = path.resolve(this.folderPath, file);
    const recent = this.recentRecords.get(abs);
    if (recent) {
      try {
        if (sameStamp(stampOf(await fs.stat(abs)), recent.stamp)) {
          if (this.options.valueCache && recent.record.kind === 'ok') this.keepValue(abs, recent.record);
          return recent.record;
        }
      } catch {
        // fall through to reading it, which reports the error
      }
    }
    let bytes: Buffer;
    try {
      bytes = (await readRegularFile(abs, this.maxRecordBytes)).bytes;
    } catch (err) {
      return ioBroken(abs, err);
    }
    const cached = this.options.valueCache?.get(bytes);
    const record: LoadedRecord = cached ? { kind: 'ok', file: abs, incident: cached, text: recordText(bytes) } : this.parseBytes(abs, bytes).loaded;
    const duplicate = this.duplicates.get(abs);
    if (duplicate && record.kind === 'ok') {
      return { kind: 'broken', file: abs, reason: 'duplicate-id', problems: duplicate.problems ?? [], id: record.incident.id, text: record.text };
    }
    return record;
  }

  /** Parses a record's bytes, keeping the parse for an update of the same bytes and a valid record's value in the value cache. */
  private parseBytes(file: string, bytes: Buffer): { loaded: LoadedRecord; parsed?: ParsedYaml } {
    const result = parseRecordDetailed(file, bytes);
    this.parsedBytes.set(file, { bytes, ...result });
    if (this.parsedBytes.size > 8) this.parsedBytes.delete(this.parsedBytes.keys().next().value!);
    if (result.loaded.kind === 'ok') this.options.valueCache?.put(bytes, result.loaded.incident);
    return result;
  }

  /** Keeps the value of a record parsed while summarising, for the bytes it was parsed from (read again, and compared). */
  private keepValue(file: string, record: Extract<LoadedRecord, { kind: 'ok' }>): void {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return;
    }
    if (bytes.length <= this.maxRecordBytes && recordText(bytes) === record.text) this.options.valueCache?.put(bytes, record.incident);
  }

  /** The kept parse of exactly these bytes of file, else a new one. */
  private parseForEdit(file: string, bytes: Buffer): { loaded: LoadedRecord; parsed?: ParsedYaml } {
    const kept = this.parsedBytes.get(file);
    if (kept && kept.bytes.equals(bytes)) return kept;
    return parseRecordDetailed(file, bytes);
  }

  /** As readRecord, synchronously: for one record someone just expanded (a few milliseconds). */
  readRecordSync(file: string): LoadedRecord {
    const abs = path.resolve(this.folderPath, file);
    const result = summarizeFileSync(abs, true, this.maxRecordBytes);
    const record = result.record ?? ioBroken(abs, new Error('the file is gone'));
    const duplicate = this.duplicates.get(abs);
    if (duplicate && record.kind === 'ok') {
      return { kind: 'broken', file: abs, reason: 'duplicate-id', problems: duplicate.problems ?? [], id: record.incident.id, text: record.text };
    }
    return record;
  }

  /**
   * Writes a pending cache update now (the editor calls this when it shuts down). When every
   * closed record still has its slot in the closed part on disk, only the stamps part is written;
   * else every closed summary is read first, and both parts are written anew.
   */
  async flushCache(): Promise<void> {
    clearTimeout(this.cacheTimer);
    this.cacheTimer = undefined;
    const { cacheFile } = this.options;
    if (!this.cacheDirty || !cacheFile) return;
    this.cacheDirty = false;
    let keep = this.closedGeneration;
    for (const entry of this.summaryEntries.values()) {
      if (keep !== undefined && isClosedSummary(entry.summary) && entry.slot === undefined) keep = undefined;
    }
    if (keep === undefined) {
      await this.completeSummaries();
      // Completing may have found more to write; this write covers it.
      clearTimeout(this.cacheTimer);
      this.cacheTimer = undefined;
      this.cacheDirty = false;
    }
    try {
      this.closedGeneration = await writeSummaryCache(cacheFile, this.folderPath, this.summaryEntries, keep);
    } catch {
      // A record changed while the cache was being written (a closed one not read yet): the next write has it, whole.
      this.closedGeneration = undefined;
      this.cacheDirty = true;
      this.scheduleCacheWrite();
    }
  }

  private scheduleCacheWrite(): void {
    if (!this.cacheDirty || !this.options.cacheFile || this.cacheTimer) return;
    this.cacheTimer = setTimeout(() => {
      this.cacheTimer = undefined;
      void this.flushCache();
    }, CACHE_WRITE_DELAY_MS);
    this.cacheTimer.unref?.();
  }

  private async readCacheOnce(): Promise<void> {
    if (this.cacheRead) return;
    this.cacheRead = true;
    if (!this.options.cacheFile) return;
    const cache = await readSummaryCache(this.options.cacheFile, this.folderPath);
    if (cache) {
      this.summaryEntries = cache.entries;
      this.closedGeneration = cache.generation;
    } else {
      // Nothing to trust: every file is parsed, and the cache is written anew.
      this.cacheDirty = true;
    }
  }

  /** Stats the named files and parses those whose stamp (or, when racy, content) changed. */
  private async refreshNames(names: string[], onProgress?: (progress: LoadProgress, summaries: readonly RecordSummary[]) => void): Promise<void> {
    const stale: string[] = [];
    let racy: { name: string; entry: CachedSummary }[] = [];
    // Synchronous stats, a slice at a time: several times cheaper than a promise per file (10,000
    // files), and a slice still yields after a few milliseconds.
    const pace = slicePacer();
    // A plain file name under the folder: joined by hand, as path.join costs more than the stat here.
    const prefix = folderPrefix(this.folderPath);
    for (const name of names) {
      const pause = pace();
      if (pause) await pause;
      const file = prefix + name;
      let st: Stats | undefined;
      try {
        st = statSync(file, { throwIfNoEntry: false });
      } catch {
        stale.push(name);
        continue;
      }
      if (!st || !st.isFile()) {
        if (this.summaryEntries.delete(name)) this.cacheDirty = true;
        continue;
      }
      const entry = this.summaryEntries.get(name);
      const stamp = stampOf(st);
      if (entry && trustByStamp(entry, stamp)) continue;
      // Changed within the timestamp granularity of when it was read: the bytes decide, not the stamp.
      if (entry && sameStamp(entry.stamp, stamp)) racy.push({ name, entry });
      else stale.push(name);
    }
    // A closed record's hash is in the cache's closed part: read there first (those not found there are parsed).
    const partialRacy = racy.filter((r) => r.entry.summary.partial).map((r) => r.name);
    if (partialRacy.length > 0) {
      await this.completeSummaries(partialRacy);
      racy = racy.flatMap(({ name }) => {
        const entry = this.summaryEntries.get(name);
        return entry && !entry.summary.partial ? [{ name, entry }] : [];
      });
    }
    await forEachLimited(racy, CHECK_CONCURRENCY, async ({ name, entry }) => {
      const checkedAt = Date.now();
      try {
        if (hashBytes(await fs.readFile(path.join(this.folderPath, name))) === entry.hash) {
          // The same bytes now: from this check on, the stamp is enough once the granularity has passed.
          this.summaryEntries.set(name, { ...entry, checkedAt });
          this.cacheDirty = true;
          return;
        }
      } catch {
        // read it again below
      }
      stale.push(name);
    });
    const total = stale.length;
    if (total > 0) {
      stale.sort();
      let done = 0;
      // Cheap bookkeeping per batch; the list is rebuilt (a pass over every summary) only for progress reports.
      const accept = (results: SummarizedFile[]) => {
        for (const r of results) {
          const name = path.basename(r.file);
          if (r.missing || !r.cached) this.summaryEntries.delete(name);
          else this.summaryEntries.set(name, r.cached);
          if (r.record && r.cached) {
            this.recentRecords.set(r.file, { stamp: r.cached.stamp, record: r.record });
            if (this.recentRecords.size > RECENT_RECORDS) this.recentRecords.delete(this.recentRecords.keys().next().value!);
          }
        }
        done += results.length;
        this.cacheDirty = true;
      };
      const files = stale.map((n) => prefix + n);
      let finished = false;
      const parsing = (
        this.options.offThread && worthParseWorkers(total)
          ? inParseWorkers('summaries', files, this.maxRecordBytes, accept)
          : parseInSlices(files, accept, total <= FEW_FILES_FOR_WORKERS ? true : 'open', this.maxRecordBytes, this.options.valueCache)
      ).finally(() => (finished = true));
      if (onProgress) {
        // Progress at a steady pace, not per batch: each report walks every summary.
        while (!finished) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([parsing.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, PROGRESS_MS)))]);
          clearTimeout(timer);
          if (finished) break;
          await this.rebuildList();
          onProgress({ done, total }, this.summaryList);
        }
      }
      await parsing;
      await this.rebuildList();
      onProgress?.({ done, total }, this.summaryList);
      return;
    }
    await this.rebuildList();
  }

  /** The summaries in file-name order, duplicates marked; a pass over every summary, in slices. */
  private async rebuildList(): Promise<void> {
    const names = [...this.summaryEntries.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const list: RecordSummary[] = new Array(names.length);
    await forEachInSlices(names, (n, i) => (list[i] = this.summaryEntries.get(n)!.summary));
    this.summaryList = await markDuplicateSummaries(list);
    // Usually none; readRecord looks a file up here rather than walking every summary.
    this.duplicates = new Map();
    if (this.summaryList !== list) for (const summary of this.summaryList) if (summary.reason === 'duplicate-id') this.duplicates.set(summary.file, summary);
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
      sweepTempFiles(this.folderPath);
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
    // The summaries know every record's id; only files changed since they were made are read.
    const existing = (await this.syncSummaries()).find((s) => s.id === incident.id);
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
    await this.refreshFiles([file]);
    this.loaded = [...this.loaded.filter((r) => r.file !== file), check].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0));
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
        const bom = startsWithBom(snapshot.bytes) ? '\uFEFF' : '';
        // The record's value for exactly these bytes, when the signed value cache has it: an edit
        // that only appends to its lists then needs no parse (see recordAppend.ts).
        const known = this.options.valueCache?.get(snapshot.bytes);
        let knownEdits: RecordEdit[] | undefined;
        // Whether another record has this id is asked once per attempt (a stat per file of the folder).
        let noTwins = false;
        if (known && (await this.otherFilesWithId(file, known.id)).length === 0) {
          noTwins = true;
          const text = recordText(snapshot.bytes);
          knownEdits = operation(structuredClone(known));
          const loadedKnown: Extract<LoadedRecord, { kind: 'ok' }> = { kind: 'ok', file, incident: known, text };
          if (knownEdits.length === 0) {
            this.remember(loadedKnown);
            return known;
          }
          const result = appendRecord(file, text, known, knownEdits);
          if (result) {
            const written = Buffer.from(bom + result.text, 'utf8');
            if (await replaceIfUnchanged(target, snapshot, written)) {
              this.remember(result.loaded);
              this.options.valueCache?.put(written, result.loaded.incident);
              return result.loaded.incident;
            }
            continue;
          }
        }
        const { loaded, parsed } = this.parseForEdit(file, snapshot.bytes);
        if (loaded.kind === 'broken' || !parsed) {
          const broken = loaded as Extract<LoadedRecord, { kind: 'broken' }>;
          this.remember(broken);
          throw new RecordBrokenError(file, broken.reason, broken.problems);
        }
        const twins = noTwins ? [] : await this.otherFilesWithId(file, loaded.incident.id);
        if (twins.length > 0) {
          const problem = { ...positionOfPath(parsed, ['id']), message: `id "${loaded.incident.id}" is also used by ${twins.join(', ')}` };
          throw new RecordBrokenError(file, 'duplicate-id', [problem]);
        }
        // The operation already decided from the same value (the cache's, for these bytes) is not asked again.
        const edits = knownEdits ?? operation(structuredClone(loaded.incident));
        if (edits.length === 0) {
          this.remember(loaded);
          return loaded.incident;
        }
        const result = editRecord(file, parsed, loaded.incident, edits);
        if (result.text === parsed.text) {
          this.remember(result.loaded);
          return result.loaded.incident;
        }
        const written = Buffer.from(bom + result.text, 'utf8');
        if (await replaceIfUnchanged(target, snapshot, written)) {
          this.remember(result.loaded);
          // Kept only when the text was parsed back and said exactly this value.
          if (result.checked) this.options.valueCache?.put(written, result.loaded.incident);
          return result.loaded.incident;
        }
      }
      throw new RecordChangedError(file, MAX_UPDATE_ATTEMPTS);
    });
  }

  /** Other record files in the folder with this id, as "name:line" (from the summaries, brought up to date first). */
  private async otherFilesWithId(file: string, id: string): Promise<string[]> {
    const abs = path.resolve(file);
    // The record being edited was just parsed; re-reading it for its own summary would parse it twice per edit.
    const own = path.dirname(abs) === path.resolve(this.folderPath) ? path.basename(abs) : undefined;
    return (await this.syncSummaries(undefined, own))
      .filter((s) => s.id === id && path.resolve(s.file) !== abs)
      .map((s) => `${path.basename(s.file)}:${s.idLine ?? 1}`);
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
function editRecord(file: string, parsed: ParsedYaml, incident: Incident, edits: readonly RecordEdit[]): { text: string; loaded: Extract<LoadedRecord, { kind: 'ok' }>; checked: boolean } {
  const text = editText(parsed.text, parsed.doc, edits);
  let value: unknown;
  try {
    value = applyEditsToValue(incident, edits);
  } catch (err) {
    throw new RecordInvalidError(file, [{ line: 1, col: 1, message: (err as Error).message }]);
  }
  const problems = validateIncident(value);
  const checked = problems.length > 0 || text.length <= RECHECK_BELOW_CHARS;
  if (checked) {
    const check = parseRecordDetailed(file, text);
    if (check.loaded.kind === 'broken') throw new RecordInvalidError(file, check.loaded.problems);
    if (!isDeepStrictEqual(check.loaded.incident, value)) {
      throw new RecordInvalidError(file, [{ line: 1, col: 1, message: 'the change could not be written without changing other values; nothing was written' }]);
    }
  }
  return { text, loaded: { kind: 'ok', file, incident: value as Incident, text }, checked };
}

/**
 * The record after edits that only append to its top-level block lists, without parsing it: the
 * new items' text proven to say the new value (see recordAppend.ts), the value validated.
 * Undefined when the append cannot be proven so; the caller takes editRecord's path.
 */
function appendRecord(file: string, text: string, incident: Incident, edits: readonly RecordEdit[]): { text: string; loaded: Extract<LoadedRecord, { kind: 'ok' }> } | undefined {
  if (!edits.every((e) => e.op === 'append' && e.path.length === 1)) return undefined;
  let value: Incident;
  try {
    value = applyEditsToValue(incident, edits);
  } catch {
    return undefined;
  }
  // The record was valid (a value the cache holds); what the edits add is checked.
  if (validateAppended(value, edits.map((e) => e.path[0] as string)).length > 0) return undefined;
  const appended = appendToBlockLists(text, incident, value, edits);
  return appended === undefined ? undefined : { text: appended, loaded: { kind: 'ok', file, incident: value, text: appended } };
}

// Below this size a patched record is parsed again to prove the text says what was meant.
const RECHECK_BELOW_CHARS = 64 * 1024;

/** Parses files on this thread in slices of a few milliseconds, yielding to the event loop between them. */
async function parseInSlices(files: string[], accept: (results: SummarizedFile[]) => void, keepRecords: boolean | 'open', maxBytes: number, values?: RecordValueCache): Promise<void> {
  let i = 0;
  while (i < files.length) {
    const start = sliceClockMs();
    const results: SummarizedFile[] = [];
    while (i < files.length && sliceClockMs() - start < SLICE_MS) results.push(summarizeFileSync(files[i++]!, keepRecords, maxBytes, values));
    accept(results);
    if (i < files.length) await new Promise((r) => setImmediate(r));
  }
}

/** Runs `fn` over the items with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Makes target say what source says, keeping target's identity (holders of the summary see the change). */
function replaceInPlace(target: RecordSummary, source: RecordSummary): void {
  for (const key of Object.keys(target) as (keyof RecordSummary)[]) if (!(key in source)) delete target[key];
  Object.assign(target, source);
}

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

// The records of every workspace folder, kept in sync with the disk. The tree, the status bar
// and the commands read this model; only the store writes files.
//
// Years of records stay cheap: every record is known by its summary (cached on disk, so a warm
// start parses nothing); only open incidents, and closed ones someone opens, are held in full.
// A file-system event re-reads only the files it names, and a burst of events is one reload.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Incident } from '../model/record';
import { IncidentStore, type LoadProgress } from '../store/incidentStore';
import { DEFAULT_MAX_RECORD_BYTES } from '../store/recordIo';
import type { LoadedRecord } from '../store/recordFile';
import { RecordValueCache, recordValueCacheDir } from '../store/recordValueCache';
import { cacheFileInGitDir, findGitDir, isOpenSummary, type RecordSummary } from '../store/summaryCache';
import { DisposableStore } from './disposables';
import { DEFAULT_RECORDS_FOLDER, SETTINGS, SETTINGS_SECTION, VIEW_INCIDENTS } from './ids';

/** Enough to coalesce the several events one save (or one checkout) produces, well inside a second. */
const RELOAD_DEBOUNCE_MS = 150;
/** Closed incidents opened in the tree stay held this many at a time. */
const HELD_CLOSED = 32;
/** Open incidents' records read at once (their file reads overlap) when the model holds them. */
const OPEN_READS_AT_ONCE = 16;
/** While a cold load runs, the tree is redrawn with what arrived at most this often. */
const PROGRESS_REDRAW_MS = 300;

export interface FolderRecords {
  folder: vscode.WorkspaceFolder;
  store: IncidentStore;
}

export interface RecordEntry {
  folder: vscode.WorkspaceFolder;
  store: IncidentStore;
  record: LoadedRecord;
}

export interface IncidentEntry extends RecordEntry {
  record: Extract<LoadedRecord, { kind: 'ok' }>;
  incident: Incident;
}

/** A record known by its summary: every record in the workspace has one. */
export interface SummaryEntry {
  folder: vscode.WorkspaceFolder;
  store: IncidentStore;
  summary: RecordSummary;
}

interface Held {
  /** The summary the record was read for; another summary object means the file changed. */
  summary: RecordSummary;
  entry: IncidentEntry;
}

export class IncidentsModel implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private folderDisposables = new DisposableStore();
  private folders: FolderRecords[] = [];
  private summaryEntries: SummaryEntry[] = [];
  private readonly folderSummaries = new Map<IncidentStore, SummaryEntry[]>();
  private readonly held = new Map<string, Held>();
  private heldList: IncidentEntry[] = [];
  private brokenList: RecordEntry[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;
  /** Files named by file-system events since the last reload, per records folder; undefined = all. */
  private pending = new Map<FolderRecords, Set<string> | undefined>();
  private loading: Promise<void> = Promise.resolve();
  private loadedOnce = false;
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<void>());
  /** Fires after the records were re-read (and, during a cold load, as they arrive). */
  readonly onDidChange = this.changeEmitter.event;

  /** `cacheDir`: where summaries are cached for folders outside a git repository (the extension's storage). */
  constructor(private readonly cacheDir?: string) {
    this.disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuildFolders()));
    this.disposables.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.${SETTINGS.recordsFolder}`) || e.affectsConfiguration(`${SETTINGS_SECTION}.${SETTINGS.maxRecordSizeKB}`)) this.rebuildFolders();
      }),
    );
    this.rebuildFolders();
  }

  /** Every record, by its summary (broken ones included), in file-name order per folder. */
  summaries(): readonly SummaryEntry[] {
    return this.summaryEntries;
  }

  /**
   * Completes the partial summaries (closed records, known at first by what the tree's root
   * needs) of these entries, or of every entry, from the cache; when a record turned out other
   * than the cache said, the records are re-read (and the model fires a change).
   */
  async completeSummaries(entries: readonly SummaryEntry[] = this.summaryEntries): Promise<void> {
    let surprise = false;
    for (const [store, files] of filesByStore(entries)) if (await store.completeSummaries(files)) surprise = true;
    if (surprise) void this.reload();
  }

  /** As completeSummaries, synchronously: for the few records of a month someone opened in the tree. */
  completeSummariesSync(entries: readonly SummaryEntry[]): void {
    let surprise = false;
    for (const [store, files] of filesByStore(entries)) if (store.completeSummariesSync(files)) surprise = true;
    if (surprise) void this.reload();
  }

  /** The incidents held in full: every open one, and the closed ones opened lately. */
  incidents(): IncidentEntry[] {
    return this.heldList;
  }

  broken(): RecordEntry[] {
    return this.brokenList;
  }

  /** A held incident by id (every open incident is held); loadIncident reads a closed one. */
  findIncident(id: string): IncidentEntry | undefined {
    return this.heldList.find((e) => e.incident.id === id);
  }

  findSummary(id: string): SummaryEntry | undefined {
    return this.summaryEntries.find((e) => e.summary.kind === 'ok' && e.summary.id === id);
  }

  /** The incident with this id or in this file, read in full if it is not held yet. */
  async loadIncident(idOrFile: string): Promise<IncidentEntry | undefined> {
    const held = this.findIncident(idOrFile) ?? this.held.get(path.resolve(idOrFile))?.entry;
    if (held) return held;
    const wanted = path.resolve(idOrFile);
    const s = this.findSummary(idOrFile) ?? this.summaryEntries.find((e) => e.summary.kind === 'ok' && e.summary.file === wanted);
    if (!s) return undefined;
    const entry = await this.readFull(s);
    if (!entry) return undefined;
    this.hold(s.summary, entry);
    return entry;
  }

  /** As loadIncident for a record the tree shows by its summary, synchronously (one file, a few milliseconds). */
  loadIncidentSync(s: SummaryEntry): IncidentEntry | undefined {
    const held = this.held.get(s.summary.file);
    if (held) return held.entry;
    const record = s.store.readRecordSync(s.summary.file);
    if (record.kind !== 'ok') return undefined;
    const entry: IncidentEntry = { folder: s.folder, store: s.store, record, incident: record.incident };
    this.hold(s.summary, entry);
    return entry;
  }

  findByFile(file: string): RecordEntry | undefined {
    const wanted = path.resolve(file);
    return this.held.get(wanted)?.entry ?? this.brokenList.find((e) => path.resolve(e.record.file) === wanted);
  }

  storeFolders(): readonly FolderRecords[] {
    return this.folders;
  }

  /** Resolves once the records have been read (at least once, and any reload in flight). */
  whenLoaded(): Promise<void> {
    return this.loading;
  }

  /** Re-checks every file (only changed ones are parsed); resolves once that has finished. */
  async reload(): Promise<void> {
    for (const f of this.folders) this.pending.set(f, undefined);
    return this.runPending();
  }

  private runPending(): Promise<void> {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = undefined;
    this.loading = this.loading.then(() => this.loadNow());
    return this.loading;
  }

  private scheduleRefresh(target: FolderRecords, file: string): void {
    // A full re-check already pending covers this file too.
    if (!(this.pending.has(target) && this.pending.get(target) === undefined)) {
      const files = this.pending.get(target) ?? new Set<string>();
      files.add(file);
      this.pending.set(target, files);
    }
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.runPending(), RELOAD_DEBOUNCE_MS);
  }

  private async loadNow(): Promise<void> {
    const work = this.pending;
    this.pending = new Map();
    if (work.size === 0) return;
    const cold = !this.loadedOnce;
    this.loadedOnce = true;
    let progress: { report(value: { message?: string; increment?: number }): void } | undefined;
    let finishProgress: (() => void) | undefined;
    let lastRedraw = 0;
    const onProgress = (target: FolderRecords) => (p: LoadProgress, partial: readonly RecordSummary[]) => {
      if (!progress && p.done < p.total) {
        // Shown in the view only when files are being parsed: a warm start is over before it would show.
        void vscode.window.withProgress({ location: { viewId: VIEW_INCIDENTS }, title: 'Reading incident records' }, (reporter) => {
          progress = reporter;
          return new Promise<void>((resolve) => (finishProgress = resolve));
        });
      }
      progress?.report({ message: `${p.done} of ${p.total}` });
      const now = Date.now();
      if (cold && now - lastRedraw > PROGRESS_REDRAW_MS) {
        // The tree shows the incidents it has as they arrive.
        lastRedraw = now;
        this.setSummaries(target, partial);
        this.changeEmitter.fire();
      }
    };
    try {
      for (const [target, files] of work) {
        if (!this.folders.includes(target)) continue;
        try {
          const summaries = files === undefined ? await target.store.loadSummaries({ onProgress: onProgress(target) }) : await target.store.refreshFiles([...files]);
          this.setSummaries(target, summaries);
        } catch (err) {
          console.error(`Incident Room: reading ${target.store.folderPath} failed`, err);
        }
      }
      await this.holdOpenIncidents();
    } finally {
      finishProgress?.();
    }
    this.changeEmitter.fire();
  }

  /** Replaces one folder's summaries, keeping the folders' order (one pass, no sorting: thousands of records). */
  private setSummaries(target: FolderRecords, summaries: readonly RecordSummary[]): void {
    this.folderSummaries.set(target.store, summaries.map((summary) => ({ folder: target.folder, store: target.store, summary })));
    this.joinSummaries();
  }

  private joinSummaries(): void {
    for (const store of [...this.folderSummaries.keys()]) if (!this.folders.some((f) => f.store === store)) this.folderSummaries.delete(store);
    this.summaryEntries = this.folders.flatMap((f) => this.folderSummaries.get(f.store) ?? []);
    this.brokenList = [];
    for (const e of this.summaryEntries) {
      if (e.summary.kind === 'broken') this.brokenList.push({ folder: e.folder, store: e.store, record: brokenRecord(e.summary) });
    }
  }

  /** Reads every open incident in full (and drops held records whose files changed or went). */
  private async holdOpenIncidents(): Promise<void> {
    // A held record stays while its summary is still listed: a changed file has a new summary, a gone one none.
    // By identity, not by path: no hashing of thousands of paths.
    const current = new Set(this.summaryEntries.map((e) => e.summary));
    for (const [file, h] of [...this.held]) {
      if (!current.has(h.summary) || h.summary.kind !== 'ok') this.held.delete(file);
    }
    const wanted = this.summaryEntries.filter((e) => isOpenSummary(e.summary) && !this.held.has(e.summary.file));
    // A batch at a time, their reads overlapping; each record is parsed (when its bytes are not in
    // the value cache) in its own turn of the event loop as its read completes, so the loop stays free.
    for (let i = 0; i < wanted.length; i += OPEN_READS_AT_ONCE) {
      const batch = wanted.slice(i, i + OPEN_READS_AT_ONCE);
      const entries = await Promise.all(batch.map((e) => this.readFull(e)));
      // Held in the summaries' order, whichever read finished first.
      batch.forEach((e, k) => {
        const entry = entries[k];
        if (entry) this.held.set(e.summary.file, { summary: e.summary, entry });
      });
    }
    this.trimClosed();
    this.heldList = [...this.held.values()].map((h) => h.entry);
  }

  private hold(summary: RecordSummary, entry: IncidentEntry): void {
    this.held.set(summary.file, { summary, entry });
    this.trimClosed();
    this.heldList = [...this.held.values()].map((h) => h.entry);
  }

  /** Closed incidents beyond the newest HELD_CLOSED opened are let go (Map order is insertion order). */
  private trimClosed(): void {
    const closed = [...this.held.entries()].filter(([, h]) => h.entry.incident.status === 'closed');
    for (const [file] of closed.slice(0, Math.max(0, closed.length - HELD_CLOSED))) this.held.delete(file);
  }

  private async readFull(s: SummaryEntry): Promise<IncidentEntry | undefined> {
    const record = await s.store.readRecord(s.summary.file);
    if (record.kind !== 'ok') return undefined;
    return { folder: s.folder, store: s.store, record, incident: record.incident };
  }

  private rebuildFolders(): void {
    this.folderDisposables.dispose();
    this.folderDisposables = new DisposableStore();
    const previous = this.folders;
    this.folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => {
      const relative = recordsFolderSetting(folder);
      const folderPath = path.join(folder.uri.fsPath, relative);
      const maxRecordBytes = maxRecordBytesSetting(folder);
      const kept = previous.find((f) => f.folder.uri.toString() === folder.uri.toString() && f.store.folderPath === folderPath && f.store.maxRecordBytes === (maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES));
      const target: FolderRecords = kept ?? { folder, store: new IncidentStore(folderPath, { cacheFile: this.cacheFileFor(folderPath), offThread: true, maxRecordBytes, valueCache: new RecordValueCache(recordValueCacheDir()) }) };
      // One watcher per workspace folder; it also sees the records folder being created later.
      const watcher = this.folderDisposables.add(
        vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${relative}/*.{yaml,yml}`)),
      );
      const onEvent = (uri: vscode.Uri) => this.scheduleRefresh(target, uri.fsPath);
      this.folderDisposables.add(watcher.onDidCreate(onEvent));
      this.folderDisposables.add(watcher.onDidChange(onEvent));
      this.folderDisposables.add(watcher.onDidDelete(onEvent));
      return target;
    });
    for (const gone of previous.filter((f) => !this.folders.includes(f))) void gone.store.flushCache();
    this.joinSummaries();
    void this.reload();
  }

  /** The repository's git dir when there is one (the command line shares it), else the extension's storage. */
  private cacheFileFor(folderPath: string): string | undefined {
    const gitDir = findGitDir(folderPath);
    if (gitDir) return cacheFileInGitDir(gitDir, folderPath);
    return this.cacheDir ? cacheFileInGitDir(this.cacheDir, folderPath) : undefined;
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    for (const f of this.folders) void f.store.flushCache();
    this.folderDisposables.dispose();
    this.disposables.dispose();
  }
}

/** The size above which a record is refused unread (the maxRecordSizeKB setting). */
export function maxRecordBytesSetting(folder: vscode.WorkspaceFolder): number | undefined {
  const kb = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<number>(SETTINGS.maxRecordSizeKB);
  return typeof kb === 'number' && kb > 0 ? kb * 1024 : undefined;
}

/** The files of the entries whose summaries are partial, per store. */
function filesByStore(entries: readonly SummaryEntry[]): Map<IncidentStore, string[]> {
  const byStore = new Map<IncidentStore, string[]>();
  for (const e of entries) {
    if (!e.summary.partial) continue;
    const files = byStore.get(e.store);
    if (files) files.push(e.summary.file);
    else byStore.set(e.store, [e.summary.file]);
  }
  return byStore;
}

/** A broken record as the tree and the commands know it, from its summary. */
function brokenRecord(s: RecordSummary): Extract<LoadedRecord, { kind: 'broken' }> {
  return { kind: 'broken', file: s.file, reason: s.reason ?? 'parse', problems: s.problems ?? [], ...(s.id !== undefined ? { id: s.id } : {}) };
}

export function recordsFolderSetting(folder: vscode.WorkspaceFolder): string {
  const value = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<string>(SETTINGS.recordsFolder);
  return (value && value.trim()) || DEFAULT_RECORDS_FOLDER;
}

// The records of every workspace folder, kept in sync with the disk. The tree, the status bar
// and the commands read this model; only the store writes files.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Incident } from '../model/record';
import { IncidentStore } from '../store/incidentStore';
import type { LoadedRecord } from '../store/recordFile';
import { DisposableStore } from './disposables';
import { DEFAULT_RECORDS_FOLDER, SETTINGS, SETTINGS_SECTION } from './ids';

/** Enough to coalesce the several events one save produces, well inside a second. */
const RELOAD_DEBOUNCE_MS = 150;

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

export class IncidentsModel implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private folderDisposables = new DisposableStore();
  private folders: FolderRecords[] = [];
  private entries: RecordEntry[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;
  private loading: Promise<void> = Promise.resolve();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<void>());
  /** Fires after the records were re-read. */
  readonly onDidChange = this.changeEmitter.event;

  constructor() {
    this.disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuildFolders()));
    this.disposables.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.${SETTINGS.recordsFolder}`) || e.affectsConfiguration(`${SETTINGS_SECTION}.${SETTINGS.maxRecordSizeKB}`)) this.rebuildFolders();
      }),
    );
    this.rebuildFolders();
  }

  /** Every record, broken ones included. */
  all(): readonly RecordEntry[] {
    return this.entries;
  }

  incidents(): IncidentEntry[] {
    return this.entries.filter((e): e is IncidentEntry => e.record.kind === 'ok').map((e) => ({ ...e, incident: (e.record as { incident: Incident }).incident }));
  }

  broken(): RecordEntry[] {
    return this.entries.filter((e) => e.record.kind === 'broken');
  }

  findIncident(id: string): IncidentEntry | undefined {
    return this.incidents().find((e) => e.incident.id === id);
  }

  findByFile(file: string): RecordEntry | undefined {
    const wanted = path.resolve(file);
    return this.entries.find((e) => path.resolve(e.record.file) === wanted);
  }

  storeFolders(): readonly FolderRecords[] {
    return this.folders;
  }

  /** Resolves once the records have been read (at least once, and any reload in flight). */
  whenLoaded(): Promise<void> {
    return this.loading;
  }

  /** Resolves once the reload in flight (if any) has finished. */
  async reload(): Promise<void> {
    clearTimeout(this.reloadTimer);
    this.loading = this.loading.then(() => this.loadNow());
    return this.loading;
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload(), RELOAD_DEBOUNCE_MS);
  }

  private async loadNow(): Promise<void> {
    const next: RecordEntry[] = [];
    for (const f of this.folders) {
      try {
        for (const record of await f.store.loadAll()) next.push({ folder: f.folder, store: f.store, record });
      } catch (err) {
        console.error(`Incident Room: reading ${f.store.folderPath} failed`, err);
      }
    }
    this.entries = next;
    this.changeEmitter.fire();
  }

  private rebuildFolders(): void {
    this.folderDisposables.dispose();
    this.folderDisposables = new DisposableStore();
    this.folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => {
      const relative = recordsFolderSetting(folder);
      const store = new IncidentStore(path.join(folder.uri.fsPath, relative), { maxRecordBytes: maxRecordBytesSetting(folder) });
      // One watcher per workspace folder; it also sees the records folder being created later.
      const watcher = this.folderDisposables.add(
        vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${relative}/*.{yaml,yml}`)),
      );
      const onEvent = () => this.scheduleReload();
      this.folderDisposables.add(watcher.onDidCreate(onEvent));
      this.folderDisposables.add(watcher.onDidChange(onEvent));
      this.folderDisposables.add(watcher.onDidDelete(onEvent));
      return { folder, store };
    });
    void this.reload();
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    this.folderDisposables.dispose();
    this.disposables.dispose();
  }
}

/** The size above which a record is refused unread (the maxRecordSizeKB setting). */
export function maxRecordBytesSetting(folder: vscode.WorkspaceFolder): number | undefined {
  const kb = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<number>(SETTINGS.maxRecordSizeKB);
  return typeof kb === 'number' && kb > 0 ? kb * 1024 : undefined;
}

export function recordsFolderSetting(folder: vscode.WorkspaceFolder): string {
  const value = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<string>(SETTINGS.recordsFolder);
  return (value && value.trim()) || DEFAULT_RECORDS_FOLDER;
}

// The editor's side of the runner and the gate: git facts and signed evidence fetched in the
// background and cached per incident (the tree never waits on git), runs of an incident's
// linked tests, and the last report each workspace folder produced.
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkoutBranch, commonDirOf, currentBranchOf, git, workingTreeFacts, type FixBranchStatus } from '../../git/fixBranch';
import { isOpen } from '../../model/lifecycle';
import type { Incident } from '../../model/record';
import { findGitDir } from '../../store/summaryCache';
import { EvidenceStore, type EvidenceRun, type LatestEvidence } from '../../testing/evidence';
import { evaluateGate, gateBranchStatus, type GateVerdict } from '../../testing/gate';
import { runIncidentTests } from '../../testing/incidentRun';
import type { ParsedReport } from '../../testing/reports/report';
import { listTests, type RunOutcome } from '../../testing/runner';
import { actionContext } from '../actor';
import type { ExtensionParts } from '../context';
import { DisposableStore } from '../disposables';
import { publicLogPath } from '../publicLog';
import type { IncidentEntry, IncidentsModel } from '../incidentsModel';
import { runOperation } from '../operations';
import { committedTestCommand, testCommandFor, testTimeoutMs, trustedBases } from './testCommand';

/** What the tree and the Test Explorer show about an incident's branch, evidence and gate. */
export interface GateFacts {
  /** The record's state the facts were read for; a changed record is read again. */
  key: string;
  branch?: FixBranchStatus;
  evidence?: LatestEvidence;
  verdict?: GateVerdict;
  error?: string;
}

/** A run was not started: the workspace is untrusted, no branch is linked, the tree is dirty... */
export class RunRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRefused';
  }
}

export interface RunRequestOptions {
  signal?: AbortSignal;
  onOutput?(chunk: string): void;
  /** Check the fix branch out without asking when the tree is clean (tests, or a caller that already asked). */
  checkout?: boolean;
}

export interface IncidentRunResult {
  run: EvidenceRun;
  outcome: RunOutcome;
  /** The record after the audit entry was added; undefined when writing it failed. */
  incident: Incident | undefined;
}

/** A commit, a checkout or a branch moving shows here; a burst of them (a rebase) is one refresh. */
const GIT_CHANGE_DEBOUNCE_MS = 300;

function factsKey(incident: Incident): string {
  return JSON.stringify([incident.fix ?? null, incident.status, incident.test_runs?.length ?? 0, incident.timeline.length, incident.test_plan ?? null]);
}

export class IncidentTesting implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly facts = new Map<string, GateFacts>();
  private readonly reports = new Map<string, ParsedReport>();
  private readonly repoDirs = new Map<string, Promise<string>>();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<void>());
  /** Fires when cached facts changed or a run ended. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly model: IncidentsModel,
    private readonly parts: () => ExtensionParts,
  ) {
    this.disposables.add(model.onDidChange(() => this.refreshChanged()));
    this.disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watchRepositories()));
    this.disposables.add({ dispose: () => this.repoWatchers.dispose() });
    this.disposables.add({ dispose: () => clearTimeout(this.gitChangeTimer) });
    this.watchRepositories();
  }

  private repoWatchers = new DisposableStore();
  private gitChangeTimer: NodeJS.Timeout | undefined;

  /**
   * Watches each repository's HEAD and branch refs: the facts of the open incidents' fix
   * branches are read again when a commit, a checkout or a reset moves them, and only then.
   */
  private watchRepositories(): void {
    this.repoWatchers.dispose();
    this.repoWatchers = new DisposableStore();
    const seen = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const gitDir = findGitDir(folder.uri.fsPath);
      if (!gitDir || seen.has(gitDir)) continue;
      seen.add(gitDir);
      // A linked worktree has its own HEAD; the branches live in the common dir.
      const common = commonDirOf(gitDir);
      const patterns: [string, string][] = [[gitDir, 'HEAD'], [common, '{packed-refs,refs/heads/**}']];
      for (const [base, glob] of patterns) {
        const watcher = this.repoWatchers.add(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(base), glob)));
        const onEvent = () => this.scheduleGitRefresh();
        this.repoWatchers.add(watcher.onDidCreate(onEvent));
        this.repoWatchers.add(watcher.onDidChange(onEvent));
        this.repoWatchers.add(watcher.onDidDelete(onEvent));
      }
    }
  }

  private scheduleGitRefresh(): void {
    clearTimeout(this.gitChangeTimer);
    this.gitChangeTimer = setTimeout(() => void this.invalidate(), GIT_CHANGE_DEBOUNCE_MS);
  }

  /** Cached facts; undefined while they are first being read. */
  factsFor(incidentId: string): GateFacts | undefined {
    return this.facts.get(incidentId);
  }

  /** The last report a run in this folder produced, for picking tests to link. */
  lastReport(folder: vscode.WorkspaceFolder): ParsedReport | undefined {
    return this.reports.get(folder.uri.toString());
  }

  repoDir(folder: vscode.WorkspaceFolder): Promise<string> {
    const key = folder.uri.toString();
    let dir = this.repoDirs.get(key);
    if (!dir) {
      dir = git(folder.uri.fsPath)
        .raw(['rev-parse', '--show-toplevel'])
        .then((out) => out.trim());
      // A folder that is not (yet) a repository is asked again next time.
      dir.catch(() => this.repoDirs.delete(key));
      this.repoDirs.set(key, dir);
    }
    return dir;
  }

  /**
   * The records folder and the public log, relative to the repository: Incident Room writes
   * both as the incident goes on, and neither is a change to the code under test.
   */
  async ignorePaths(entry: IncidentEntry): Promise<string[]> {
    const repo = realpathSync(await this.repoDir(entry.folder));
    const relative = (file: string) => path.relative(repo, realOrSelf(file)).split(path.sep).join('/');
    return [`${relative(entry.store.folderPath)}/`, relative(publicLogPath(entry.folder))];
  }

  /**
   * The project's tests with their files, listed by the runner without running them, for
   * Link Automated Test. Only in a trusted workspace: listing loads the test files.
   */
  async discover(entry: IncidentEntry): Promise<ParsedReport | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    try {
      const test = await testCommandFor(entry.folder, entry.incident);
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing the project\'s tests…' }, () =>
        listTests({ cwd: entry.folder.uri.fsPath, command: test.command, timeoutMs: testTimeoutMs(entry.folder) }),
      );
    } catch {
      // A command outside the contract, or a runner that cannot list: the caller falls back to the last run.
      return undefined;
    }
  }

  /** The gate's verdict now, read fresh (Close never acts on a cached verdict). */
  async verdict(entry: IncidentEntry): Promise<GateVerdict> {
    const repoDir = await this.repoDir(entry.folder);
    const command = await committedTestCommand(entry.folder, entry.incident);
    return evaluateGate({
      incident: entry.incident,
      repoDir,
      evidence: new EvidenceStore(repoDir),
      now: new Date(),
      ignorePaths: await this.ignorePaths(entry),
      trustedBases: trustedBases(),
      ...(command ? { command } : {}),
    });
  }

  /** Reads the facts of one incident, or of every open one, again (after a run, a checkout, a commit). */
  async invalidate(incidentId?: string): Promise<void> {
    const entries = this.model.incidents().filter((e) => (incidentId ? e.incident.id === incidentId : isOpen(e.incident)));
    await Promise.all(entries.map((e) => this.fetch(e)));
    this.notify();
  }

  private refreshChanged(): void {
    // Closed incidents have nothing to gate: their facts are read only when someone asks (invalidate with an id).
    const stale = this.model.incidents().filter((e) => isOpen(e.incident) && this.facts.get(e.incident.id)?.key !== factsKey(e.incident));
    if (stale.length === 0) return;
    void Promise.all(stale.map((e) => this.fetch(e))).then(() => this.notify());
  }

  private notify(): void {
    this.changeEmitter.fire();
  }

  private async fetch(entry: IncidentEntry): Promise<void> {
    const incident = entry.incident;
    const facts: GateFacts = { key: factsKey(incident) };
    try {
      const repoDir = await this.repoDir(entry.folder);
      const ignorePaths = await this.ignorePaths(entry);
      const store = new EvidenceStore(repoDir);
      facts.evidence = await store.latest(incident.id);
      // Read once, for the tree and for the verdict alike.
      const branchStatus = gateBranchStatus(incident, repoDir, ignorePaths);
      if (branchStatus) facts.branch = await branchStatus;
      if (incident.status !== 'closed') {
        const command = await committedTestCommand(entry.folder, incident);
        facts.verdict = await evaluateGate({
          incident,
          repoDir,
          evidence: facts.evidence,
          now: new Date(),
          ignorePaths,
          trustedBases: trustedBases(),
          ...(command ? { command } : {}),
          ...(branchStatus ? { branchStatus } : {}),
        });
      }
    } catch (err) {
      facts.error = (err as Error).message;
    }
    this.facts.set(incident.id, facts);
  }

  async checkoutFix(entry: IncidentEntry): Promise<void> {
    const fix = entry.incident.fix;
    if (!fix) throw new RunRefused('no fix branch is linked to this incident');
    await checkoutBranch(await this.repoDir(entry.folder), fix.branch);
    await this.invalidate(entry.incident.id);
  }

  /**
   * Runs the incident's suite on its fix branch and records the run: signed evidence under the
   * git dir, the audit entry in the record. Refuses in an untrusted workspace, since the
   * command comes from the workspace's settings or records.
   */
  async run(entry: IncidentEntry, opts: RunRequestOptions = {}): Promise<IncidentRunResult | undefined> {
    if (!vscode.workspace.isTrusted) {
      throw new RunRefused('tests run only in a trusted workspace: the test command and the tests come from this workspace. Trust the workspace first (Workspaces: Manage Workspace Trust).');
    }
    const incident = entry.incident;
    if (!incident.fix) throw new RunRefused('no fix branch is linked: link one first (Incident: Link Fix Branch)');
    const repoDir = await this.repoDir(entry.folder);
    const ignorePaths = await this.ignorePaths(entry);
    const current = await currentBranchOf(repoDir);
    if (current !== incident.fix.branch) {
      const tree = await workingTreeFacts(repoDir, ignorePaths);
      if (tree.dirtyFiles.length > 0) {
        throw new RunRefused(`the tests run on the fix branch ${incident.fix.branch}, but ${current ?? 'a detached HEAD'} is checked out with uncommitted changes (${tree.dirtyFiles.join(', ')}); commit or stash them first`);
      }
      if (!opts.checkout) {
        const choice = await vscode.window.showWarningMessage(
          `The linked tests run on the fix branch ${incident.fix.branch}; ${current ?? 'a detached HEAD'} is checked out.`,
          { modal: true },
          'Check Out and Run',
        );
        if (choice !== 'Check Out and Run') return undefined;
      }
      await checkoutBranch(repoDir, incident.fix.branch);
    }
    const ctx = await actionContext(this.parts(), entry.folder, incident);
    if (!ctx) return undefined;
    const result = await runIncidentTests({
      incident,
      repoDir,
      cwd: entry.folder.uri.fsPath,
      test: await testCommandFor(entry.folder, incident),
      timeoutMs: testTimeoutMs(entry.folder),
      ctx,
      ignorePaths,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    });
    if (result.outcome.report) this.reports.set(entry.folder.uri.toString(), result.outcome.report);
    const updated = await runOperation(this.parts(), entry, () => result.edits);
    await this.invalidate(incident.id);
    return { run: result.run, outcome: result.outcome, incident: updated };
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

/** The real path, or the path itself for what does not exist yet (git will see it there). */
function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

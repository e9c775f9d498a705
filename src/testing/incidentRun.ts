// One run of an incident's linked tests: the code state before and after, the run with
// Incident Room's reporter, and the signed evidence with the audit entry for the record.
import { realpathSync } from 'node:fs';
import { checkExclusions, codeState, contentChangedFromHead, declaringAt, filtersOf, hiddenByBranchRules, leftOutThatCount, writtenSince, type CodeState } from '../git/codeState';
import { DEFAULT_IGNORED_PATHS } from '../git/fixBranch';
import { relativeInside } from '../git/repoPath';
import type { ActionContext } from '../model/edits';
import { someOf } from '../model/plural';
import type { Incident } from '../model/record';
import { recordRun, type EvidenceOptions, type RecordedRun } from './evidence';
import { runTestCommand, type RunOutcome, type TestCommand } from './runner';
import { CommandRefused, installedRunnerProblem, recogniseRunner } from './runnerCommand';
import { outsideConfigProblem } from './runnerEnvironment';

export interface IncidentRunOptions {
  incident: Incident;
  repoDir: string;
  /** Where the command runs; the workspace that test files are relative to. */
  cwd: string;
  test: TestCommand;
  timeoutMs: number;
  ctx: ActionContext;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  onOutput?(chunk: string): void;
  evidence?: EvidenceOptions;
  killGraceMs?: number;
  /** The records folder ("records/") and the public log, repository-relative; checked to be such. Default the records folder. */
  ignorePaths?: readonly string[];
  reportersDir?: string;
  /** The code state just read by the caller (with the same ignorePaths), e.g. to check the branch before running; read here otherwise. */
  before?: CodeState;
  /** Called once the command has ended, with the code state being read after it: what else git must tell can be asked at the same time. */
  onRunEnded?(after: Promise<CodeState>): void;
}

/**
 * Throws CommandRefused, before anything runs, for a command outside the contract, a runner that
 * is not the runner's installed package or would read a configuration from outside the
 * repository, a tree git does not read, or a committed link or git attribute that can hide what
 * ran; and once the run has ended, when git reads files through a filter of this machine's config
 * or an attributes file its config names.
 */
export async function runIncidentTests(opts: IncidentRunOptions): Promise<RecordedRun & { outcome: RunOutcome; after: CodeState }> {
  // The tree git reads must be the one the tests run in: core.worktree (this machine's config) can
  // point git at a clean copy elsewhere while the run loads an uncommitted fix.
  if (relativeInside(realpathSync(opts.repoDir), realpathSync(opts.cwd)) === null) {
    throw new CommandRefused(
      `the tests would run in ${opts.cwd}, outside the working tree git reads (${opts.repoDir}): git's core.worktree points elsewhere, so what ran could not be checked; unset it and run again`,
    );
  }
  const exclusions = checkExclusions(opts.repoDir, opts.ignorePaths ?? DEFAULT_IGNORED_PATHS);
  const before = opts.before ?? (await codeState(opts.repoDir, exclusions.paths));
  if (before.trackedRunnerFiles.length > 0) {
    const files = before.trackedRunnerFiles;
    throw new CommandRefused(
      `the repository tracks files where the test runner is installed (${someOf(files, 3)}): a branch must not ship the runner that judges it; remove them from git and install the runner (npm ci)`,
    );
  }
  const links = before.linksOutOfCommit();
  if (links.length > 0) {
    throw new CommandRefused(
      `the commit's symbolic links lead to files no commit carries (${someOf(links, 3)}): what runs through them is not the commit's code; commit what they point at, or make them regular files`,
    );
  }
  const attributes = before.hidingAttributes();
  if (attributes.length > 0) throw new CommandRefused(hidingAttributesMessage(attributes));
  const notInstalled = installedRunnerProblem(opts.test.command, opts.cwd, { ...process.env, ...opts.env });
  if (notInstalled) throw new CommandRefused(notInstalled);
  const outsideConfig = outsideConfigProblem(recogniseRunner(opts.test.command), opts.cwd, opts.repoDir);
  if (outsideConfig) throw new CommandRefused(outsideConfig);
  // The code state after the run is read as soon as the command has ended, while its report is read.
  let afterRead: Promise<CodeState> | undefined;
  const readAfter = (): Promise<CodeState> => {
    if (!afterRead) {
      afterRead = codeState(opts.repoDir, exclusions.paths);
      afterRead.catch(() => undefined);
      opts.onRunEnded?.(afterRead);
    }
    return afterRead;
  };
  // Anything written to a tracked file from here on was written while the tests ran.
  const runStartMs = Date.now();
  const running = runTestCommand({
    onEnded: () => void readAfter(),
    cwd: opts.cwd,
    command: opts.test.command,
    timeoutMs: opts.timeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    ...(opts.killGraceMs !== undefined ? { killGraceMs: opts.killGraceMs } : {}),
    ...(opts.reportersDir ? { reportersDir: opts.reportersDir } : {}),
  });
  // Asked once the runner has started, one git process at a time so that the runner keeps a core:
  // whether git reads files through a filter of this machine (which could show the fix as the
  // committed file), what the fix branch's own .gitignore lines hide (it took part in the run), any
  // file whose content is not HEAD's though git's stat cache says it is, and whether the changed
  // files the exclusions leave out are records, or the log, as HEAD has them.
  const checks = (async () => {
    const foreign = await filtersOf(opts.repoDir);
    const hidden = opts.incident.fix ? await hiddenByBranchRules(opts.repoDir, opts.incident.fix.base, exclusions.paths) : [];
    const content = await contentChangedFromHead(opts.repoDir, exclusions.paths, before.skipWorktree);
    const asked = [...new Set([...before.leftOut.dirty, ...content.leftOut])].filter((p) => !before.leftOut.added.includes(p));
    return { foreign, hidden, content, asked, declared: await declaringAt(opts.repoDir, ['HEAD'], asked) };
  })();
  checks.catch(() => undefined);
  const outcome = await running;
  const { foreign, hidden, content, asked, declared } = await checks;
  // While git reads the code state after the run (started as the command ended).
  const written = writtenSince(opts.repoDir, before.trackedFiles(), runStartMs, exclusions.paths);
  if (foreign.filters.length > 0) {
    throw new CommandRefused(
      `this machine's git config defines a filter that converts files before git compares them with the commit (${foreign.filters.join(', ')}): through it a changed file can look unchanged, so what ran cannot be told; remove it (git config --unset ${foreign.filters[0]}) or run the gate where it is not set, such as CI`,
    );
  }
  if (foreign.attributes.length > 0) throw new CommandRefused(hidingAttributesMessage(foreign.attributes));
  const state = await readAfter();
  // What the exclusions left out, before, during or after the run, must be records, or the log.
  // Untracked and newly added files are not at HEAD: they are judged on disk only.
  const absent = new Set([...before.leftOut.added, ...state.leftOut.added, ...before.leftOut.untracked, ...state.leftOut.untracked]);
  const askedAfter = state.leftOut.dirty.filter((p) => !asked.includes(p) && !absent.has(p));
  for (const d of await declaringAt(opts.repoDir, ['HEAD'], askedAfter)) declared.add(d);
  const atHead = { declared, absent };
  const after = {
    ...withChanges(
      state,
      [...hidden, ...leftOutThatCount(opts.repoDir, [...new Set([...before.leftOut.untracked, ...state.leftOut.untracked])], atHead)],
      [...content.changed, ...leftOutThatCount(opts.repoDir, [...new Set([...before.leftOut.dirty, ...state.leftOut.dirty, ...content.leftOut])], atHead)],
    ),
    writtenDuringRun: written,
  };
  const recorded = await recordRun({
    repoDir: opts.repoDir,
    cwd: opts.cwd,
    incident: opts.incident,
    outcome,
    commandSource: opts.test.source,
    before,
    after,
    exclusions,
    ctx: opts.ctx,
    ...(opts.evidence ? { evidence: opts.evidence } : {}),
  });
  return { ...recorded, outcome, after };
}

/** The code state with these untracked entries and changed files among its own. */
function withChanges(state: CodeState, untracked: readonly string[], changed: readonly string[]): CodeState {
  const union = (a: readonly string[], b: readonly string[]) => (b.length === 0 ? [...a] : [...new Set([...a, ...b])].sort());
  return { ...state, untrackedFiles: union(state.untrackedFiles, untracked), dirtyFiles: union(state.dirtyFiles, changed) };
}

function hidingAttributesMessage(lines: readonly string[]): string {
  return `git attributes set a conversion that git applies before it compares a file with the commit (${someOf(lines, 3, '; ')}): ident collapses "$Id: … $" to "$Id$", so a changed file can read as the committed one; remove the attribute`;
}

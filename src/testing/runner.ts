// Runs a project's test command as a child process with Incident Room's reporter added, and
// reads the report that reporter wrote into a fresh private directory. The command is an
// argument vector spawned without a shell, so nothing in a record can inject shell syntax.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateStateDir } from '../store/privateState';
import { LIST_ONLY_ENV, REPORT_PATH_ENV, RUN_NONCE_ENV } from './reporters/protocol';
import { ReportError, type ParsedReport } from './reports/report';
import { readRunnerReport } from './reports/runnerReport';
import { commandParts, commandWithReporter, listingFlags, privateCacheOptions, recogniseRunner, reporterFile, type RunnerKind } from './runnerCommand';
import { runnerEnvironment, withheldNotice } from './runnerEnvironment';

export type { RunnerKind } from './runnerCommand';

/** The runner's plain command, and where it came from (shown in the verdict). */
export interface TestCommand {
  command: string[];
  /** e.g. "CI's --command", "package.json on main", "the incidentRoom.testCommand setting". */
  source: string;
}

export interface RunOptions {
  cwd: string;
  /** The runner's plain command; Incident Room adds its reporter. */
  command: string[];
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  onOutput?(chunk: string): void;
  /** Between SIGTERM and SIGKILL when the run is stopped; default 3 s. */
  killGraceMs?: number;
  /** Where the shipped reporters are; default beside this module or bundle. */
  reportersDir?: string;
  /** Where the runner keeps its caches (see privateCacheOptions); default Incident Room's private state. */
  cacheDir?: string;
  /** List the tests without running them (see listingFlags); the outcomes then mean nothing. */
  listOnly?: boolean;
  /** Called once the command and everything holding its output have ended, before its report is read: what must follow the run can start meanwhile. */
  onEnded?(): void;
}

export interface RunOutcome {
  /** The plain command as given. */
  command: string[];
  runner: RunnerKind;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  endedBy: 'exit' | 'timeout' | 'cancelled';
  startedAt: Date;
  endedAt: Date;
  report?: ParsedReport;
  reportError?: string;
}

export class RunnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunnerError';
  }
}

function killTree(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore' });
    } else {
      // Negative pid: the whole process group, so npx's and the runner's workers go too.
      process.kill(-child.pid, sig);
    }
  } catch {
    // The group is already gone.
  }
}

/**
 * npm settings that a project's .npmrc, committed on the fix branch, could set to run its own code
 * around the runner when the command goes through npx: node-options (NODE_OPTIONS for the runner,
 * e.g. a --require that fakes the fix) and script-shell (the shell npx runs the runner's bin
 * with). An environment variable outranks a project's .npmrc, so each is set to what this
 * environment says, or to npm's default (a neutral option for node-options, since npm ignores an
 * empty one). Nothing for a command without npx.
 */
export function npmOverrides(command: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (!commandParts(command).viaNpx) return {};
  const fromEnv = (key: string) => env[key] ?? env[key.toUpperCase()];
  return {
    npm_config_node_options: fromEnv('npm_config_node_options') || env.NODE_OPTIONS?.trim() || '--unhandled-rejections=throw',
    npm_config_script_shell: fromEnv('npm_config_script_shell') || (process.platform === 'win32' ? env.ComSpec || 'cmd.exe' : 'sh'),
  };
}

/** Runs the command; throws CommandRefused (before starting anything) for a command outside the contract. */
export function runTestCommand(opts: RunOptions): Promise<RunOutcome> {
  const runner = recogniseRunner(opts.command);
  // Fresh and private (mode 0700) for this run alone: nothing else can have put a report there.
  const dir = mkdtempSync(join(tmpdir(), 'incident-room-run-'));
  const reportPath = join(dir, 'report.json');
  const nonce = randomBytes(16).toString('hex');
  const ownOptions = [...privateCacheOptions(runner, opts.cacheDir ?? join(privateStateDir(), 'runner-cache')), ...(opts.listOnly ? listingFlags(runner) : [])];
  const [file, ...args] = commandWithReporter(opts.command, runner, reporterFile(runner, opts.reportersDir), reportPath, ownOptions);
  const { env, withheld } = runnerEnvironment({ ...process.env, ...opts.env });
  const startedAt = new Date();
  const finish = (partial: Pick<RunOutcome, 'exitCode' | 'signal' | 'endedBy'>): RunOutcome => {
    const outcome: RunOutcome = { command: [...opts.command], runner, ...partial, startedAt, endedAt: new Date() };
    try {
      outcome.report = readRunnerReport(reportPath, { runner, nonce, startedAt, workspaceDir: opts.cwd, ...(opts.listOnly ? { listing: true } : {}) });
    } catch (e) {
      if (!(e instanceof ReportError)) throw e;
      outcome.reportError = e.message;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return outcome;
  };
  if (opts.signal?.aborted) return Promise.resolve(finish({ exitCode: null, signal: null, endedBy: 'cancelled' }));

  // What was withheld is said where the run's output goes: the terminal, or the Test Explorer's output.
  if (withheld.length > 0) opts.onOutput?.(withheldNotice(withheld));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      // npmOverrides keeps any value the environment already has, so it may come after it.
      env: { ...env, ...npmOverrides(opts.command, env), [REPORT_PATH_ENV]: reportPath, [RUN_NONCE_ENV]: nonce, [LIST_ONLY_ENV]: opts.listOnly ? '1' : undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      shell: false,
      windowsHide: true,
    });
    let endedBy: RunOutcome['endedBy'] = 'exit';
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: 'timeout' | 'cancelled') => {
      if (endedBy !== 'exit') return;
      endedBy = why;
      killTree(child, 'SIGTERM');
      killTimer = setTimeout(() => killTree(child, 'SIGKILL'), opts.killGraceMs ?? 3000);
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = () => stop('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => opts.onOutput?.(chunk));
    }
    const cleanup = () => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      cleanup();
      rmSync(dir, { recursive: true, force: true });
      reject(new RunnerError(`could not start ${JSON.stringify(file)}: ${e.message}`));
    });
    // Anything the command left running in its group (a watcher, a server) ends with it, and
    // so releases the output pipes that 'close' waits for.
    child.on('exit', () => killTree(child, 'SIGKILL'));
    child.on('close', (exitCode, signal) => {
      cleanup();
      opts.onEnded?.();
      // The report is read on the next turn: what onEnded started (git processes) is under way by then.
      setImmediate(() => resolve(finish({ exitCode, signal, endedBy })));
    });
  });
}

/** The project's tests (file and title path), as the runner lists them without running them; undefined when it cannot. */
export async function listTests(opts: Omit<RunOptions, 'listOnly'>): Promise<ParsedReport | undefined> {
  const outcome = await runTestCommand({ ...opts, listOnly: true });
  return outcome.report && outcome.report.tests.length > 0 ? outcome.report : undefined;
}

// Runs a project's test command as a child process and reads its report. The command is an
// argument vector spawned without a shell, so nothing in a record can inject shell syntax.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readReport } from './reports/readReport';
import { ReportError, type ParsedReport, type ReportFormat } from './reports/report';

/** Replaced in each argument by the report's path. */
export const REPORT_PLACEHOLDER = '{report}';

export type RunnerKind = 'mocha' | 'node-test' | 'jest';

export interface TestCommand {
  command: string[];
  format: ReportFormat;
}

export interface RunOptions {
  cwd: string;
  command: string[];
  report: { format: ReportFormat; path: string };
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  onOutput?(chunk: string): void;
  /** Between SIGTERM and SIGKILL when the run is stopped; default 3 s. */
  killGraceMs?: number;
}

export interface RunOutcome {
  command: string[];
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

/** Presets that make each runner write a report the parsers read. */
export function defaultCommandFor(kind: RunnerKind): TestCommand {
  switch (kind) {
    case 'mocha':
      return { command: ['npx', 'mocha', '--reporter', 'json', '--reporter-option', `output=${REPORT_PLACEHOLDER}`], format: 'mocha-json' };
    case 'node-test':
      // Two reporters: people read spec on the output stream, the gate reads JUnit.
      return {
        command: ['node', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=junit', `--test-reporter-destination=${REPORT_PLACEHOLDER}`],
        format: 'junit',
      };
    case 'jest':
      return { command: ['npx', 'jest', '--json', `--outputFile=${REPORT_PLACEHOLDER}`], format: 'jest-json' };
  }
}

/** A report format that fits a command, for commands configured without one. */
export function inferReportFormat(command: readonly string[]): ReportFormat {
  if (command.includes('--json') && command.some((a) => a.includes('jest'))) return 'jest-json';
  const r = command.findIndex((a) => a === '--reporter' || a === '-R');
  if ((r >= 0 && command[r + 1] === 'json') || command.includes('--reporter=json')) return 'mocha-json';
  return 'junit';
}

export function expandCommand(command: readonly string[], reportPath: string): string[] {
  return command.map((a) => a.split(REPORT_PLACEHOLDER).join(reportPath));
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

export function runTestCommand(opts: RunOptions): Promise<RunOutcome> {
  const [file, ...args] = expandCommand(opts.command, opts.report.path);
  if (!file) return Promise.reject(new RunnerError('the test command is empty'));
  // A report left by an earlier run must never be read as this run's.
  rmSync(opts.report.path, { force: true });
  const startedAt = new Date();
  const finish = (partial: Pick<RunOutcome, 'exitCode' | 'signal' | 'endedBy'>): RunOutcome => {
    const outcome: RunOutcome = { command: [...opts.command], ...partial, startedAt, endedAt: new Date() };
    try {
      outcome.report = readReport(opts.report.format, opts.report.path, { workspaceDir: opts.cwd });
    } catch (e) {
      if (!(e instanceof ReportError)) throw e;
      outcome.reportError = e.message;
    }
    return outcome;
  };
  if (opts.signal?.aborted) return Promise.resolve(finish({ exitCode: null, signal: null, endedBy: 'cancelled' }));

  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
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
      reject(new RunnerError(`could not start ${JSON.stringify(file)}: ${e.message}`));
    });
    // Anything the command left running in its group (a watcher, a server) ends with it, and
    // so releases the output pipes that 'close' waits for.
    child.on('exit', () => killTree(child, 'SIGKILL'));
    child.on('close', (exitCode, signal) => {
      cleanup();
      resolve(finish({ exitCode, signal, endedBy }));
    });
  });
}

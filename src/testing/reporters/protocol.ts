// The report Incident Room's own reporters write, one format for every runner. The runner
// process learns where to write it and the run's nonce from the environment; the nonce ties
// the report to the run that asked for it, so a report saved from another run is refused.
import { writeFileSync } from 'node:fs';

export const RUNNER_REPORT_FORMAT = 'incident-room-report/1';
/** Where mocha's and jest's reporters write (node --test writes to its reporter destination). */
export const REPORT_PATH_ENV = 'INCIDENT_ROOM_REPORT';
export const RUN_NONCE_ENV = 'INCIDENT_ROOM_RUN_NONCE';
/** Set when the tests are only to be listed: a reporter that sees them about to run stops the runner. */
export const LIST_ONLY_ENV = 'INCIDENT_ROOM_LIST_ONLY';

export type ReportedOutcome = 'passed' | 'failed' | 'skipped';

export interface ReportedTest {
  /** As the runner gives it: absolute, or relative to the working directory. */
  file: string;
  title: string[];
  outcome: ReportedOutcome;
  durationMs?: number;
  message?: string;
  /** A failed hook or a file that failed to load, not a test: counts among the failures only. */
  notATest?: boolean;
  /** Passing assertions the runner counted in the test; only where the runner counts them (see RunnerReport.assertionsCounted). */
  assertions?: number;
}

export interface RunnerReport {
  format: typeof RUNNER_REPORT_FORMAT;
  runner: 'mocha' | 'node-test' | 'jest';
  nonce: string;
  /** The runner ran in a mode that executes no test (mocha's --dry-run). */
  dryRun?: boolean;
  /**
   * The runner counted each test's assertions (jest ≥ 29.4 under jest-circus: passing expect()
   * calls). mocha and node:test see no assertions at all, so their tests carry no count.
   */
  assertionsCounted?: boolean;
  tests: ReportedTest[];
}

export function runnerReport(runner: RunnerReport['runner'], tests: ReportedTest[], extra: { dryRun?: boolean; assertionsCounted?: boolean } = {}): RunnerReport {
  return {
    format: RUNNER_REPORT_FORMAT,
    runner,
    nonce: process.env[RUN_NONCE_ENV] ?? '',
    ...(extra.dryRun ? { dryRun: true } : {}),
    ...(extra.assertionsCounted ? { assertionsCounted: true } : {}),
    tests,
  };
}

export function writeRunnerReport(report: RunnerReport): void {
  const path = process.env[REPORT_PATH_ENV];
  if (!path) throw new Error(`Incident Room's reporter needs ${REPORT_PATH_ENV}: run the tests through Incident Room`);
  // 'wx': the fresh directory holds no report yet; something already there is not ours to overwrite.
  writeFileSync(path, JSON.stringify(report), { flag: 'wx', mode: 0o600 });
}

/** The most of a failure message a report keeps. */
export const MAX_MESSAGE_CHARS = 4000;

/**
 * A failure message whole (an assertion's message spans lines: "Expected values to be strictly
 * equal:", a blank line, then "23 !== 21"), trimmed and bounded to MAX_MESSAGE_CHARS. A stack
 * trace after it (jest's failure messages carry one) and terminal colours are left out: they say
 * where, not what. Every runner's report keeps its failures this way.
 */
export function wholeMessage(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const frame = text.search(/\n\s+at \S/);
  const message = (frame >= 0 ? text.slice(0, frame) : text).replace(/\u001b\[[0-9;]*m/g, '');
  const trimmed = message.replace(/^\s*\n/, '').trimEnd();
  if (!trimmed.trim()) return undefined;
  return trimmed.length > MAX_MESSAGE_CHARS ? `${trimmed.slice(0, MAX_MESSAGE_CHARS - 1)}…` : trimmed;
}

/** The first non-blank line, for a one-line progress message. */
export function firstLine(text: unknown): string | undefined {
  if (typeof text !== 'string' || !text) return undefined;
  return text.split('\n').find((l) => l.trim())?.trim().slice(0, 500);
}

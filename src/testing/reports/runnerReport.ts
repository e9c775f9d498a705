// Reads the report Incident Room's reporter wrote for one run, and refuses any other: a
// symlink or hard link (a saved report swapped in), a file older than the run, one without this
// run's nonce or from another runner, and a dry run.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { RUNNER_REPORT_FORMAT, type RunnerReport } from '../reporters/protocol';
import type { RunnerKind } from '../runnerCommand';
import { ReportError, workspaceFiles, type ParsedReport, type ParsedTest } from './report';

export interface ExpectedReport {
  runner: RunnerKind;
  nonce: string;
  startedAt: Date;
  /** Absolute file paths in the report are made relative to this folder. */
  workspaceDir: string;
  /** A listing of the tests, made by a dry run on purpose. */
  listing?: boolean;
}

/** Filesystems keep modification times coarser than the clock; a report is never this much older than the run. */
const MTIME_SLACK_MS = 2000;

export function readRunnerReport(path: string, expected: ExpectedReport): ParsedReport {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    throw new ReportError("the runner wrote no report: Incident Room's reporter did not run (the runner stopped before its end, or another reporter replaced it)");
  }
  if (stat.isSymbolicLink()) throw new ReportError('the report is a symlink, not the file Incident Room\'s reporter writes: refused');
  if (!stat.isFile()) throw new ReportError('the report is not a regular file: refused');
  if (stat.nlink > 1) throw new ReportError('the report is a hard link to another file, not the one Incident Room\'s reporter wrote: refused');
  if (stat.mtimeMs < expected.startedAt.getTime() - MTIME_SLACK_MS) throw new ReportError('the report predates the run: refused');
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') throw new ReportError('the report is empty');
  let data: Partial<RunnerReport>;
  try {
    data = JSON.parse(text) as Partial<RunnerReport>;
  } catch {
    throw new ReportError('the report is truncated or not JSON');
  }
  if (data?.format !== RUNNER_REPORT_FORMAT || !Array.isArray(data.tests)) throw new ReportError("the report was not written by Incident Room's reporter: refused");
  if (data.nonce !== expected.nonce) throw new ReportError("the report was not written by Incident Room's reporter for this run (its nonce differs): refused");
  if (data.runner !== expected.runner) throw new ReportError(`the report comes from ${String(data.runner)}, not from ${expected.runner}: refused`);
  if (data.dryRun && !expected.listing) throw new ReportError('mocha ran with --dry-run (set in its configuration): no test was executed');
  const toWorkspaceFile = workspaceFiles(expected.workspaceDir);
  const tests: ParsedTest[] = data.tests.map((t) => {
    const parsed: ParsedTest = { ref: { file: toWorkspaceFile(String(t.file ?? '')), title: (t.title ?? []).map(String) }, outcome: t.outcome };
    if (typeof t.durationMs === 'number') parsed.durationMs = t.durationMs;
    if (t.message) parsed.message = String(t.message);
    if (t.notATest) parsed.notATest = true;
    if (data.assertionsCounted && typeof t.assertions === 'number') parsed.assertions = t.assertions;
    if (!parsed.ref.file) parsed.fileUnknown = true;
    return parsed;
  });
  const report: ParsedReport = { format: RUNNER_REPORT_FORMAT, tests, sha256: createHash('sha256').update(text).digest('hex') };
  if (data.assertionsCounted) report.assertionsCounted = true;
  const suspicious = [suspiciousTimings(tests, expected.runner), data.assertionsCounted ? noAssertions(tests) : undefined].filter((s): s is string => !!s);
  if (suspicious.length > 0) report.suspicious = suspicious;
  return report;
}

/**
 * Real tests take time: a report in which none did looks made up rather than run. mocha and
 * jest count whole milliseconds, so a quick honest test takes 0 there; node:test counts
 * fractions, and a test it ran never takes exactly 0.
 */
function suspiciousTimings(tests: readonly ParsedTest[], runner: RunnerKind): string | undefined {
  const ran = tests.filter((t) => !t.notATest && t.outcome !== 'skipped');
  if (ran.length === 0) return undefined;
  if (ran.every((t) => t.durationMs === undefined)) return `none of the ${ran.length} test(s) that ran reported a duration`;
  if (runner === 'node-test' && ran.every((t) => !t.durationMs)) return `every one of the ${ran.length} test(s) that ran reported a duration of zero`;
  return undefined;
}

/**
 * Where the runner counts assertions (jest ≥ 29.4 counts passing expect() calls; mocha and
 * node:test see none), a run in which no passed test asserted anything checked nothing.
 */
function noAssertions(tests: readonly ParsedTest[]): string | undefined {
  const passed = tests.filter((t) => !t.notATest && t.outcome === 'passed');
  if (passed.length === 0 || passed.some((t) => (t.assertions ?? 0) > 0)) return undefined;
  return `none of the ${passed.length} passed test(s) made an expect() assertion (jest counts them; a test that only throws or uses node:assert is not counted)`;
}

// The runner's own evidence, kept outside the record: the YAML's test_runs are an audit trail
// anyone can edit, so the gate trusts only runs signed with a key that lives in the user's
// state folder, stored under the repository's git dir where they are never committed.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultKeyPath, loadStateKey } from '../store/privateState';
import type { ActionContext, RecordEdit } from '../model/edits';
import { timelineEdit } from '../model/edits';
import type { Incident, TestOutcome, TestRef, TestRunRecord, Timestamp } from '../model/record';
import { toTimestamp } from '../model/time';
import { linkedTests } from '../model/testPlan';
import { movedDuring, type CodeExclusions, type CodeState } from '../git/codeState';
import { gitDirOf } from '../git/fixBranch';
import { relativeInside } from '../git/repoPath';
import { lookupTest, type ParsedReport } from './reports/report';
import type { RunOutcome } from './runner';
import { formatTestRef } from '../model/testId';

/** 2: the run keeps what the verdict needs (linked outcomes, totals, failing names, the report's hash), not the report. */
export const EVIDENCE_VERSION = 2;

export interface LinkedResult {
  test: TestRef;
  outcome: TestOutcome;
  /** Why a test counts as missing: ambiguity, not on this commit, not reached after a failure… */
  note?: string;
}

export interface ReportSummary {
  /** The report file's SHA-256: which report decided, without keeping it. */
  sha256: string;
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Failing tests (and failed hooks), linked or not, as `file > suite > title`; at most MAX_FAILING. */
  failing: string[];
  /** What looks made up rather than run, e.g. no test took any time. */
  suspicious?: string[];
}

export const MAX_FAILING = 20;

export interface EvidenceRun {
  v: typeof EVIDENCE_VERSION;
  id: string;
  incidentId: string;
  /** HEAD when the run started. */
  sha: string;
  /** HEAD when it ended; differs when someone committed or switched branches meanwhile. */
  shaAfter: string;
  branch: string | null;
  /** No uncommitted changes to tracked files and no untracked files, before or after the run. */
  clean: boolean;
  dirtyFiles: string[];
  /** Untracked, not git-ignored files present before or after the run: part of what ran. */
  untrackedFiles: string[];
  /** HEAD, the branch or the index moved during the run, even if it came back: what moved. */
  moved: string[];
  /** Paths left out of the clean check (the records folder's YAML files, the public log), as checked. */
  excluded: string[];
  /** Exclusions asked for that were not a records folder or the public log; they counted as code. */
  excludedRefused: string[];
  /** The runner's plain command, the runner it starts, and where the command came from. */
  command: string[];
  runner: string;
  commandSource: string;
  startedAt: Timestamp;
  endedAt: Timestamp;
  exitCode: number | null;
  signal: string | null;
  endedBy: 'exit' | 'timeout' | 'cancelled';
  report: ReportSummary | null;
  reportError?: string;
  linked: LinkedResult[];
}

interface SignedRun {
  run: EvidenceRun;
  sig: string;
}

export interface EvidenceOptions {
  /** The HMAC key file; defaults to $XDG_STATE_HOME/incident-room/key or ~/.local/state/incident-room/key. */
  keyPath?: string;
}

export interface LatestEvidence {
  /** The newest run for the incident whose signature verifies. */
  run: EvidenceRun | null;
  verified: EvidenceRun[];
  /** Entries that failed verification: edited, copied from another incident, or signed elsewhere. */
  rejected: { index: number; reason: string }[];
  /** A rejected entry comes after the returned run, so the newest run cannot be trusted. */
  rejectedAfterLatest: boolean;
}

export { defaultKeyPath } from '../store/privateState';

function loadKey(opts: EvidenceOptions): Buffer {
  return loadStateKey(opts.keyPath ?? defaultKeyPath());
}

/** JSON with keys sorted at every level, so the signature does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sign(run: EvidenceRun, key: Buffer): string {
  return createHmac('sha256', key).update(canonical(run)).digest('hex');
}

/**
 * Signatures this process made or checked, by key and signature, with the JSON of the run each
 * covers. Every verdict reads all of an incident's entries again (the gate after its run, the
 * editor after each change); an entry whose run has exactly that JSON is the same run, so it
 * verifies without its canonical form being built and hashed again.
 */
const checkedSignatures = new Map<string, string>();
const MAX_CHECKED_SIGNATURES = 4096;

function rememberSignature(key: Buffer, sig: string, run: EvidenceRun): void {
  if (checkedSignatures.size >= MAX_CHECKED_SIGNATURES) checkedSignatures.delete(checkedSignatures.keys().next().value!);
  checkedSignatures.set(`${key.toString('hex')}:${sig}`, JSON.stringify(run));
}

function verifies(entry: SignedRun, key: Buffer): boolean {
  if (typeof entry?.sig !== 'string' || !entry.run || typeof entry.run !== 'object') return false;
  if (checkedSignatures.get(`${key.toString('hex')}:${entry.sig}`) === JSON.stringify(entry.run)) return true;
  const expected = Buffer.from(sign(entry.run, key), 'hex');
  const actual = Buffer.from(entry.sig, 'hex');
  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
  if (ok) rememberSignature(key, entry.sig, entry.run);
  return ok;
}

function safeFileName(incidentId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(incidentId)) throw new Error(`"${incidentId}" cannot name an evidence file`);
  return `${incidentId}.json`;
}

export async function evidencePath(repoDir: string, incidentId: string): Promise<string> {
  return join(await gitDirOf(repoDir), 'incident-room', 'runs', safeFileName(incidentId));
}

function readEntries(path: string): { entries: SignedRun[]; problem?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [] };
    throw e;
  }
  try {
    const data = JSON.parse(text) as { runs?: unknown };
    if (Array.isArray(data?.runs)) return { entries: data.runs as SignedRun[] };
  } catch {
    // Reported below.
  }
  return { entries: [], problem: 'the evidence file is not valid JSON' };
}

/** Linked tests' outcomes in a report; a test the report cannot place counts as missing. */
export function linkedResults(tests: readonly TestRef[], report: ParsedReport | null): LinkedResult[] {
  return tests.map((test) => {
    if (!report) return { test, outcome: 'missing' };
    const found = lookupTest(report, test);
    if (found.kind === 'found') return { test, outcome: found.outcome };
    if (found.kind === 'ambiguous') {
      return { test, outcome: 'missing', note: `${found.tests.length} tests in the report share this title path and the report names no files` };
    }
    return { test, outcome: 'missing' };
  });
}

export class EvidenceStore {
  constructor(
    readonly repoDir: string,
    readonly opts: EvidenceOptions = {},
  ) {}

  async append(run: EvidenceRun): Promise<void> {
    const path = await evidencePath(this.repoDir, run.incidentId);
    const key = loadKey(this.opts);
    mkdirSync(dirname(path), { recursive: true });
    const { entries } = readEntries(path);
    const sig = sign(run, key);
    rememberSignature(key, sig, run);
    entries.push({ run, sig });
    // Written beside and renamed, so a crash never leaves a half-written file.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ runs: entries }, null, 2));
    renameSync(tmp, path);
  }

  async latest(incidentId: string): Promise<LatestEvidence> {
    const path = await evidencePath(this.repoDir, incidentId);
    const key = loadKey(this.opts);
    const { entries, problem } = readEntries(path);
    const result: LatestEvidence = { run: null, verified: [], rejected: [], rejectedAfterLatest: false };
    if (problem) result.rejected.push({ index: -1, reason: problem });
    entries.forEach((entry, index) => {
      if (!verifies(entry, key)) result.rejected.push({ index, reason: 'its signature does not verify (edited, or written with another key)' });
      else if (entry.run.incidentId !== incidentId) result.rejected.push({ index, reason: `it belongs to incident ${entry.run.incidentId}` });
      else if ((entry.run.v as number) !== EVIDENCE_VERSION) result.rejected.push({ index, reason: 'it was made by an older version of Incident Room, whose runs the gate no longer trusts; run the tests again' });
      else result.verified.push(entry.run);
    });
    result.run = result.verified[result.verified.length - 1] ?? null;
    const latestIndex = result.run ? entries.findIndex((e) => e.run === result.run) : -1;
    result.rejectedAfterLatest = result.rejected.some((r) => r.index > latestIndex || r.index === -1);
    return result;
  }
}

export function latestEvidence(repoDir: string, incidentId: string, opts: EvidenceOptions = {}): Promise<LatestEvidence> {
  return new EvidenceStore(repoDir, opts).latest(incidentId);
}

export interface RecordRunInput {
  repoDir: string;
  /** Where the command ran; linked test files are relative to it. */
  cwd: string;
  incident: Incident;
  outcome: RunOutcome;
  commandSource: string;
  /** The code state from just before and just after the run. */
  before: CodeState;
  after: CodeState;
  exclusions: CodeExclusions;
  ctx: ActionContext;
  evidence?: EvidenceOptions;
}

export interface RecordedRun {
  run: EvidenceRun;
  record: TestRunRecord;
  edits: RecordEdit[];
}

function totalsOf(linked: readonly LinkedResult[]): TestRunRecord['totals'] {
  const totals = { passed: 0, failed: 0, skipped: 0, missing: 0 };
  for (const l of linked) totals[l.outcome]++;
  return totals;
}

export function summarizeReport(report: ParsedReport): ReportSummary {
  const tests = report.tests.filter((t) => !t.notATest);
  const failing = report.tests.filter((t) => t.outcome === 'failed').map((t) => formatTestRef(t.ref));
  const summary: ReportSummary = {
    sha256: report.sha256 ?? '',
    tests: tests.length,
    passed: tests.filter((t) => t.outcome === 'passed').length,
    failed: tests.filter((t) => t.outcome === 'failed').length,
    skipped: tests.filter((t) => t.outcome === 'skipped').length,
    failing: failing.slice(0, MAX_FAILING),
  };
  if (report.suspicious?.length) summary.suspicious = [...report.suspicious];
  return summary;
}

/** Why a linked test's file (relative to where the command ran) is not the commit's, or null when git tracks it. */
function fileNotInCommit(repoDir: string, cwd: string, state: CodeState): (file: string) => string | null {
  const top = realpathSync(repoDir);
  const from = realpathSync(cwd);
  return (file) => {
    const rel = relativeInside(top, resolve(from, file));
    if (!rel) return `${file} is outside the repository: a linked test must be one the commit carries`;
    return state.tracks(rel) ? null : `git does not track ${file} (it is ignored): a linked test must be one the commit carries; commit it`;
  };
}

/** Why a linked test is not in the report, from what this commit's test file says. */
function missingCause(test: TestRef, cwd: string, outcome: RunOutcome): string {
  const title = test.title[test.title.length - 1] ?? '';
  let text: string;
  try {
    text = readFileSync(join(cwd, test.file), 'utf8');
  } catch {
    return `${test.file} is not on this commit (not written yet, moved, or the link is wrong)`;
  }
  if (!text.includes(title)) return `no test titled "${title}" in ${test.file} on this commit (not written yet, or renamed)`;
  const failedFirst = outcome.report?.tests.some((t) => t.outcome === 'failed');
  const bail = outcome.command.some((a) => a === '--bail' || a === '-b' || a.startsWith('--bail='));
  if (failedFirst && bail) return 'not reached after the first failure (the command stops at the first failure: --bail)';
  return `in ${test.file} but not run: filtered out (--grep, -t, --test-name-pattern, .only), or the file was not given to the runner`;
}

/** Linked tests that passed without one assertion, where the runner counts assertions (jest ≥ 29.4): they checked nothing. */
function linkedWithoutAssertions(linked: readonly LinkedResult[], report: ParsedReport): string[] {
  if (!report.assertionsCounted) return [];
  return linked
    .filter((l) => {
      if (l.outcome !== 'passed') return false;
      const found = lookupTest(report, l.test);
      return found.kind === 'found' && found.tests.every((t) => t.assertions === 0);
    })
    .map((l) => `the linked test ${formatTestRef(l.test)} passed without making an expect() assertion`);
}

/** Signs and stores the run's evidence, and returns the audit entry and edits for the record. */
export async function recordRun(input: RecordRunInput): Promise<RecordedRun> {
  const { outcome, ctx, before, after } = input;
  const notInCommit = fileNotInCommit(input.repoDir, input.cwd, before);
  const linked = linkedResults(linkedTests(input.incident), outcome.report ?? null).map((l) => {
    if (l.outcome === 'missing' && !l.note && outcome.report) return { ...l, note: missingCause(l.test, input.cwd, outcome) };
    // A test that passed in a file git does not track (ignored, or outside the repository) is no commit's test.
    const why = l.outcome === 'passed' ? notInCommit(l.test.file) : null;
    return why ? { ...l, outcome: 'missing' as const, note: why } : l;
  });
  const dirtyFiles = [...new Set([...before.dirtyFiles, ...after.dirtyFiles])].sort();
  const untrackedFiles = [...new Set([...before.untrackedFiles, ...after.untrackedFiles])].sort();
  const run: EvidenceRun = {
    v: EVIDENCE_VERSION,
    id: `${outcome.startedAt.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`,
    incidentId: input.incident.id,
    sha: before.sha,
    shaAfter: after.sha,
    branch: before.branch,
    clean: dirtyFiles.length === 0 && untrackedFiles.length === 0,
    dirtyFiles,
    untrackedFiles,
    moved: movedDuring(before, after),
    excluded: [...input.exclusions.paths],
    excludedRefused: [...input.exclusions.refused],
    command: [...outcome.command],
    runner: outcome.runner,
    commandSource: input.commandSource,
    startedAt: toTimestamp(outcome.startedAt, ctx.zone),
    endedAt: toTimestamp(outcome.endedAt, ctx.zone),
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    endedBy: outcome.endedBy,
    report: outcome.report ? summarizeReport(outcome.report) : null,
    linked,
  };
  const unasserted = outcome.report ? linkedWithoutAssertions(linked, outcome.report) : [];
  if (run.report && unasserted.length > 0) run.report.suspicious = [...(run.report.suspicious ?? []), ...unasserted];
  if (outcome.reportError) run.reportError = outcome.reportError;
  await new EvidenceStore(input.repoDir, input.evidence).append(run);

  const totals = totalsOf(linked);
  const record: TestRunRecord = {
    id: run.id,
    sha: run.sha,
    branch: run.branch ?? 'HEAD (detached)',
    clean: run.clean,
    command: run.command,
    started_at: run.startedAt,
    ended_at: run.endedAt,
    exit_code: run.exitCode,
    ended_by: run.endedBy,
    report_format: run.runner,
    tests: linked.map((l) => ({ test: l.test, outcome: l.outcome })),
    totals,
  };
  const how = run.endedBy === 'exit' ? `exit ${run.exitCode ?? run.signal}` : run.endedBy === 'timeout' ? 'timed out' : 'cancelled';
  const tree = run.clean ? '' : run.untrackedFiles.length > 0 ? ', uncommitted or untracked files' : ', uncommitted changes';
  const text =
    `Ran the linked tests on ${run.sha.slice(0, 7)} (${record.branch}${tree}): ` +
    `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped, ${totals.missing} missing; ${how}` +
    (run.reportError ? `; ${run.reportError}` : '');
  return { run, record, edits: [{ op: 'append', path: ['test_runs'], value: record }, timelineEdit(ctx, 'test-run', text)] };
}

/** A one-line description of a linked test's result, for messages. */
export function describeLinked(l: LinkedResult): string {
  return `${formatTestRef(l.test)}: ${l.outcome}${l.note ? ` (${l.note})` : ''}`;
}

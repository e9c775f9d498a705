// One run of an incident's linked tests: the working-tree facts before and after, the run,
// and the signed evidence with the audit entry for the record.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workingTreeFacts } from '../git/fixBranch';
import type { ActionContext } from '../model/edits';
import type { Incident } from '../model/record';
import { recordRun, type EvidenceOptions, type RecordedRun } from './evidence';
import { runTestCommand, type RunOutcome, type TestCommand } from './runner';

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
  /** Repository-relative prefixes whose changes do not make the tree dirty; default the records folder. */
  ignorePaths?: readonly string[];
}

export async function runIncidentTests(opts: IncidentRunOptions): Promise<RecordedRun & { outcome: RunOutcome }> {
  const before = await workingTreeFacts(opts.repoDir, opts.ignorePaths);
  // The report goes outside the working tree, so it can neither dirty it nor be committed.
  const dir = mkdtempSync(join(tmpdir(), 'incident-room-report-'));
  const ext = opts.test.format === 'junit' ? 'xml' : 'json';
  try {
    const outcome = await runTestCommand({
      cwd: opts.cwd,
      command: opts.test.command,
      report: { format: opts.test.format, path: join(dir, `report.${ext}`) },
      timeoutMs: opts.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
      ...(opts.killGraceMs !== undefined ? { killGraceMs: opts.killGraceMs } : {}),
    });
    const after = await workingTreeFacts(opts.repoDir, opts.ignorePaths);
    const recorded = await recordRun({
      repoDir: opts.repoDir,
      incident: opts.incident,
      outcome,
      reportFormat: opts.test.format,
      before,
      after,
      ctx: opts.ctx,
      ...(opts.evidence ? { evidence: opts.evidence } : {}),
    });
    return { ...recorded, outcome };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// What every report parser produces, and how a linked test is found in it.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { TestRef } from '../../model/record';
import { normalizeTestFile } from '../../model/testId';

export type ParsedOutcome = 'passed' | 'failed' | 'skipped';

export interface ParsedTest {
  ref: TestRef;
  outcome: ParsedOutcome;
  durationMs?: number;
  message?: string;
  /** A failed hook or a file that failed to load: among the failures, never a linked test. */
  notATest?: boolean;
  /** Passing assertions the runner counted in the test; undefined where the runner does not count them. */
  assertions?: number;
  /** The runner did not say which file the test is in; `ref.file` is then "" and the test is found by its title path alone. */
  fileUnknown?: boolean;
}

export interface ParsedReport {
  format: string;
  tests: ParsedTest[];
  /** The report file's SHA-256, kept in the evidence instead of the report. */
  sha256?: string;
  /** What looks made up rather than run (no test took any time, no test asserted anything). */
  suspicious?: string[];
  /** The runner counts assertions (jest ≥ 29.4), so a test with none made no check at all. */
  assertionsCounted?: boolean;
}

/** The report is missing, empty, truncated or not in the expected format: never "no tests". */
export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

export interface ParseOptions {
  /** Absolute file paths in the report are made relative to this folder. */
  workspaceDir: string;
}

/**
 * Maps the paths of one report to the workspace-relative spelling TestRefs use. The workspace's
 * real path is looked up once, and each distinct path mapped once (a report names each file once
 * per test in it).
 */
export function workspaceFiles(workspaceDir: string): (file: string) => string {
  // Runners report real paths (jest) or resolved ones (mocha); the workspace may be reached through a symlink.
  const bases = new Set([workspaceDir]);
  try {
    bases.add(realpathSync(workspaceDir));
  } catch {
    // A workspace that no longer exists still maps lexically.
  }
  const mapped = new Map<string, string>();
  const map = (file: string): string => {
    if (!isAbsolute(file)) return normalizeTestFile(file);
    for (const base of bases) {
      const rel = relative(base, file);
      if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return normalizeTestFile(rel);
    }
    return normalizeTestFile(file);
  };
  return (file) => {
    let result = mapped.get(file);
    if (result === undefined) mapped.set(file, (result = map(file)));
    return result;
  };
}

export type TestLookup =
  | { kind: 'found'; outcome: ParsedOutcome; tests: ParsedTest[] }
  | { kind: 'missing' }
  /** Several tests in a report that names no files share the linked title path. */
  | { kind: 'ambiguous'; tests: ParsedTest[] };

function titleMatches(test: ParsedTest, ref: TestRef): boolean {
  const t = test.ref.title;
  return t.length === ref.title.length && t.every((part, i) => part === ref.title[i]);
}

function combined(tests: ParsedTest[]): ParsedOutcome {
  // A test reported twice (retries, a duplicate declaration) passes only if every report of it passed.
  if (tests.some((t) => t.outcome === 'failed')) return 'failed';
  if (tests.some((t) => t.outcome === 'skipped')) return 'skipped';
  return 'passed';
}

/** Finds a linked test in a report: by file and title path, or by title path alone when the report names no files. */
export function lookupTest(report: ParsedReport, ref: TestRef): TestLookup {
  const file = normalizeTestFile(ref.file);
  const tests = report.tests.filter((t) => !t.notATest);
  const exact = tests.filter((t) => !t.fileUnknown && t.ref.file === file && titleMatches(t, ref));
  if (exact.length > 0) return { kind: 'found', outcome: combined(exact), tests: exact };
  const loose = tests.filter((t) => t.fileUnknown && titleMatches(t, ref));
  if (loose.length === 0) return { kind: 'missing' };
  if (loose.length === 1) return { kind: 'found', outcome: combined(loose), tests: loose };
  return { kind: 'ambiguous', tests: loose };
}

// jest's built-in `--json --outputFile=<file>` report. Verified against jest 30.5.2.
import type { ParsedOutcome, ParsedReport, ParsedTest, ParseOptions } from './report';
import { readReportFile, ReportError, toWorkspaceFile } from './report';

interface JestAssertion {
  ancestorTitles: string[];
  title: string;
  status: string;
  duration?: number | null;
  failureMessages?: string[];
}

interface JestFileResult {
  name: string;
  assertionResults: JestAssertion[];
}

function isFileResult(v: unknown): v is JestFileResult {
  const r = v as JestFileResult;
  return !!r && typeof r.name === 'string' && Array.isArray(r.assertionResults) &&
    r.assertionResults.every((a) => a && Array.isArray(a.ancestorTitles) && typeof a.title === 'string' && typeof a.status === 'string');
}

function outcomeOf(status: string): ParsedOutcome {
  if (status === 'passed') return 'passed';
  if (status === 'failed') return 'failed';
  // pending, todo, skipped, disabled: declared but not executed.
  return 'skipped';
}

export function parseJestJson(text: string, opts: ParseOptions): ParsedReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ReportError(`the jest json report is truncated or not JSON: ${(e as Error).message}`);
  }
  const results = (data as { testResults?: unknown })?.testResults;
  if (!Array.isArray(results) || !results.every(isFileResult)) {
    throw new ReportError('not a jest json report: expected "testResults" with "assertionResults"');
  }
  const tests: ParsedTest[] = [];
  for (const file of results) {
    const rel = toWorkspaceFile(file.name, opts.workspaceDir);
    for (const a of file.assertionResults) {
      const test: ParsedTest = { ref: { file: rel, title: [...a.ancestorTitles, a.title] }, outcome: outcomeOf(a.status) };
      if (typeof a.duration === 'number') test.durationMs = a.duration;
      const message = a.failureMessages?.[0]?.split('\n')[0];
      if (test.outcome === 'failed' && message) test.message = message;
      tests.push(test);
    }
  }
  return { format: 'jest-json', tests };
}

export function readJestJson(path: string, opts: ParseOptions): ParsedReport {
  return parseJestJson(readReportFile(path), opts);
}

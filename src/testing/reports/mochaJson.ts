// mocha's built-in json reporter: `--reporter json --reporter-option output=<file>`.
// Verified against mocha 11.8.0. It gives each test's title and `fullTitle` (suite titles and
// the title joined by spaces) but no title path, so suites are kept as one joined string.
import type { ParsedReport, ParsedTest, ParseOptions } from './report';
import { readReportFile, ReportError, toWorkspaceFile } from './report';

interface MochaJsonTest {
  title: string;
  fullTitle: string;
  file?: string;
  duration?: number;
  err?: { message?: string };
}

function isTestList(v: unknown): v is MochaJsonTest[] {
  return Array.isArray(v) && v.every((t) => t && typeof t === 'object' && typeof t.title === 'string' && typeof t.fullTitle === 'string');
}

export function parseMochaJson(text: string, opts: ParseOptions): ParsedReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ReportError(`the mocha json report is truncated or not JSON: ${(e as Error).message}`);
  }
  const obj = data as { stats?: unknown; tests?: unknown; pending?: unknown };
  if (!obj || typeof obj !== 'object' || typeof obj.stats !== 'object' || !isTestList(obj.tests)) {
    throw new ReportError('not a mocha json report: expected "stats" and a "tests" list');
  }
  const pending = new Set((isTestList(obj.pending) ? obj.pending : []).map((t) => `${t.file ?? ''}\u0000${t.fullTitle}`));
  const tests: ParsedTest[] = obj.tests.map((t) => {
    const parent = t.fullTitle.endsWith(t.title) ? t.fullTitle.slice(0, t.fullTitle.length - t.title.length).trimEnd() : '';
    const failed = !!t.err && Object.keys(t.err).length > 0;
    const test: ParsedTest = {
      ref: { file: t.file ? toWorkspaceFile(t.file, opts.workspaceDir) : '', title: parent ? [parent, t.title] : [t.title] },
      outcome: pending.has(`${t.file ?? ''}\u0000${t.fullTitle}`) ? 'skipped' : failed ? 'failed' : 'passed',
    };
    if (!t.file) test.fileUnknown = true;
    if (parent) test.suitesJoined = true;
    if (typeof t.duration === 'number') test.durationMs = t.duration;
    if (failed && t.err?.message) test.message = t.err.message;
    return test;
  });
  return { format: 'mocha-json', tests };
}

export function readMochaJson(path: string, opts: ParseOptions): ParsedReport {
  return parseMochaJson(readReportFile(path), opts);
}

// Incident Room's jest reporter (jest ≥ 27): `jest --reporters=default --reporters=<this file>`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runnerReport, wholeMessage, writeRunnerReport, type ReportedTest } from './protocol';

interface JestAssertion {
  ancestorTitles: string[];
  title: string;
  status: string;
  duration?: number | null;
  failureMessages?: string[];
  numPassingAsserts?: number;
}

interface JestFileResult {
  testFilePath: string;
  testResults: JestAssertion[];
  testExecError?: { message?: string } | null;
  failureMessage?: string | null;
}

interface JestTestContext {
  config?: { testRunner?: string };
}

/** The version of the jest running this reporter: the package whose bin started the process. */
function runningJestVersion(): string | undefined {
  for (let dir = dirname(require.main?.filename ?? ''); dir && dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      return pkg.name === 'jest' || pkg.name === 'jest-cli' ? pkg.version : undefined;
    } catch {
      // No package.json at this level: look further up.
    }
  }
  return undefined;
}

/**
 * jest counts each test's passing expect() calls (numPassingAsserts) from 29.4 on, under its
 * default runner jest-circus; older jests, and jasmine2, leave it at 0 whatever the test asserts.
 */
function jestCountsAssertions(version: string | undefined, contexts: Iterable<JestTestContext>): boolean {
  const [major = 0, minor = 0] = (version ?? '').split('.').map(Number);
  if (!(major > 29 || (major === 29 && minor >= 4))) return false;
  for (const c of contexts) if (c.config?.testRunner && !/jest-circus/.test(c.config.testRunner)) return false;
  return true;
}

class IncidentRoomJestReporter {
  onRunComplete(contexts: Set<JestTestContext> | undefined, results: { testResults: JestFileResult[] }): void {
    const counted = jestCountsAssertions(runningJestVersion(), contexts ?? []);
    const tests: ReportedTest[] = [];
    for (const file of results.testResults) {
      if (file.testExecError) {
        const message = wholeMessage(file.testExecError.message);
        tests.push({ file: file.testFilePath, title: ['(the file failed to run)'], outcome: 'failed', notATest: true, ...(message ? { message } : {}) });
      }
      for (const a of file.testResults) {
        const outcome = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
        const entry: ReportedTest = { file: file.testFilePath, title: [...a.ancestorTitles, a.title], outcome };
        if (typeof a.duration === 'number') entry.durationMs = a.duration;
        if (counted && typeof a.numPassingAsserts === 'number') entry.assertions = a.numPassingAsserts;
        const message = wholeMessage(a.failureMessages?.[0]);
        if (outcome === 'failed' && message) entry.message = message;
        tests.push(entry);
      }
    }
    writeRunnerReport(runnerReport('jest', tests, counted ? { assertionsCounted: true } : {}));
  }
}

export = IncidentRoomJestReporter;

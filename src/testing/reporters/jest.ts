// Incident Room's jest reporter (jest ≥ 27): `jest --reporters=default --reporters=<this file>`.
import { firstLine, runnerReport, writeRunnerReport, type ReportedTest } from './protocol';

interface JestAssertion {
  ancestorTitles: string[];
  title: string;
  status: string;
  duration?: number | null;
  failureMessages?: string[];
}

interface JestFileResult {
  testFilePath: string;
  testResults: JestAssertion[];
  testExecError?: { message?: string } | null;
  failureMessage?: string | null;
}

class IncidentRoomJestReporter {
  onRunComplete(_contexts: unknown, results: { testResults: JestFileResult[] }): void {
    const tests: ReportedTest[] = [];
    for (const file of results.testResults) {
      if (file.testExecError) {
        tests.push({ file: file.testFilePath, title: ['(the file failed to run)'], outcome: 'failed', notATest: true, ...(firstLine(file.testExecError.message) ? { message: firstLine(file.testExecError.message)! } : {}) });
      }
      for (const a of file.testResults) {
        const outcome = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
        const entry: ReportedTest = { file: file.testFilePath, title: [...a.ancestorTitles, a.title], outcome };
        if (typeof a.duration === 'number') entry.durationMs = a.duration;
        const message = firstLine(a.failureMessages?.[0]);
        if (outcome === 'failed' && message) entry.message = message;
        tests.push(entry);
      }
    }
    writeRunnerReport(runnerReport('jest', tests));
  }
}

export = IncidentRoomJestReporter;

// Incident Room's node:test reporter (node ≥ 20): `node --test --test-reporter=<this file>
// --test-reporter-destination=<report>`. Node writes what it yields to the destination; it
// yields the run's report once, at the end. Title paths come from the nesting of `test:start`,
// which node emits in declaration order per file.
import { runnerReport, wholeMessage, type ReportedTest } from './protocol';

interface TestEventData {
  name: string;
  nesting: number;
  file?: string;
  skip?: boolean | string;
  todo?: boolean | string;
  details?: { duration_ms?: number; type?: string; error?: { message?: string; failureType?: string; cause?: { message?: string } } };
}

async function* incidentRoomNodeTestReporter(source: AsyncIterable<{ type: string; data: TestEventData }>): AsyncGenerator<string> {
  const titles = new Map<string, string[]>();
  const tests: ReportedTest[] = [];
  for await (const event of source) {
    const d = event.data;
    if (event.type === 'test:start') {
      const stack = titles.get(d.file ?? '') ?? [];
      stack.length = d.nesting;
      stack[d.nesting] = d.name;
      titles.set(d.file ?? '', stack);
    } else if (event.type === 'test:pass' || event.type === 'test:fail') {
      const failed = event.type === 'test:fail';
      const isSuite = d.details?.type === 'suite';
      const error = d.details?.error;
      // A suite fails when a test in it failed (already reported) or when its own hook did.
      if (isSuite && (!failed || error?.failureType === 'subtestsFailed')) continue;
      const stack = titles.get(d.file ?? '') ?? [];
      const entry: ReportedTest = {
        file: d.file ?? '',
        title: [...stack.slice(0, d.nesting), d.name],
        outcome: d.skip !== undefined || d.todo !== undefined ? 'skipped' : failed ? 'failed' : 'passed',
      };
      if (typeof d.details?.duration_ms === 'number') entry.durationMs = d.details.duration_ms;
      const message = wholeMessage(error?.cause?.message ?? error?.message);
      if (failed && message) entry.message = message;
      if (isSuite) entry.notATest = true;
      tests.push(entry);
    }
  }
  yield JSON.stringify(runnerReport('node-test', tests));
}

export = incidentRoomNodeTestReporter;

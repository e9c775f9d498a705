// Incident Room's mocha reporter (mocha ≥ 8): `mocha --reporter <this file>`. It prints one line
// per test for people and writes the run's report where Incident Room asked. It needs nothing
// from mocha itself, so it works with whichever mocha the project has.
import { firstLine, LIST_ONLY_ENV, runnerReport, wholeMessage, writeRunnerReport, type ReportedTest } from './protocol';

interface MochaRunnable {
  title: string;
  file?: string;
  duration?: number;
  type?: string;
  parent?: MochaRunnable;
  titlePath(): string[];
  fullTitle(): string;
}

interface MochaRunner {
  /** mocha ≥ 9 keeps --dry-run here and honours it; mocha 8 accepts the option and ignores it. */
  _opts?: { dryRun?: boolean };
  on(event: string, listener: (test: MochaRunnable, err?: { message?: string }) => void): void;
  once(event: string, listener: () => void): void;
}

function fileOf(r: MochaRunnable | undefined): string {
  for (let n = r; n; n = n.parent) if (n.file) return n.file;
  return '';
}

class IncidentRoomMochaReporter {
  constructor(runner: MochaRunner) {
    // The runner's own option, not mocha's parsed options: mocha 8 parses --dry-run and ignores it.
    const dryRun = runner._opts?.dryRun === true;
    // Listing on a mocha without a dry run would run every test, so stop before any does.
    if (process.env[LIST_ONLY_ENV] && !dryRun) {
      process.stderr.write('Incident Room: this mocha cannot list its tests without running them (--dry-run needs mocha 9 or later)\n');
      process.exit(3);
    }
    const tests: ReportedTest[] = [];
    const add = (t: MochaRunnable, outcome: ReportedTest['outcome'], err?: { message?: string }) => {
      const entry: ReportedTest = { file: fileOf(t), title: t.titlePath(), outcome };
      if (typeof t.duration === 'number') entry.durationMs = t.duration;
      const message = wholeMessage(err?.message);
      if (message) entry.message = message;
      if (t.type === 'hook') entry.notATest = true;
      tests.push(entry);
    };
    const say = (line: string) => process.stdout.write(`${line}\n`);
    runner.on('pass', (t) => {
      add(t, 'passed');
      say(`  ✔ ${t.fullTitle()}`);
    });
    runner.on('fail', (t, err) => {
      add(t, 'failed', err);
      say(`  ✘ ${t.fullTitle()}${err?.message ? `: ${firstLine(err.message)}` : ''}`);
    });
    runner.on('pending', (t) => {
      add(t, 'skipped');
      say(`  - ${t.fullTitle()} (skipped)`);
    });
    runner.once('end', () => {
      const count = (o: ReportedTest['outcome']) => tests.filter((t) => t.outcome === o && !t.notATest).length;
      say(`\n  ${count('passed')} passing, ${count('failed')} failing, ${count('skipped')} pending`);
      writeRunnerReport(runnerReport('mocha', tests, { dryRun }));
    });
  }
}

export = IncidentRoomMochaReporter;

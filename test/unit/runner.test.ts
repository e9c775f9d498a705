import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCommandFor, expandCommand, inferReportFormat, runTestCommand, RunnerError } from '../../src/testing/runner';
import { cleanupTemp, CHECKOUT_TEST, mochaCommand, tempDir, writeFiles } from './helpers/testProjects';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 25));
  }
}

// A command whose child spawns a grandchild that would outlive a kill of the child alone.
const SPAWNS_GRANDCHILD = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.writeFileSync(process.argv[2], String(g.pid));
process.on('SIGTERM', () => {}); // ignores the polite request, so SIGKILL must follow
console.log('started');
setInterval(() => {}, 1000);
`;

describe('runner: runTestCommand', () => {
  after(cleanupTemp);

  it('runs mocha for real, streams its output, replaces {report} and parses the report', async () => {
    const dir = tempDir('run');
    writeFiles(dir, { 'test/checkout.test.js': CHECKOUT_TEST });
    const chunks: string[] = [];
    const report = join(dir, 'out', 'report.json');
    const outcome = await runTestCommand({
      cwd: dir,
      command: [...mochaCommand(), '--reporter-option', 'ignored={report}', 'test/checkout.test.js'],
      report: { format: 'mocha-json', path: report },
      timeoutMs: 60_000,
      onOutput: (c) => chunks.push(c),
    });
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.endedBy, 'exit');
    assert.equal(outcome.reportError, undefined);
    assert.deepEqual(outcome.report?.tests.map((t) => [t.ref.file, ...t.ref.title, t.outcome].join(' | ')), [
      'test/checkout.test.js | EU VAT | returns 200 | passed',
      'test/checkout.test.js | EU VAT | adds VAT | passed',
    ]);
    assert.ok(outcome.endedAt >= outcome.startedAt);
    // Warnings mocha prints about the unknown reporter option reach onOutput; the JSON went to the file.
    assert.ok(!chunks.join('').includes('"passes"'));
  });

  it('deletes a stale report before starting, so a command that writes none has no report', async () => {
    const dir = tempDir('stale');
    const report = join(dir, 'report.json');
    writeFileSync(report, JSON.stringify({ stats: {}, tests: [{ title: 'old', fullTitle: 'old', err: {} }] }));
    const outcome = await runTestCommand({ cwd: dir, command: [process.execPath, '-e', 'process.exit(0)'], report: { format: 'mocha-json', path: report }, timeoutMs: 30_000 });
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.report, undefined);
    assert.match(outcome.reportError ?? '', /wrote no report/);
  });

  it('never uses a shell: shell syntax in an argument stays one literal argument', async () => {
    const dir = tempDir('noshell');
    const argsFile = join(dir, 'args.json');
    const outcome = await runTestCommand({
      cwd: dir,
      command: [process.execPath, '-e', 'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))', argsFile, '$(touch pwned); rm -rf x', '{report}'],
      report: { format: 'junit', path: join(dir, 'r.xml') },
      timeoutMs: 30_000,
    });
    assert.equal(outcome.exitCode, 0);
    assert.deepEqual(JSON.parse(readFileSync(argsFile, 'utf8')), ['$(touch pwned); rm -rf x', join(dir, 'r.xml')]);
    assert.ok(!existsSync(join(dir, 'pwned')));
  });

  it('a timeout kills the whole process group, SIGKILL after SIGTERM is ignored', async () => {
    const dir = tempDir('timeout');
    writeFiles(dir, { 'hang.js': SPAWNS_GRANDCHILD });
    const pidFile = join(dir, 'grandchild.pid');
    const outcome = await runTestCommand({
      cwd: dir,
      command: [process.execPath, 'hang.js', pidFile],
      report: { format: 'junit', path: join(dir, 'r.xml') },
      timeoutMs: 1500,
      killGraceMs: 300,
    });
    assert.equal(outcome.endedBy, 'timeout');
    assert.equal(outcome.exitCode, null);
    assert.equal(outcome.signal, 'SIGKILL');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !alive(grandchild));
  });

  it('cancellation through an AbortSignal stops the run and says so', async () => {
    const dir = tempDir('cancel');
    writeFiles(dir, { 'hang.js': SPAWNS_GRANDCHILD });
    const pidFile = join(dir, 'grandchild.pid');
    const abort = new AbortController();
    const outcome = await runTestCommand({
      cwd: dir,
      command: [process.execPath, 'hang.js', pidFile],
      report: { format: 'junit', path: join(dir, 'r.xml') },
      timeoutMs: 60_000,
      killGraceMs: 300,
      signal: abort.signal,
      onOutput: (c) => {
        if (c.includes('started')) abort.abort();
      },
    });
    assert.equal(outcome.endedBy, 'cancelled');
    assert.match(outcome.reportError ?? '', /no report/);
    await waitFor(() => !alive(Number(readFileSync(pidFile, 'utf8'))));
    const already = await runTestCommand({ cwd: dir, command: [process.execPath, '-e', ''], report: { format: 'junit', path: join(dir, 'r.xml') }, timeoutMs: 1000, signal: abort.signal });
    assert.equal(already.endedBy, 'cancelled');
  });

  it('a command that cannot start is an error, not a run', async () => {
    const dir = tempDir('enoent');
    await assert.rejects(
      runTestCommand({ cwd: dir, command: ['definitely-not-a-test-runner-here'], report: { format: 'junit', path: join(dir, 'r.xml') }, timeoutMs: 1000 }),
      RunnerError,
    );
  });

  it('presets for mocha, node:test and jest, and the format a command implies', () => {
    assert.deepEqual(defaultCommandFor('mocha'), { command: ['npx', 'mocha', '--reporter', 'json', '--reporter-option', 'output={report}'], format: 'mocha-json' });
    assert.equal(defaultCommandFor('node-test').format, 'junit');
    assert.ok(defaultCommandFor('node-test').command.includes('--test-reporter-destination={report}'));
    assert.deepEqual(defaultCommandFor('jest'), { command: ['npx', 'jest', '--json', '--outputFile={report}'], format: 'jest-json' });
    for (const kind of ['mocha', 'node-test', 'jest'] as const) assert.equal(inferReportFormat(defaultCommandFor(kind).command), defaultCommandFor(kind).format);
    assert.deepEqual(expandCommand(['a', 'output={report}', '{report}'], '/tmp/r.json'), ['a', 'output=/tmp/r.json', '/tmp/r.json']);
  });
});

import assert from 'node:assert/strict';
import { existsSync, linkSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReportError } from '../../src/testing/reports/report';
import { readRunnerReport } from '../../src/testing/reports/runnerReport';
import { listTests, runTestCommand, RunnerError } from '../../src/testing/runner';
import { CommandRefused, commandWithReporter, recogniseRunner } from '../../src/testing/runnerCommand';
import { MAX_MESSAGE_CHARS, REPORT_PATH_ENV } from '../../src/testing/reporters/protocol';
import { cleanupTemp, CHECKOUT_TEST, jestCommand, mochaCommand, nodeTestCommand, tempDir, writeFiles } from './helpers/testProjects';

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

// Required by mocha before the tests: spawns a grandchild that would outlive a kill of the runner alone, then hangs.
const SPAWNS_GRANDCHILD = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.writeFileSync(process.env.PID_FILE, String(g.pid));
process.on('SIGTERM', () => {}); // ignores the polite request, so SIGKILL must follow
console.log('started');
setInterval(() => {}, 1000);
`;

const NODE_TEST = `
const { describe, it } = require('node:test');
describe('VAT', () => {
  describe('Portugal', () => {
    it('is 23%', () => {});
    it.skip('rounds half up', () => {});
  });
  it('fails loudly', () => { throw new Error('expected 23, got 21'); });
  it('compares', () => { require('node:assert').strictEqual(21, 23); });
  it('says a lot', () => { throw new Error('line one\\n' + 'x'.repeat(10000)); });
});
`;

const JEST_TEST = `
describe('VAT', () => {
  test('is 23%', () => { expect(1.23).toBe(1.23); });
  test.skip('rounds', () => {});
});
`;

describe('runner: runTestCommand with Incident Room\'s reporters', () => {
  after(cleanupTemp);

  it('mocha: runs for real, streams its output, and reads files, title paths and outcomes from its own reporter', async () => {
    const dir = tempDir('run');
    writeFiles(dir, { 'test/checkout.test.js': CHECKOUT_TEST });
    const chunks: string[] = [];
    const outcome = await runTestCommand({ cwd: dir, command: mochaCommand('test/checkout.test.js'), timeoutMs: 60_000, onOutput: (c) => chunks.push(c) });
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.endedBy, 'exit');
    assert.equal(outcome.runner, 'mocha');
    assert.equal(outcome.reportError, undefined);
    assert.deepEqual(outcome.report?.tests.map((t) => [t.ref.file, ...t.ref.title, t.outcome].join(' | ')), [
      'test/checkout.test.js | EU VAT | returns 200 | passed',
      'test/checkout.test.js | EU VAT | adds VAT | passed',
    ]);
    assert.match(outcome.report?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.ok(outcome.endedAt >= outcome.startedAt);
    assert.match(chunks.join(''), /✔ EU VAT returns 200/);
  });

  it('says the command has ended before its report is read and removed, so what follows the run (git) can start meanwhile', async () => {
    const dir = tempDir('ended');
    writeFiles(dir, {
      'test/where.test.js': `require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'report-path.txt'))}, process.env.${REPORT_PATH_ENV});\n${CHECKOUT_TEST}`,
    });
    const seen: boolean[] = [];
    let resolved = false;
    const running = runTestCommand({
      cwd: dir,
      command: mochaCommand('test/where.test.js'),
      timeoutMs: 60_000,
      onEnded: () => seen.push(!resolved && existsSync(readFileSync(join(dir, 'report-path.txt'), 'utf8'))),
    });
    const outcome = await running.then((o) => ((resolved = true), o));
    assert.equal(outcome.report?.tests.length, 2);
    assert.deepEqual(seen, [true], 'called once, with the report still in its private folder');
    assert.equal(existsSync(readFileSync(join(dir, 'report-path.txt'), 'utf8')), false, 'the report is removed once read');
  });

  it('node --test: the report names each test\'s file and its suites, with skipped and failed tests', async () => {
    const dir = tempDir('node');
    writeFiles(dir, { 'test/vat.test.js': NODE_TEST });
    const chunks: string[] = [];
    const outcome = await runTestCommand({ cwd: dir, command: nodeTestCommand(['test/vat.test.js']), timeoutMs: 60_000, onOutput: (c) => chunks.push(c) });
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.reportError, undefined, chunks.join(''));
    assert.deepEqual(outcome.report?.tests.map((t) => [t.ref.file, ...t.ref.title, t.outcome].join(' | ')), [
      'test/vat.test.js | VAT | Portugal | is 23% | passed',
      'test/vat.test.js | VAT | Portugal | rounds half up | skipped',
      'test/vat.test.js | VAT | fails loudly | failed',
      'test/vat.test.js | VAT | compares | failed',
      'test/vat.test.js | VAT | says a lot | failed',
    ]);
    assert.match(outcome.report?.tests[2]?.message ?? '', /expected 23, got 21/);
    // The whole message, not its first line: an assertion names the values on later lines.
    assert.match(outcome.report?.tests[3]?.message ?? '', /^Expected values to be strictly equal:\n\n21 !== 23$/);
    // Bounded.
    const long = outcome.report?.tests[4]?.message ?? '';
    assert.match(long, /^line one\nxxx/);
    assert.equal(long.length, MAX_MESSAGE_CHARS);
    // People still read spec on the output stream.
    assert.match(chunks.join(''), /is 23%/);
  });

  it('jest: its own reporter beside the default one', async () => {
    const dir = tempDir('jest');
    writeFiles(dir, { 'package.json': '{"name":"j","private":true}\n', 'test/vat.test.js': JEST_TEST });
    const outcome = await runTestCommand({ cwd: dir, command: jestCommand(), timeoutMs: 120_000 });
    assert.equal(outcome.reportError, undefined);
    assert.deepEqual(outcome.report?.tests.map((t) => [t.ref.file, ...t.ref.title, t.outcome].join(' | ')), ['test/vat.test.js | VAT | is 23% | passed', 'test/vat.test.js | VAT | rounds | skipped']);
  });

  it('every runner keeps a failure\'s whole message, without its stack trace: mocha and jest as node --test', async () => {
    const dir = tempDir('messages');
    writeFiles(dir, {
      'package.json': '{"name":"m","private":true}\n',
      'test/vat.test.js': "describe('VAT', () => { it('compares', () => { require('node:assert').strictEqual(21, 23); }); });\n",
      'jest/vat.test.js': "describe('VAT', () => { test('compares', () => { expect(21).toBe(23); }); });\n",
    });
    const mocha = await runTestCommand({ cwd: dir, command: mochaCommand('test/vat.test.js'), timeoutMs: 60_000 });
    assert.equal(mocha.reportError, undefined);
    assert.match(mocha.report?.tests[0]?.message ?? '', /^Expected values to be strictly equal:\n\n21 !== 23$/);
    const jest = await runTestCommand({ cwd: dir, command: jestCommand('jest/'), timeoutMs: 120_000 });
    assert.equal(jest.reportError, undefined);
    const message = jest.report?.tests[0]?.message ?? '';
    // jest's failure message: the matcher, then the values on later lines, then a stack trace.
    assert.match(message, /expect\(received\)\.toBe\(expected\)/);
    assert.match(message, /Expected: 23\nReceived: 21/);
    assert.doesNotMatch(message, /\n\s+at \S/, 'no stack trace');
    assert.doesNotMatch(message, /\u001b\[/, 'no terminal colours');
  });

  it('never uses a shell: shell syntax in an argument stays one literal argument', async () => {
    const dir = tempDir('noshell');
    writeFiles(dir, { 'test/checkout.test.js': CHECKOUT_TEST });
    const outcome = await runTestCommand({ cwd: dir, command: mochaCommand('--grep', '$(touch pwned); rm -rf test', 'test/checkout.test.js'), timeoutMs: 30_000 });
    assert.equal(outcome.exitCode, 0);
    assert.deepEqual(outcome.report?.tests, []);
    assert.ok(!existsSync(join(dir, 'pwned')));
    assert.ok(existsSync(join(dir, 'test/checkout.test.js')));
  });

  it('a timeout kills the whole process group, SIGKILL after SIGTERM is ignored', async () => {
    const dir = tempDir('timeout');
    writeFiles(dir, { 'hang.js': SPAWNS_GRANDCHILD, 'test/checkout.test.js': CHECKOUT_TEST });
    const pidFile = join(dir, 'grandchild.pid');
    const outcome = await runTestCommand({ cwd: dir, command: mochaCommand('--require', './hang.js', 'test'), env: { PID_FILE: pidFile }, timeoutMs: 2500, killGraceMs: 300 });
    assert.equal(outcome.endedBy, 'timeout');
    assert.equal(outcome.exitCode, null);
    assert.equal(outcome.signal, 'SIGKILL');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !alive(grandchild));
  });

  it('cancellation through an AbortSignal stops the run and says so', async () => {
    const dir = tempDir('cancel');
    writeFiles(dir, { 'hang.js': SPAWNS_GRANDCHILD, 'test/checkout.test.js': CHECKOUT_TEST });
    const pidFile = join(dir, 'grandchild.pid');
    const abort = new AbortController();
    const outcome = await runTestCommand({
      cwd: dir,
      command: mochaCommand('--require', './hang.js', 'test'),
      env: { PID_FILE: pidFile },
      timeoutMs: 60_000,
      killGraceMs: 300,
      signal: abort.signal,
      onOutput: (c) => {
        if (c.includes('started')) abort.abort();
      },
    });
    assert.equal(outcome.endedBy, 'cancelled');
    await waitFor(() => !alive(Number(readFileSync(pidFile, 'utf8'))));
    const already = await runTestCommand({ cwd: dir, command: mochaCommand('test'), timeoutMs: 1000, signal: abort.signal });
    assert.equal(already.endedBy, 'cancelled');
  });

  it('a runner that cannot start is an error, not a run', async () => {
    const dir = tempDir('enoent');
    await assert.rejects(runTestCommand({ cwd: dir, command: [join(dir, 'node_modules/.bin/mocha')], timeoutMs: 1000 }), RunnerError);
  });
});

describe('runner: listing a project\'s tests without running them (Link Automated Test)', () => {
  after(cleanupTemp);
  // A test body that would leave a mark if it ran.
  const marks = (it: string) => `describe('VAT', () => { ${it}('is 23%', () => { require('fs').writeFileSync('ran', 'x'); }); });\n`;

  for (const [name, files, command] of [
    ['mocha (--dry-run)', { 'test/vat.test.js': marks('it') }, () => mochaCommand('test/')],
    ['node --test (a name pattern nothing matches)', { 'test/vat.test.js': `const { describe, it } = require('node:test');\n${marks('it')}` }, () => nodeTestCommand(['test/vat.test.js'])],
    ['jest (a name pattern nothing matches)', { 'package.json': '{"name":"j","private":true}\n', 'test/vat.test.js': marks('test') }, () => jestCommand()],
  ] as const) {
    it(`${name}: every test with its file and title path, and no test body runs`, async () => {
      const dir = tempDir('list');
      writeFiles(dir, files);
      const report = await listTests({ cwd: dir, command: [...command()], timeoutMs: 120_000 });
      assert.deepEqual(report?.tests.map((t) => [t.ref.file, ...t.ref.title].join(' > ')), ['test/vat.test.js > VAT > is 23%']);
      assert.ok(!existsSync(join(dir, 'ran')), 'a test body ran while listing');
    });
  }
});

describe('runner: the command contract', () => {
  it('recognises the plain commands of mocha, jest and node --test, through npx or node', () => {
    const cases: [string[], string][] = [
      [['npx', 'mocha', 'test/'], 'mocha'],
      [['node_modules/.bin/mocha'], 'mocha'],
      [['node', 'node_modules/mocha/bin/mocha.js', '--timeout', '0'], 'mocha'],
      [['npx', '--no-install', 'jest', '--ci'], 'jest'],
      [['node', 'node_modules/jest/bin/jest.js'], 'jest'],
      [['node', '/usr/lib/node_modules/jest-cli/bin/jest.js'], 'jest'],
      // An npm alias installs a runner under another name.
      [['node', 'node_modules/mocha8/bin/mocha'], 'mocha'],
      [['C:\\app\\node_modules\\.bin\\mocha.cmd'], 'mocha'],
      [['node', '--test'], 'node-test'],
      [['node', '--experimental-test-coverage', '--test', 'test/'], 'node-test'],
    ];
    for (const [command, kind] of cases) assert.equal(recogniseRunner(command), kind, JSON.stringify(command));
  });

  it('refuses anything else, a reporter or report file named by the command, and modes that run no test, each saying why', () => {
    const cases: [string[], RegExp][] = [
      [['npm', 'test'], /is not a test runner Incident Room knows/],
      [['sh', '-c', 'npx mocha'], /is not a test runner Incident Room knows/],
      [['node', '-e', 'require("fs").writeFileSync("r.json", "{}")'], /is not a test runner Incident Room knows/],
      [['node', 'scripts/coverage.js', 'npx', 'mocha'], /is not a test runner Incident Room knows/],
      [['npx', 'mocha', '--reporter', 'json'], /--reporter names a reporter or report file itself/],
      [['npx', 'mocha', '--reporter-option=output=r.json'], /--reporter-option names a reporter/],
      [['npx', 'mocha', '--dry-run'], /--dry-run runs no test/],
      [['npx', 'mocha', '--watch'], /--watch never ends/],
      [['node', '--test', '--test-reporter=junit'], /--test-reporter names a reporter/],
      [['npx', 'jest', '--json', '--outputFile=r.json'], /--json names a reporter/],
      [['npx', 'jest', '--listTests'], /--listTests lists instead of running/],
      [['npx', 'jest', '--reporters=./mine.js'], /--reporters names a reporter/],
      [['npx', 'jest', '--cacheDirectory', '/tmp/jest_0'], /--cacheDirectory names jest's cache, which Incident Room chooses itself/],
      // The spellings the runners read as the same option: yargs' kebab and camel case, node's underscores.
      [['npx', 'jest', '--list-tests'], /--list-tests lists instead of running/],
      [['npx', 'jest', '--output-file=r.json'], /--output-file names a reporter/],
      [['npx', 'jest', '--cache-directory=/tmp/jest_0'], /--cache-directory names jest's cache/],
      [['npx', 'mocha', '--dryRun'], /--dryRun runs no test/],
      [['npx', 'mocha', '--listReporters'], /--listReporters lists instead/],
      [['node', '--test', '--test_reporter=junit'], /--test_reporter names a reporter/],
      [['npx', 'mocha', 'output={report}'], /names a report file \({report}\)/],
      [[], /empty/],
      // Named like a runner, but a file of the project: it could write any report.
      [['node', 'mocha'], /"mocha" is not mocha as installed/],
      [['node', 'scripts/mocha.js', 'test/'], /"scripts\/mocha\.js" is not mocha as installed/],
      [['./jest'], /"\.\/jest" is not jest as installed/],
      [['npx', 'tools/bin/_mocha'], /is not mocha as installed/],
      [['node', 'node_modules/../bin/jest.js'], /is not jest as installed/],
      [['node', 'node_modules/jest/lib/jest.js'], /is not jest as installed/],
    ];
    for (const [command, message] of cases) assert.throws(() => recogniseRunner(command), (e: Error) => e instanceof CommandRefused && message.test(e.message), JSON.stringify(command));
  });

  it('adds its reporter: after the command for mocha and jest, right after --test for node', () => {
    assert.deepEqual(commandWithReporter(['npx', 'mocha', 'test/'], 'mocha', '/r/mocha.js', '/tmp/x/report.json'), ['npx', 'mocha', 'test/', '--reporter', '/r/mocha.js']);
    assert.deepEqual(commandWithReporter(['npx', 'jest'], 'jest', '/r/jest.js', '/tmp/x/report.json'), ['npx', 'jest', '--reporters=default', '--reporters=/r/jest.js']);
    assert.deepEqual(commandWithReporter(['node', '--test', 'test/'], 'node-test', '/r/nodeTest.js', '/tmp/x/report.json'), [
      'node',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=/r/nodeTest.js',
      '--test-reporter-destination=/tmp/x/report.json',
      'test/',
    ]);
  });
});

describe('runner: reading the report', () => {
  after(cleanupTemp);
  const startedAt = new Date();
  const expected = { runner: 'mocha' as const, nonce: 'n0nce', startedAt, workspaceDir: '/w' };
  const report = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ format: 'incident-room-report/1', runner: 'mocha', nonce: 'n0nce', tests: [{ file: '/w/test/a.js', title: ['A', 'b'], outcome: 'passed', durationMs: 3 }], ...over });

  it('reads a report of this run', () => {
    const dir = tempDir('report');
    writeFileSync(join(dir, 'r.json'), report());
    assert.deepEqual(readRunnerReport(join(dir, 'r.json'), expected).tests.map((t) => t.ref), [{ file: 'test/a.js', title: ['A', 'b'] }]);
  });

  it('refuses a symlink, a hard link, a report older than the run, another run\'s nonce, another runner, a dry run', () => {
    const dir = tempDir('report');
    const saved = join(dir, 'saved.json');
    writeFileSync(saved, report());
    const cases: [string, () => void, RegExp][] = [
      ['symlink', () => symlinkSync(saved, join(dir, 'symlink.json')), /is a symlink/],
      ['hardlink', () => linkSync(saved, join(dir, 'hardlink.json')), /hard link/],
      ['old', () => {
        writeFileSync(join(dir, 'old.json'), report());
        utimesSync(join(dir, 'old.json'), new Date(startedAt.getTime() - 60_000), new Date(startedAt.getTime() - 60_000));
      }, /predates the run/],
      ['nonce', () => writeFileSync(join(dir, 'nonce.json'), report({ nonce: 'other' })), /not written by Incident Room's reporter for this run/],
      ['format', () => writeFileSync(join(dir, 'format.json'), JSON.stringify({ stats: {}, tests: [] })), /not written by Incident Room's reporter/],
      ['runner', () => writeFileSync(join(dir, 'runner.json'), report({ runner: 'jest' })), /comes from jest, not from mocha/],
      ['dry', () => writeFileSync(join(dir, 'dry.json'), report({ dryRun: true })), /--dry-run/],
      ['truncated', () => writeFileSync(join(dir, 'truncated.json'), report().slice(0, 30)), /truncated or not JSON/],
    ];
    for (const [name, make, message] of cases) {
      make();
      assert.throws(() => readRunnerReport(join(dir, `${name}.json`), expected), (e: Error) => e instanceof ReportError && message.test(e.message), name);
    }
  });

  it('calls a report in which no test took any time suspicious', () => {
    const dir = tempDir('report');
    writeFileSync(join(dir, 'none.json'), report({ tests: [{ file: 'a.js', title: ['a'], outcome: 'passed' }, { file: 'a.js', title: ['b'], outcome: 'passed' }] }));
    assert.match(readRunnerReport(join(dir, 'none.json'), expected).suspicious?.[0] ?? '', /none of the 2 test\(s\) that ran reported a duration/);
    writeFileSync(join(dir, 'zero.json'), report({ runner: 'node-test', tests: [{ file: 'a.js', title: ['a'], outcome: 'passed', durationMs: 0 }] }));
    assert.match(readRunnerReport(join(dir, 'zero.json'), { ...expected, runner: 'node-test' }).suspicious?.[0] ?? '', /duration of zero/);
  });
});

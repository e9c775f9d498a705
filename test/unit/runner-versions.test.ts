// The reporters Incident Room ships, run by the oldest runners it supports (mocha 8, jest 27,
// installed under npm aliases beside the current ones), by mocha in --parallel mode, and the
// assertion counts jest gives (jest ≥ 29.4), which make a run without a single check suspicious.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { stringify } from 'yaml';
import type { CliIo } from '../../src/cliCommand';
import { gateCommand } from '../../src/testing/gateCli';
import { listTests, runTestCommand, type RunOutcome } from '../../src/testing/runner';
import { cleanupTemp, initRepo, jestCommand, jestVersion, mochaCommand, mochaVersion, readyIncident, ref, tempDir, writeFiles } from './helpers/testProjects';

const root = process.cwd();
const MOCHA8_BIN = require.resolve('mocha8/bin/mocha', { paths: [root] });
const JEST27_BIN = require.resolve('jest27/bin/jest', { paths: [root] });
const versionOf = (pkg: string) => (require(require.resolve(`${pkg}/package.json`, { paths: [root] })) as { version: string }).version;

const MOCHA_SUITE = {
  'test/vat.test.js': `
const assert = require('node:assert/strict');
describe('VAT', () => {
  describe('Portugal', () => {
    it('is 23%', () => { assert.equal(Math.round(100 * 1.23), 123); });
    it.skip('rounds half up', () => {});
  });
  it('fails loudly', () => { throw new Error('expected 23, got 21'); });
});
`,
  'test/cart.test.js': `
describe('Cart', () => {
  it('sums', () => { if (1 + 1 !== 2) throw new Error('no'); });
});
`,
};

const JEST_SUITE = {
  'package.json': '{"name":"j","private":true}\n',
  'test/vat.test.js': `
describe('VAT', () => {
  describe('Portugal', () => {
    test('is 23%', () => { expect(Math.round(100 * 1.23)).toBe(123); });
    test.skip('rounds half up', () => {});
  });
  test('fails loudly', () => { expect(21).toBe(23); });
});
`,
};

const lines = (o: RunOutcome) => (o.report?.tests ?? []).filter((t) => !t.notATest).map((t) => [t.ref.file, ...t.ref.title, t.outcome].join(' | ')).sort();

const MOCHA_EXPECTED = ['test/cart.test.js | Cart | sums | passed', 'test/vat.test.js | VAT | Portugal | is 23% | passed', 'test/vat.test.js | VAT | Portugal | rounds half up | skipped', 'test/vat.test.js | VAT | fails loudly | failed'];
const JEST_EXPECTED = ['test/vat.test.js | VAT | Portugal | is 23% | passed', 'test/vat.test.js | VAT | Portugal | rounds half up | skipped', 'test/vat.test.js | VAT | fails loudly | failed'];

describe('runner: the reporters with the oldest supported runners and mocha --parallel', function () {
  this.timeout(180_000);
  after(cleanupTemp);

  it(`mocha 8 (${versionOf('mocha8')}): the report is written to the private file, not printed, with files, title paths and outcomes`, async () => {
    assert.match(versionOf('mocha8'), /^8\./);
    const dir = tempDir('mocha8');
    writeFiles(dir, MOCHA_SUITE);
    const chunks: string[] = [];
    const outcome = await runTestCommand({ cwd: dir, command: [process.execPath, MOCHA8_BIN, 'test/'], timeoutMs: 120_000, onOutput: (c) => chunks.push(c) });
    assert.equal(outcome.reportError, undefined, chunks.join(''));
    assert.equal(outcome.exitCode, 1);
    assert.deepEqual(lines(outcome), MOCHA_EXPECTED);
    assert.match(outcome.report?.tests.find((t) => t.outcome === 'failed')?.message ?? '', /expected 23, got 21/);
    assert.doesNotMatch(chunks.join(''), /incident-room-report/, 'the report went to the output');
  });

  it('mocha 8 cannot list without running (no --dry-run): listing gives nothing and no test body runs', async () => {
    const dir = tempDir('mocha8-list');
    writeFiles(dir, { 'test/vat.test.js': `describe('VAT', () => { it('is 23%', () => { require('fs').writeFileSync('ran', 'x'); }); });\n` });
    const report = await listTests({ cwd: dir, command: [process.execPath, MOCHA8_BIN, 'test/'], timeoutMs: 60_000 });
    assert.equal(report, undefined);
    assert.ok(!existsSync(join(dir, 'ran')), 'a test body ran while listing');
  });

  for (const [name, bin] of [
    [`mocha ${mochaVersion()}`, undefined],
    [`mocha 8 (${versionOf('mocha8')})`, MOCHA8_BIN],
  ] as const) {
    it(`${name} --parallel: tests reported from the worker processes keep their files and title paths`, async () => {
      const dir = tempDir('mocha-parallel');
      writeFiles(dir, MOCHA_SUITE);
      const command = bin ? [process.execPath, bin, '--parallel', '--jobs', '2', 'test/'] : mochaCommand('--parallel', '--jobs', '2', 'test/');
      const chunks: string[] = [];
      const outcome = await runTestCommand({ cwd: dir, command, timeoutMs: 120_000, onOutput: (c) => chunks.push(c) });
      assert.equal(outcome.reportError, undefined, chunks.join(''));
      assert.deepEqual(lines(outcome), MOCHA_EXPECTED, chunks.join(''));
    });
  }

  it(`jest 27 (${versionOf('jest27')}): the report with files, title paths and outcomes`, async () => {
    assert.match(versionOf('jest27'), /^27\./);
    const dir = tempDir('jest27');
    writeFiles(dir, JEST_SUITE);
    const chunks: string[] = [];
    const outcome = await runTestCommand({ cwd: dir, command: [process.execPath, JEST27_BIN, '--ci', '--watchman=false'], timeoutMs: 120_000, onOutput: (c) => chunks.push(c) });
    assert.equal(outcome.reportError, undefined, chunks.join(''));
    assert.equal(outcome.exitCode, 1);
    assert.deepEqual(lines(outcome), JEST_EXPECTED);
    // jest 27 leaves numPassingAsserts at 0 whatever a test asserts: no count, so no suspicion.
    assert.equal(outcome.report?.assertionsCounted, undefined);
    assert.ok(outcome.report?.tests.every((t) => t.assertions === undefined));
    assert.deepEqual(outcome.report?.suspicious ?? [], []);
  });
});

describe('runner: assertion counts, where the runner gives them', function () {
  this.timeout(180_000);
  after(cleanupTemp);

  const jestProject = (body: string) => {
    const dir = tempDir('jest-asserts');
    writeFiles(dir, { 'package.json': '{"name":"j","private":true}\n', 'test/vat.test.js': body });
    return dir;
  };

  it(`jest ${jestVersion()} counts each test's passing expect() calls into the report`, async () => {
    const dir = jestProject(`test('two', () => { expect(1).toBe(1); expect(2).toBe(2); });\ntest('none', () => {});\n`);
    const outcome = await runTestCommand({ cwd: dir, command: jestCommand(), timeoutMs: 120_000 });
    assert.equal(outcome.report?.assertionsCounted, true);
    assert.deepEqual(outcome.report?.tests.map((t) => [t.ref.title.join(' > '), t.assertions]), [['two', 2], ['none', 0]]);
    // One test checked something: the run as a whole is not suspicious.
    assert.ok(!(outcome.report?.suspicious ?? []).some((s) => /assertion/.test(s)));
  });

  it(`jest ${jestVersion()}: a run in which no passed test made an assertion is suspicious, and says why`, async () => {
    const dir = jestProject(`test('returns 200', () => {});\ntest('adds VAT', () => { if (1 !== 1) throw new Error('x'); });\n`);
    const outcome = await runTestCommand({ cwd: dir, command: jestCommand(), timeoutMs: 120_000 });
    assert.equal(outcome.exitCode, 0);
    assert.ok(
      (outcome.report?.suspicious ?? []).some((s) => /none of the 2 passed test\(s\) made an expect\(\) assertion/.test(s)),
      JSON.stringify(outcome.report?.suspicious),
    );
  });

  for (const [name, command, files] of [
    ['mocha', () => mochaCommand('test/'), { 'test/vat.test.js': `describe('VAT', () => { it('is 23%', () => {}); });\n` }],
    ['node --test', () => [process.execPath, '--test', 'test/'], { 'test/vat.test.js': `const { it } = require('node:test');\nit('is 23%', () => {});\n` }],
  ] as const) {
    it(`${name} sees no assertions at all: its tests carry no count and are never called suspicious for it`, async () => {
      const dir = tempDir('no-asserts');
      writeFiles(dir, files);
      const outcome = await runTestCommand({ cwd: dir, command: [...command()], timeoutMs: 60_000 });
      assert.equal(outcome.exitCode, 0);
      assert.equal(outcome.report?.assertionsCounted, undefined);
      assert.ok(outcome.report?.tests.every((t) => t.assertions === undefined));
      assert.ok(!(outcome.report?.suspicious ?? []).some((s) => /assertion/.test(s)));
    });
  }

  it(`jest ${jestVersion()}: gate --run says so when the linked test passed without a single expect(), though another test asserted`, async () => {
    const saved = process.env.XDG_STATE_HOME;
    process.env.XDG_STATE_HOME = tempDir('state');
    try {
      const dir = tempDir('gate-asserts');
      const incident = readyIncident([ref('test/vat.test.js', 'VAT', 'is 23%')]);
      await initRepo(dir, {
        'package.json': '{"name":"shop","private":true}\n',
        // The linked test was emptied: it passes and checks nothing.
        'test/vat.test.js': `describe('VAT', () => {\n  test('is 23%', () => {});\n  test('rounds', () => { expect(Math.round(1.5)).toBe(2); });\n});\n`,
        [`.incidents/${incident.id}.yaml`]: stringify(incident),
        'INCIDENT-LOG.md': '# Incident log\n',
      });
      await simpleGit(dir).checkoutLocalBranch('fix/eu-vat');
      const out: string[] = [];
      const io: CliIo = { cwd: dir, out: (l) => out.push(l), err: () => undefined, now: () => new Date() };
      await gateCommand([incident.id, '--run', '--command', JSON.stringify(jestCommand())], io);
      assert.match(out.join('\n'), /looks suspicious: the linked test test\/vat\.test\.js > VAT > is 23% passed without making an expect\(\) assertion/, out.join('\n'));
      assert.doesNotMatch(out.join('\n'), /none of the \d+ passed test/);
    } finally {
      if (saved === undefined) delete process.env.XDG_STATE_HOME;
      else process.env.XDG_STATE_HOME = saved;
    }
  });
});

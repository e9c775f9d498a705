import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJestJson, readJestJson } from '../../src/testing/reports/jestJson';
import { parseJunit, readJunit } from '../../src/testing/reports/junit';
import { parseMochaJson, readMochaJson } from '../../src/testing/reports/mochaJson';
import { lookupTest, ReportError, type ParsedReport } from '../../src/testing/reports/report';
import { formatTestRef, parseTestRef, sameTest, testKey } from '../../src/model/testId';
import { cleanupTemp, JEST_BIN, MOCHA_BIN, ref, tempDir, writeFiles } from './helpers/testProjects';

const A_TEST = `
describe('EU VAT', () => {
  it('returns 200', () => {});
  it('fails', () => { throw new Error('expected 200, got 500'); });
  it.skip('skipped one', () => {});
  describe('nested', () => { it('returns 200', () => {}); });
});
it('top level', () => {});
`;
const B_TEST = `describe('EU VAT', () => { it('returns 200', () => { throw new Error('b fails'); }); });\n`;
const NODE_PRELUDE = `const { describe, it } = require('node:test');\n`;

function run(cwd: string, args: string[]): void {
  try {
    execFileSync(process.execPath, args, { cwd, stdio: 'pipe' });
  } catch (e) {
    // Failing tests exit non-zero; the report is what is under test.
    if ((e as { status?: number }).status === undefined) throw e;
  }
}

function outcomes(report: ParsedReport): string[] {
  return report.tests.map((t) => `${formatTestRef(t.ref)} = ${t.outcome}`).sort();
}

describe('report parsers, over reports written by the real runners', () => {
  after(cleanupTemp);

  it('mocha json (mocha built-in reporter): suites joined, files relative, duplicate titles stay distinct', () => {
    const dir = tempDir('mocha');
    writeFiles(dir, { 'test/a.test.js': A_TEST, 'test/b.test.js': B_TEST });
    const out = join(dir, 'report.json');
    run(dir, [MOCHA_BIN, '--reporter', 'json', '--reporter-option', `output=${out}`, 'test/a.test.js', 'test/b.test.js']);
    const report = readMochaJson(out, { workspaceDir: dir });
    assert.equal(report.format, 'mocha-json');
    assert.deepEqual(outcomes(report), [
      'test/a.test.js > EU VAT > fails = failed',
      'test/a.test.js > EU VAT > returns 200 = passed',
      'test/a.test.js > EU VAT > skipped one = skipped',
      'test/a.test.js > EU VAT nested > returns 200 = passed',
      'test/a.test.js > top level = passed',
      'test/b.test.js > EU VAT > returns 200 = failed',
    ]);
    assert.equal(report.tests.find((t) => t.outcome === 'failed' && t.ref.file === 'test/a.test.js')?.message, 'expected 200, got 500');
    // The linked title path is matched against mocha's joined suites.
    assert.equal(lookupTest(report, ref('test/a.test.js', 'EU VAT', 'nested', 'returns 200')).kind, 'found');
    const a = lookupTest(report, ref('test/a.test.js', 'EU VAT', 'returns 200'));
    const b = lookupTest(report, ref('test/b.test.js', 'EU VAT', 'returns 200'));
    assert.deepEqual([a.kind === 'found' && a.outcome, b.kind === 'found' && b.outcome], ['passed', 'failed']);
    assert.equal(lookupTest(report, ref('test/c.test.js', 'EU VAT', 'returns 200')).kind, 'missing');
  });

  it('node:test junit (node built-in reporter): nested testsuite elements become the title path; no file attribute', () => {
    const dir = tempDir('nodetest');
    writeFiles(dir, { 'test/a.test.js': NODE_PRELUDE + A_TEST, 'test/b.test.js': NODE_PRELUDE + B_TEST });
    const out = join(dir, 'report.xml');
    run(dir, ['--test', '--test-reporter=junit', `--test-reporter-destination=${out}`, 'test/a.test.js', 'test/b.test.js']);
    const report = readJunit(out, { workspaceDir: dir });
    assert.deepEqual(outcomes(report), [
      ' > EU VAT > fails = failed',
      ' > EU VAT > nested > returns 200 = passed',
      ' > EU VAT > returns 200 = failed',
      ' > EU VAT > returns 200 = passed',
      ' > EU VAT > skipped one = skipped',
      ' > top level = passed',
    ]);
    assert.ok(report.tests.every((t) => t.fileUnknown && t.ref.file === ''));
    assert.equal(lookupTest(report, ref('test/a.test.js', 'EU VAT', 'nested', 'returns 200')).kind, 'found');
    // The same title path in two files cannot be told apart when the report names no files.
    const dup = lookupTest(report, ref('test/a.test.js', 'EU VAT', 'returns 200'));
    assert.equal(dup.kind, 'ambiguous');
  });

  it('jest json (jest built-in --json): ancestor titles plus title, real paths made relative', () => {
    const dir = tempDir('jest');
    writeFiles(dir, { 'package.json': '{"name":"fixture","private":true}', 'test/a.test.js': A_TEST, 'test/b.test.js': B_TEST });
    const out = join(dir, 'report.json');
    run(dir, [JEST_BIN, '--ci', '--watchman=false', '--json', `--outputFile=${out}`]);
    const report = readJestJson(out, { workspaceDir: dir });
    assert.deepEqual(outcomes(report), [
      'test/a.test.js > EU VAT > fails = failed',
      'test/a.test.js > EU VAT > nested > returns 200 = passed',
      'test/a.test.js > EU VAT > returns 200 = passed',
      'test/a.test.js > EU VAT > skipped one = skipped',
      'test/a.test.js > top level = passed',
      'test/b.test.js > EU VAT > returns 200 = failed',
    ]);
    assert.match(report.tests.find((t) => t.ref.file === 'test/b.test.js')?.message ?? '', /b fails/);
  });

  it('JUnit from other writers: file on testsuite or testcase, classname, <error>, fullTitle-style names', () => {
    const xml = `<?xml version="1.0"?>
<testsuites name="Mocha Tests">
  <testsuite name="Root Suite" tests="0"/>
  <testsuite name="EU VAT" file="/ws/test/a.test.js">
    <testcase name="EU VAT returns 200" classname="returns 200" time="0.012"/>
    <testcase name="EU VAT crashes" classname="crashes"><error message="boom">stack</error></testcase>
  </testsuite>
  <testsuite name="jest tests">
    <testcase classname="Cart" name="empties" file="test/cart.test.js"><skipped/></testcase>
    <testcase classname="Cart" name="totals" file="test/cart.test.js"><failure>expected 3
at line 2</failure></testcase>
  </testsuite>
</testsuites>`;
    const report = parseJunit(xml, { workspaceDir: '/ws' });
    assert.deepEqual(outcomes(report), [
      'test/a.test.js > EU VAT > crashes = failed',
      'test/a.test.js > EU VAT > returns 200 = passed',
      'test/cart.test.js > Cart > empties = skipped',
      'test/cart.test.js > Cart > totals = failed',
    ]);
    assert.equal(report.tests.find((t) => t.ref.title[1] === 'crashes')?.message, 'boom');
    assert.equal(report.tests.find((t) => t.ref.title[1] === 'totals')?.message, 'expected 3');
    assert.equal(report.tests.find((t) => t.ref.title[1] === 'returns 200')?.durationMs, 12);
  });

  it('a missing, empty or truncated report is an error, never "no tests"', () => {
    const dir = tempDir('broken');
    const opts = { workspaceDir: dir };
    assert.throws(() => readMochaJson(join(dir, 'none.json'), opts), ReportError);
    writeFileSync(join(dir, 'empty.json'), '');
    assert.throws(() => readJestJson(join(dir, 'empty.json'), opts), /empty/);
    writeFiles(dir, { 'test/a.test.js': A_TEST });
    const out = join(dir, 'r.json');
    run(dir, [MOCHA_BIN, '--reporter', 'json', '--reporter-option', `output=${out}`, 'test/a.test.js']);
    const full = readFileSync(out, 'utf8');
    assert.throws(() => parseMochaJson(full.slice(0, full.length / 2), opts), /truncated/);
    assert.throws(() => parseJunit('<?xml version="1.0"?>\n<testsuites>\n<testsuite name="x">\n<testcase name="a"/>', opts), /truncated or not XML/);
    assert.throws(() => parseJestJson('{"numTotalTests": 1}', opts), /not a jest json report/);
    assert.throws(() => parseJunit('<html/>', opts), /not a JUnit report/);
    // A complete report that ran nothing is not an error: the linked tests are then missing.
    assert.deepEqual(parseJunit('<?xml version="1.0"?><testsuites></testsuites>', opts).tests, []);
  });
});

describe('test identity', () => {
  it('a test is its file plus its full title path', () => {
    const a = ref('test/checkout.test.ts', 'EU VAT', 'returns 200');
    assert.equal(formatTestRef(a), 'test/checkout.test.ts > EU VAT > returns 200');
    assert.deepEqual(parseTestRef(' ./test\\checkout.test.ts > EU VAT >  returns 200 '), a);
    assert.ok(sameTest(a, parseTestRef(formatTestRef(a))));
    assert.ok(!sameTest(a, ref('test/other.test.ts', 'EU VAT', 'returns 200')));
    assert.ok(!sameTest(a, ref('test/checkout.test.ts', 'EU', 'VAT', 'returns 200')));
    // Keys do not collide when a title contains the separator's pieces.
    assert.notEqual(testKey(ref('f', 'a b', 'c')), testKey(ref('f', 'a', 'b c')));
    assert.throws(() => parseTestRef('test/checkout.test.ts'), /needs the test's title/);
    assert.throws(() => parseTestRef(' > EU VAT > x'), /test file/);
  });
});

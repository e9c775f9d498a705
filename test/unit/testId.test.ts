import assert from 'node:assert/strict';
import { formatTestRef, parseTestRef, sameTest, testKey } from '../../src/model/testId';
import { lookupTest, workspaceFiles, type ParsedReport, type ParsedTest } from '../../src/testing/reports/report';
import { ref } from './helpers/testProjects';

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

describe('finding a linked test in a report', () => {
  const t = (file: string, title: string[], outcome: ParsedTest['outcome'], extra: Partial<ParsedTest> = {}): ParsedTest => ({ ref: { file, title }, outcome, ...extra });
  const report = (tests: ParsedTest[]): ParsedReport => ({ format: 'incident-room-report/1', tests });

  it('by file and full title path; a test reported twice passes only if every report of it passed', () => {
    const r = report([
      t('test/a.js', ['EU VAT', 'returns 200'], 'passed'),
      t('test/b.js', ['EU VAT', 'returns 200'], 'failed'),
      t('test/a.js', ['EU VAT', 'retried'], 'passed'),
      t('test/a.js', ['EU VAT', 'retried'], 'failed'),
    ]);
    assert.deepEqual(lookupTest(r, ref('test/a.js', 'EU VAT', 'returns 200')).kind, 'found');
    assert.equal((lookupTest(r, ref('./test/b.js', 'EU VAT', 'returns 200')) as { outcome: string }).outcome, 'failed');
    assert.equal((lookupTest(r, ref('test/a.js', 'EU VAT', 'retried')) as { outcome: string }).outcome, 'failed');
    assert.equal(lookupTest(r, ref('test/a.js', 'returns 200')).kind, 'missing');
  });

  it('a failed hook is never a linked test; a test whose file the runner did not name is found by title, unless two share it', () => {
    const hook = report([t('test/a.js', ['EU VAT', 'returns 200'], 'failed', { notATest: true })]);
    assert.equal(lookupTest(hook, ref('test/a.js', 'EU VAT', 'returns 200')).kind, 'missing');
    const loose = report([t('', ['VAT', 'rounds'], 'passed', { fileUnknown: true })]);
    assert.equal(lookupTest(loose, ref('test/x.js', 'VAT', 'rounds')).kind, 'found');
    const twice = report([t('', ['VAT', 'rounds'], 'passed', { fileUnknown: true }), t('', ['VAT', 'rounds'], 'failed', { fileUnknown: true })]);
    assert.equal(lookupTest(twice, ref('test/x.js', 'VAT', 'rounds')).kind, 'ambiguous');
  });

  it('absolute paths from a runner become workspace-relative', () => {
    const toWorkspaceFile = workspaceFiles('/w');
    assert.equal(toWorkspaceFile('/w/test/a.js'), 'test/a.js');
    assert.equal(toWorkspaceFile('test\\a.js'), 'test/a.js');
    assert.equal(toWorkspaceFile('/elsewhere/a.js'), '/elsewhere/a.js');
    // Asked again, the same answer (kept, not looked up again).
    assert.equal(toWorkspaceFile('/w/test/a.js'), 'test/a.js');
  });
});

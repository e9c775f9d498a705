// Appending a test run's entries without parsing the record (recordAppend.ts): wherever the
// line-by-line proof holds, the text is byte for byte what the full path (parse, edit in place,
// parse back) writes and says exactly the new value; wherever it does not (comments after the
// last run, flow lists, block scalars, anchors in the list, CRLF, BOM, no final newline, a value
// that does not match the text...), it declines and the store takes the full path, with the same
// result. The store uses it only with the signed value of exactly the bytes on disk.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument, stringify } from 'yaml';
import { applyEditsToValue, type RecordEdit } from '../../src/model/edits';
import type { Incident, TestRunRecord } from '../../src/model/record';
import { IncidentStore, renderNewRecord, updateText } from '../../src/store/incidentStore';
import { appendToBlockLists } from '../../src/store/recordAppend';
import { parseRecord } from '../../src/store/recordFile';
import { RecordValueCache } from '../../src/store/recordValueCache';
import { editTextInPlace } from '../../src/store/textEdit';
import { simpleGit } from 'simple-git';
import type { CliIo } from '../../src/cliCommand';
import { recordValueCacheDir } from '../../src/store/recordValueCache';
import { gateCommand } from '../../src/testing/gateCli';
import { initRepo, mochaCommand, readyIncident, ref, tempDir, withPrivateStateHome } from './helpers/testProjects';

function run(i: number, over: Partial<TestRunRecord> = {}): TestRunRecord {
  return {
    id: `20261128T1000${String(i).padStart(2, '0')}000Z-abc${i}`,
    sha: 'a'.repeat(40),
    branch: 'fix/eu-vat',
    clean: true,
    command: ['npx', 'mocha', 'test/'],
    started_at: '2026-11-28T10:00:00+00:00',
    ended_at: '2026-11-28T10:00:02+00:00',
    exit_code: 0,
    ended_by: 'exit',
    report_format: 'mocha',
    tests: [{ test: ref('test/checkout.test.js', 'EU VAT', 'returns 200'), outcome: 'passed' }],
    totals: { passed: 1, failed: 0, skipped: 0, missing: 0 },
    ...over,
  };
}

function record(runs = 3): Incident {
  return readyIncident([ref('test/checkout.test.js', 'EU VAT', 'returns 200')], { test_runs: Array.from({ length: runs }, (_, i) => run(i)) });
}

/** A run's two edits, as recordRun makes them. */
function runEdits(i: number, over: Partial<TestRunRecord> = {}): RecordEdit[] {
  return [
    { op: 'append', path: ['test_runs'], value: run(i, over) },
    { op: 'append', path: ['timeline'], value: { at: '2026-11-28T10:00:02+00:00', by: 'incident-room-cli', kind: 'test-run', text: `Linked tests: 1 passed (run ${i})` } },
  ];
}

const valueOf = (text: string) => parse(text) as Incident;

/** A run of a command with options, and tests titled as people title them, in block and flow lists (new objects each time, which YAML would otherwise alias). */
const runWithIndicators = (): Partial<TestRunRecord> => ({
  command: ['npx', 'jest', '--ci', '--watchman=false', '-w', '?x', ':memory:'],
  tests: [
    { test: ref('test/-flags.test.js', '--dry-run', '-1 is refused'), outcome: 'passed' },
    { test: ref('test/db.test.js', ':memory: store', '?query parses'), outcome: 'passed' },
  ],
});

/** The fast path's text, checked against the full path's; undefined when it declined. */
function appended(text: string, edits: RecordEdit[] = runEdits(9)): string | undefined {
  const value = valueOf(text.replace(/^\uFEFF/, ''));
  const after = applyEditsToValue(value, edits);
  const fast = appendToBlockLists(text, value, after, edits);
  if (fast !== undefined) {
    assert.equal(fast, updateText('a.yaml', text, () => edits).text, 'byte for byte what the full path writes');
    assert.deepEqual(valueOf(fast), after, 'says exactly the new value');
  }
  return fast;
}

const asWritten = renderNewRecord(record());
/** The last run's lines, to put something into them. */
function inLastRun(text: string, replace: (lastRun: string) => string): string {
  const at = text.lastIndexOf('  - id: 20261128T');
  const end = text.indexOf('\ntimeline:', at);
  return text.slice(0, at) + replace(text.slice(at, end)) + text.slice(end);
}

/** The test_runs list's lines, to lay them out otherwise. */
function inRuns(text: string, replace: (runs: string) => string): string {
  const at = text.indexOf('\ntest_runs:\n') + '\ntest_runs:\n'.length;
  const end = text.indexOf('\ntimeline:', at);
  return text.slice(0, at) + replace(text.slice(at, end)) + text.slice(end);
}

describe('appending a run without parsing the record', () => {
  describe('takes the fast path, with the full path\'s bytes, on', () => {
    const accepted: [string, string][] = [
      ['a record as Incident Room writes it (test_runs before timeline, blank lines between sections)', asWritten],
      ['test_runs as the last key', stringify({ ...record(), timeline: undefined, test_runs: undefined, extra: 1 }).replace('extra: 1\n', `timeline:\n${stringify(record().timeline).replace(/^/gm, '  ').trimEnd()}\ntest_runs:\n${stringify(record().test_runs).replace(/^/gm, '  ').trimEnd()}\n`)],
      ['the library\'s default layout (folded long lines elsewhere)', stringify(record())],
      ['four-space indents', stringify(record(), { indent: 4 })],
      ['items laid out "-   key"', inRuns(asWritten, (runs) => runs.replace(/^  - /gm, '  -   ').replace(/^(    +)(?=\S)/gm, '$1  '))],
      ['a comment inside the last run', inLastRun(asWritten, (r) => r.replace('    exit_code: 0\n', '    # rerun after the flaky network\n    exit_code: 0\n'))],
      ['a trailing comment on a line of the last run', inLastRun(asWritten, (r) => r.replace('    exit_code: 0\n', '    exit_code: 0 # fine\n'))],
      ['a comment between runs', asWritten.replace('  - id: 20261128T100002', '# the third one\n  - id: 20261128T100002')],
      ['quoted titles with commas and brackets', inLastRun(asWritten, (r) => r.replace(/title: \[.*\]/, 'title: [ "EU VAT, again", \'it [works]\' ]'))],
      ['an anchor outside the lists', asWritten.replace('  - id: ana\n', '  - &ana\n    id: ana\n').replace('incident_manager: ana', 'incident_manager: ana')],
      ['trailing blank lines at the end', `${asWritten}\n\n`],
      // Plain scalars may start with '-', '?' or ':' when a character they may hold follows: every runner's options do.
      ['a command with options and titles that start with "-", "?" or ":"', renderNewRecord({ ...record(), test_runs: [0, 1, 2].map((i) => run(i, runWithIndicators())) })],
    ];
    for (const [name, text] of accepted) {
      it(name, () => {
        assert.notEqual(appended(text), undefined, 'declined');
      });
    }

    it('a run whose command and titles start with "-", "?" or ":" appended to a record as written', () => {
      assert.notEqual(appended(asWritten, runEdits(9, runWithIndicators())), undefined, 'declined');
    });
  });

  describe('declines (the store parses instead) on', () => {
    const declined: [string, string][] = [
      ['a comment after the last run', asWritten.replace('\ntimeline:', '  # the last one was flaky\n\ntimeline:')],
      ['a comment after the last run at the end of the text', `${stringify(record())}    # kept at the end\n`],
      ['flow-style test_runs', asWritten.replace(/^test_runs:\n(?: .*\n)+/m, `test_runs: ${JSON.stringify(record().test_runs)}\n`)],
      ['test_runs written as an empty list', renderNewRecord({ ...record(), test_runs: [] })],
      ['no timeline yet', renderNewRecord({ ...record(), timeline: undefined as never })],
      ['a block scalar at the end of the last run', inLastRun(asWritten, (r) => `${r}\n    note: |\n      first line\n      # not a comment`)],
      ['a keep-chomping block scalar at the end', inLastRun(asWritten, (r) => `${r}\n    note: |+\n      kept\n`)],
      ['a multi-line quoted string in the last run', inLastRun(asWritten, (r) => r.replace('branch: fix/eu-vat', 'branch: "fix/eu-vat\n      "'))],
      ['a folded plain string in the last run', inLastRun(asWritten, (r) => r.replace('report_format: mocha', 'report_format: mocha\n      reporter'))],
      ['an anchor in the list', asWritten.replace('  - id: 20261128T100002', '  - &third\n    id: 20261128T100002')],
      ['an alias in the list', asWritten.replace(/(  - id: 20261128T100002[^\n]*\n)/, '$1    extra: *x\n').replace('id: ana\n', 'id: &x ana\n')],
      ['a tag in the list', inLastRun(asWritten, (r) => r.replace('exit_code: 0', 'exit_code: !!int 0'))],
      ['CRLF line endings', asWritten.replace(/\n/g, '\r\n')],
      ['a BOM (the store strips it and puts it back)', `\uFEFF${asWritten}`],
      ['no final line break', asWritten.trimEnd()],
      ['a document marker', `---\n${asWritten}`],
      ['items at the key\'s column', stringify(record(), { indentSeq: false })],
      ['a quoted key', asWritten.replace('\ntest_runs:', '\n"test_runs":')],
      ['tabs', inLastRun(asWritten, (r) => r.replace('report_format: mocha', 'report_format: "mo\tcha"'))],
    ];
    for (const [name, text] of declined) {
      it(name, () => {
        assert.equal(appended(text), undefined);
      });
    }

    it('a value whose lists do not match the text (one run fewer)', () => {
      const edits = runEdits(9);
      const wrong = record(2);
      assert.equal(appendToBlockLists(asWritten, wrong, applyEditsToValue(wrong, edits), edits), undefined);
    });

    it('an entry that would not render as single-line constructs (a multi-line message)', () => {
      assert.equal(appended(asWritten, runEdits(9, { branch: 'fix/eu-vat\nsecond line' })), undefined);
    });

    it('anything but appends to two different top-level lists', () => {
      const [runEdit, timelineEdit] = runEdits(9);
      assert.equal(appended(asWritten, [runEdit!, runEdit!]), undefined);
      assert.equal(appended(asWritten, [{ op: 'append', path: ['test_plan', 'signoffs'], value: { person: 'carla', role: 'worker', at: '2026-11-28T12:00:00+00:00' } }]), undefined);
      assert.equal(appended(asWritten, [runEdit!, timelineEdit!, { op: 'set', path: ['impact'], value: 'x' }]), undefined);
    });
  });
});

describe('the store appends a run', function () {
  this.timeout(60_000);
  withPrivateStateHome();

  let folder: string;
  let cache: RecordValueCache;
  beforeEach(() => {
    folder = join(tempDir('append'), '.incidents');
    mkdirSync(folder, { recursive: true });
    cache = new RecordValueCache(join(tempDir('append-cache'), 'records'));
  });

  /** Writes the text, lets the store read it (which keeps its value), and appends a run. */
  async function update(text: string | Buffer, edits = runEdits(9)): Promise<{ file: string; after: Incident }> {
    const file = join(folder, 'a.yaml');
    writeFileSync(file, text);
    const store = new IncidentStore(folder, { valueCache: cache });
    assert.equal((await store.readRecord(file)).kind, 'ok');
    return { file, after: await store.update(file, () => edits) };
  }

  it('from the signed value of the bytes on disk, without parsing them', async () => {
    const file = join(folder, 'a.yaml');
    writeFileSync(file, asWritten);
    // A signed value the bytes do not quite say: only an update that did not parse returns it.
    cache.put(readFileSync(file), { ...valueOf(asWritten), title: 'Known without parsing' });
    const after = await new IncidentStore(folder, { valueCache: cache }).update(file, () => runEdits(9));
    assert.equal(after.title, 'Known without parsing');
    assert.equal(readFileSync(file, 'utf8'), updateText(file, asWritten, () => runEdits(9)).text);
  });

  it('and keeps the value of the bytes it wrote, for a record of any size (the next read needs no parse)', async () => {
    // 300 runs: well past the size below which the full path parses its result back.
    const { file, after } = await update(renderNewRecord(record(300)), runEdits(1000));
    const written = readFileSync(file);
    assert.ok(written.length > 128 * 1024, String(written.length));
    assert.deepEqual(cache.get(written), after);
    assert.deepEqual(after, (parseRecord(file, written) as { incident: Incident }).incident);
    assert.equal(after.test_runs!.length, 301);
  });

  it('keeps a BOM, and takes the full path where the fast one declines, with the same result', async () => {
    for (const text of [`\uFEFF${asWritten}`, asWritten.replace(/\n/g, '\r\n'), asWritten.replace('\ntimeline:', '  # the last one was flaky\n\ntimeline:')]) {
      const bytes = Buffer.from(text, 'utf8');
      const { file, after } = await update(bytes);
      const written = readFileSync(file);
      const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
      assert.equal(written.toString('utf8'), bom + updateText(file, text.replace(/^\uFEFF/, ''), () => runEdits(9)).text);
      assert.deepEqual(after, applyEditsToValue(valueOf(text.replace(/^\uFEFF/, '')), runEdits(9)));
      assert.deepEqual((parseRecord(file, written) as { incident: Incident }).incident, after);
    }
  });

  it('never from a value for other bytes: a hand edit since is parsed, and a broken record is refused with its line and column', async () => {
    const { file } = await update(asWritten);
    const edited = readFileSync(file, 'utf8').replace('impact: EU customers cannot pay.', 'impact: EU customers could not pay.');
    writeFileSync(file, edited);
    const after = await new IncidentStore(folder, { valueCache: cache }).update(file, () => runEdits(10));
    assert.equal(after.impact, 'EU customers could not pay.');
    writeFileSync(file, `${edited}<<<<<<< HEAD\n`);
    await assert.rejects(new IncidentStore(folder, { valueCache: cache }).update(file, () => runEdits(11)), (e: Error & { problems?: { line: number; col: number }[] }) => {
      assert.equal(e.name, 'RecordBrokenError');
      assert.ok(e.problems!.some((p) => p.line > 1), JSON.stringify(e.problems));
      return true;
    });
  });
});

describe('gate --run on a record of 300 runs', function () {
  this.timeout(120_000);
  withPrivateStateHome();

  it('keeps the value of the record it wrote, so the next gate, after a commit that leaves the bytes as they are, parses nothing', async () => {
    const repo = tempDir('append-gate');
    const incident = record(300);
    const file = join(repo, '.incidents', `${incident.id}.yaml`);
    await initRepo(repo, {
      'package.json': JSON.stringify({ name: 'shop', private: true, 'incident-room': { testCommand: mochaCommand('test/') } }),
      'test/checkout.test.js': "describe('EU VAT', () => { it('returns 200', () => {}); });\n",
      [`.incidents/${incident.id}.yaml`]: renderNewRecord(incident),
      'INCIDENT-LOG.md': '# Incident log\n',
    });
    await simpleGit(repo).checkoutLocalBranch('fix/eu-vat');
    const io: CliIo = { cwd: repo, out: () => undefined, err: () => undefined, now: () => new Date() };
    const cache = new RecordValueCache(recordValueCacheDir());
    for (let i = 1; i <= 2; i++) {
      // The verdict does not matter here (the 300 runs have no evidence behind them), only the write.
      assert.notEqual(await gateCommand([incident.id, '--run'], io), 2);
      await simpleGit(repo).add('.incidents').then(() => simpleGit(repo).commit(`run ${i}`));
      const written = readFileSync(file);
      assert.ok(written.length > 64 * 1024, String(written.length));
      const parsed = (parseRecord(file, written) as { incident: Incident }).incident;
      assert.equal(parsed.test_runs!.length, 300 + i);
      assert.deepEqual(cache.get(written), parsed, `the value of the bytes run ${i} wrote is kept`);
    }
  });
});

describe('appending a run without parsing: any text it takes, it writes as the full path does', () => {
  // Hand edits of every kind the line checks must tell apart, put at random places in the two
  // lists at random columns; each text that is still YAML is appended to both ways.
  const SNIPPETS = [
    '# a comment', '', 'note: |\n  first\n  # inside', 'note: >-\n  folded\n  more', 'note: |+\n  kept\n', 'note: "two\n  lines"', "note: 'two\n  lines'",
    'tag: !!str x', 'anchor: &a1 v', 'alias: *a1', 'flow: {a: 1}', 'list: [a, "b, c"]', 'plain: a b c', '  continuation of a plain value',
    'key: value # a comment', '- item', '-', '- - nested', '- --ci', '- -x y', '- -- x', 'flags: [ --ci, -x, ?y, :z ]', 'opt: -w', 'q: ?x', 'c: :x', '- :x:', '- ?', 'k: -#x', 'f: [ -, a ]', 'key:', '  - under a key', '? complex', '"quoted": key', 'time: 10:00:00', 'url: http://x.test/a#b',
  ];
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };

  it('over 400 hand-edited records', () => {
    let taken = 0;
    let tried = 0;
    for (let i = 0; i < 400; i++) {
      const lines = asWritten.split('\n');
      const from = lines.indexOf('test_runs:');
      for (let k = 0; k < 1 + random(2); k++) {
        const at = from + 1 + random(lines.length - from - 2);
        const indent = ' '.repeat([0, 2, 4, 6, 8][random(5)]!);
        const snippet = SNIPPETS[random(SNIPPETS.length)]!.split('\n').map((l) => (l ? indent + l : l));
        lines.splice(at, 0, ...snippet);
      }
      const text = lines.join('\n');
      const doc = parseDocument(text, { uniqueKeys: true, strict: true });
      if (doc.errors.length > 0) continue;
      let value: Incident;
      try {
        value = doc.toJS() as Incident;
      } catch {
        continue; // an alias before its anchor
      }
      if (!Array.isArray(value?.test_runs) || !Array.isArray(value.timeline)) continue;
      tried++;
      const edits = runEdits(9);
      const after = applyEditsToValue(value, edits);
      const fast = appendToBlockLists(text, value, after, edits);
      if (fast === undefined) continue;
      taken++;
      assert.equal(fast, editTextInPlace(text, doc, edits), text);
      assert.deepEqual(valueOf(fast), after, text);
    }
    // Enough of both kinds to mean something.
    assert.ok(tried > 100 && taken > 20 && taken < tried, `${taken} taken of ${tried}`);
  });
});

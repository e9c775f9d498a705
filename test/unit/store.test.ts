import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RuleViolation, type RecordOperation } from '../../src/model/edits';
import type { Incident } from '../../src/model/record';
import {
  IncidentStore,
  RECORD_HEADER,
  RecordBrokenError,
  RecordChangedError,
  RecordExistsError,
  RecordInvalidError,
  readPeopleFile,
} from '../../src/store/incidentStore';
import { parseRecord, type LoadedRecord } from '../../src/store/recordFile';

const VALID = `# Incident record (incident-room/v1). Hand edits are kept.
schema: incident-room/v1
id: "2026-11-27-checkout-5xx"
title: Checkout returns 500 for EU customers   # as reported by support
severity: 2                       # 1 | 2 | 3
status: active
declared_at: "2026-11-27T14:05:00+01:00"   # keep the offset
impact: |
  EU customers cannot pay; orders drop by 40%.
links: { chat_room: "https://chat.example/room", ticket: 'TCK-1' }

roles:
  incident_manager: ana
  sme: [bruno]
  workers:
    - person: bruno
      since: "2026-11-27T14:10:00+05:30"
      released_at: null
  prm: ~
owner_team: payments   # not in the schema
checklists:
  start:
    - id: announce
      text: Announce the incident
      done_at: null
  end: []
timeline:
  # the first entry
  - at: "2026-11-27T14:05:00+01:00"
    by: ana
    kind: declared
    text: Declared at level 2

# trailing comment
`;

const appendNote: RecordOperation = () => [
  { op: 'append', path: ['timeline'], value: { at: '2026-11-27T16:00:00-03:00', by: 'ana', kind: 'note', text: 'a note' } },
];

function broken(r: LoadedRecord | undefined): Extract<LoadedRecord, { kind: 'broken' }> {
  assert.ok(r, 'record expected');
  assert.equal(r.kind, 'broken', `expected a broken record, got ${r.kind}`);
  return r as Extract<LoadedRecord, { kind: 'broken' }>;
}

function ok(r: LoadedRecord | undefined): Extract<LoadedRecord, { kind: 'ok' }> {
  assert.ok(r, 'record expected');
  assert.equal(r.kind, 'ok', r.kind === 'broken' ? JSON.stringify(r.problems) : '');
  return r as Extract<LoadedRecord, { kind: 'ok' }>;
}

describe('store: incident records on disk', () => {
  let dir: string;
  let folder: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-store-'));
    folder = path.join(dir, '.incidents');
    fs.mkdirSync(folder);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The records folder's files, and any temp file left in the store's work folder. */
  function recordFolderListing(): string[] {
    const work = path.join(folder, '.incident-room');
    const temps = fs.existsSync(work) ? fs.readdirSync(work).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock')) : [];
    return [...fs.readdirSync(folder).filter((n) => n !== '.incident-room'), ...temps];
  }

  function write(name: string, content: string | Buffer): string {
    const file = path.join(folder, name);
    fs.writeFileSync(file, content);
    return file;
  }

  /** Loads the folder, checks the file is broken, and that neither loading nor an update changed a byte. */
  async function expectBrokenAndUntouched(name: string, content: string | Buffer, reason: string) {
    const file = write(name, content);
    const before = fs.readFileSync(file);
    const store = new IncidentStore(folder);
    const records = await store.loadAll();
    const rec = broken(records.find((r) => r.file === file));
    assert.equal(rec.reason, reason);
    assert.ok(rec.problems.length > 0);
    await assert.rejects(store.update(file, appendNote), (err: unknown) => {
      assert.ok(err instanceof RecordBrokenError);
      assert.equal(err.reason, reason);
      assert.deepEqual(err.problems, rec.problems);
      return true;
    });
    assert.ok(fs.readFileSync(file).equals(before), 'the broken file must keep its bytes');
    assert.deepEqual(recordFolderListing(), [name], 'no temp files left behind');
    return rec;
  }

  describe('broken files are reported with line and column, and never written', () => {
    it('an empty file', async () => {
      const rec = await expectBrokenAndUntouched('empty.yaml', '', 'empty');
      assert.deepEqual(rec.problems.map((p) => [p.line, p.col]), [[1, 1]]);
      assert.match(rec.problems[0]!.message, /empty/);
    });

    it('a file with only comments and blank lines', async () => {
      const rec = await expectBrokenAndUntouched('comments.yaml', '# nothing yet\n\n   # really\n', 'empty');
      assert.match(rec.problems[0]!.message, /empty/);
    });

    it('a tab-indented file', async () => {
      const text = VALID.replace('  incident_manager: ana', '\tincident_manager: ana');
      const rec = await expectBrokenAndUntouched('tabs.yaml', text, 'parse');
      const line = text.split('\n').findIndex((l) => l.startsWith('\tincident_manager')) + 1;
      assert.equal(rec.problems[0]!.line, line);
      assert.equal(rec.problems[0]!.col, 1);
      assert.match(rec.problems[0]!.message, /tab/i);
      assert.equal(rec.id, '2026-11-27-checkout-5xx', 'the id is still known for a file that does not parse');
    });

    it('a file with git conflict markers', async () => {
      const text = VALID.replace(
        'severity: 2                       # 1 | 2 | 3\n',
        '<<<<<<< HEAD\nseverity: 2\n=======\nseverity: 1\n>>>>>>> fix/eu-vat\n',
      );
      const rec = await expectBrokenAndUntouched('conflict.yaml', text, 'conflict');
      assert.equal(rec.problems[0]!.message.startsWith('unresolved git conflict markers'), true);
      assert.equal(rec.problems[0]!.line, 5);
      assert.equal(rec.problems[0]!.col, 1);
    });

    it('a duplicate key', async () => {
      const text = VALID.replace('status: active\n', 'status: active\nstatus: closed\n');
      const rec = await expectBrokenAndUntouched('dup-key.yaml', text, 'parse');
      assert.equal(rec.problems[0]!.line, 7);
      assert.equal(rec.problems[0]!.col, 1);
      assert.match(rec.problems[0]!.message, /duplicate key "status"/);
    });

    it('a list where a string belongs', async () => {
      const text = VALID.replace(/^title: .*$/m, 'title: [a, b]');
      const rec = await expectBrokenAndUntouched('list-title.yaml', text, 'schema');
      assert.deepEqual(rec.problems, [{ line: 4, col: 8, message: 'title must be a string, not a list' }]);
    });

    it('an unquoted numeric id', async () => {
      const text = VALID.replace('id: "2026-11-27-checkout-5xx"', 'id: 0123');
      const rec = await expectBrokenAndUntouched('numeric-id.yaml', text, 'schema');
      assert.equal(rec.problems.length, 1);
      assert.equal(rec.problems[0]!.line, 3);
      assert.equal(rec.problems[0]!.col, 5);
      assert.match(rec.problems[0]!.message, /^id must be a string/);
    });

    it('a missing required key points at its parent', async () => {
      const text = VALID.replace('  incident_manager: ana\n', '');
      const rec = await expectBrokenAndUntouched('no-im.yaml', text, 'schema');
      assert.deepEqual(rec.problems, [{ line: 12, col: 1, message: 'roles.incident_manager is required' }]);
    });

    it('a byte that is not UTF-8', async () => {
      const bytes = Buffer.concat([Buffer.from(VALID.slice(0, VALID.indexOf('Checkout returns'))), Buffer.from([0xe9]), Buffer.from('t\n')]);
      const rec = await expectBrokenAndUntouched('latin1.yaml', bytes, 'encoding');
      assert.equal(rec.problems[0]!.line, 4);
      assert.equal(rec.problems[0]!.col, 8);
      assert.match(rec.problems[0]!.message, /UTF-8.*0xE9/);
    });

    it('two files with the same id are both broken, each naming the other', async () => {
      const a = write('a.yaml', VALID);
      const b = write('b.yaml', `# copied\n\n${VALID}`);
      const beforeA = fs.readFileSync(a);
      const store = new IncidentStore(folder);
      const [ra, rb] = (await store.loadAll()).map(broken);
      assert.ok(ra && rb);
      assert.equal(ra!.reason, 'duplicate-id');
      assert.equal(rb!.reason, 'duplicate-id');
      assert.deepEqual(ra!.problems, [{ line: 3, col: 5, message: 'id "2026-11-27-checkout-5xx" is also used by b.yaml:5' }]);
      assert.deepEqual(rb!.problems, [{ line: 5, col: 5, message: 'id "2026-11-27-checkout-5xx" is also used by a.yaml:3' }]);
      assert.equal(ra!.id, '2026-11-27-checkout-5xx');
      const beforeB = fs.readFileSync(b);
      for (const [file, other] of [[a, 'b.yaml:5'], [b, 'a.yaml:3']] as const) {
        await assert.rejects(
          store.update(file, appendNote),
          (err: unknown) => err instanceof RecordBrokenError && err.reason === 'duplicate-id' && err.problems[0]!.message.endsWith(`used by ${other}`),
        );
      }
      assert.ok(fs.readFileSync(a).equals(beforeA));
      assert.ok(fs.readFileSync(b).equals(beforeB));
    });
  });

  describe('files that load', () => {
    it('an unknown top-level key loads and survives an update', async () => {
      const file = write('x.yaml', VALID);
      const store = new IncidentStore(folder);
      const rec = ok((await store.loadAll())[0]);
      assert.equal((rec.incident as unknown as Record<string, unknown>).owner_team, 'payments');
      await store.update(file, appendNote);
      const after = fs.readFileSync(file, 'utf8');
      assert.match(after, /^owner_team: payments {3}# not in the schema$/m);
    });

    it('a comment on every line loads, and every comment survives an update', async () => {
      const text = [
        'schema: incident-room/v1 # c1',
        'id: inc-1 # c2',
        'title: T # c3',
        'severity: 3 # c4',
        'status: active # c5',
        'declared_at: "2026-11-27T14:05:00Z" # c6',
        'impact: nobody # c7',
        'roles: # c8',
        '  incident_manager: ana # c9',
        'checklists: # c10',
        '  start: [] # c11',
        '  end: [] # c12',
        'timeline: # c13',
        '  - at: "2026-11-27T14:05:00Z" # c14',
        '    by: ana # c15',
        '    kind: declared # c16',
        '    text: declared # c17',
        '',
      ].join('\n');
      const file = write('commented.yaml', text);
      const store = new IncidentStore(folder);
      ok((await store.loadAll())[0]);
      await store.update(file, () => [
        { op: 'set', path: ['severity'], value: 2 },
        { op: 'append', path: ['timeline'], value: { at: '2026-11-27T15:00:00Z', by: 'ana', kind: 'severity-changed', text: '3 to 2' } },
      ]);
      const after = fs.readFileSync(file, 'utf8');
      for (let i = 1; i <= 17; i++) assert.match(after, new RegExp(`# c${i}\\n`), `comment c${i} survives`);
      assert.match(after, /^severity: 2 # c4$/m);
    });

    it('a 5,000-entry timeline loads and an update appends after the last entry', async function () {
      this.timeout(60000);
      const entries: string[] = [];
      for (let i = 0; i < 5000; i++) {
        entries.push(`  - at: "2026-11-27T14:05:${String(i % 60).padStart(2, '0')}+01:00"\n    by: ana\n    kind: note\n    text: entry ${i}\n`);
      }
      const text = VALID.replace(/timeline:\n[\s\S]*$/, `timeline:\n${entries.join('')}`);
      const file = write('long.yaml', text);
      const store = new IncidentStore(folder);
      const rec = ok((await store.loadAll())[0]);
      assert.equal(rec.incident.timeline.length, 5000);
      const updated = await store.update(file, appendNote);
      assert.equal(updated.timeline.length, 5001);
      assert.equal(updated.timeline[5000]!.text, 'a note');
      assert.equal(updated.timeline[4999]!.text, 'entry 4999');
      const after = fs.readFileSync(file, 'utf8');
      assert.equal(after.slice(0, text.length), text, 'everything before the new entry is unchanged');
      assert.equal(after.slice(text.length), '  - at: "2026-11-27T16:00:00-03:00"\n    by: ana\n    kind: note\n    text: a note\n');
    });
  });

  describe('update', () => {
    it('keeps comments, key order, blank lines, quoting and unknown keys: only the changed lines differ', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      await store.loadAll();
      const result = await store.update(file, () => [
        { op: 'set', path: ['severity'], value: 1 },
        { op: 'set', path: ['roles', 'prm'], value: 'carla' },
        { op: 'append', path: ['timeline'], value: { at: '2026-11-27T15:00:00+01:00', by: 'ana', kind: 'severity-changed', text: '2 to 1' } },
      ]);
      assert.equal(result.severity, 1);
      const expected = VALID.replace('severity: 2                       # 1 | 2 | 3', 'severity: 1                       # 1 | 2 | 3')
        .replace('  prm: ~', '  prm: carla')
        .replace(
          '    text: Declared at level 2\n',
          '    text: Declared at level 2\n  - at: "2026-11-27T15:00:00+01:00"\n    by: ana\n    kind: severity-changed\n    text: 2 to 1\n',
        );
      assert.equal(fs.readFileSync(file, 'utf8'), expected);
    });

    it('applies to the content on disk, not to what was loaded earlier', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      await store.loadAll();
      // Someone edits the file by hand after the store loaded it.
      fs.writeFileSync(file, VALID.replace('title: Checkout returns 500 for EU customers', 'title: Edited by hand'));
      let seenTitle = '';
      const result = await store.update(file, (inc) => {
        seenTitle = inc.title;
        return [{ op: 'set', path: ['status'], value: 'fix-released-awaiting-tests' }];
      });
      assert.equal(seenTitle, 'Edited by hand');
      assert.equal(result.title, 'Edited by hand');
      const after = fs.readFileSync(file, 'utf8');
      assert.match(after, /^title: Edited by hand {3}# as reported by support$/m);
      assert.match(after, /^status: fix-released-awaiting-tests$/m);
      assert.equal(ok(store.get('2026-11-27-checkout-5xx')).incident.status, 'fix-released-awaiting-tests');
    });

    it('re-reads and re-runs the operation when the file changes while it is being updated', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      let runs = 0;
      const result = await store.update(file, (inc) => {
        runs++;
        // The first time, a hand edit lands between our read and our write.
        if (runs === 1) fs.writeFileSync(file, VALID.replace('impact: |\n  EU customers cannot pay; orders drop by 40%.', 'impact: |\n  Worse than we thought.'));
        return [{ op: 'set', path: ['title'], value: `${inc.title} (run ${runs})` }];
      });
      assert.equal(runs, 2);
      assert.equal(result.impact, 'Worse than we thought.\n');
      const after = fs.readFileSync(file, 'utf8');
      assert.match(after, /Worse than we thought\./, 'the hand edit is kept');
      assert.match(after, /^title: Checkout returns 500 for EU customers \(run 2\) # as reported by support$/m);
    });

    it('gives up with a clear error when the file keeps changing, leaving the last hand edit in place', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      let runs = 0;
      await assert.rejects(
        store.update(file, () => {
          runs++;
          fs.writeFileSync(file, VALID.replace('impact: |\n  EU', `impact: |\n  edit ${runs}: EU`));
          return [{ op: 'set', path: ['title'], value: 'mine' }];
        }),
        (err: unknown) => err instanceof RecordChangedError && /changed on disk/.test(err.message),
      );
      assert.equal(runs, 3);
      const after = fs.readFileSync(file, 'utf8');
      assert.match(after, /edit 3: EU/);
      assert.doesNotMatch(after, /title: mine/);
      assert.deepEqual(recordFolderListing(), ['inc.yaml'], 'no temp files left behind');
    });

    it('refuses a change that would make the record invalid, and writes nothing', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      await assert.rejects(
        store.update(file, () => [{ op: 'set', path: ['severity'], value: 5 }]),
        (err: unknown) => err instanceof RecordInvalidError && err.problems.some((p) => p.message === 'severity must be 1, 2 or 3' && p.line === 5),
      );
      assert.equal(fs.readFileSync(file, 'utf8'), VALID);
    });

    it('lets a RuleViolation from the operation through unchanged', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      const violation = new RuleViolation('im-not-worker', 'The IM is never a worker.');
      await assert.rejects(
        store.update(file, () => {
          throw violation;
        }),
        (err: unknown) => err === violation,
      );
      assert.equal(fs.readFileSync(file, 'utf8'), VALID);
    });

    it('gives the operation a copy: mutating it writes nothing', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      const result = await store.update(file, (inc) => {
        inc.title = 'mutated';
        return [];
      });
      assert.equal(result.title, 'Checkout returns 500 for EU customers');
      assert.equal(fs.readFileSync(file, 'utf8'), VALID);
    });

    it('writes strings that look like numbers so they read back as strings', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      const run = {
        id: '1e5',
        sha: '0123456',
        branch: '1234567',
        clean: true,
        command: ['npm', 'test'],
        started_at: '2026-11-27T15:00:00+01:00',
        ended_at: '2026-11-27T15:01:00+01:00',
        exit_code: 0,
        tests: [],
        totals: { passed: 0, failed: 0, skipped: 0, missing: 0 },
      };
      await store.update(file, () => [
        { op: 'set', path: ['fix'], value: { branch: '0123', base: 'main' } },
        { op: 'append', path: ['test_runs'], value: run },
        { op: 'set', path: ['owner_team'], value: '007' },
      ]);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /sha: "0123456"/);
      const reread = ok(parseRecord(file, text)).incident;
      assert.equal(reread.test_runs![0]!.sha, '0123456');
      assert.equal(reread.test_runs![0]!.id, '1e5');
      assert.equal(reread.test_runs![0]!.branch, '1234567');
      assert.equal(reread.fix!.branch, '0123');
      assert.equal((reread as unknown as Record<string, unknown>).owner_team, '007');
    });

    it('keeps timestamps exactly as written, offset included', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      const result = await store.update(file, () => [
        { op: 'set', path: ['checklists', 'start', 0, 'done_at'], value: '2026-11-27T20:35:00+05:30' },
        ...appendNote(undefined as unknown as Incident),
      ]);
      assert.equal(result.declared_at, '2026-11-27T14:05:00+01:00');
      assert.equal(result.roles.workers![0]!.since, '2026-11-27T14:10:00+05:30');
      assert.equal(result.checklists.start[0]!.done_at, '2026-11-27T20:35:00+05:30');
      assert.equal(result.timeline[1]!.at, '2026-11-27T16:00:00-03:00');
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /done_at: "2026-11-27T20:35:00\+05:30"/);
    });

    it('keeps Windows line endings', async () => {
      const file = write('crlf.yaml', VALID.replace(/\n/g, '\r\n'));
      const store = new IncidentStore(folder);
      await store.update(file, appendNote);
      const text = fs.readFileSync(file, 'utf8');
      assert.doesNotMatch(text.replace(/\r\n/g, ''), /\n/);
      assert.match(text, /\r\n {4}text: a note\r\n\r\n# trailing comment\r\n$/);
    });

    it('runs two updates of one file one after the other, so neither is lost', async () => {
      const file = write('inc.yaml', VALID);
      const store = new IncidentStore(folder);
      const note = (text: string): RecordOperation => () => [{ op: 'append', path: ['timeline'], value: { at: '2026-11-27T16:00:00Z', by: 'ana', kind: 'note', text } }];
      await Promise.all([store.update(file, note('first')), store.update(file, note('second'))]);
      const inc = ok(parseRecord(file, fs.readFileSync(file))).incident;
      assert.deepEqual(inc.timeline.map((t) => t.text), ['Declared at level 2', 'first', 'second']);
    });
  });

  describe('loadAll, get and create', () => {
    it('treats a missing folder as no records', async () => {
      const store = new IncidentStore(path.join(dir, 'nope'));
      assert.deepEqual(await store.loadAll(), []);
      assert.deepEqual(store.records(), []);
    });

    it('reads *.yaml and *.yml in the folder only, sorted by name', async () => {
      write('b.yml', VALID.replace('id: "2026-11-27-checkout-5xx"', 'id: b'));
      write('a.yaml', VALID.replace('id: "2026-11-27-checkout-5xx"', 'id: a'));
      write('notes.txt', 'not a record');
      fs.mkdirSync(path.join(folder, 'archive'));
      fs.writeFileSync(path.join(folder, 'archive', 'c.yaml'), VALID);
      const store = new IncidentStore(folder);
      const records = await store.loadAll();
      assert.deepEqual(records.map((r) => path.basename(r.file)), ['a.yaml', 'b.yml']);
      assert.equal(ok(store.get('b')).file, path.join(folder, 'b.yml'));
      assert.equal(store.get('zzz'), undefined);
    });

    it('creates a readable record that loads back, and refuses to reuse an id or a file', async () => {
      const store = new IncidentStore(path.join(dir, 'new-folder'));
      const incident = ok(parseRecord('x', VALID)).incident;
      const file = await store.create({ ...incident, id: 'inc-0123' });
      assert.equal(file, path.join(dir, 'new-folder', 'inc-0123.yaml'));
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.startsWith(`${RECORD_HEADER}\n`));
      assert.match(text, /^declared_at: "2026-11-27T14:05:00\+01:00"$/m);
      assert.match(text, /^ {2}sme: \[bruno\]$/m);
      const loaded = ok(store.get('inc-0123'));
      assert.deepEqual(loaded.incident, { ...incident, id: 'inc-0123' });

      await assert.rejects(store.create({ ...incident, id: 'inc-0123' }), RecordExistsError);
      // A file of that name whose content has another id is not overwritten either.
      fs.writeFileSync(path.join(dir, 'new-folder', 'other.yaml'), VALID.replace('id: "2026-11-27-checkout-5xx"', 'id: other-id'));
      fs.renameSync(path.join(dir, 'new-folder', 'other.yaml'), path.join(dir, 'new-folder', 'taken.yaml'));
      await assert.rejects(store.create({ ...incident, id: 'taken' }), (err: unknown) => err instanceof RecordExistsError && /already exists/.test(err.message));
      assert.match(fs.readFileSync(path.join(dir, 'new-folder', 'taken.yaml'), 'utf8'), /id: other-id/);
    });

    it('refuses to create an invalid record', async () => {
      const store = new IncidentStore(folder);
      const incident = ok(parseRecord('x', VALID)).incident;
      await assert.rejects(
        store.create({ ...incident, id: 'bad', status: 'closed' }),
        (err: unknown) => err instanceof RecordInvalidError && err.problems.some((p) => p.message === 'closed_at is required when status is closed'),
      );
      await assert.rejects(store.create({ ...incident, id: '../escape' }), RecordInvalidError);
      assert.deepEqual(fs.readdirSync(folder), []);
      assert.equal(fs.existsSync(path.join(dir, 'escape.yaml')), false);
    });
  });

  describe('readPeopleFile', () => {
    it('a missing file is no people', async () => {
      assert.deepEqual(await readPeopleFile(path.join(dir, 'people.yaml')), { people: [], problems: [] });
    });

    it('reads people and reports a bad entry with its position, keeping the good ones', async () => {
      const file = path.join(dir, 'people.yaml');
      fs.writeFileSync(
        file,
        'people:\n  - id: ana\n    name: Ana\n    timezone: Europe/Lisbon\n    phone: "+351 900"\n  - id: bruno\n    name: Bruno\n    timezone: Europe/Berlin\n    phone: 351900\n',
      );
      const store = new IncidentStore(folder);
      const { people, problems } = await store.readPeopleFile(file);
      assert.deepEqual(people, [{ id: 'ana', name: 'Ana', timezone: 'Europe/Lisbon', phone: '+351 900' }]);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.line, 9);
      assert.match(problems[0]!.message, /people\[1\]\.phone must be a string/);
    });
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { instantOf, isTimestamp } from '../../src/model/time';
import { IncidentStore } from '../../src/store/incidentStore';
import { parseRecord } from '../../src/store/recordFile';
import { cacheFileInGitDir, closedPartFile, findGitDir, monthOf, summarize, SUMMARY_CACHE_FORMAT, type RecordSummary } from '../../src/store/summaryCache';
import { filesReadDuring } from './helpers/fileReads';
import { recordText } from '../bench/generateRecords';
import { DateTime } from 'luxon';

const COUNT = 24;
const OPEN = 3;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

describe('Record summaries and their cache', () => {
  let dir: string;
  let folder: string;
  let cacheFile: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-summaries-'));
    folder = path.join(dir, '.incidents');
    cacheFile = path.join(dir, 'cache', 'summaries.json');
    fs.mkdirSync(folder);
    for (let i = 0; i < COUNT; i++) {
      const { name, text } = recordText(i, COUNT, OPEN);
      fs.writeFileSync(path.join(folder, name), text);
    }
    // Files older than the cache are trusted by their stamp; fresh ones are checked by content.
    for (const name of fs.readdirSync(folder)) fs.utimesSync(path.join(folder, name), HOUR_AGO, HOUR_AGO);
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** What a full parse of every file says, summarised: the truth the cache must agree with. */
  function truth(): RecordSummary[] {
    return fs
      .readdirSync(folder)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => summarize(parseRecord(path.join(folder, n), fs.readFileSync(path.join(folder, n)))));
  }

  function strip(list: readonly RecordSummary[]): unknown[] {
    // idLine comes from the parsed document; the rest must match field for field.
    return list.map(({ idLine: _l, ...rest }) => rest);
  }

  async function load(opts: { offThread?: boolean } = {}): Promise<{ summaries: RecordSummary[]; parsed: number }> {
    let parsed = 0;
    const store = new IncidentStore(folder, { cacheFile, ...opts });
    const summaries = await store.loadSummaries({ onProgress: (p) => (parsed = p.done) });
    return { summaries, parsed };
  }

  it('summarises every record as a full parse does, then a warm start parses nothing', async () => {
    const cold = await load();
    assert.equal(cold.parsed, COUNT);
    assert.deepEqual(strip(cold.summaries), strip(truth()));
    assert.equal(cold.summaries.filter((s) => s.status !== 'closed').length, OPEN);
    assert.ok(fs.existsSync(cacheFile));
    const store = new IncidentStore(folder, { cacheFile });
    let parsed = 0;
    const warm = await store.loadSummaries({ onProgress: (p) => (parsed = p.done) });
    assert.equal(parsed, 0);
    // Closed records' summaries are read from the cache's closed part when asked for.
    await store.completeSummaries();
    assert.deepEqual(warm, cold.summaries);
  });

  it('parses in a worker thread the same way it parses on the main thread', async () => {
    const inWorker = await load({ offThread: true });
    fs.rmSync(cacheFile);
    const inline = await load();
    assert.deepEqual(inWorker.summaries, inline.summaries);
    assert.equal(inWorker.parsed, COUNT);
  });

  for (const [what, corrupt] of [
    ['not JSON', (text: string) => text.slice(0, text.length / 2)],
    ['another format', (text: string) => text.replace(SUMMARY_CACHE_FORMAT, 'incident-room-summaries/0')],
    ['made by other rules (another schema)', (text: string) => text.replace(/"rules":"[^"]*"/, '"rules":"0:feedface"')],
    ['written for another folder', (text: string) => text.replace(JSON.stringify(path.resolve(folder)), JSON.stringify('/elsewhere/.incidents'))],
    ['an entry of the wrong shape', (text: string) => text.replace(/"severity":\d/, '"severity":"high"')],
    ['an entry naming a path outside the folder', (text: string) => text.replace(/\["([^"/]+\.yaml)",/, '["../$1",')],
    ['cut short (a line lost)', (text: string) => text.replace(/\n[^\n]*\n$/, '\n')],
    ['of the previous format (every summary in one part)', (text: string) => text.replace(SUMMARY_CACHE_FORMAT, 'incident-room-summaries/3')],
    ['giving one slot of the closed part to two records', (text: string) => text.replace(/,"(\d{4}-\d{2})",1\]/, ',"$1",0]')],
    ['a closed record\'s entry without its month', (text: string) => text.replace(/,"(\d{4})-(\d{2})",(\d+)\]/, ',$1$2,$3]')],
    ['an open record\'s whole summary claiming it is closed', (text: string) => text.replace(/"status":"active"/, '"status":"closed"')],
  ] as const) {
    it(`discards a cache that is ${what} and rebuilds it from the files`, async () => {
      await load();
      // Lie in the cache about one record, then damage the cache: the lie must not survive.
      const text = fs.readFileSync(cacheFile, 'utf8').replace(/"title":"[^"]*"/, '"title":"A lie"');
      const damaged = corrupt(text);
      assert.notEqual(damaged, text, 'the damage must change the cache');
      fs.writeFileSync(cacheFile, damaged);
      const again = await load();
      assert.equal(again.parsed, COUNT);
      assert.deepEqual(strip(again.summaries), strip(truth()));
      assert.ok(!again.summaries.some((s) => s.title === 'A lie'));
      // The rebuilt cache is whole again: the next start parses nothing.
      assert.equal((await load()).parsed, 0);
    });
  }

  it('sees an edit that keeps the size and the mtime, and re-reads only that file', async () => {
    await load();
    const name = fs.readdirSync(folder).sort()[5]!;
    const file = path.join(folder, name);
    const text = fs.readFileSync(file, 'utf8');
    const edited = text.replace(/^title: (.)/m, (_m, c: string) => `title: ${c === 'X' ? 'Y' : 'X'}`);
    assert.equal(edited.length, text.length);
    fs.writeFileSync(file, edited);
    fs.utimesSync(file, HOUR_AGO, HOUR_AGO);
    const again = await load();
    assert.equal(again.parsed, 1);
    assert.deepEqual(strip(again.summaries), strip(truth()));
  });

  it('checks by content a file changed within the file system\'s timestamp granularity', async () => {
    // Fresh files (mtime now) are as new as the cache: their stamp alone is not trusted.
    for (const n of fs.readdirSync(folder)) fs.utimesSync(path.join(folder, n), new Date(), new Date());
    await load();
    const warm = await load();
    assert.equal(warm.parsed, 0, 'unchanged content is not parsed again');
  });

  it('refreshFiles re-reads only the files it names, and drops the ones that are gone', async () => {
    const store = new IncidentStore(folder, { cacheFile });
    await store.loadSummaries();
    const names = fs.readdirSync(folder).sort();
    const [first, second, third] = names.map((n) => path.join(folder, n));
    fs.writeFileSync(first!, fs.readFileSync(first!, 'utf8').replace(/^title: .*$/m, 'title: First changed'));
    fs.writeFileSync(second!, fs.readFileSync(second!, 'utf8').replace(/^title: .*$/m, 'title: Second changed'));
    fs.rmSync(third!);
    const after = await store.refreshFiles([first!, third!]);
    assert.equal(after.find((s) => s.file === first)?.title, 'First changed');
    assert.notEqual(after.find((s) => s.file === second)?.title, 'Second changed', 'a file no event named is not read');
    assert.equal(after.find((s) => s.file === third), undefined);
    assert.equal(after.length, COUNT - 1);
    await store.flushCache();
    // The next start sees the second file's change too: the cache never hides the files.
    assert.equal((await load()).summaries.find((s) => s.file === second)?.title, 'Second changed');
  });

  it('marks every record sharing an id as broken, pointing at the other file\'s id line', async () => {
    const [a, b] = fs.readdirSync(folder).sort();
    const id = /^id: "(.*)"$/m.exec(fs.readFileSync(path.join(folder, a!), 'utf8'))![1]!;
    fs.writeFileSync(path.join(folder, b!), fs.readFileSync(path.join(folder, b!), 'utf8').replace(/^id: .*$/m, `id: "${id}"`));
    const { summaries } = await load();
    const dup = summaries.filter((s) => s.reason === 'duplicate-id');
    assert.equal(dup.length, 2);
    assert.match(dup[0]!.problems![0]!.message, new RegExp(`also used by ${b!.replace(/\./g, '\\.')}:3`));
  });

  it('keeps a broken record broken in the cache, with its problems', async () => {
    const name = fs.readdirSync(folder).sort()[2]!;
    fs.writeFileSync(path.join(folder, name), 'schema: incident-room/v1\nid: "x"\ntitle: [unclosed\n');
    await load();
    const warm = await load();
    const broken = warm.summaries.find((s) => s.file === path.join(folder, name))!;
    assert.equal(broken.kind, 'broken');
    assert.equal(broken.reason, 'parse');
    assert.ok(broken.problems!.length > 0);
    assert.equal(warm.parsed, 0);
  });

  describe('the two parts: stamps read at start, closed records\' summaries when needed', () => {
    /** The records older than the file system's timestamp granularity, so their stamps alone are trusted (as in a repository). */
    beforeEach(async () => {
      await new Promise((r) => setTimeout(r, 2100));
    });

    const closedFiles = () => truth().filter((s) => s.status === 'closed').map((s) => s.file);

    async function warmStore(): Promise<{ store: IncidentStore; read: string[] }> {
      const store = new IncidentStore(folder, { cacheFile });
      const { files } = await filesReadDuring(folder, () => store.loadSummaries());
      return { store, read: files };
    }

    it('a warm start reads no record and knows closed records by id, status and month; a month opened reads only its summaries', async () => {
      await load();
      const { store, read } = await warmStore();
      assert.deepEqual(read, []);
      const want = truth();
      const partial = store.summaries().filter((s) => s.partial);
      assert.equal(partial.length, COUNT - OPEN);
      for (const s of partial) {
        const t = want.find((x) => x.file === s.file)!;
        assert.deepEqual([s.kind, s.id, s.status, monthOf(s)], [t.kind, t.id, 'closed', t.declaredAt!.slice(0, 7)]);
        assert.equal(s.title, undefined);
      }
      // One month, as the tree opens it: synchronously, from the closed part, no record read.
      const month = monthOf(partial[0]!);
      const inMonth = partial.filter((s) => monthOf(s) === month);
      const objects = [...inMonth];
      const { files } = await filesReadDuring(folder, async () => store.completeSummariesSync(inMonth.map((s) => s.file)));
      assert.deepEqual(files, []);
      assert.deepEqual(strip(inMonth), strip(want.filter((t) => inMonth.some((s) => s.file === t.file))));
      assert.ok(inMonth.every((s, i) => s === objects[i]), 'completed in place: whoever holds a summary sees it whole');
      assert.equal(store.summaries().filter((s) => s.partial).length, partial.length - inMonth.length, 'the other months stay unread');
      const all = await filesReadDuring(folder, () => store.completeSummaries());
      assert.deepEqual(all.files, []);
      assert.deepEqual(strip(store.summaries()), strip(want));
    });

    it('a closed part out of step with the stamps part (another writing) is not trusted: the closed records are read from their files', async () => {
      await load();
      const closed = closedPartFile(cacheFile);
      // A closed part of another writing, whose summaries lie.
      const text = fs.readFileSync(closed, 'utf8');
      fs.writeFileSync(closed, text.replace(/"generation":"[^"]*"/, '"generation":"another"').replace(/"title":"[^"]*"/g, '"title":"A lie"'));
      const { store, read } = await warmStore();
      assert.deepEqual(read, [], 'the stamps part alone is read at start');
      const { files } = await filesReadDuring(folder, () => store.completeSummaries());
      assert.deepEqual(files, closedFiles().sort());
      assert.deepEqual(strip(store.summaries()), strip(truth()));
      await store.flushCache();
      // Written again in step: the next start completes from the cache.
      const next = await warmStore();
      assert.deepEqual((await filesReadDuring(folder, () => next.store.completeSummaries())).files, []);
      assert.deepEqual(strip(next.store.summaries()), strip(truth()));
    });

    for (const [what, damage] of [
      ['missing', (file: string) => fs.rmSync(file)],
      ['cut short', (file: string) => fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n[^\n]*\n$/, '\n'))],
      ['not JSON', (file: string) => fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\[\["/, '[["x'))],
    ] as const) {
      it(`a closed part that is ${what} is not trusted: its records are read from their files`, async () => {
        await load();
        damage(closedPartFile(cacheFile));
        const { store } = await warmStore();
        const { files } = await filesReadDuring(folder, () => store.completeSummaries());
        assert.ok(files.length > 0 && files.every((f) => closedFiles().includes(f)), files.join(', '));
        assert.deepEqual(strip(store.summaries()), strip(truth()));
      });
    }

    it('a slot holding another record\'s summary, or one that is not closed, is not trusted: only those records are read', async () => {
      await load();
      const closed = closedPartFile(cacheFile);
      const [header, line, ...rest] = fs.readFileSync(closed, 'utf8').split('\n');
      const slots = JSON.parse(line!) as [string, string, RecordSummary][];
      // Two slots swapped (each names the other record), and a third claiming to be open.
      [slots[0], slots[1]] = [slots[1]!, slots[0]!];
      slots[2]![2].status = 'active';
      fs.writeFileSync(closed, [header, JSON.stringify(slots), ...rest].join('\n'));
      const { store } = await warmStore();
      const { files } = await filesReadDuring(folder, () => store.completeSummaries());
      assert.deepEqual(files, [slots[0]![0], slots[1]![0], slots[2]![0]].map((n) => path.join(folder, n)).sort());
      assert.deepEqual(strip(store.summaries()), strip(truth()));
    });

    it('a changed closed record is the only file read; the cache written again holds it, and the others\' summaries', async () => {
      await load();
      const file = closedFiles()[4]!;
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: Changed after the close'));
      await new Promise((r) => setTimeout(r, 2100));
      // Loading writes the cache at once: the others' summaries come from the closed part, not their files.
      const { store, read } = await warmStore();
      assert.deepEqual(read, [file]);
      assert.equal(store.summaries().find((s) => s.file === file)?.title, 'Changed after the close');
      const next = await warmStore();
      assert.deepEqual(next.read, []);
      assert.deepEqual((await filesReadDuring(folder, () => next.store.completeSummaries())).files, []);
      assert.deepEqual(strip(next.store.summaries()), strip(truth()));
    });

    it('an open record changed rewrites the stamps part only: the closed part is kept as it is', async () => {
      await load();
      const closed = closedPartFile(cacheFile);
      const before = fs.readFileSync(closed, 'utf8');
      const open = truth().find((s) => s.status !== 'closed')!.file;
      fs.writeFileSync(open, fs.readFileSync(open, 'utf8').replace(/^title: .*$/m, 'title: Still burning'));
      await new Promise((r) => setTimeout(r, 2100));
      const { store, read } = await warmStore();
      assert.deepEqual(read, [open]);
      assert.equal(fs.readFileSync(closed, 'utf8'), before);
      assert.equal(store.summaries().filter((s) => s.partial).length, COUNT - OPEN, 'no closed summary was read to write the cache');
      const next = await warmStore();
      assert.deepEqual(next.read, []);
      await next.store.completeSummaries();
      assert.deepEqual(strip(next.store.summaries()), strip(truth()));
    });
  });

  it('finds the git dir without running git, also through a .git file', () => {
    fs.mkdirSync(path.join(dir, '.git'));
    assert.equal(findGitDir(folder), path.join(dir, '.git'));
    const linked = path.join(dir, 'wt');
    fs.mkdirSync(linked);
    fs.writeFileSync(path.join(linked, '.git'), `gitdir: ${path.join(dir, '.git', 'worktrees', 'wt')}\n`);
    assert.equal(findGitDir(path.join(linked, 'sub')), path.join(dir, '.git', 'worktrees', 'wt'));
    assert.match(cacheFileInGitDir(path.join(dir, '.git'), folder), /\.git[/\\]incident-room[/\\]summaries-[0-9a-f]{12}\.json$/);
  });

  it('reads timestamps as luxon does (offsets within ±14:00), without luxon for the everyday ones', () => {
    const samples = [
      '2026-11-27T14:05:00+01:00', '2026-11-27T14:05+01:00', '2026-11-27T14:05:00.250Z', '2024-02-29T23:59:59-05:30',
      '2023-02-29T10:00:00Z', '2026-04-31T10:00:00Z', '2026-13-01T10:00:00Z', '2026-11-27T24:00:00Z', '2026-11-27T14:60:00Z',
      '2026-11-27T14:05:60Z', '2026-11-27T14:05:00+14:00', '2026-11-27T14:05:00+15:00', '2026-11-27T14:05:00+01:60', '2026-11-27T14:05:00',
    ];
    for (let k = 0; k < 300; k++) {
      const ms = Date.UTC(2000 + (k % 40), k % 12, 1 + (k % 31), k % 24, (k * 7) % 60, (k * 13) % 60);
      const off = ((k % 29) - 14) * 60 + (k % 2) * 30;
      const local = new Date(ms + off * 60_000).toISOString().slice(0, 19);
      const sign = off < 0 ? '-' : '+';
      const abs = Math.abs(off);
      samples.push(`${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`);
    }
    for (const s of samples) {
      const dt = DateTime.fromISO(s, { setZone: true });
      const luxonValid = /(Z|[+-]\d{2}:\d{2})$/.test(s) && dt.isValid;
      // Offsets past ±14:00, or with 60 minutes or more, are refused even where luxon reads them.
      const offset = /[+-](\d{2}):(\d{2})$/.exec(s);
      const offsetInRange = !offset || (Number(offset[2]) < 60 && Number(offset[1]) * 60 + Number(offset[2]) <= 14 * 60);
      assert.equal(isTimestamp(s), luxonValid && offsetInRange, s);
      if (luxonValid && offsetInRange) assert.equal(instantOf(s), dt.toMillis(), s);
    }
  });
});

// The record value cache: a valid record's value by the SHA-256 of its exact bytes, signed with
// the private state key. It is used only for exactly the bytes it was made from; a corrupt,
// foreign or forged entry is ignored and the bytes are parsed; a broken record is never kept.
// The close gate reads records through it, so a forged entry must not change a verdict.
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { stringify } from 'yaml';
import type { CliIo } from '../../src/cliCommand';
import type { Incident } from '../../src/model/record';
import { IncidentStore } from '../../src/store/incidentStore';
import { defaultKeyPath, loadStateKey } from '../../src/store/privateState';
import { parseRecord } from '../../src/store/recordFile';
import { MAX_RECORD_VALUES, PRUNED_TO, RECORD_VALUE_CACHE_FORMAT, RecordValueCache, recordValueCacheDir } from '../../src/store/recordValueCache';
import { cacheFileInGitDir, recordRulesKey } from '../../src/store/summaryCache';
import { gateCommand } from '../../src/testing/gateCli';
import { initRepo, mochaCommand, readyIncident, ref, tempDir, withPrivateStateHome } from './helpers/testProjects';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** An entry as the cache writes it, signed with `key` (the real one, another machine's, or none). */
function entryText(bytes: Buffer, value: unknown, key: Buffer | null, over: { format?: string; rules?: string; bytesHash?: string } = {}): string {
  const hash = over.bytesHash ?? sha256(bytes);
  const format = over.format ?? RECORD_VALUE_CACHE_FORMAT;
  const rules = over.rules ?? recordRulesKey();
  const valueJson = JSON.stringify(value);
  const sig = key ? createHmac('sha256', key).update(`${format}\n${rules}\n${hash}\n`).update(valueJson).digest('hex') : 'ab'.repeat(32);
  return `${JSON.stringify({ format, rules, bytes: hash, sig })}\n${valueJson}`;
}

/** The record with everything a close needs but the plan's sign-offs. */
function unsignedIncident(): Incident {
  const incident = readyIncident([ref('test/checkout.test.js', 'EU VAT', 'returns 200')]);
  incident.test_plan!.signoffs = [];
  return incident;
}

describe('the record value cache', function () {
  this.timeout(60_000);
  withPrivateStateHome();

  let folder: string;
  let file: string;
  let cache: RecordValueCache;

  beforeEach(() => {
    folder = join(tempDir('values'), '.incidents');
    mkdirSync(folder, { recursive: true });
    file = join(folder, 'a.yaml');
    writeFileSync(file, stringify(unsignedIncident()));
    cache = new RecordValueCache(join(tempDir('value-cache'), 'records'));
  });

  it('is used for exactly the bytes it was made from, and for no other', async () => {
    const bytes = readFileSync(file);
    const real = parseRecord(file, bytes);
    assert.equal(real.kind, 'ok');
    // A value the bytes do not say, kept (and signed) as theirs: only a store that uses the cache returns it.
    const marked = { ...(real as { incident: Incident }).incident, title: 'from the cache' };
    cache.put(bytes, marked);
    const store = new IncidentStore(folder, { valueCache: cache });
    const hit = await store.readRecord(file);
    assert.equal(hit.kind === 'ok' && hit.incident.title, 'from the cache');
    assert.equal(hit.kind === 'ok' && hit.text, bytes.toString('utf8'));

    // One byte more (a trailing space): another hash, so the record is parsed.
    writeFileSync(file, Buffer.concat([bytes, Buffer.from(' ')]));
    const miss = await new IncidentStore(folder, { valueCache: cache }).readRecord(file);
    assert.equal(miss.kind === 'ok' && miss.incident.title, (real as { incident: Incident }).incident.title);
    // And the read that parsed keeps the value of those bytes.
    assert.equal(cache.get(readFileSync(file))?.title, (real as { incident: Incident }).incident.title);
  });

  it('ignores a corrupt, foreign or misplaced entry, parses the bytes, and replaces the entry', async () => {
    const bytes = readFileSync(file);
    const truth = (parseRecord(file, bytes) as { incident: Incident }).incident;
    const lie = { ...truth, title: 'not what the bytes say' };
    const otherKey = randomBytes(32);
    const key = loadStateKey(defaultKeyPath());
    const entries: [string, string][] = [
      ['not JSON', 'garbage\n{'],
      ['truncated', entryText(bytes, lie, key).slice(0, 200)],
      ['unsigned (a forgery without the key)', entryText(bytes, lie, null)],
      ['signed with another key (another machine or user)', entryText(bytes, lie, otherKey)],
      ['made by other rules (another schema or version)', entryText(bytes, lie, key, { rules: 'other-rules' })],
      ['another format', entryText(bytes, lie, key, { format: 'incident-room-record-value/0' })],
      ["another record's entry under this record's name", entryText(Buffer.from('other bytes'), lie, key)],
      ['an entry that claims these bytes under another name', entryText(bytes, lie, key, { bytesHash: sha256('other bytes') })],
      ['a value that is not a record', entryText(bytes, [1, 2], key)],
    ];
    const keyed = new RecordValueCache(cache.dir);
    for (const [what, text] of entries) {
      mkdirSync(cache.dir, { recursive: true });
      writeFileSync(join(cache.dir, `${sha256(bytes)}.json`), text);
      const read = await new IncidentStore(folder, { valueCache: keyed }).readRecord(file);
      assert.equal(read.kind, 'ok', what);
      assert.deepEqual(read.kind === 'ok' && read.incident, truth, what);
      assert.deepEqual(keyed.get(bytes), truth, `${what}: the parse replaced the entry`);
    }
  });

  it('never keeps a broken record: it is parsed each time, with its problems at their line and column', async () => {
    writeFileSync(file, stringify({ ...unsignedIncident(), severity: 7 }));
    const store = new IncidentStore(folder, { valueCache: cache });
    for (let i = 0; i < 2; i++) {
      const read = await store.readRecord(file);
      assert.equal(read.kind, 'broken');
      assert.ok(read.kind === 'broken' && read.problems.some((p) => p.line > 1 && /severity/.test(p.message)), JSON.stringify(read));
    }
    assert.equal(existsSync(cache.dir) ? readdirSync(cache.dir).length : 0, 0);
  });

  it("an update keeps the value of the bytes it wrote (parsed back), so the next read finds it", async () => {
    const store = new IncidentStore(folder, { valueCache: cache });
    const after = await store.update(file, () => [{ op: 'set', path: ['impact'], value: 'EU customers could not pay for 2 hours.' }]);
    const written = readFileSync(file);
    assert.deepEqual(cache.get(written), after);
    assert.deepEqual(cache.get(written), (parseRecord(file, written) as { incident: Incident }).incident);
  });

  it('writes an entry once per bytes, writes it again once it is gone or spoilt, and prunes the oldest in batches', () => {
    const bytes = readFileSync(file);
    const incident = (parseRecord(file, bytes) as { incident: Incident }).incident;
    const entry = join(cache.dir, `${sha256(bytes)}.json`);
    cache.put(bytes, incident);
    const written = statSync(entry).ino;
    // Verified and put again (as a read that summarised, then an update, do): the entry is not rewritten (a rename would change its inode).
    assert.deepEqual(cache.get(bytes), incident);
    cache.put(bytes, incident);
    assert.equal(statSync(entry).ino, written);
    // Spoilt by someone else: the read rejects it, and the next put writes it again.
    writeFileSync(entry, 'spoilt');
    assert.equal(cache.get(bytes), undefined);
    cache.put(bytes, incident);
    assert.deepEqual(cache.get(bytes), incident);

    // Past MAX_RECORD_VALUES entries, the oldest go down to PRUNED_TO, not one per write.
    const others = Array.from({ length: MAX_RECORD_VALUES }, (_, i) => Buffer.concat([bytes, Buffer.from(`# ${i}\n`)]));
    others.forEach((b, i) => {
      cache.put(b, incident);
      // Distinct write times, oldest first.
      const at = new Date(Date.now() - (MAX_RECORD_VALUES - i) * 1000);
      if (i < MAX_RECORD_VALUES - 1) utimesSync(join(cache.dir, `${sha256(b)}.json`), at, at);
    });
    const left = readdirSync(cache.dir).filter((n) => n.endsWith('.json'));
    assert.equal(left.length, PRUNED_TO);
    assert.ok(left.includes(`${sha256(others[MAX_RECORD_VALUES - 1]!)}.json`), 'the newest stays');
    assert.ok(!left.includes(`${sha256(others[0]!)}.json`), 'the oldest went');
  });

  it('skips values JSON would change (NaN, Infinity, -0) rather than keep another value', () => {
    const bytes = readFileSync(file);
    const incident = (parseRecord(file, bytes) as { incident: Incident }).incident;
    for (const odd of [Number.NaN, Number.POSITIVE_INFINITY, -0]) {
      cache.put(bytes, { ...incident, extra: odd } as Incident);
      assert.equal(cache.get(bytes), undefined, String(odd));
    }
  });

  describe('read by the close gate', () => {
    let repo: string;
    const incident = unsignedIncident();

    beforeEach(async () => {
      repo = tempDir('value-gate');
      await initRepo(repo, {
        'package.json': JSON.stringify({ name: 'shop', private: true, 'incident-room': { testCommand: mochaCommand('test/') } }),
        [`.incidents/${incident.id}.yaml`]: stringify(incident),
        '.incidents/other.yaml': stringify({ ...readyIncident([ref('test/checkout.test.js', 'EU VAT', 'returns 200')]), id: '2026-11-27-other' }),
        'INCIDENT-LOG.md': '# Incident log\n',
      });
      await simpleGit(repo).checkoutLocalBranch('fix/eu-vat');
    });

    async function verdict(id = incident.id): Promise<{ code: number; conditions: { id: string; met: boolean }[]; id: string }> {
      const out: string[] = [];
      const io: CliIo = { cwd: repo, out: (l) => out.push(l), err: () => undefined, now: () => new Date() };
      const code = await gateCommand([id, '--json'], io);
      const json = JSON.parse(out.join('\n')) as { id: string; conditions: { id: string; met: boolean }[] };
      return { code, ...json };
    }

    const signoff = (v: { conditions: { id: string; met: boolean }[] }) => v.conditions.find((c) => c.id === 'signoff-im')?.met;

    it('lives in the private state folder (0700, entries 0600), not in the repository', async () => {
      await verdict();
      const dir = recordValueCacheDir();
      const bytes = readFileSync(join(repo, '.incidents', `${incident.id}.yaml`));
      assert.ok(existsSync(join(dir, `${sha256(bytes)}.json`)), 'the gate kept the value it parsed');
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      for (const name of readdirSync(dir)) assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, name);
      const inRepo = (await simpleGit(repo).raw(['ls-files', '--others', '--ignored', '--exclude-standard', '--', '.'])).split('\n');
      assert.ok(!inRepo.some((p) => p.includes(sha256(bytes))), inRepo.join('\n'));
    });

    it('a forged entry for the record (signed off, without the key or with another) does not change the verdict', async () => {
      const before = await verdict();
      assert.equal(before.code, 1);
      assert.equal(signoff(before), false);
      const bytes = readFileSync(join(repo, '.incidents', `${incident.id}.yaml`));
      const signedOff: Incident = {
        ...incident,
        test_plan: { ...incident.test_plan!, signoffs: [{ person: 'ana', role: 'incident_manager', at: '2026-11-28T12:00:00+01:00' }] },
      };
      for (const key of [null, randomBytes(32)]) {
        writeFileSync(join(recordValueCacheDir(), `${sha256(bytes)}.json`), entryText(bytes, signedOff, key));
        const after = await verdict();
        assert.equal(signoff(after), false, key ? 'signed with another key' : 'unsigned');
        assert.equal(after.code, 1);
      }
    });

    it("a forged summary cache in the git dir (whoever controls the repository can write it) cannot make it judge another incident's record", async () => {
      await verdict();
      const gitDir = (await simpleGit(repo).raw(['rev-parse', '--absolute-git-dir'])).trim();
      const cacheFile = cacheFileInGitDir(gitDir, join(repo, '.incidents'));
      const [header, ...lines] = readFileSync(cacheFile, 'utf8').trim().split('\n');
      // Point the incident's id at the other record (which is signed off) and the other's at this one.
      const ids: Record<string, string> = { [incident.id]: '2026-11-27-other', '2026-11-27-other': incident.id };
      // Each line holds entries `[name, size, mtimeMs, ctimeMs, ino, checkedAt, hash, summary]`.
      let entries = 0;
      const swapped = lines.map((line) => {
        const items = JSON.parse(line) as [string, number, number, number, number, number, string, { id: string }][];
        for (const item of items) item[7].id = ids[item[7].id] ?? item[7].id;
        entries += items.length;
        return JSON.stringify(items);
      });
      assert.equal(entries, 2);
      writeFileSync(cacheFile, `${[header, ...swapped].join('\n')}\n`);
      const forged = await new IncidentStore(join(repo, '.incidents'), { cacheFile }).loadSummaries();
      assert.match(forged.find((s) => s.id === incident.id)?.file ?? '', /other\.yaml$/, 'the forged cache is believed by the summaries');
      const v = await verdict();
      assert.equal(v.id, incident.id);
      assert.equal(signoff(v), false);
    });
  });
});

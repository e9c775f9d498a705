import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IncidentStore } from '../../src/store/incidentStore';
import { writePublicLogFile } from '../../src/store/publicLogFile';
import { recordText } from '../bench/generateRecords';
import { fullRenderOf, publicLogFiles } from './helpers/publicLogFolder';
import { filesReadDuring } from './helpers/fileReads';

const COUNT = 30;
const OPEN = 4;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

describe('The public log without reading every record', () => {
  let dir: string;
  let folder: string;
  let cacheFile: string;
  let sectionsFile: string;
  let logFile: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-public-log-'));
    ({ folder, cacheFile, sectionsFile, logFile } = publicLogFiles(dir));
    fs.mkdirSync(folder);
    for (let i = 0; i < COUNT; i++) {
      const { name, text } = recordText(i, COUNT, OPEN);
      fs.writeFileSync(path.join(folder, name), text);
    }
    for (const name of fs.readdirSync(folder)) fs.utimesSync(path.join(folder, name), HOUR_AGO, HOUR_AGO);
    // Files changed within the file system's timestamp granularity are checked by their bytes
    // (a read); records in a repository are older than that, so these are made so too.
    await new Promise((r) => setTimeout(r, 2100));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));


  async function write(store = new IncidentStore(folder, { cacheFile })): Promise<{ read: number; files: string[] }> {
    const { result, files } = await filesReadDuring(folder, () => writePublicLogFile(store, logFile, sectionsFile));
    return { read: result.read, files };
  }

  it('after a change to one record, reads that record and no other, and writes the same log as a full render', async () => {
    const store = new IncidentStore(folder, { cacheFile });
    await store.loadSummaries();
    const first = await write(store);
    assert.equal(first.read, COUNT, 'the first log reads every record once');
    assert.equal(fs.readFileSync(logFile, 'utf8'), fullRenderOf(folder));

    const changed = path.join(folder, fs.readdirSync(folder).sort()[7]!);
    fs.writeFileSync(changed, fs.readFileSync(changed, 'utf8').replace(/^impact: \|\n {2}/m, 'impact: |\n  Search was down for everyone. '));
    const second = await write(store);
    assert.deepEqual(second.files, [changed], 'only the changed record is read');
    assert.equal(second.read, 1);
    const log = fs.readFileSync(logFile, 'utf8');
    assert.ok(log.includes('Search was down for everyone'));
    assert.equal(log, fullRenderOf(folder));
  });

  it('a new session with its caches written reads no record at all', async () => {
    const store = new IncidentStore(folder, { cacheFile });
    await store.loadSummaries();
    await write(store);
    await store.flushCache();
    const again = await write(new IncidentStore(folder, { cacheFile }));
    assert.deepEqual(again.files, []);
    assert.equal(fs.readFileSync(logFile, 'utf8'), fullRenderOf(folder));
  });

  it('drops a record that became broken or was deleted, and adds a new one', async () => {
    const store = new IncidentStore(folder, { cacheFile });
    await store.loadSummaries();
    await write(store);
    const names = fs.readdirSync(folder).sort();
    fs.writeFileSync(path.join(folder, names[3]!), 'id: [unclosed\n');
    fs.rmSync(path.join(folder, names[4]!));
    const { name, text } = recordText(COUNT, COUNT + 1, 0);
    fs.writeFileSync(path.join(folder, name), text);
    const after = await write(store);
    assert.deepEqual(after.files, [path.join(folder, names[3]!), path.join(folder, name)].sort());
    assert.equal(fs.readFileSync(logFile, 'utf8'), fullRenderOf(folder));
  });

  for (const [what, damage] of [
    ['not JSON', (text: string) => text.slice(0, text.length / 2)],
    ['written for another folder', (text: string) => text.replace(JSON.stringify(path.resolve(folder)), JSON.stringify('/elsewhere'))],
    ['made by another build', (text: string) => text.replace(/"build":"[^"]*"/, '"build":"1:2"')],
  ] as const) {
    it(`does not trust kept sections that are ${what}: they are made again from the records`, async () => {
      const store = new IncidentStore(folder, { cacheFile });
      await store.loadSummaries();
      await write(store);
      // A lie in one kept section, then the damage: the lie must not reach the log.
      const lied = fs.readFileSync(sectionsFile, 'utf8').replace(/"text":"## [^\\"]*/, '"text":"## A lie');
      const damaged = damage(lied);
      assert.notEqual(damaged, lied);
      fs.writeFileSync(sectionsFile, damaged);
      const again = await write(store);
      assert.equal(again.read, COUNT);
      const log = fs.readFileSync(logFile, 'utf8');
      assert.ok(!log.includes('A lie'));
      assert.equal(log, fullRenderOf(folder));
    });
  }
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../src/cli';
import { cacheFileInGitDir } from '../../src/store/summaryCache';
import { recordText } from '../bench/generateRecords';
import { filesReadDuring } from './helpers/fileReads';

const COUNT = 20;

describe('validate and status with a warm summary cache', () => {
  let repo: string;
  let folder: string;

  beforeEach(async () => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-cli-warm-'));
    // A repository's git dir is where the command line keeps the cache (found without running git).
    fs.mkdirSync(path.join(repo, '.git'));
    folder = path.join(repo, '.incidents');
    fs.mkdirSync(folder);
    for (let i = 0; i < COUNT; i++) {
      const { name, text } = recordText(i, COUNT, 3);
      fs.writeFileSync(path.join(folder, name), text);
    }
    fs.writeFileSync(path.join(folder, 'broken.yaml'), 'id: [unclosed\n');
    // Records in a repository are older than the file system's timestamp granularity.
    await new Promise((r) => setTimeout(r, 2100));
  });

  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  async function run(...args: string[]): Promise<{ code: number; out: string[]; read: string[] }> {
    const out: string[] = [];
    const io: CliIo = { cwd: repo, out: (l) => out.push(l), err: (l) => out.push(l), now: () => new Date('2026-11-27T12:00:00Z') };
    const { result, files } = await filesReadDuring(folder, () => main(args, io));
    return { code: result, out, read: files };
  }

  it('validate parses no unchanged file, reports the broken one from the cache, and re-reads only a changed one', async () => {
    const cold = await run('validate');
    assert.equal(cold.read.length, COUNT + 1);
    assert.equal(cold.code, 1);
    const warm = await run('validate');
    assert.deepEqual(warm.read, []);
    assert.deepEqual(warm.out, cold.out, 'the same report, problems with line and column included');
    assert.ok(warm.out.some((l) => /^\.incidents\/broken\.yaml:\d+:\d+ /.test(l)));

    const changed = path.join(folder, fs.readdirSync(folder).sort()[2]!);
    fs.writeFileSync(changed, fs.readFileSync(changed, 'utf8').replace(/^severity: \d/m, 'severity: 9'));
    const after = await run('validate');
    assert.deepEqual(after.read, [changed]);
    assert.ok(after.out.some((l) => l.startsWith(`${path.relative(repo, changed)}:`)), 'the new problem is reported');
  });

  it('status reads no record when nothing changed, also listing every closed incident', async () => {
    const cold = await run('status', '--json', '--all');
    for (const args of [['--json'], ['--json', '--all']]) {
      const warm = await run('status', ...args);
      assert.deepEqual(warm.read, []);
      const data = JSON.parse(warm.out.join('\n')) as { incidents: { status: string }[]; closed: number };
      assert.equal(data.incidents.length, args.includes('--all') ? COUNT : 3);
      assert.equal(data.closed, COUNT - 3);
    }
    assert.deepEqual((await run('status', '--json', '--all')).out, cold.out, 'the closed incidents from the cache as from the files');
  });

  it('a damaged or foreign cache is not trusted: every file is read again and the report is the truth', async () => {
    const cold = await run('validate');
    const cacheFile = cacheFileInGitDir(path.join(repo, '.git'), folder);
    // Another tool's file in the cache's place, claiming every record is fine.
    fs.writeFileSync(cacheFile, JSON.stringify({ format: 'something-else', entries: {} }));
    const foreign = await run('validate');
    assert.equal(foreign.read.length, COUNT + 1);
    assert.deepEqual(foreign.out, cold.out);
    // Cut short: the last entry lost.
    const text = fs.readFileSync(cacheFile, 'utf8');
    fs.writeFileSync(cacheFile, text.replace(/\n[^\n]*\n$/, '\n'));
    const cut = await run('validate');
    assert.equal(cut.read.length, COUNT + 1);
    assert.deepEqual(cut.out, cold.out);
    assert.deepEqual((await run('validate')).read, [], 'the rebuilt cache is whole');
  });
});

// A writer killed (SIGKILL) at random points while it updates a record, again and again. Counts
// torn records (not the old text nor a complete new one), orphaned temp files the next writer
// does not clean up, anything else left in the records folder, and whether git would see it.
// Run after `node esbuild.mjs --tests` as `node out/test/bench/storeKillLoop.js [kills]`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IncidentStore } from '../../src/store/incidentStore';
import { WORK_DIR_NAME } from '../../src/store/workDir';
import { SMALL_RECORD } from './storeRace';

const KILLS = Number(process.argv[2]) || 100;

const WRITER = `
const { IncidentStore } = require(process.argv[1]);
const [folder, file] = process.argv.slice(2);
const store = new IncidentStore(folder);
let n = 0;
(async () => {
  for (;;) {
    n++;
    await store.update(file, () => [{ op: 'append', path: ['timeline'], value: { at: '2026-11-27T15:00:00Z', by: 'ana', kind: 'note', text: 'entry ' + n } }]).catch(() => {});
    if (n === 1) process.stdout.write('ready');
  }
})();
`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ir-kill-'));
  try {
    spawnSync('git', ['init', '-q', dir]);
    const folder = join(dir, '.incidents');
    mkdirSync(folder);
    const file = join(folder, 'kill.yaml');
    // A few hundred KB, mostly one long text (cheap to parse, slow to write), so kills land in every phase.
    let text = SMALL_RECORD.replace('impact: none', `impact: |\n${`  ${'x'.repeat(99)}\n`.repeat(4000)}`);
    for (let i = 0; i < 200; i++) text += `  - at: "2026-11-27T14:30:00Z"\n    by: ana\n    kind: note\n    text: padding ${i}\n`;
    writeFileSync(file, text);
    const storeModule = resolve(__dirname, '../../src/store/incidentStore.js');
    let torn = 0;
    let orphaned = 0;
    let swept = 0;
    let maxLeft = 0;
    const start = Date.now();
    for (let k = 0; k < KILLS; k++) {
      const child = spawn(process.execPath, ['-e', WRITER, storeModule, folder, file], { stdio: ['ignore', 'pipe', 'ignore'] });
      await new Promise((r) => child.stdout.once('data', r));
      await new Promise((r) => setTimeout(r, Math.random() * 200));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // What the killed writer left, before the next start sweeps it.
      const work = join(folder, WORK_DIR_NAME);
      orphaned += existsSync(work) ? readdirSync(work).filter((n) => n.endsWith('.tmp')).length : 0;
      const loaded = await new IncidentStore(folder).loadAll();
      if (loaded.length !== 1 || loaded[0]!.kind !== 'ok') torn++;
      swept = existsSync(work) ? readdirSync(work).filter((n) => n.endsWith('.tmp')).length : 0;
      maxLeft = Math.max(maxLeft, swept);
    }
    const strays = readdirSync(folder).filter((n) => n !== 'kill.yaml' && n !== WORK_DIR_NAME);
    const gitSees = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8' }).stdout.trim().split('\n');
    // One more ordinary write: it must succeed (no stale lock blocks it) and sweep what is left.
    await new IncidentStore(folder).update(file, () => [{ op: 'append', path: ['timeline'], value: { at: '2026-11-27T16:00:00Z', by: 'ana', kind: 'note', text: 'after' } }]);
    const work = join(folder, WORK_DIR_NAME);
    const leftAfter = existsSync(work) ? readdirSync(work).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock')).length : 0;
    console.log(`kill loop: ${KILLS} writers killed mid-update of a ${(readFileSync(file).length / 1024).toFixed(0)} KB record, ${((Date.now() - start) / 1000).toFixed(1)} s`);
    console.log(`  torn records                         ${torn}`);
    console.log(`  files in the records folder besides the record  ${strays.length}`);
    console.log(`  temp files killed writers left in the ignored work folder (total)  ${orphaned}`);
    console.log(`  of those, still there after the next start (most at once)  ${maxLeft}`);
    console.log(`  left after the next write            ${leftAfter}`);
    console.log(`  git status                           ${gitSees.join(', ')}`);
    if (torn > 0 || strays.length > 0 || leftAfter > 0 || gitSees.length !== 1) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

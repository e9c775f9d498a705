// One edit of a record with a 5,000-entry timeline through the store (read, one parse, validate,
// patch, write) against one `yaml` parse plus one stringify of the same file, side by side.
// Run after `node esbuild.mjs --tests` as `node out/test/bench/storeEditCost.js [runs]`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { RecordOperation } from '../../src/model/edits';
import { IncidentStore } from '../../src/store/incidentStore';
import { SMALL_RECORD } from './storeRace';

const RUNS = Math.max(3, Number(process.argv[2]) || 5);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function timed(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ir-edit-'));
  try {
    const folder = join(dir, '.incidents');
    mkdirSync(folder);
    const file = join(folder, 'long.yaml');
    let text = SMALL_RECORD.replace('  start: []', '  start:\n    - id: announce\n      text: Announce\n      done_at: null\n      done_by: null');
    for (let i = 0; i < 5000; i++) text += `  - at: "2026-11-27T14:30:00Z"\n    by: ana\n    kind: note\n    text: entry ${i} of a long incident, with a few words\n`;
    writeFileSync(file, text);
    const store = new IncidentStore(folder);
    let n = 0;
    const append: RecordOperation = () => [{ op: 'append', path: ['timeline'], value: { at: '2026-11-27T16:00:00Z', by: 'ana', kind: 'note', text: `bench ${n++}` } }];
    const tick: RecordOperation = (inc) => [
      { op: 'set', path: ['checklists', 'start', 0, 'done_at'], value: inc.checklists.start[0]!.done_at ? null : '2026-11-27T16:00:00Z' },
      { op: 'append', path: ['timeline'], value: { at: '2026-11-27T16:00:00Z', by: 'ana', kind: 'checklist-ticked', text: `tick ${n++}` } },
    ];
    const base: number[] = [];
    const appends: number[] = [];
    const ticks: number[] = [];
    await store.update(file, append); // warm up
    for (let i = 0; i < RUNS; i++) {
      const current = readFileSync(file, 'utf8');
      base.push(await timed(() => parseDocument(current, { uniqueKeys: true, strict: true }).toString({ lineWidth: 0 })));
      appends.push(await timed(() => store.update(file, append)));
      ticks.push(await timed(() => store.update(file, tick)));
    }
    const row = (name: string, xs: number[]) => `${name.padEnd(40)}${median(xs).toFixed(0).padStart(8)}${Math.min(...xs).toFixed(0).padStart(8)}${Math.max(...xs).toFixed(0).padStart(8)}`;
    console.log(`5,000-entry timeline (${(readFileSync(file).length / 1024).toFixed(0)} KB), ${RUNS} runs each, interleaved, node ${process.version}`);
    console.log(`${''.padEnd(40)}${'median'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}  ms`);
    console.log(row('yaml parse + stringify (baseline)', base));
    console.log(row('store.update: append a timeline entry', appends));
    console.log(row('store.update: tick a step + timeline', ticks));
    console.log(`ratio to baseline: append ${(median(appends) / median(base)).toFixed(2)}x, tick ${(median(ticks) / median(base)).toFixed(2)}x (goal <= 1.5x)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

// Concurrent writers from separate processes: each appends N timeline entries to one record
// through the store, at the same time. Counts appends that reported success but are missing
// (lost updates), files that no longer parse (torn), and temp files left behind.
// Run after `node esbuild.mjs --tests` as `node out/test/bench/storeRace.js [appendsPerWriter] [writers]`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { WORK_DIR_NAME } from '../../src/store/workDir';

const PER_WRITER = Number(process.argv[2]) || 500;
const WRITERS = Number(process.argv[3]) || 2;

export const SMALL_RECORD = `schema: incident-room/v1
id: "bench-race"
title: Concurrent writers
severity: 2
status: active
declared_at: "2026-11-27T14:00:00Z"
impact: none
roles:
  incident_manager: ana
checklists:
  start: []
  end: []
timeline:
  - at: "2026-11-27T14:00:00Z"
    by: ana
    kind: declared
    text: Declared
`;

const WRITER = `
const { IncidentStore } = require(process.argv[1]);
const [folder, file, who, count] = process.argv.slice(2);
const store = new IncidentStore(folder);
(async () => {
  const ok = [];
  const failed = [];
  for (let i = 0; i < Number(count); i++) {
    const text = who + '-' + i;
    try {
      await store.update(file, () => [{ op: 'append', path: ['timeline'], value: { at: '2026-11-27T15:00:00Z', by: 'ana', kind: 'note', text } }]);
      ok.push(text);
    } catch (err) {
      failed.push(text + ': ' + err.message.split('\\n')[0]);
    }
  }
  process.stdout.write(JSON.stringify({ ok, failed }));
})();
`;

function runWriter(storeModule: string, folder: string, file: string, who: string): Promise<{ ok: string[]; failed: string[] }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-e', WRITER, storeModule, folder, file, who, String(PER_WRITER)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolvePromise(JSON.parse(out) as { ok: string[]; failed: string[] });
      } catch (err) {
        reject(err);
      }
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ir-race-'));
  try {
    const folder = join(dir, '.incidents');
    mkdirSync(folder);
    const file = join(folder, 'race.yaml');
    writeFileSync(file, SMALL_RECORD);
    const storeModule = resolve(__dirname, '../../src/store/incidentStore.js');
    const start = Date.now();
    const results = await Promise.all(Array.from({ length: WRITERS }, (_, w) => runWriter(storeModule, folder, file, `w${w}`)));
    const seconds = (Date.now() - start) / 1000;
    const doc = parseDocument(readFileSync(file, 'utf8'));
    const torn = doc.errors.length > 0 ? 1 : 0;
    const present = new Set(((doc.toJS() as { timeline?: { text: string }[] })?.timeline ?? []).map((t) => t.text));
    const ok = results.flatMap((r) => r.ok);
    const failed = results.flatMap((r) => r.failed);
    const lost = ok.filter((t) => !present.has(t));
    const work = join(folder, WORK_DIR_NAME);
    const orphans = [...readdirSync(folder).filter((n) => n !== 'race.yaml' && n !== WORK_DIR_NAME), ...(existsSync(work) ? readdirSync(work).filter((n) => n.endsWith('.tmp')) : [])];
    console.log(`race: ${WRITERS} processes x ${PER_WRITER} appends to one record, ${seconds.toFixed(1)} s`);
    console.log(`  reported success  ${ok.length}`);
    console.log(`  reported failure  ${failed.length}${failed.length ? ` (first: ${failed[0]})` : ''}`);
    console.log(`  lost updates      ${lost.length}`);
    console.log(`  torn files        ${torn}`);
    console.log(`  orphaned temp     ${orphans.length}`);
    if (lost.length > 0 || torn > 0 || orphans.length > 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}

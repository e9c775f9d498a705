// What years of records cost: generated records (generateRecords.ts), loaded the way the tree,
// the status bar and the command line load them, side by side in one run with the two floors
// nothing can beat: reading the files' bytes, and a bare `yaml` parse of the same files.
// Median of the runs with min and max; numbers only, no asserts (machines differ).
//
//   node out/test/bench/loadRecords.js <count> [runs]     (after `node esbuild.mjs && node esbuild.mjs --tests`)
//   PRIORITY=1 ... as above, at a high priority (root only), when other work shares the machine
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, setPriority, tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { parseDocument } from 'yaml';
import * as cadence from '../../src/model/cadence';
import type { Incident } from '../../src/model/record';
import * as storeModule from '../../src/store/incidentStore';
import { textKey } from '../../src/store/summaryCache';
import { generateRecords } from './generateRecords';
import { stats, type Stats } from './stats';

const COUNT = Number(process.argv[2]) || 1000;
const RUNS = Math.max(1, Number(process.argv[3]) || 5);
const OPEN = 20;
const ROOT = path.join(tmpdir(), `incident-room-bench-${COUNT}`);
const FOLDER = path.join(ROOT, '.incidents');
// Where the editor and the command line keep it: inside the repository's git dir.
const CACHE = path.join(ROOT, '.git', 'incident-room', `summaries-${textKey(path.resolve(FOLDER)).slice(0, 12)}.json`);
/** The command line as `npm run package` ships it (minified), built into a temp folder by main(). */
const CLI_DIR = path.join(tmpdir(), `incident-room-bench-cli-${process.pid}`);
const CLI = path.join(CLI_DIR, 'cli.js');

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
const line = (label: string, s: Stats) => console.log(`${label.padEnd(46)} ${fmt(s.median).padStart(10)}   (min ${fmt(s.min)}, max ${fmt(s.max)})`);

/**
 * Wall time of `fn`, the CPU time of the whole process meanwhile (every thread: the parsing
 * worker's too; steadier than wall time on a busy machine), and the longest event-loop block.
 */
async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number; blockMs: number; gcMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  // The collector's longest pause, to tell a block of its own from one of the code's.
  let gcMs = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs = Math.max(gcMs, e.duration);
  });
  gcs.observe({ entryTypes: ['gc'] });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  h.disable();
  gcs.disconnect();
  return { ms, cpuMs: (c.user + c.system) / 1000, blockMs: h.count > 0 ? h.max / 1e6 : 0, gcMs };
}

async function repeat(runs: number, setup: () => Promise<void> | void, fn: () => Promise<unknown>): Promise<{ time: Stats; cpu: Stats; block: Stats }> {
  const times: number[] = [];
  const cpus: number[] = [];
  const blocks: number[] = [];
  for (let i = 0; i < runs; i++) {
    await setup();
    const r = await timed(fn);
    times.push(r.ms);
    cpus.push(r.cpuMs);
    blocks.push(r.blockMs);
  }
  return { time: stats(times), cpu: stats(cpus), block: stats(blocks) };
}

function names(): string[] {
  return readdirSync(FOLDER).filter((n) => /\.ya?ml$/.test(n)).sort();
}

async function readBytes(): Promise<number> {
  let total = 0;
  for (const n of names()) total += (await fs.readFile(path.join(FOLDER, n))).length;
  return total;
}

async function bareParse(): Promise<void> {
  for (const n of names()) parseDocument((await fs.readFile(path.join(FOLDER, n))).toString('utf8'));
}

/**
 * The same bare parse in a fresh worker thread: it pays what each parse worker pays before its
 * first record (starting a thread, loading `yaml`, the parser's code not yet optimised), which
 * the bare parse above, run again and again on this warm thread, does not.
 */
function bareParseInFreshThread(): Promise<void> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const fs = require('node:fs'), path = require('node:path');
    const { parseDocument } = require(workerData.yaml);
    for (const n of workerData.names) parseDocument(fs.readFileSync(path.join(workerData.folder, n)).toString('utf8'));
    parentPort.postMessage('done');
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { yaml: require.resolve('yaml'), folder: FOLDER, names: names() } });
    worker.once('message', () => void worker.terminate().then(() => resolve()));
    worker.once('error', reject);
  });
}

type AnyStore = Omit<storeModule.IncidentStore, 'loadSummaries' | 'refreshFiles' | 'readRecord'> & {
  readRecord(file: string): Promise<import('../../src/store/recordFile').LoadedRecord>;
  loadSummaries?: (opts?: { onProgress?(progress: unknown, summaries: readonly unknown[]): void }) => Promise<unknown[]>;
  refreshFiles?: (files: string[]) => Promise<unknown>;
};

function newStore(): AnyStore {
  const Store = storeModule.IncidentStore as unknown as new (folder: string, opts?: { cacheFile?: string; offThread?: boolean }) => AnyStore;
  // As the editor makes it: cold files are parsed in a worker thread.
  return new Store(FOLDER, { cacheFile: CACHE, offThread: true });
}

/**
 * What the tree and the status bar wait for: summaries when the store has them (with progress
 * reports, as the editor asks for them: each walks the summaries so far), every record parsed before.
 */
async function load(store: AnyStore): Promise<number> {
  if (store.loadSummaries) return (await store.loadSummaries({ onProgress: () => undefined })).length;
  return (await store.loadAll()).length;
}

async function touch(files: string[], round: number): Promise<void> {
  for (const f of files) {
    const text = await fs.readFile(f, 'utf8');
    await fs.writeFile(f, `${text.replace(/\n# touched \d+\n$/, '\n')}# touched ${round}\n`);
  }
}

function runCli(args: string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
  });
}

/** The status bar's tick with the records in memory: the way it is done now, or over precomputed deadlines when the model offers them. */
function tickCost(incidents: Incident[]): Stats {
  const now = Date.parse('2026-11-27T12:30:00Z');
  const precompute = (cadence as unknown as { updateDeadlines?: (i: Incident[], now: number) => unknown }).updateDeadlines;
  const urgentOf = (cadence as unknown as { mostUrgentDeadline?: (d: unknown, now: number, near: number) => unknown }).mostUrgentDeadline;
  const times: number[] = [];
  let sink = 0;
  if (precompute && urgentOf) {
    const deadlines = precompute(incidents.filter((i) => i.status !== 'closed'), now);
    for (let t = 0; t < 200; t++) {
      const t0 = performance.now();
      sink += urgentOf(deadlines, now + t * 1000, 15) ? 1 : 0;
      times.push(performance.now() - t0);
    }
  } else {
    const entries = incidents.map((incident) => ({ record: { kind: 'ok' as const, incident } }));
    for (let t = 0; t < 200; t++) {
      const t0 = performance.now();
      const list = entries.filter((e) => e.record.kind === 'ok').map((e) => ({ ...e, incident: e.record.incident })).map((e) => e.incident);
      const { urgent, openCount } = cadence.mostUrgent(list, now + t * 1000, 15);
      if (urgent) sink += cadence.countdownLabel(urgent.incident, urgent.next, openCount, 'Europe/Lisbon').length;
      times.push(performance.now() - t0);
    }
  }
  if (sink < 0) console.log(sink);
  return stats(times.slice(1));
}

/**
 * The git processes the fix-branch facts start once the tree is ready, through the shared
 * runner: only open incidents with a linked branch are asked about (what the editor does).
 */
async function gitFacts(incidents: Incident[]): Promise<void> {
  let runner: typeof import('../../src/git/runner');
  try {
    runner = require('../../src/git/runner') as typeof import('../../src/git/runner');
  } catch {
    console.log('git processes for fix-branch facts               (no shared runner in this version)');
    return;
  }
  const { fixBranchStatus } = require('../../src/git/fixBranch') as typeof import('../../src/git/fixBranch');
  const asked = incidents.filter((i) => i.status !== 'closed' && i.fix);
  const before = runner.gitRunnerCounts();
  const t0 = performance.now();
  await Promise.all(asked.map((i) => fixBranchStatus(ROOT, i.fix!, { imEmails: ['ana@example.com'] }).catch(() => undefined)));
  const after = runner.gitRunnerCounts();
  console.log(`${'git processes for fix-branch facts'.padEnd(46)} ${String(after.started - before.started).padStart(7)}      (${asked.length} incidents asked about, at most ${after.peak} at once, ${fmt(performance.now() - t0)})`);
}

async function main(): Promise<void> {
  if (!existsSync(FOLDER) || names().length !== COUNT) {
    rmSync(ROOT, { recursive: true, force: true });
    generateRecords(FOLDER, COUNT, OPEN);
    execFileSync('git', ['init', '-q', '-b', 'main', ROOT]);
    execFileSync('git', ['-C', ROOT, '-c', 'user.email=b@example.com', '-c', 'user.name=Bench', 'commit', '-q', '--allow-empty', '-m', 'base']);
  }
  const files = names().map((n) => path.join(FOLDER, n));
  // A cold parse of 10,000 records takes minutes on a small machine: once is enough there.
  const coldRuns = COUNT >= 10_000 ? 1 : RUNS;
  // PRIORITY=1 runs this process (its threads made after this too) at a high priority, so that
  // on a machine busy with other work the blocks measured are this code's, not others' (needs root).
  if (process.env.PRIORITY === '1') setPriority(-15);
  // Wall times and event-loop blocks include waiting for a core: the load says how busy the machine was.
  console.log(`\n== ${COUNT} records (${OPEN} open), ${RUNS} runs (${coldRuns} for cold parses), ${process.version}, ${availableParallelism()} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}${process.env.PRIORITY === '1' ? ', high priority' : ''} ==`);
  // WARM_ONLY=1 leaves out the cold parses (minutes at 10,000), e.g. to re-measure the rest.
  const warmOnly = process.env.WARM_ONLY === '1';
  const bytes = await repeat(RUNS, () => undefined, readBytes);
  line('read every file\'s bytes', bytes.time);
  // Reading yields at every file: its longest block is how long this busy machine kept the thread waiting for a core.
  line('  longest event-loop block (the machine\'s own)', bytes.block);
  if (!warmOnly) {
    // Interleaved, so both see the same machine (others' load comes and goes).
    const bares: { time: number[]; cpu: number[]; block: number[] } = { time: [], cpu: [], block: [] };
    const colds: { time: number[]; cpu: number[]; block: number[] } = { time: [], cpu: [], block: [] };
    // Below 10,000 records, also against the bare parse in a fresh thread (at 10,000 it would add minutes).
    const fresh: { time: number[]; cpu: number[] } = { time: [], cpu: [] };
    for (let i = 0; i < coldRuns; i++) {
      const b = await timed(bareParse);
      bares.time.push(b.ms);
      bares.cpu.push(b.cpuMs);
      bares.block.push(b.blockMs);
      if (coldRuns > 1) {
        const f = await timed(bareParseInFreshThread);
        fresh.time.push(f.ms);
        fresh.cpu.push(f.cpuMs);
      }
      rmSync(CACHE, { force: true });
      const c = await timed(() => load(newStore()));
      colds.time.push(c.ms);
      colds.cpu.push(c.cpuMs);
      colds.block.push(c.blockMs);
    }
    line('bare yaml parseDocument of every file', stats(bares.time));
    line('  CPU time', stats(bares.cpu));
    line('  longest event-loop block', stats(bares.block));
    line('cold: data for the tree ready', stats(colds.time));
    line('  CPU time (every thread)', stats(colds.cpu));
    line('  longest event-loop block', stats(colds.block));
    const ratio = (a: number[], b: number[]) => stats(a.map((x, i) => x / b[i]!));
    const r = ratio(colds.time, bares.time);
    const rc = ratio(colds.cpu, bares.cpu);
    console.log(`${'  cold / bare parse, wall (CPU)'.padEnd(46)} ${r.median.toFixed(2).padStart(9)}×   (min ${r.min.toFixed(2)}, max ${r.max.toFixed(2)}; CPU ${rc.median.toFixed(2)}×, min ${rc.min.toFixed(2)}, max ${rc.max.toFixed(2)})`);
    if (fresh.time.length > 0) {
      line('bare yaml parse in a fresh thread', stats(fresh.time));
      line('  CPU time', stats(fresh.cpu));
      const rf = ratio(colds.time, fresh.time);
      const rfc = ratio(colds.cpu, fresh.cpu);
      console.log(`${'  cold / bare parse in a fresh thread, wall (CPU)'.padEnd(46)} ${rf.median.toFixed(2).padStart(9)}×   (min ${rf.min.toFixed(2)}, max ${rf.max.toFixed(2)}; CPU ${rfc.median.toFixed(2)}×, min ${rfc.min.toFixed(2)}, max ${rfc.max.toFixed(2)})`);
    }
  }
  const warm = await repeat(RUNS, () => undefined, () => load(newStore()));
  line('warm (files unchanged): data for the tree ready', warm.time);
  line('  longest event-loop block', warm.block);

  const store = newStore();
  await load(store);
  let round = 0;
  const reload = (changed: string[]) => (store.refreshFiles ? store.refreshFiles(changed) : store.loadAll());
  const one = await repeat(RUNS, () => touch([files[Math.floor(files.length / 2)]!], ++round), () => reload([files[Math.floor(files.length / 2)]!]));
  line('one file touched: reloaded', one.time);
  line('  longest event-loop block', one.block);
  const burstFiles = files.slice(0, Math.min(500, files.length));
  if (!warmOnly) {
    const burst = await repeat(Math.min(RUNS, 3), () => touch(burstFiles, ++round), () => reload(burstFiles));
    line(`${burstFiles.length}-file burst: reloaded`, burst.time);
    line('  longest event-loop block', burst.block);
  }
  // Put the files back, so the next run starts from the generated records.
  for (const f of files.slice(0, Math.min(500, files.length)).concat(files[Math.floor(files.length / 2)]!)) {
    const text = await fs.readFile(f, 'utf8');
    writeFileSync(f, text.replace(/# touched \d+\n$/, ''));
  }

  (globalThis as { gc?: () => void }).gc?.();
  console.log(`${'RSS after loading'.padEnd(46)} ${(process.memoryUsage().rss / 1048576).toFixed(0).padStart(7)} MB   (heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB)`);

  // The public log after one record changed: only that record is read (the others' sections are kept).
  const publicLog = (() => {
    try {
      return require('../../src/store/publicLogFile') as typeof import('../../src/store/publicLogFile');
    } catch {
      return undefined;
    }
  })();
  if (publicLog) {
    const logFile = path.join(ROOT, 'INCIDENT-LOG.md');
    const sections = publicLog.sectionsFileFor(CACHE);
    // The editor's store: the first write's many records are parsed in workers.
    const logStore = new storeModule.IncidentStore(FOLDER, { cacheFile: CACHE, offThread: true });
    // The peak, sampled while it runs (the RSS after it says little: the heap keeps its pages).
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
    const first = await timed(() => publicLog.writePublicLogFile(logStore, logFile, sections));
    clearInterval(sampler);
    const middle = files[Math.floor(files.length / 2)]!;
    let read = 0;
    const again = await repeat(RUNS, () => touch([middle], ++round), async () => (read = (await publicLog.writePublicLogFile(logStore, logFile, sections)).read));
    console.log(`${'public log, first write (every record read)'.padEnd(46)} ${fmt(first.ms).padStart(10)}   (peak RSS ${(peakRss / 1048576).toFixed(0)} MB, longest block ${fmt(first.blockMs)}, longest collector pause ${fmt(first.gcMs)})`);
    line(`public log after one record changed (${read} read)`, again.time);
    line('  longest event-loop block', again.block);
    (globalThis as { gc?: () => void }).gc?.();
    console.log(`${'  RSS after the public log'.padEnd(46)} ${(process.memoryUsage().rss / 1048576).toFixed(0).padStart(7)} MB   (heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB)`);
    const text = await fs.readFile(middle, 'utf8');
    writeFileSync(middle, text.replace(/# touched \d+\n$/, ''));
  }


  // The open incidents in full (and, before summaries existed, every record: that is what the tick walked).
  const store2 = newStore();
  const open = store2.loadSummaries
    ? (await Promise.all((await store2.loadSummaries()).filter((x) => (x as { status?: string }).status !== undefined && (x as { status?: string }).status !== 'closed').map((x) => store2.readRecord((x as { file: string }).file)))).flatMap((r) => (r.kind === 'ok' ? [r.incident] : []))
    : (await store2.loadAll()).flatMap((r) => (r.kind === 'ok' ? [r.incident] : []));
  line(`status-bar tick (${open.filter((i) => i.status !== 'closed').length} open of ${open.length})`, tickCost(open));
  await gitFacts(open);

  execFileSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', CLI_DIR], { cwd: path.resolve(__dirname, '../../..'), stdio: 'ignore' });
  if (existsSync(CLI)) {
    const cliRuns = COUNT >= 10_000 ? Math.min(RUNS, 3) : RUNS;
    const readAll = `const fs=require('fs'),p=require('path');const d=${JSON.stringify(FOLDER)};let n=0;for(const f of fs.readdirSync(d))n+=fs.readFileSync(p.join(d,f)).length;`;
    // Interleaved, so each command sees the same machine as the files' bytes it is held against.
    const reads: number[] = [];
    const startups: number[] = [];
    const statuses: number[] = [];
    const validates: number[] = [];
    for (let i = 0; i < cliRuns; i++) {
      reads.push(await runCli(['-e', readAll]));
      startups.push(await runCli([CLI, '--help']));
      statuses.push(await runCli([CLI, 'status', FOLDER]));
      validates.push(await runCli([CLI, 'validate', FOLDER]));
    }
    line('node -e reading the files', stats(reads));
    line('incident-room --help (start-up alone)', stats(startups));
    line('incident-room status (warm cache)', stats(statuses));
    line('incident-room validate (warm cache)', stats(validates));
    const over = (xs: number[]) => stats(xs.map((x, k) => x / reads[k]!));
    console.log(`${'  status / reading, validate / reading'.padEnd(46)} ${over(statuses).median.toFixed(2).padStart(9)}×   ${over(validates).median.toFixed(2)}× (start-up alone ${over(startups).median.toFixed(2)}×)`);
  }
}

main().finally(() => rmSync(CLI_DIR, { recursive: true, force: true })).catch((err) => {
  console.error(err);
  process.exit(1);
});

// What starting costs, side by side in one run: the production build as `npm run package` ships
// it (minified, no source maps; libraries and the command handlers loaded on first use) against
// the same sources as one bundle each, the way they were shipped before (the baseline).
//
// - The extension: the main bundle's size; in fresh processes, `require` of it and activate()
//   with the vscode stand-in (test/unit/helpers/vscodeStandIn.ts: every API call returns at
//   once, so this is our own code's share of activation), and the time until the records of a
//   workspace (the test fixture's, with a warm summary cache) are loaded for the tree. The
//   real extension host adds its own work around these; the integration tier runs the same
//   bundle there.
// - The command line: `node dist/cli.js --help` and `validate` against `node -e ''` (Node's own
//   start), wall time of each process.
//
// Median of the runs with min and max; numbers only, no asserts (machines differ).
//
//   node out/test/bench/startCost.js [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { StartProbeReport } from '../unit/helpers/startProbe';
import { stats, type Stats } from './stats';

const RUNS = Math.max(3, Number(process.argv[2]) || 9);
const ROOT = path.resolve(__dirname, '../../..');
const PROBE = path.join(__dirname, '../unit/helpers/startProbe.js');

const fmt = (s: Stats) => `${s.median.toFixed(1).padStart(7)} ms  (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0).padStart(7)} KB`;

/** The sizes of the scripts a folder holds, by path relative to it. */
function scripts(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) if (f.endsWith('.js')) out.set(f.split(path.sep).join('/'), statSync(path.join(dir, f)).size);
  return out;
}

function probe(bundleDir: string, workspace: string, storage: string): StartProbeReport {
  const child = spawnSync(process.execPath, [PROBE, bundleDir, workspace, storage], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`start probe failed on ${bundleDir}: ${child.stderr}`);
  const report = JSON.parse(child.stdout) as StartProbeReport;
  if (report.errors.length > 0) throw new Error(`the extension reported errors on ${bundleDir}: ${report.errors.join('; ')}`);
  return report;
}

/** Wall time of one process, in ms. */
function wall(args: string[], cwd: string): number {
  const t = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (child.error || (child.status !== 0 && child.status !== 1)) throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  return ms;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ir-start-'));
  try {
    const light = path.join(dir, 'light');
    const single = path.join(dir, 'single');
    execFileSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', light], { cwd: ROOT, stdio: 'inherit' });
    // The baseline: each entry as one bundle, nothing loaded on first use.
    const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, logLevel: 'warning', absWorkingDir: ROOT } as const;
    await esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: path.join(single, 'extension.js'), external: ['vscode'] });
    await esbuild.build({ ...common, entryPoints: ['src/cli.ts'], outfile: path.join(single, 'cli.js') });
    await esbuild.build({ ...common, entryPoints: ['src/store/parseWorker.ts'], outfile: path.join(single, 'parseWorker.js') });

    const workspace = path.join(dir, 'workspace');
    cpSync(path.join(ROOT, 'test/fixtures/workspace'), workspace, { recursive: true });
    const storage = (name: string) => {
      const p = path.join(dir, `storage-${name}`);
      mkdirSync(p, { recursive: true });
      return p;
    };
    const storages = { single: storage('single'), light: storage('light') };
    // A first start writes the summary cache; the runs below start warm, as a reopened window does.
    probe(single, workspace, storages.single);
    probe(light, workspace, storages.light);

    const runs: Record<'single' | 'light', StartProbeReport[]> = { single: [], light: [] };
    for (let i = 0; i < RUNS; i++) {
      runs.single.push(probe(single, workspace, storages.single));
      runs.light.push(probe(light, workspace, storages.light));
    }
    const sizes = { single: scripts(single), light: scripts(light) };
    const lastLight = runs.light[runs.light.length - 1]!;
    const loadedBy = (files: string[]) => [...files].reduce((sum, f) => sum + (sizes.light.get(f) ?? 0), sizes.light.get('extension.js')!);

    console.log(`\n== start: the extension (${RUNS} runs; one bundle = baseline, light = as shipped) ==`);
    console.log(`${''.padEnd(52)} ${'one bundle'.padStart(36)}   ${'light'.padStart(36)}`);
    const row = (label: string, a: string, b: string) => console.log(`${label.padEnd(52)} ${a.padStart(36)}   ${b.padStart(36)}`);
    row('dist/extension.js, minified, no source map', kb(sizes.single.get('extension.js')!), kb(sizes.light.get('extension.js')!));
    row('scripts loaded by the end of activate()', kb(sizes.single.get('extension.js')!), kb(loadedBy(lastLight.loadedAfterActivate)));
    row('scripts loaded once the records are read', kb(sizes.single.get('extension.js')!), kb(loadedBy(lastLight.loadedAfterReady)));
    const pick = (k: 'single' | 'light', f: (r: StartProbeReport) => number) => fmt(stats(runs[k].map(f)));
    row('require() of the bundle', pick('single', (r) => r.requireMs), pick('light', (r) => r.requireMs));
    row('activate() (vscode stand-in)', pick('single', (r) => r.activateMs), pick('light', (r) => r.activateMs));
    row('require + activate', pick('single', (r) => r.requireMs + r.activateMs), pick('light', (r) => r.requireMs + r.activateMs));
    row('require + activate + records read (warm cache)', pick('single', (r) => r.requireMs + r.readyMs), pick('light', (r) => r.requireMs + r.readyMs));
    console.log(`light: loaded after activate(): ${lastLight.loadedAfterActivate.join(', ') || 'nothing else'}; once the records are read: ${lastLight.loadedAfterReady.join(', ') || 'nothing else'}`);

    const folder = path.join(workspace, '.incidents');
    const cli: Record<string, number[]> = {};
    const time = (label: string, args: string[]) => (cli[label] ??= []).push(wall(args, workspace));
    for (let i = 0; i < RUNS; i++) {
      time("node -e ''", ['-e', '']);
      for (const [name, bundle] of [['one bundle', single], ['light', light]] as const) {
        time(`${name}: cli.js --help`, [path.join(bundle, 'cli.js'), '--help']);
        time(`${name}: cli.js validate`, [path.join(bundle, 'cli.js'), 'validate', folder]);
      }
    }
    console.log(`\n== start: the command line (${RUNS} runs, wall time of the process) ==`);
    console.log(`${'dist/cli.js, minified'.padEnd(52)} ${kb(sizes.single.get('cli.js')!).padStart(36)}   ${kb(sizes.light.get('cli.js')!).padStart(36)}`);
    const floor = stats(cli["node -e ''"]!).median;
    for (const [label, values] of Object.entries(cli)) {
      const s = stats(values);
      const over = s.median - floor;
      console.log(`${label.padEnd(52)} ${fmt(s)}${label.startsWith('node -e') ? '' : `   (${over >= 0 ? '+' : ''}${over.toFixed(1)} ms over node -e '')`}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

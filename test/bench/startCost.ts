// What starting the extension costs before any record is read: the production bundle's size
// (minified, no source maps, as `npm run package` ships it) and the time Node takes to
// `require` it, in fresh processes, with `vscode` answered by an empty stand-in (module-level
// constants such as icons are made from it; nothing else of it runs while the module loads). Median of the runs with min and max; numbers only.
//
//   node out/test/bench/startCost.js [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const RUNS = Math.max(3, Number(process.argv[2]) || 7);

function stats(values: number[]): { median: number; min: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
}

/** Every `vscode.<Name>` the sources use: the bundle's module wrapper copies these names from the module. */
function vscodeNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/\bvscode\.([A-Za-z]+)/g)) names.add(m[1]!);
    }
  };
  walk('src');
  return [...names];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ir-start-'));
  try {
    const outfile = path.join(dir, 'extension.js');
    await esbuild.build({ entryPoints: ['src/extension.ts'], bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, external: ['vscode'], outfile, logLevel: 'warning' });
    const probe = path.join(dir, 'probe.js');
    writeFileSync(
      probe,
      `const Module = require('module');
const load = Module._load;
const stub = () => new Proxy(function () {}, { get: (_t, key) => (key === 'then' ? undefined : stub()), construct: () => ({}), apply: () => stub() });
const api = Object.fromEntries(${JSON.stringify(vscodeNames())}.map((n) => [n, stub()]));
Module._load = function (request, ...rest) { return request === 'vscode' ? api : load.call(this, request, ...rest); };
const t0 = process.hrtime.bigint();
require(${JSON.stringify(outfile)});
process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));`,
    );
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(Number(spawnSync(process.execPath, [probe], { encoding: 'utf8' }).stdout));
    const t = stats(times);
    console.log(`\n== start: production bundle ==`);
    console.log(`${'dist/extension.js, minified, no source map'.padEnd(46)} ${(statSync(outfile).size / 1024).toFixed(0).padStart(7)} KB`);
    console.log(`${'require() of the bundle'.padEnd(46)} ${t.median.toFixed(0).padStart(7)} ms   (min ${t.min.toFixed(0)} ms, max ${t.max.toFixed(0)} ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

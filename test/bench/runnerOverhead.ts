// The runner's overhead against running the same test command directly: whole-process wall
// time on a mocha fixture project, median of N runs each, interleaved so drift hits both alike.
// Run after `node esbuild.mjs --tests` as `node out/test/bench/runnerOverhead.js [runs]`.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandCommand, runTestCommand } from '../../src/testing/runner';

const RUNS = Math.max(7, Number(process.argv[2]) || 9);
const MOCHA_BIN = require.resolve('mocha/bin/mocha.js', { paths: [process.cwd()] });

function fixture(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'ir-bench-')));
  mkdirSync(join(dir, 'test'));
  for (let f = 0; f < 10; f++) {
    const tests = Array.from({ length: 20 }, (_, i) => `  it('case ${i}', () => { if (${i} * 2 !== ${i * 2}) throw new Error('x'); });`).join('\n');
    writeFileSync(join(dir, 'test', `file${f}.test.js`), `describe('suite ${f}', () => {\n${tests}\n});\n`);
  }
  return dir;
}

function direct(cwd: string, argv: string[]): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`exit ${code}`))));
  });
}

async function viaRunner(cwd: string, command: string[], report: string): Promise<number> {
  const start = process.hrtime.bigint();
  const outcome = await runTestCommand({ cwd, command, report: { format: 'mocha-json', path: report }, timeoutMs: 120_000, onOutput: () => undefined });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (outcome.exitCode !== 0 || outcome.report?.tests.length !== 200) throw new Error(`unexpected run: exit ${outcome.exitCode}, ${outcome.reportError ?? ''}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const dir = fixture();
  try {
    const report = join(dir, 'report.json');
    const command = [process.execPath, MOCHA_BIN, '--reporter', 'json', '--reporter-option', 'output={report}', 'test'];
    const argv = expandCommand(command, report);
    await direct(dir, argv); // warm the file cache for both
    const d: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      d.push(await direct(dir, argv));
      r.push(await viaRunner(dir, command, report));
    }
    const row = (name: string, xs: number[]) => `${name.padEnd(28)}${median(xs).toFixed(1).padStart(10)}${Math.min(...xs).toFixed(1).padStart(10)}${Math.max(...xs).toFixed(1).padStart(10)}`;
    const overhead = median(r) - median(d);
    console.log(`mocha fixture: 10 files x 20 tests, ${RUNS} runs each, node ${process.version}`);
    console.log(`${''.padEnd(28)}${'median ms'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}`);
    console.log(row('direct spawn', d));
    console.log(row('runTestCommand (+ parse)', r));
    console.log(`overhead: ${overhead.toFixed(1)} ms (${((overhead / median(d)) * 100).toFixed(1)}%) median to median`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

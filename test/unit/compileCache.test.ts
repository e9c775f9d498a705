// The command line's compile cache (src/compileCache.ts): V8's code for the bundles, kept by the
// file's identity, the V8 version and the command's shape. What it must never do is run code
// other than the file's: a changed file or a spoilt entry compiles the file afresh. Each case runs
// real child processes, as the program does (the cache hooks a process's module loader).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { commandShape } from '../../src/compileCache';
import { tempDir } from './helpers/testProjects';

const run = promisify(execFile);
const PROBE = join(__dirname, 'helpers/compileCacheProbe.js');

interface ProbeReport {
  exported: unknown[];
  accepted: string[];
  compiled: string[];
}

describe('the compile cache', function () {
  this.timeout(60_000);
  let code: string;
  let cache: string;
  let bundle: string;

  const probe = async (shape = 'gate_run', files = [bundle]) => JSON.parse((await run(process.execPath, [PROBE, code, cache, shape, ...files])).stdout) as ProbeReport;
  /** A module large enough that V8 has code worth caching, exporting `value`. */
  const moduleText = (value: string) => `#!/usr/bin/env node\n${Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n')}\nexports.value = f1(0) === 1 ? ${value} : 'broken';\n`;

  beforeEach(() => {
    const dir = tempDir('compile-cache');
    code = join(dir, 'dist');
    cache = join(dir, 'state', 'compiled');
    mkdirSync(code);
    bundle = join(code, 'cli-main.js');
    writeFileSync(bundle, moduleText("'first'"));
  });

  it('compiles a file once per command shape and then runs it from the cache', async () => {
    const first = await probe();
    assert.deepEqual(first, { exported: ['first'], accepted: [], compiled: [bundle] });
    assert.equal(readdirSync(cache).length, 1);
    const second = await probe();
    assert.deepEqual(second, { exported: ['first'], accepted: [bundle], compiled: [] });
    // Another command runs other code: an entry of its own.
    assert.deepEqual((await probe('status')).compiled, [bundle]);
    assert.equal(readdirSync(cache).length, 2);
    assert.deepEqual((await probe('status')).accepted, [bundle]);
  });

  it('never runs a changed file from the entry of its old bytes, even at the same length', async () => {
    await probe();
    // Same length, other value: V8 itself checks only the source's length.
    writeFileSync(bundle, moduleText("'other'"));
    const changed = await probe();
    assert.deepEqual(changed, { exported: ['other'], accepted: [], compiled: [bundle] });
    assert.deepEqual((await probe()).exported, ['other']);
  });

  it('compiles the file afresh when its entry is spoilt, and writes the entry again', async () => {
    await probe();
    const [entry] = readdirSync(cache);
    writeFileSync(join(cache, entry!), 'not V8 code');
    assert.deepEqual(await probe(), { exported: ['first'], accepted: [], compiled: [bundle] });
    assert.deepEqual(await probe(), { exported: ['first'], accepted: [bundle], compiled: [] });
  });

  it('leaves a file with a dynamic import to Node, where the import works (from a cache it fails on Node 20)', async () => {
    const withImport = `${moduleText("'pending'")}import('node:worker_threads').then((m) => { exports.value = typeof m.Worker; }, (e) => { exports.value = 'failed: ' + e.code; });\n`;
    writeFileSync(bundle, withImport);
    for (let run = 0; run < 2; run++) assert.deepEqual(await probe(), { exported: ['function'], accepted: [], compiled: [] });
    assert.ok(!existsSync(cache) || readdirSync(cache).length === 0);
  });

  it('leaves files outside the code folder to Node', async () => {
    const elsewhere = join(code, '..', 'elsewhere.js');
    writeFileSync(elsewhere, moduleText("'elsewhere'"));
    const report = await probe('gate', [bundle, elsewhere]);
    assert.deepEqual(report, { exported: ['first', 'elsewhere'], accepted: [], compiled: [bundle] });
    assert.ok(readdirSync(cache).every((name) => name.startsWith('cli-main-')), readdirSync(cache).join(', '));
  });

  it('runs the command as usual where no entry can be written', async () => {
    // A file where the cache folder would be.
    mkdirSync(join(cache, '..'), { recursive: true });
    writeFileSync(cache, 'a file');
    assert.deepEqual(await probe(), { exported: ['first'], accepted: [], compiled: [bundle] });
    assert.deepEqual((await probe()).exported, ['first']);
  });

  it("names a command's shape by its name and option names, not their values", () => {
    assert.equal(commandShape(['gate', '2026-11-26-checkout-5xx', '--run', '--json']), 'gate_json_run');
    assert.equal(commandShape(['gate', 'other-incident', '--json', '--run', '--command=["npx","jest"]', '--timeout', '60']), 'gate_command_json_run_timeout');
    assert.equal(commandShape(['status']), 'status');
    assert.equal(commandShape([]), 'none');
    assert.equal(commandShape(['../../x', '--a/b']), 'x_ab');
  });
});

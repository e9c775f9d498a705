// The production build as `npm run package` ships it, built into a temp folder: the extension's
// main bundle stays small, and what it loads on first use (libraries, the command handlers) is
// neither loaded by require and activate() nor broken when first used. Sizes only, no timing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { StartProbeReport } from './helpers/startProbe';

const root = path.resolve(__dirname, '../../..');
const run = promisify(execFile);
/** The goal for the extension's main bundle, minified, without source maps. */
const MAIN_BUNDLE_LIMIT_KB = 300;
const OPEN_INCIDENT = { id: '2026-11-26-checkout-5xx', title: 'Checkout returns 500 for EU customers' };

describe('The production bundles load what they need on first use', function () {
  this.timeout(180_000);
  let dir: string;
  let dist: string;
  let workspace: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ir-bundle-'));
    dist = path.join(dir, 'dist');
    await run(process.execPath, ['esbuild.mjs', '--production', '--outdir', dist], { cwd: root });
    workspace = path.join(dir, 'workspace');
    cpSync(path.join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps dist/extension.js within ${MAIN_BUNDLE_LIMIT_KB} KB`, () => {
    const kb = statSync(path.join(dist, 'extension.js')).size / 1024;
    assert.ok(kb <= MAIN_BUNDLE_LIMIT_KB, `dist/extension.js is ${kb.toFixed(0)} KB; load what only some commands need on first use (see "A light start" in esbuild.mjs)`);
  });

  it('loads no library or part to require and activate the extension, and loads the command handlers for the first command, which works', async () => {
    const storage = path.join(dir, 'storage');
    // A private state home of its own: the record value cache there starts empty.
    const env = { ...process.env, XDG_STATE_HOME: path.join(dir, 'state') };
    const { stdout } = await run(process.execPath, [path.join(__dirname, 'helpers/startProbe.js'), dist, workspace, storage, '--command', 'incidentRoom.copyObserverSummary', JSON.stringify(OPEN_INCIDENT.id)], { env });
    const report = JSON.parse(stdout) as StartProbeReport;
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.loadedAfterRequire, []);
    assert.deepEqual(report.loadedAfterActivate, []);
    // Reading the open incidents in full parses YAML and validates it; no command ran yet.
    assert.ok(!report.loadedAfterReady.includes('extension-commands.js'), report.loadedAfterReady.join(', '));
    assert.ok(report.loadedAfterReady.includes('lib/yaml.js'), report.loadedAfterReady.join(', '));
    assert.ok(report.command, 'the command ran');
    assert.ok(report.command.loadedAfter.includes('extension-commands.js'), report.command.loadedAfter.join(', '));
    assert.match(String(report.command.result), new RegExp(`^# ${OPEN_INCIDENT.title}\\n`));

    // The next start finds the open incidents' values by their unchanged bytes: no YAML is parsed.
    const again = JSON.parse((await run(process.execPath, [path.join(__dirname, 'helpers/startProbe.js'), dist, workspace, storage], { env })).stdout) as StartProbeReport;
    assert.deepEqual(again.errors, []);
    assert.ok(!again.loadedAfterReady.includes('lib/yaml.js'), again.loadedAfterReady.join(', '));
  });

  it('runs the command line with only what each command needs', async () => {
    // Lists, at exit, the files of the build folder the process loaded.
    const hook = path.join(dir, 'loaded.js');
    // and which of the built-in modules that cost a start most (crypto, child_process) it loaded.
    writeFileSync(
      hook,
      `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(dist + path.sep)})).map((f) => f.slice(${dist.length + 1}).split(require('path').sep).join('/')).sort()) + '\\nBUILTINS ' + JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (crypto|child_process)$/.test(m)).map((m) => m.slice(13)).sort())));\n`,
    );
    // A private state home of its own, where the program keeps its compile cache.
    const state = path.join(dir, 'cli-state');
    const cli = async (...args: string[]) => {
      const child = await run(process.execPath, ['--require', hook, path.join(dist, 'cli.js'), ...args], { cwd: workspace, env: { ...process.env, XDG_STATE_HOME: state } });
      return { stdout: child.stdout, loaded: JSON.parse(/LOADED (.*)$/m.exec(child.stderr)![1]!) as string[], builtins: JSON.parse(/BUILTINS (.*)$/m.exec(child.stderr)![1]!) as string[] };
    };
    const help = await cli('--help');
    assert.match(help.stdout, /^Usage: incident-room <command>/);
    // The program (cli.js) and the command line's bundle it loads through the compile cache.
    assert.deepEqual(help.loaded, ['cli-main.js', 'cli.js']);
    assert.deepEqual(help.builtins, []);
    const validate = await cli('validate');
    assert.match(validate.stdout, /2 records, 0 broken/);
    assert.ok(validate.loaded.includes('lib/yaml.js') && validate.loaded.includes('lib/record-validators.js'), validate.loaded.join(', '));
    assert.ok(!validate.loaded.includes('lib/simple-git.js'), validate.loaded.join(', '));

    // In a repository (whose git dir keeps the summary cache), a warm status reads the cache and
    // stats the files: no library, no hashing, no process.
    mkdirSync(path.join(workspace, '.git'));
    // Records in a repository are older than the file system's timestamp granularity (else their bytes are hashed to be sure).
    await new Promise((r) => setTimeout(r, 2100));
    await cli('status');
    const warm = await cli('status');
    assert.match(warm.stdout, new RegExp(OPEN_INCIDENT.id));
    assert.deepEqual(warm.loaded, ['cli-main.js', 'cli.js']);
    assert.deepEqual(warm.builtins, []);
    // Each command's code is kept in the compile cache, for each bundle it loaded.
    const entries = readdirSync(path.join(state, 'incident-room', 'compiled')).sort();
    assert.ok(entries.some((n) => /^cli-main-.*-help\.bin$/.test(n)) && entries.some((n) => /^cli-main-.*-status\.bin$/.test(n)), entries.join(', '));
    assert.ok(entries.some((n) => /^yaml-.*-validate\.bin$/.test(n)), entries.join(', '));
  });
});

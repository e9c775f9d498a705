// The README's first command, as a newcomer meets it: `npm run demo` on a machine where
// code-server has never run (a home folder holding nothing but the npm configuration). The demo
// must print an address, the workbench there must show the extension on the demo repository,
// and Ctrl+C must stop it cleanly.
import * as assert from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser } from 'playwright-core';
import { findFreePort, launchChromium, projectRoot } from '../tools/codeServer';
import { openViewContainer, screenshot, treeRows } from './workbench';

const DEMO_TITLES = ['Card payments are charged twice', 'Checkout returns 500 for EU customers', 'Search is slow for large catalogues', 'Login emails arrive an hour late'];

describe('npm run demo from a fresh home (end to end)', function () {
  this.timeout(240_000);
  let scratch: string;
  let demo: ChildProcess | undefined;
  let browser: Browser | undefined;
  const output: string[] = [];

  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'incident-room-demo-e2e-'));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (demo && demo.exitCode === null) demo.kill('SIGKILL');
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints an address whose workbench shows the demo incidents, and stops on Ctrl+C', async () => {
    const home = path.join(scratch, 'home');
    await import('node:fs/promises').then((fs) => fs.mkdir(home));
    const npmrc = path.join(homedir(), '.npmrc');
    if (existsSync(npmrc)) await copyFile(npmrc, path.join(home, '.npmrc'));
    const port = await findFreePort();
    const dir = path.join(scratch, 'demo-repo');
    demo = spawn(process.execPath, [path.join(projectRoot(), 'out', 'test', 'tools', 'demo.js'), '--dir', dir], {
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: '', XDG_DATA_HOME: '', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: demo.stderr! }).on('line', (line) => output.push(line));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: demo!.stdout! }).on('line', (line) => {
        output.push(line);
        const match = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/.exec(line);
        if (match) resolve(match[1]!);
      });
      demo!.once('exit', (code) => reject(new Error(`demo exited with ${code} before printing an address:\n${output.join('\n')}`)));
    });
    assert.ok(url.includes(encodeURIComponent(dir)), url);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 120_000 });
    await openViewContainer(page, 'Incident Room');
    for (const title of DEMO_TITLES.slice(0, 3)) {
      await page.locator('.part.sidebar .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 60_000 });
    }
    const rows = await treeRows(page, 'Incidents');
    // A demo opens calm: nothing is overdue yet, one update is near its deadline.
    assert.ok(!rows.some((row) => /overdue/i.test(row)), `an incident is overdue as the demo opens: ${rows.join(' | ')}`);
    await page.locator('.statusbar-item.warning-kind').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'demo-first-run');

    demo.kill('SIGINT');
    const [code] = (await once(demo, 'exit')) as [number | null];
    assert.equal(code, 0, output.join('\n'));
    assert.ok(output.some((line) => line.startsWith('Stopped.')), output.join('\n'));
    // code-server keeps its config, logs and caches in the server's scratch folder; the home gets
    // only the extension's own private state: the key that signs its test evidence and the signed
    // values of records it has read (named by the hash of their bytes).
    const left = await readdir(home, { recursive: true });
    const ours = ['.npmrc', '.local', '.local/state', '.local/state/incident-room', '.local/state/incident-room/key', '.local/state/incident-room/records'];
    const recordValue = /^\.local\/state\/incident-room\/records\/[0-9a-f]{64}\.json$/;
    assert.deepEqual(left.filter((entry) => !ours.includes(entry) && !recordValue.test(entry)), [], `the demo wrote into the home folder: ${left.join(', ')}`);
  });
});

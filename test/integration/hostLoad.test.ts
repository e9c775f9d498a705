// A measurement, not a check: how long the real extension host takes from switching the records
// folder to a folder of N generated records until the tree's data is ready, cold (no cache) and
// warm (cache written), with the longest event-loop block meanwhile. Runs only when asked:
//   INCIDENT_ROOM_BENCH_RECORDS=1000 node out/test/tools/runIntegrationInCodeServer.js --grep "host load"
// (INCIDENT_ROOM_BENCH_PROFILE=<dir> also writes a CPU profile of the host per measurement there.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { IncidentRoomApi } from '../../src/extension';
import { EXTENSION_ID } from '../../src/vscode/ids';
import { generateRecords } from '../bench/generateRecords';
import { activateExtension, waitFor, workspaceRoot } from './helpers';

const COUNT = Number(process.env.INCIDENT_ROOM_BENCH_RECORDS) || 0;
/** A folder to write a CPU profile of this host per measurement into (INCIDENT_ROOM_BENCH_PROFILE=<dir>), to see where the time goes. */
const PROFILE_DIR = process.env.INCIDENT_ROOM_BENCH_PROFILE;

/** Profiles this thread (the extension host's) while `fn` runs, when asked to; the profile goes to PROFILE_DIR/<name>.cpuprofile. */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
    fs.writeFileSync(path.join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
const OPEN = 20;

/** The host's garbage collector, made callable (the host is not started with --expose-gc). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

describe('host load (measurement)', function () {
  this.timeout(3_600_000);
  let api: IncidentRoomApi;
  const folderName = '.bench-incidents';
  const setFolder = (value: string | undefined) => vscode.workspace.getConfiguration('incidentRoom').update('recordsFolder', value, vscode.ConfigurationTarget.Workspace);

  before(async function () {
    if (!COUNT) this.skip();
    api = await activateExtension();
    // Kept out of git's view: the built-in git extension shares this extension host, and listing
    // thousands of untracked files there would be its blocks, not Incident Room's.
    const exclude = path.join(workspaceRoot(), '.git', 'info', 'exclude');
    if (fs.existsSync(path.dirname(exclude))) fs.appendFileSync(exclude, `\n/${folderName}/\n`);
    generateRecords(path.join(workspaceRoot(), folderName), COUNT, OPEN);
    // Changing the setting opens the workspace's settings.json, which activates the JSON
    // language's extensions (extension-editing, npm) in this same host the first time: their
    // start-up blocks are theirs, so they happen here, before anything is measured.
    await vscode.workspace.openTextDocument({ language: 'json', content: '{}' });
    await new Promise((r) => setTimeout(r, 2000));
  });

  after(async () => {
    if (!COUNT) return;
    await setFolder(undefined);
    fs.rmSync(path.join(workspaceRoot(), folderName), { recursive: true, force: true });
  });

  const ready = () => {
    const roots = api.tree.rootNodes();
    const open = roots.filter((n) => n.kind === 'incident').length;
    const closed = roots.find((n) => n.kind === 'closedGroup');
    return open === OPEN && closed?.kind === 'closedGroup' && closed.count === COUNT - OPEN && api.tree.getChildren(closed).length > 0;
  };

  /** Resolves at the tree change that makes it ready (checked at each change, not polled, so the time is the tree's own). */
  function treeReady(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        if (!ready()) return;
        subscription.dispose();
        clearInterval(poll);
        resolve();
      };
      const subscription = api.tree.onDidChangeTreeData(done);
      // A change may have come before this was listening.
      const poll = setInterval(done, 250);
      done();
    });
  }

  async function measure(label: string): Promise<void> {
    await setFolder(undefined);
    await waitFor('the fixture records back', () => !ready(), 60_000);
    // The records of the measurement before are garbage now; a host that starts has none to collect.
    collectGarbage();
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = performance.now();
    // The extension starts loading when the setting's change reaches this host, after VS Code has
    // written it to the workspace's settings: that write is timed apart.
    let changed = Number.NaN;
    const listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (Number.isNaN(changed) && e.affectsConfiguration('incidentRoom.recordsFolder')) changed = performance.now();
    });
    try {
      await profiled(`host-${COUNT}-${label.split(' ')[0]}-${Date.now()}`, async () => {
        await setFolder(folderName);
        await treeReady();
      });
    } finally {
      listener.dispose();
    }
    const end = performance.now();
    h.disable();
    console.log(
      `host load ${COUNT} records, ${label}: tree ready in ${(end - changed).toFixed(0)} ms from the setting's change (${(end - t0).toFixed(0)} ms with VS Code writing the setting), ` +
        `longest event-loop block ${(h.max / 1e6).toFixed(0)} ms, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
    );
  }

  it('activation: require of the bundle and activate() in this host', () => {
    // The extension was activated when the host started (the workspace holds records); activate()
    // timed itself then. The bundle is required again here from a copy (another path, so nothing
    // compiled for the first one is reused), in this host's own Node with its own `vscode` module.
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this host`);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-bundle-'));
    try {
      fs.cpSync(path.join(extension.extensionPath, 'dist'), copy, { recursive: true });
      const t0 = performance.now();
      require(path.join(copy, 'extension.js'));
      const requireMs = performance.now() - t0;
      console.log(`host activation: require of dist/extension.js ${requireMs.toFixed(0)} ms, activate() ${api.activateMs.toFixed(0)} ms, together ${(requireMs + api.activateMs).toFixed(0)} ms`);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('cold, then warm', async () => {
    await measure('cold (no cache)');
    await measure('warm (cache, files unchanged)');
    await measure('warm again');
  });
});

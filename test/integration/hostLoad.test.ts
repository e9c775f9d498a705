// A measurement, not a check: how long the real extension host takes from switching the records
// folder to a folder of N generated records until the tree's data is ready, cold (no cache) and
// warm (cache written), with the longest event-loop block meanwhile. Runs only when asked:
//   INCIDENT_ROOM_BENCH_RECORDS=1000 node out/test/tools/runIntegrationInCodeServer.js --grep "host load"
// (INCIDENT_ROOM_BENCH_PROFILE=<dir> also writes a CPU profile of the host per measurement there,
// and the loop's turns over 50 ms on the profile's clock, to see what ran in each.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
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
/** Warm starts measured after the cold one. */
const WARM_RUNS = 7;

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

  async function measure(label: string): Promise<{ readyMs: number; blockMs: number }> {
    await setFolder(undefined);
    await waitFor('the fixture records back', () => !ready(), 60_000);
    // The records of the measurement before are garbage now; a host that starts has none to collect.
    collectGarbage();
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    // The collector's pauses, to tell a block of its own from one of the code's.
    let longestGc: PerformanceEntry | undefined;
    const pauses: PerformanceEntry[] = [];
    const gcs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        pauses.push(e);
        if (!longestGc || e.duration > longestGc.duration) longestGc = e;
      }
    });
    gcs.observe({ entryTypes: ['gc'] });
    // The loop's turns longer than a block may be, on the clock a CPU profile's samples use (µs):
    // the turn that delivers the setting's change is VS Code's dispatch to every extension's
    // listener, told apart below; a profile shows what ran in each (see PROFILE_DIR).
    const gaps: { startUs: number; endUs: number; onCpuMs?: number; waitingMs?: number }[] = [];
    const nowUs = () => Number(process.hrtime.bigint() / 1000n);
    // Linux's account of this thread: time on a CPU and time runnable but waiting for one (ns). A
    // late turn that spent its time waiting was the machine's, not a block of code.
    const schedstat = `/proc/self/task/${process.pid}/schedstat`;
    const threadTimes = (): [number, number] | undefined => {
      try {
        const [run, wait] = fs.readFileSync(schedstat, 'utf8').split(' ').map(Number);
        return [run! / 1e6, wait! / 1e6];
      } catch {
        return undefined;
      }
    };
    let lastTimes = threadTimes();
    // The collector's entries are on performance.now()'s clock: this maps the probe's onto it.
    const perfOffsetMs = performance.now() - nowUs() / 1000;
    let lastTickUs = nowUs();
    const probe = setInterval(() => {
      const tick = nowUs();
      const times = threadTimes();
      if (tick - lastTickUs > 50_000) {
        gaps.push({ startUs: lastTickUs, endUs: tick, ...(times && lastTimes ? { onCpuMs: times[0] - lastTimes[0], waitingMs: times[1] - lastTimes[1] } : {}) });
      }
      lastTickUs = tick;
      lastTimes = times;
    }, 5);
    const t0 = performance.now();
    // The extension starts loading when the setting's change reaches this host, after VS Code has
    // written it to the workspace's settings: that write is timed apart.
    let changed = Number.NaN;
    let changedUs = Number.NaN;
    const listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (Number.isNaN(changed) && e.affectsConfiguration('incidentRoom.recordsFolder')) {
        changed = performance.now();
        changedUs = nowUs();
      }
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
    gcs.disconnect();
    clearInterval(probe);
    if (PROFILE_DIR) fs.writeFileSync(path.join(PROFILE_DIR, `blocks-${COUNT}-${label.split(' ')[0]}-${Date.now()}.json`), JSON.stringify(gaps));
    // Before the change: VS Code writing the setting, or the profiler starting.
    const after = gaps.filter((g) => g.startUs > changedUs);
    const longestAfterDispatch = Math.max(0, ...after.map((g) => (g.endUs - g.startUs) / 1000));
    // When each came, from the setting's change: early (the folder's listing and cache), during the parse, or at the end (the tree, the cache's write).
    // With the collector's pauses inside each: a turn that is mostly one is the collector's, not the code's.
    const collectorIn = (g: { startUs: number; endUs: number }) => {
      const [from, to] = [g.startUs / 1000 + perfOffsetMs, g.endUs / 1000 + perfOffsetMs];
      return pauses.reduce((sum, p) => sum + Math.max(0, Math.min(to, p.startTime + p.duration) - Math.max(from, p.startTime)), 0);
    };
    const afterAt = after
      .map(
        (g) =>
          `${((g.endUs - g.startUs) / 1000).toFixed(0)} ms at +${((g.startUs - changedUs) / 1000).toFixed(0)} ms, ${collectorIn(g).toFixed(0)} ms of it the collector's` +
          (g.onCpuMs === undefined ? '' : `, the thread ${g.onCpuMs.toFixed(0)} ms on a CPU and ${g.waitingMs!.toFixed(0)} ms waiting for one`),
      )
      .join('; ');
    const dispatch = gaps.find((g) => g.startUs <= changedUs && changedUs <= g.endUs);
    const gcKind = (longestGc as { detail?: { kind?: number } } | undefined)?.detail?.kind;
    const gcName = gcKind === undefined ? '' : ({ 1: 'scavenge', 2: 'mark-compact', 4: 'incremental marking', 8: 'weak callbacks' } as Record<number, string>)[gcKind] ?? `kind ${gcKind}`;
    console.log(
      `host load ${COUNT} records, ${label}: tree ready in ${(end - changed).toFixed(0)} ms from the setting's change (${(end - t0).toFixed(0)} ms with VS Code writing the setting), ` +
        `longest event-loop block ${(h.max / 1e6).toFixed(0)} ms (longest collector pause ${(longestGc?.duration ?? 0).toFixed(0)} ms${gcName && `, ${gcName}`}; ` +
        `over 50 ms: ${dispatch ? `${((dispatch.endUs - dispatch.startUs) / 1000).toFixed(0)} ms in the turn delivering the setting's change${dispatch.onCpuMs === undefined ? '' : ` (the thread ${dispatch.onCpuMs.toFixed(0)} ms on a CPU, ${dispatch.waitingMs!.toFixed(0)} ms waiting)`}, ` : ''}${longestAfterDispatch > 0 ? `${longestAfterDispatch.toFixed(0)} ms after it (${afterAt} of ${(end - changed).toFixed(0)})` : 'none after it'}), RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
    );
    return { readyMs: end - changed, blockMs: h.max / 1e6 };
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
    // A warm start is short and this machine's other work moves it: a median of several, with the spread.
    const warm: { readyMs: number; blockMs: number }[] = [];
    for (let i = 1; i <= WARM_RUNS; i++) warm.push(await measure(`warm ${i} (cache, files unchanged)`));
    const spread = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `median ${sorted[sorted.length >> 1]!.toFixed(0)} ms (${sorted[0]!.toFixed(0)}–${sorted[sorted.length - 1]!.toFixed(0)})`;
    };
    console.log(`host load ${COUNT} records, warm, ${WARM_RUNS} runs: tree ready ${spread(warm.map((w) => w.readyMs))}; longest block ${spread(warm.map((w) => w.blockMs))}`);
  });
});

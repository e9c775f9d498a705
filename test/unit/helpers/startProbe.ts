// Loads a built extension bundle in a fresh Node process with the vscode stand-in, activates it
// on a workspace folder, waits until its records are loaded (the tree's data), and prints, as
// JSON: the time each step took and which of the bundle folder's other files (lazily loaded
// libraries and parts) were loaded by then. With `--command <id> <json args>`, it then runs that
// command and reports its result and what it loaded. Used by the start-cost bench and the
// bundle tests; run in a child process so that `require.cache` holds only this start.
//
//   node out/test/unit/helpers/startProbe.js <bundle dir> <workspace folder> <storage dir> [--command <id> <json args>]
import * as path from 'node:path';
import { installVscodeStandIn } from './vscodeStandIn';

export interface StartProbeReport {
  requireMs: number;
  activateMs: number;
  /** From the start of activate() until the records were loaded. */
  readyMs: number;
  /** Files of the bundle folder (other than the main bundle) in require.cache after each step. */
  loadedAfterRequire: string[];
  loadedAfterActivate: string[];
  loadedAfterReady: string[];
  command?: { result: unknown; loadedAfter: string[] };
  /** Messages the extension showed with showErrorMessage. */
  errors: string[];
}

interface ActivatedApi {
  model: { whenLoaded(): Promise<void> };
}

async function main(): Promise<void> {
  const [bundleDir, workspace, storage, flag, commandId, commandArgs] = process.argv.slice(2);
  const dir = path.resolve(bundleDir!);
  const main = path.join(dir, 'extension.js');
  const standIn = installVscodeStandIn(workspace);
  const loaded = () =>
    Object.keys(require.cache)
      .filter((f) => f.startsWith(dir + path.sep) && f !== main)
      .map((f) => path.relative(dir, f).split(path.sep).join('/'))
      .sort();
  const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

  let t = process.hrtime.bigint();
  const extension = require(main) as { activate(context: unknown): ActivatedApi };
  const requireMs = ms(t);
  const loadedAfterRequire = loaded();

  t = process.hrtime.bigint();
  const api = extension.activate(standIn.context(storage!));
  const activateMs = ms(t);
  const loadedAfterActivate = loaded();
  await api.model.whenLoaded();
  const readyMs = ms(t);
  const report: StartProbeReport = { requireMs, activateMs, readyMs, loadedAfterRequire, loadedAfterActivate, loadedAfterReady: loaded(), errors: standIn.errors };

  if (flag === '--command') {
    const result = await standIn.executeCommand(commandId!, ...(commandArgs ? [JSON.parse(commandArgs)] : []));
    report.command = { result, loadedAfter: loaded() };
  }
  process.stdout.write(JSON.stringify(report));
  // Timers the extension keeps (the status bar's tick, watchers) would keep the process alive.
  process.exit(0);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}

// A measurement, not a check: a run of an incident's linked tests from the Test Explorer (the
// run profile's handler, as its Run button calls it, until the run's notification), inside the
// real extension host, against the same raw command started from the same host. The suite is
// node --test over 10 files of 20 tests (the fixture's own tests run too, in both). Runs only when asked:
//   INCIDENT_ROOM_BENCH_GATE_RUNS=5 node out/test/tools/runIntegrationInCodeServer.js --grep "host gate run"
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import * as vscode from 'vscode';
import type { IncidentRoomApi } from '../../src/extension';
import { COMMANDS } from '../../src/vscode/ids';
import { stats } from '../bench/stats';
import { activateExtension, waitFor, workspaceRoot } from './helpers';

const RUNS = Number(process.env.INCIDENT_ROOM_BENCH_GATE_RUNS) || 0;
const SOURCE_ID = '2026-11-26-checkout-5xx';
const ID = '2026-11-28-bench-gate-run';
const BRANCH = 'fix/bench-gate-run';
const FILES = 10;
const TESTS = 20;

/** The command the extension runs when nothing else is configured (incidentRoom.testCommand's default). */
const RAW = ['node', '--test'];

function rawRun(cwd: string): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(RAW[0]!, RAW.slice(1), { cwd, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${RAW.join(' ')}: exit ${code}`))));
  });
}

describe('host gate run (measurement)', function () {
  this.timeout(3_600_000);
  let api: IncidentRoomApi;
  const root = () => workspaceRoot();
  const record = () => path.join(root(), '.incidents', `${ID}.yaml`);

  before(async function () {
    if (!RUNS) this.skip();
    api = await activateExtension();
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', 'ana', vscode.ConfigurationTarget.Workspace);
    const g = simpleGit(root());
    await g.raw(['checkout', '-B', BRANCH, 'main']);
    await fs.mkdir(path.join(root(), 'bench-tests'), { recursive: true });
    for (let f = 0; f < FILES; f++) {
      const cases = Array.from({ length: TESTS }, (_, i) => `  it('case ${i}', () => { if (${i} * 2 !== ${i * 2}) throw new Error('x'); });`).join('\n');
      await fs.writeFile(path.join(root(), 'bench-tests', `file${f}.test.js`), `const { describe, it } = require('node:test');\ndescribe('suite ${f}', () => {\n${cases}\n});\n`);
    }
    await g.add(['bench-tests']);
    await g.commit('Bench suite');
    const text = await fs.readFile(path.join(root(), '.incidents', `${SOURCE_ID}.yaml`), 'utf8');
    await fs.writeFile(record(), text.replace(`id: "${SOURCE_ID}"`, `id: "${ID}"`).replace('branch: fix/checkout-eu-vat', `branch: ${BRANCH}`));
    await api.model.reload();
    await waitFor('the bench incident', () => api.model.findIncident(ID));
    const linked = await vscode.commands.executeCommand(COMMANDS.linkAutomatedTest, { incident: ID, item: 'eu-checkout-200', test: 'bench-tests/file0.test.js > suite 0 > case 0' });
    if (!linked) throw new Error('Link Automated Test wrote nothing');
    await waitFor('the incident in the Test Explorer', () => api.testController.controller.items.get(`incident:${ID}`));
  });

  after(async () => {
    if (!RUNS) return;
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', undefined, vscode.ConfigurationTarget.Workspace);
    await fs.rm(record(), { force: true });
    await simpleGit(root()).checkout('main');
    await api.model.reload();
  });

  async function explorerRun(): Promise<number> {
    const item = api.testController.controller.items.get(`incident:${ID}`);
    if (!item) throw new Error('the incident is not in the Test Explorer');
    const before = api.testController.snapshot().announced.length;
    const source = new vscode.CancellationTokenSource();
    const start = performance.now();
    try {
      await api.testController.runProfile.runHandler(new vscode.TestRunRequest([item]), source.token);
      await waitFor('the notification of the finished run', () => api.testController.snapshot().announced.length > before, 600_000);
    } finally {
      source.dispose();
    }
    return performance.now() - start;
  }

  it('a Test Explorer run against the raw command, interleaved', async () => {
    // Warm both: the file cache, and the extension's modules a first run loads.
    await rawRun(root());
    await explorerRun();
    const raw: number[] = [];
    const explorer: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      raw.push(await rawRun(root()));
      explorer.push(await explorerRun());
    }
    const r = stats(raw);
    const e = stats(explorer);
    const goal = 1.1 * r.median + 300;
    const env = process.env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS set' : 'NODE_EXTRA_CA_CERTS unset';
    console.log(
      `host gate run, node --test ${FILES} files x ${TESTS} tests, ${RUNS} runs (${env}): raw ${r.median.toFixed(0)} ms (${r.min.toFixed(0)}-${r.max.toFixed(0)}), ` +
        `Test Explorer run ${e.median.toFixed(0)} ms (${e.min.toFixed(0)}-${e.max.toFixed(0)}), ${(e.median / r.median).toFixed(2)}x; goal ≤ 1.10x + 300 = ${goal.toFixed(0)} ms: ${e.median <= goal ? 'met' : 'missed'}`,
    );
  });
});

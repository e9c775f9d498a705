import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import * as vscode from 'vscode';
import type { IncidentRoomApi } from '../../src/extension';
import { LEVEL_TABLE } from '../../src/model/levels';
import { parseRecord } from '../../src/store/recordFile';
import { testKey } from '../../src/model/testId';
import type { CloseResult } from '../../src/vscode/commands/close';
import { COMMANDS } from '../../src/vscode/ids';
import type { IncidentRunResult } from '../../src/vscode/testing/incidentTesting';
import { activateExtension, waitFor, workspaceRoot } from './helpers';

// A copy of the fixture's Level 2 incident under its own id, so closing it leaves the
// incident the other suites use open.
const SOURCE_ID = '2026-11-26-checkout-5xx';
const ID = '2026-11-27-checkout-gate';
const BRANCH = 'fix/checkout-eu-vat';
const IRISH = 'test/vat-ireland.test.js > Irish VAT > charges 23%';
const BRUNO = 'Bruno Costa <bruno@example.com>';

describe('The close gate in the extension host', function () {
  this.timeout(120_000);
  let api: IncidentRoomApi;
  const root = () => workspaceRoot();
  const file = () => path.join(root(), '.incidents', `${ID}.yaml`);
  const setActor = (id: string | undefined) => vscode.workspace.getConfiguration('incidentRoom').update('actor', id, vscode.ConfigurationTarget.Workspace);
  const onDisk = async () => {
    const loaded = parseRecord(file(), await fs.readFile(file()));
    assert.equal(loaded.kind, 'ok');
    return (loaded as Extract<typeof loaded, { kind: 'ok' }>).incident;
  };

  before(async () => {
    api = await activateExtension();
    await setActor('ana');
    const g = simpleGit(root());
    const branches = await g.branchLocal();
    if (!branches.all.includes(BRANCH)) await g.raw(['branch', BRANCH, 'main']);
    await g.checkout(BRANCH);
    // A worker's test for the missing rate, failing until the fix lands.
    await fs.writeFile(
      path.join(root(), 'test', 'vat-ireland.test.js'),
      "'use strict';\nconst { describe, it } = require('node:test');\nconst assert = require('node:assert');\nconst { checkout } = require('../src/checkout');\n\n" +
        "describe('Irish VAT', () => {\n  it('charges 23%', () => {\n    assert.strictEqual(checkout('IE', 100).total, 123);\n  });\n});\n",
    );
    await g.add(['test/vat-ireland.test.js']);
    await g.commit('Test the Irish VAT rate', undefined, { '--author': BRUNO });
    // The run has to bring the fix branch back itself.
    await g.checkout('main');
    const text = await fs.readFile(path.join(root(), '.incidents', `${SOURCE_ID}.yaml`), 'utf8');
    await fs.writeFile(file(), text.replace(`id: "${SOURCE_ID}"`, `id: "${ID}"`));
    await api.model.reload();
    await waitFor('the copied incident', () => api.model.findIncident(ID));
  });

  after(async () => {
    await setActor(undefined);
    await fs.rm(file(), { force: true });
    // The public log was committed on the fix branch and rewritten since; main has none.
    await simpleGit(root()).raw(['checkout', '--', 'INCIDENT-LOG.md']).catch(() => undefined);
    await simpleGit(root()).checkout('main');
    await api.model.reload();
  });

  it('links a failing test, runs it through the TestController, and refuses to close naming it', async () => {
    const linked = await vscode.commands.executeCommand(COMMANDS.linkAutomatedTest, { incident: ID, item: 'eu-checkout-200', test: IRISH });
    assert.ok(linked, 'Link Automated Test wrote nothing');
    await waitFor('the incident in the Test Explorer', () => api.testController.controller.items.get(`incident:${ID}`));
    const root = api.testController.controller.items.get(`incident:${ID}`)!;
    const plan = root.children.get(`plan:${ID}:eu-checkout-200`);
    assert.ok(plan, 'the plan item is not a test item');
    assert.ok(plan.children.get(testKey({ file: 'test/vat-ireland.test.js', title: ['Irish VAT', 'charges 23%'] })), 'the linked test is not a test item');

    const run = await vscode.commands.executeCommand<IncidentRunResult>(COMMANDS.runLinkedTests, { incident: ID, checkout: true });
    assert.ok(run, 'the run returned nothing');
    assert.equal(run.run.branch, BRANCH);
    const outcomes = Object.fromEntries(run.run.linked.map((l) => [l.test.title.join(' > '), l.outcome]));
    assert.deepEqual(outcomes, { 'EU VAT > returns 200': 'passed', 'Irish VAT > charges 23%': 'failed' });
    assert.equal((await onDisk()).test_runs?.length, 1, 'the audit entry is not in the record');

    const close = await vscode.commands.executeCommand<CloseResult>(COMMANDS.closeIncident, { incident: ID, interactive: false });
    assert.ok(close);
    assert.equal(close.closed, false);
    const tests = close.verdict.conditions.find((c) => c.id === 'tests-passed');
    assert.ok(tests && !tests.met);
    assert.match(tests.message, /Irish VAT > charges 23% failed/);
    assert.equal((await onDisk()).status, 'active');
  });

  it('a run from the Test Explorer tells the user its result: how many linked tests pass and what Close still needs', async () => {
    const item = api.testController.controller.items.get(`incident:${ID}`);
    assert.ok(item, 'the incident is not in the Test Explorer');
    const before = api.testController.snapshot().announced.length;
    const source = new vscode.CancellationTokenSource();
    try {
      // The run profile's own handler, as the Test Explorer's Run button calls it.
      await api.testController.runProfile.runHandler(new vscode.TestRunRequest([item]), source.token);
    } finally {
      source.dispose();
    }
    await waitFor('the notification of the finished run', () => api.testController.snapshot().announced.length > before, 30_000);
    const message = api.testController.snapshot().announced[before]!;
    assert.match(message, new RegExp(`^Incident ${ID}: 1 of 2 linked tests pass; Close still needs: `));
    assert.match(message, /Linked tests passed on the current commit/);
  });

  it('closes once the fix is committed, the tests pass again, and the plan is executed and signed off', async () => {
    const checkoutJs = path.join(root(), 'src', 'checkout.js');
    const source = await fs.readFile(checkoutJs, 'utf8');
    await fs.writeFile(checkoutJs, source.replace('PT: 0.23,', 'PT: 0.23, IE: 0.23,'));
    const g = simpleGit(root());
    await g.add(['src/checkout.js']);
    await g.commit('Add the Irish VAT rate', undefined, { '--author': BRUNO });

    const stale = await vscode.commands.executeCommand<CloseResult>(COMMANDS.closeIncident, { incident: ID, interactive: false });
    assert.match(stale!.verdict.conditions.find((c) => c.id === 'tests-passed')!.message, /stale/);
    // The team publishes the public log from the repository; Incident Room rewrites it as the
    // incident goes on, which must not count as a change to the code under test.
    const log = await vscode.commands.executeCommand<string>(COMMANDS.exportPublicLog);
    assert.equal(log, path.join(root(), 'INCIDENT-LOG.md'));
    await g.add(['INCIDENT-LOG.md']);
    await g.commit('Publish the incident log');

    const run = await vscode.commands.executeCommand<IncidentRunResult>(COMMANDS.runLinkedTests, { incident: ID, checkout: true });
    assert.ok(run);
    assert.deepEqual(run.run.linked.map((l) => l.outcome), ['passed', 'passed']);
    assert.equal(run.run.exitCode, 0);

    for (const item of ['eu-checkout-200', 'eu-order-created']) {
      for (const env of ['staging', 'production'] as const) {
        await vscode.commands.executeCommand(COMMANDS.recordTestResult, { incident: ID, item, env, outcome: 'pass' });
      }
    }
    const plan = (await onDisk()).test_plan!;
    const protectedItem = plan.items.find((i) => i.id === 'eu-order-created')!;
    assert.equal(protectedItem.results?.find((r) => r.env === 'production')?.outcome, 'skipped', 'customer data was touched in production');

    // Signed as asked before (Sign Off asks who you sign as when called from the palette).
    await vscode.commands.executeCommand(COMMANDS.signOff, { incident: ID, confirmed: true });
    await setActor('bruno');
    await vscode.commands.executeCommand(COMMANDS.signOff, { incident: ID, confirmed: true });
    await setActor('ana');
    const signoffs = (await onDisk()).test_plan?.signoffs ?? [];
    // The git identity that signed is kept beside the person (the fixture repository's own identity).
    assert.ok(signoffs.length >= 2 && signoffs.every((s) => typeof s.git_email === 'string' && s.git_email.length > 0), JSON.stringify(signoffs));
    for (const step of LEVEL_TABLE[2].end.filter((s) => s.beforeClose)) {
      await vscode.commands.executeCommand(COMMANDS.tickStep, { incident: ID, list: 'end', step: step.id });
    }

    await fs.appendFile(log!, '\n');
    assert.deepEqual((await g.status()).modified, ['INCIDENT-LOG.md']);

    const close = await vscode.commands.executeCommand<CloseResult>(COMMANDS.closeIncident, { incident: ID, interactive: false });
    assert.ok(close);
    assert.deepEqual(close.verdict.conditions.filter((c) => !c.met).map((c) => `${c.id}: ${c.message}`), []);
    assert.equal(close.closed, true);
    const closed = await onDisk();
    assert.equal(closed.status, 'closed');
    assert.ok(closed.closed_at);
    assert.ok(closed.timeline.some((t) => t.kind === 'closed'));
  });
});

describe('Test-plan commands in the extension host', function () {
  this.timeout(120_000);
  const SOURCE = '2026-11-26-checkout-5xx';
  const COPY = '2026-11-27-plan-commands';
  let api: IncidentRoomApi;
  const file = () => path.join(workspaceRoot(), '.incidents', `${COPY}.yaml`);
  const onDisk = async () => {
    const loaded = parseRecord(file(), await fs.readFile(file()));
    assert.equal(loaded.kind, 'ok');
    return (loaded as Extract<typeof loaded, { kind: 'ok' }>).incident;
  };
  const setActor = (id: string | undefined) => vscode.workspace.getConfiguration('incidentRoom').update('actor', id, vscode.ConfigurationTarget.Workspace);

  before(async () => {
    api = await activateExtension();
    const text = await fs.readFile(path.join(workspaceRoot(), '.incidents', `${SOURCE}.yaml`), 'utf8');
    await fs.writeFile(file(), text.replace(`id: "${SOURCE}"`, `id: "${COPY}"`));
    await api.model.reload();
    await waitFor('the copied incident', () => api.model.findIncident(COPY));
  });

  after(async () => {
    await setActor(undefined);
    await fs.rm(file(), { force: true });
    await api.model.reload();
  });

  it('Unlink Automated Test and Remove Test Plan Item change the record and the timeline', async () => {
    await setActor('ana');
    const before = await onDisk();
    const item = before.test_plan!.items.find((i) => (i.automated ?? []).length > 0)!;
    const linked = item.automated![0]!;
    await vscode.commands.executeCommand(COMMANDS.unlinkAutomatedTest, { incident: COPY, item: item.id, test: linked });
    let now = await onDisk();
    assert.equal(now.test_plan!.items.find((i) => i.id === item.id)!.automated!.length, item.automated!.length - 1);
    assert.equal(now.timeline.at(-1)?.kind, 'test-unlinked');
    await vscode.commands.executeCommand(COMMANDS.removePlanItem, { incident: COPY, item: item.id });
    now = await onDisk();
    assert.ok(!now.test_plan!.items.some((i) => i.id === item.id));
    assert.equal(now.timeline.at(-1)?.kind, 'plan-item-removed');
  });

  it('No Automated Test Possible: recorded by the IM, signed by the IM and the SME with their git identity, shown in the verdict', async () => {
    await setActor('ana');
    await vscode.commands.executeCommand(COMMANDS.recordNoAutomatedTest, { incident: COPY, reason: 'restored the database from a snapshot' });
    await vscode.commands.executeCommand(COMMANDS.signNoAutomatedTest, { incident: COPY, confirmed: true });
    await setActor('bruno');
    await vscode.commands.executeCommand(COMMANDS.signNoAutomatedTest, { incident: COPY, confirmed: true });
    const waiver = (await onDisk()).test_plan?.no_automated_test;
    assert.equal(waiver?.reason, 'restored the database from a snapshot');
    assert.deepEqual(waiver?.signoffs?.map((s) => [s.person, s.role, typeof s.git_email]), [['ana', 'incident_manager', 'string'], ['bruno', 'sme', 'string']]);
    const entry = api.model.findIncident(COPY)!;
    const verdict = await api.testing.verdict(entry);
    assert.equal(verdict.waiver?.reason, 'restored the database from a snapshot');
  });
});

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import * as vscode from 'vscode';
import type { IncidentRoomApi } from '../../src/extension';
import type { TestPlanView } from '../../src/webview/testPlanView';
import { parseRecord } from '../../src/store/recordFile';
import { COMMANDS } from '../../src/vscode/ids';
import type { TestPlanPanel } from '../../src/vscode/webview/testPlanPanel';
import type { HostMessage } from '../../src/webview/testPlanMessages';
import { activateExtension, waitFor, workspaceRoot } from './helpers';

// A copy of the fixture's Level 2 incident under its own id, so the other suites' incident stays as it was.
const SOURCE_ID = '2026-11-26-checkout-5xx';
const ID = '2026-11-27-checkout-plan-page';

describe('The test-plan webview in the extension host', function () {
  this.timeout(60_000);
  let api: IncidentRoomApi;
  let panel: TestPlanPanel;
  const views: TestPlanView[] = [];
  const outcomes: Extract<HostMessage, { type: 'outcome' }>['outcome'][] = [];
  const file = () => path.join(workspaceRoot(), '.incidents', `${ID}.yaml`);
  const onDisk = async () => {
    const loaded = parseRecord(file(), await fs.readFile(file()));
    assert.equal(loaded.kind, 'ok');
    return (loaded as Extract<typeof loaded, { kind: 'ok' }>).incident;
  };

  before(async () => {
    api = await activateExtension();
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', 'ana', vscode.ConfigurationTarget.Workspace);
    const text = await fs.readFile(path.join(workspaceRoot(), '.incidents', `${SOURCE_ID}.yaml`), 'utf8');
    await fs.writeFile(file(), text.replace(`id: "${SOURCE_ID}"`, `id: "${ID}"`));
    await api.model.reload();
    await waitFor('the copied incident', () => api.model.findIncident(ID));
  });

  after(async () => {
    panel?.dispose();
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', undefined, vscode.ConfigurationTarget.Workspace);
    await fs.rm(file(), { force: true });
    await api.model.reload();
  });

  it('opens the panel for the incident with a nonce CSP, resources only from dist/ and media/, and sends the view with the verdict', async () => {
    panel = (await vscode.commands.executeCommand<TestPlanPanel>(COMMANDS.openTestPlan, ID))!;
    assert.ok(panel, 'Open Test Plan returned no panel');
    panel.onDidPost((m) => {
      if (m.type === 'view') views.push(m.view);
      if (m.type === 'outcome') outcomes.push(m.outcome);
    });
    const html = panel.panel.webview.html;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, `no nonce in ${csp}`);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'more than one script');
    assert.match(html, new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, '\\$&')}" src="[^"]+dist/webview/testPlan\\.js"`));
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'an inline event handler');
    const roots = (panel.panel.webview.options.localResourceRoots ?? []).map((u) => path.relative(api.extension.extensionUri.fsPath, u.fsPath)).sort();
    assert.deepEqual(roots, ['dist', 'media']);
    assert.equal(panel.panel.webview.options.enableCommandUris, false);

    // The page sends "ready" when it loads; the host answers with the whole view.
    await panel.receive({ type: 'ready' });
    const view = await waitFor('a view with the verdict', () => views.find((v) => v.incident.id === ID && v.verdict.state === 'unmet'), 20_000);
    assert.equal(view.incident.title, 'Checkout returns 500 for EU customers');
    assert.deepEqual(view.items.map((i) => i.id), ['eu-checkout-200', 'eu-order-created']);
    assert.equal(view.items[1]!.production.state, 'protected');
    assert.ok(view.verdict.conditions.some((c) => c.id === 'signoff-im' && !c.met && c.action?.action === 'sign-off'));
    assert.equal(view.actor.summary, 'Ana Pereira, as Incident Manager');
    assert.equal(panel.panel.title, 'Test plan: Checkout returns 500 for EU customers');

    // Opening it again reveals the same panel.
    assert.equal(await vscode.commands.executeCommand(COMMANDS.openTestPlan, { incident: ID }), panel);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.openTestPlan, vscode.Uri.file(file())), panel);
  });

  it('redraws when the record is edited by hand', async () => {
    const before = await fs.readFile(file(), 'utf8');
    await fs.writeFile(file(), before.replace('title: EU checkout returns 200', 'title: EU checkout returns 200 (edited by hand)'));
    const view = await waitFor('the hand edit on the page', () => views.find((v) => v.items[0]?.title === 'EU checkout returns 200 (edited by hand)'), 5_000);
    assert.ok(view);
  });

  it('runs the domain operation a valid message asks for, and the record changes', async () => {
    await panel.receive({ type: 'recordResult', item: 'eu-checkout-200', env: 'staging', outcome: 'pass', note: 'paid with a PT address' });
    const incident = await onDisk();
    const result = incident.test_plan!.items[0]!.results?.at(-1);
    assert.deepEqual([result?.env, result?.outcome, result?.by, result?.note], ['staging', 'pass', 'ana', 'paid with a PT address']);
    await waitFor('the result on the page', () => views.find((v) => v.items[0]?.staging.state === 'pass'));
    assert.deepEqual(outcomes.at(-1), { action: 'recordResult', ok: true, message: 'Result recorded for staging.' });

    await panel.receive({ type: 'addItem', title: 'Refund works', manualSteps: 'Refund one order', mutatesCustomerData: true });
    await panel.receive({ type: 'linkTest', item: 'eu-order-created', test: 'test/checkout.test.js > EU VAT > returns 200' });
    await panel.receive({ type: 'editItem', item: 'refund-works', title: 'A refund works', manualSteps: '', mutatesCustomerData: true });
    let plan = (await onDisk()).test_plan!;
    assert.deepEqual(plan.items.map((i) => i.title), ['EU checkout returns 200 (edited by hand)', 'An EU order is created and invoiced', 'A refund works']);
    assert.deepEqual(plan.items[1]!.automated, [{ file: 'test/checkout.test.js', title: ['EU VAT', 'returns 200'] }]);
    await panel.receive({ type: 'unlinkTest', item: 'eu-order-created', test: { file: 'test/checkout.test.js', title: ['EU VAT', 'returns 200'] } });
    await panel.receive({ type: 'removeItem', item: 'refund-works' });
    plan = (await onDisk()).test_plan!;
    assert.deepEqual(plan.items.map((i) => i.id), ['eu-checkout-200', 'eu-order-created']);
    assert.deepEqual(plan.items[1]!.automated ?? [], []);

    // An executed item is refused with the reason, on the page.
    await panel.receive({ type: 'removeItem', item: 'eu-checkout-200' });
    assert.equal(outcomes.at(-1)?.ok, false);
    assert.match(outcomes.at(-1)?.message ?? '', /recorded result; an executed item stays in the plan/);

    await panel.receive({ type: 'signOff' });
    assert.deepEqual((await onDisk()).test_plan!.signoffs?.map((s) => [s.person, s.role]), [['ana', 'incident_manager']]);
  });

  it('refuses Close from the page with every unmet reason in full, and leaves the record open', async () => {
    await panel.receive({ type: 'close' });
    const refusal = outcomes.at(-1)!;
    assert.equal(refusal.action, 'close');
    assert.equal(refusal.ok, false);
    assert.match(refusal.message, /Close refused: \d+ conditions? unmet/);
    const verdict = await api.testing.verdict(api.model.findIncident(ID)!);
    assert.deepEqual(refusal.reasons, verdict.conditions.filter((c) => !c.met).map((c) => c.message));
    assert.equal((await onDisk()).status, 'active');
  });

  it('ignores and logs malformed, unknown, oversized and wrongly typed messages: the record does not change', async () => {
    const before = await fs.readFile(file(), 'utf8');
    const count = panel.rejected.length;
    const bad: unknown[] = [
      null,
      'close',
      { type: 'deleteEverything' },
      { type: '__proto__' },
      { type: 'recordResult', item: 'eu-checkout-200', env: 'production', outcome: 'pass', extra: true },
      { type: 'recordResult', item: 'eu-checkout-200', env: 'qa', outcome: 'pass' },
      { type: 'addItem', title: 42, mutatesCustomerData: false },
      { type: 'addItem', title: 'x'.repeat(70_000), mutatesCustomerData: false },
      { type: 'runTests', command: ['sh', '-c', 'touch pwned'] },
    ];
    for (const m of bad) await panel.receive(m);
    assert.equal(panel.rejected.length - count, bad.length, panel.rejected.slice(count).join('\n'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await fs.readFile(file(), 'utf8'), before);
    await assert.rejects(fs.stat(path.join(workspaceRoot(), 'pwned')));
  });

  it('runs the linked tests from the page with its progress, and the page\'s Cancel stops the run', async () => {
    // This incident's tests now run on the checked-out branch, with a command that runs until stopped.
    const current = (await simpleGit(workspaceRoot()).revparse(['--abbrev-ref', 'HEAD'])).trim();
    const text = await fs.readFile(file(), 'utf8');
    await fs.writeFile(
      file(),
      text
        .replace('branch: fix/checkout-eu-vat', `branch: ${current}`)
        .replace(/^test_plan:/m, 'test_command: ["node", "-e", "console.log(\'suite started\'); setInterval(() => {}, 1000)", "{report}"]\ntest_plan:'),
    );
    await waitFor('the long-running command in the record', () => api.model.findIncident(ID)?.incident.test_command?.length, 10_000);
    const progress: boolean[] = [];
    const sub = panel.onDidPost((m) => m.type === 'progress' && progress.push(m.run.running));
    const run = panel.receive({ type: 'runTests' });
    await waitFor('the run shown on the page', () => progress.includes(true), 30_000);
    await panel.receive({ type: 'cancelRun' });
    await run;
    sub.dispose();
    const told = outcomes.at(-1)!;
    assert.equal(told.action, 'runTests');
    assert.equal(told.ok, false);
    assert.match(told.message, /The run was cancelled\./);
    assert.equal(views.at(-1)?.run.running, false, 'the page still shows a run');
    assert.equal((await onDisk()).test_runs?.at(-1)?.ended_by, 'cancelled');
  });

  it('records that no automated test is possible and signs it from the page, as the IM and then as the SME', async () => {
    const config = vscode.workspace.getConfiguration('incidentRoom');
    // Nothing to sign yet: refused, and the record keeps no waiver.
    await panel.receive({ type: 'signNoAutomatedTest' });
    assert.equal(outcomes.at(-1)?.ok, false);
    assert.equal((await onDisk()).test_plan?.no_automated_test, undefined);

    await panel.receive({ type: 'recordNoAutomatedTest', reason: 'restored the orders table from a snapshot' });
    assert.equal(outcomes.at(-1)?.ok, true, outcomes.at(-1)?.message);
    const recorded = (await onDisk()).test_plan!.no_automated_test!;
    assert.deepEqual([recorded.reason, recorded.recorded_by], ['restored the orders table from a snapshot', 'ana']);
    let view = await waitFor('the waiver on the page', () => views.find((v) => v.waiver?.reason === 'restored the orders table from a snapshot'), 10_000);
    assert.deepEqual(view.waiver!.required.map((r) => r.state), ['missing', 'missing']);
    assert.equal(view.waiverOffer, undefined);

    await panel.receive({ type: 'signNoAutomatedTest' });
    assert.deepEqual((await onDisk()).test_plan!.no_automated_test!.signoffs?.map((s) => [s.person, s.role]), [['ana', 'incident_manager']]);
    view = await waitFor('the IM\'s signature on the page', () => views.find((v) => v.waiver?.required[0]?.state === 'signed'), 10_000);
    assert.deepEqual([view.waiver!.required[0]!.name, view.waiver!.signer.signed], ['Ana Pereira', true]);

    // Bruno is the fixture's SME.
    await config.update('actor', 'bruno', vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('Bruno as the signer', () => views.find((v) => v.waiver?.signer.summary === 'Bruno Costa, as SME'), 10_000);
      await panel.receive({ type: 'signNoAutomatedTest' });
      assert.deepEqual((await onDisk()).test_plan!.no_automated_test!.signoffs?.map((s) => [s.person, s.role]), [['ana', 'incident_manager'], ['bruno', 'sme']]);
      view = await waitFor('both signatures on the page', () => views.find((v) => v.waiver?.required.every((r) => r.state === 'signed')), 10_000);
      assert.deepEqual(view.waiver!.required.map((r) => r.name), ['Ana Pereira', 'Bruno Costa']);
    } finally {
      await config.update('actor', 'ana', vscode.ConfigurationTarget.Workspace);
    }
  });

  it('closing the panel disposes it, and the serializer restores a panel from its saved state', async () => {
    panel.dispose();
    assert.equal(api.testPlanPanels.get(ID), undefined);
    const restored = vscode.window.createWebviewPanel('incidentRoom.testPlan', 'Test plan', vscode.ViewColumn.Active, {});
    await api.testPlanPanels.deserializeWebviewPanel(restored, { incidentId: ID });
    panel = api.testPlanPanels.get(ID)!;
    assert.ok(panel, 'the serializer did not adopt the panel');
    assert.deepEqual((panel.panel.webview.options.localResourceRoots ?? []).length, 2);
    assert.match(panel.panel.webview.html, /Content-Security-Policy/);
  });
});

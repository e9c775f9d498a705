// The test-plan page as a person uses it, through the webview's two frames in the real
// workbench: open it from the tree, read the verdict and the matrix, record results, link a
// test, run the linked tests and watch the cells change, be refused on Close with every reason,
// sign off and close. Screenshots in the light, dark and high-contrast themes.
import * as assert from 'node:assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { git, gitCommitAll, makeFixtureWorkspace } from '../tools/codeServer';
import { openViewContainer, openWorkbench, pickQuickItem, runCommand, screenshot, type Workbench } from './workbench';

const INCIDENT = 'Checkout returns 500 for EU customers';
const RECORD = join('.incidents', '2026-11-26-checkout-5xx.yaml');
const IRISH = 'test/vat-ireland.test.js > Irish VAT > charges 23%';
const EU = 'test/checkout.test.js > EU VAT > returns 200';
const BEFORE_CLOSE = ['test-staging', 'deploy', 'test-production', 'update-observers', 'confirm-observers'];

/** On the fix branch: a worker's test that fails until the Irish rate exists; the end steps before close done; Ana acts. */
async function planWorkspace(): Promise<string> {
  const dir = await makeFixtureWorkspace();
  await git(dir, ['checkout', '-q', '-b', 'fix/checkout-eu-vat']);
  await writeFile(
    join(dir, 'test', 'vat-ireland.test.js'),
    "'use strict';\nconst { describe, it } = require('node:test');\nconst assert = require('node:assert');\nconst { checkout } = require('../src/checkout');\n\n" +
      "describe('Irish VAT', () => {\n  it('charges 23%', () => {\n    assert.strictEqual(checkout('IE', 100).total, 123);\n  });\n});\n",
  );
  let record = await readFile(join(dir, RECORD), 'utf8');
  for (const id of BEFORE_CLOSE) {
    record = record.replace(new RegExp(`\\{ id: ${id}, text: ("[^"]*") \\}`), `{ id: ${id}, text: $1, done_at: "2026-11-26T18:00:00+01:00", done_by: ana }`);
  }
  await writeFile(join(dir, RECORD), record);
  await gitCommitAll(dir, 'Test the Irish VAT rate', { author: { name: 'Bruno Costa', email: 'bruno@example.com' } });
  await setActor(dir, 'ana');
  // The settings are the person's, not the code under test.
  await writeFile(join(dir, '.git', 'info', 'exclude'), '.vscode/\n');
  return dir;
}

async function setActor(dir: string, actor: string): Promise<void> {
  await mkdir(join(dir, '.vscode'), { recursive: true });
  await writeFile(join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'incidentRoom.actor': actor }, null, 2));
}

/** The extension's page inside the webview's two frames. */
function planPage(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

const itemRow = (f: FrameLocator, id: string) => f.locator(`.matrix [role="row"][data-item="${id}"]`);
const testCell = (f: FrameLocator, label: string) => f.locator('li.test', { has: f.locator('.test-label', { hasText: label }) });

async function recordResult(f: FrameLocator, item: string, env: 'staging' | 'production', button: 'Passed' | 'Failed' | 'Skipped'): Promise<void> {
  await itemRow(f, item).locator(`[data-env="${env}"] button[data-action="openResult"]`).click();
  await f.locator('vscode-button[data-action="recordResult"]', { hasText: button }).click();
}

async function themed(page: Page, theme: string, name: string): Promise<string> {
  await runCommand(page, 'Preferences: Color Theme');
  await pickQuickItem(page, theme);
  await page.waitForTimeout(1500);
  return screenshot(page, name);
}

/**
 * The text of a part of the page as shown. The matrix's rows skip rendering while off screen
 * (content-visibility), and an unrendered element has no innerText: bring it into view first.
 */
async function shownText(locator: Locator): Promise<string> {
  await locator.scrollIntoViewIfNeeded();
  return locator.innerText();
}

describe('The test-plan page in the workbench (end to end)', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let f: FrameLocator;
  const cspViolations: string[] = [];

  before(async () => {
    workbench = await openWorkbench({ workspace: await planWorkspace(), viewport: { width: 1600, height: 1100 } });
    // The webview's frames report to the page's console too.
    workbench.page.on('console', (m) => {
      if (/Content Security Policy|Refused to (load|apply|execute)/i.test(m.text()) && /vscode-(webview|resource)|testPlan|codicon/i.test(`${m.text()} ${m.location().url}`)) cspViolations.push(m.text());
    });
  });

  after(async () => {
    await workbench?.close();
  });

  it('opens from the Test plan node of the tree and shows the verdict and the matrix', async () => {
    const { page } = workbench;
    await openViewContainer(page, 'Incident Room');
    const incident = page.locator('.part.sidebar .monaco-list-row', { hasText: INCIDENT }).first();
    await incident.waitFor({ timeout: 60_000 });
    await incident.click();
    const planNode = page.locator('.part.sidebar .monaco-list-row', { hasText: 'Test plan' }).first();
    await planNode.waitFor({ timeout: 30_000 });
    await planNode.hover();
    await planNode.locator('.action-label[aria-label*="Open Test Plan"]').click();
    f = planPage(page);
    await f.locator('[data-test="verdict"]', { hasText: /conditions? unmet/ }).waitFor({ timeout: 60_000 });
    assert.match(await shownText(f.locator('h1#title')), /Checkout returns 500 for EU customers/);
    assert.match(await shownText(f.locator('[data-test="branch"]')), /fix\/checkout-eu-vat at [0-9a-f]{7} · clean/);
    assert.equal(await f.locator('.matrix [role="rowgroup"] [role="row"][data-item]').count(), 2);
    assert.match(await shownText(itemRow(f, 'eu-order-created')), /customer data/);
    assert.match(await shownText(itemRow(f, 'eu-order-created').locator('[role="cell"][data-env="production"]')), /skip in production/);
    assert.match(await shownText(testCell(f, EU)), /not run/);
    // The matrix is an ARIA table with row and column headers for a screen reader.
    assert.equal(await f.locator('[role="table"].matrix [role="columnheader"]').count(), 4);
    assert.equal(await f.locator('[role="table"].matrix [role="rowheader"]').count(), 2);
    assert.equal(await f.locator('[role="table"].matrix [role="row"][data-item] > [role="cell"]').count(), 6);
    await themed(page, 'Dark Modern', 'test-plan-dark');
  });

  it('records a staging result by clicking, and reaches the Record button by keyboard', async () => {
    await recordResult(f, 'eu-checkout-200', 'staging', 'Passed');
    await itemRow(f, 'eu-checkout-200').locator('.env-pass[data-env="staging"]').waitFor({ timeout: 30_000 });
    assert.match(await shownText(itemRow(f, 'eu-checkout-200').locator('[role="cell"][data-env="staging"]')), /Ana Pereira/);
    // Tab to a Record button and press Enter: the form opens; Escape closes it.
    const record = itemRow(f, 'eu-order-created').locator('[data-env="staging"] button[data-action="openResult"]');
    await record.focus();
    await workbench.page.keyboard.press('Enter');
    await f.locator('#result-note').waitFor({ timeout: 10_000 });
    await workbench.page.keyboard.press('Escape');
    await f.locator('#result-note').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('links a test typed into the link form', async () => {
    await itemRow(f, 'eu-checkout-200').locator('button[data-action="openLink"]').click();
    await f.locator('#link-filter input').fill(IRISH);
    await f.locator('#link-typed').click();
    await testCell(f, IRISH).waitFor({ timeout: 30_000 });
    assert.match(await shownText(testCell(f, IRISH)), /not run/);
  });

  it('runs the linked tests from the page and the cells change: one passed, one failed with its first lines', async () => {
    const { page } = workbench;
    await f.locator('#run-tests').click();
    await testCell(f, IRISH).locator('.codicon-error').waitFor({ timeout: 120_000 });
    await testCell(f, EU).locator('.codicon-pass').waitFor({ timeout: 10_000 });
    assert.match(await shownText(testCell(f, IRISH)), /failed on [0-9a-f]{7}/);
    assert.ok((await shownText(testCell(f, IRISH).locator('pre.failure'))).length > 0, 'no failure lines');
    assert.match(await shownText(f.locator('section.runs')), /1 passed, 1 failed, 0 skipped, 0 missing/);
    await themed(page, 'Light Modern', 'test-plan-light');
  });

  it('links a test the run reported, found with the filter, and unlinks it', async () => {
    await itemRow(f, 'eu-order-created').locator('button[data-action="openLink"]').click();
    await f.locator('#link-filter input').fill('adds the country');
    const choices = f.locator('#discovered button');
    await choices.first().waitFor({ timeout: 10_000 });
    assert.equal(await choices.count(), 1, await shownText(f.locator('#discovered')));
    assert.match(await shownText(choices.first()), /EU VAT > adds the country rate/);
    // Incident Room's own reporter names each test's file, so one click links it.
    await choices.first().click();
    const cell = testCell(f, 'test/checkout.test.js > EU VAT > adds the country rate');
    await cell.waitFor({ timeout: 30_000 });
    await cell.locator('button[data-action="unlink"]').click();
    await cell.waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('adds, edits and removes a plan item', async () => {
    await f.locator('#add-item').click();
    await f.locator('#item-title input').fill('Refunds still work');
    await f.locator('#item-steps textarea').fill('Refund one order in staging.');
    await f.locator('#item-mutates').click();
    await f.locator('#save-item').click();
    const row = itemRow(f, 'refunds-still-work');
    await row.waitFor({ timeout: 30_000 });
    assert.match(await shownText(row), /customer data/);
    await row.locator('button[data-action="openEdit"]').click();
    await f.locator('#item-title input').fill('Refunds of EU orders still work');
    await f.locator('#save-item').click();
    await row.locator('.item-title', { hasText: 'Refunds of EU orders still work' }).waitFor({ timeout: 30_000 });
    await row.locator('button[data-action="openRemove"]').click();
    await f.locator('#confirm-remove').click();
    await row.waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('is refused on Close with every reason shown in full', async () => {
    const { page } = workbench;
    await f.locator('#close-incident').click();
    const outcome = f.locator('#outcome.refused', { hasText: 'Close refused' });
    await outcome.waitFor({ timeout: 30_000 });
    const text = await shownText(outcome);
    assert.match(text, /Close refused: \d+ conditions? unmet/);
    assert.ok(text.includes(`${IRISH} failed`), text);
    assert.match(text, /not signed off by the IM/);
    assert.match(text, /not yet passed in production/);
    // The same reasons stand in the verdict, each with its button.
    assert.ok(await f.locator('li.condition.unmet[data-condition="tests-passed"] vscode-button', { hasText: 'Run Linked Tests' }).count());
    // A condition's button does what meets it: here, the form to record the missing production result.
    await f.locator('li.condition.unmet[data-condition="plan-production"] vscode-button', { hasText: 'Record a Result' }).click();
    await f.locator('#result-note').waitFor({ timeout: 10_000 });
    assert.match(await shownText(f.locator('.form-row')), /Result of “EU checkout returns 200” in production/);
    await f.locator('.form-row vscode-button', { hasText: 'Cancel' }).click();
    await f.locator('#result-note').waitFor({ state: 'detached', timeout: 10_000 });
    await themed(page, 'Dark High Contrast', 'test-plan-high-contrast');
  });

  it('a commit on the fix branch makes the results stale; a new run passes', async () => {
    const { workspace } = workbench;
    const source = await readFile(join(workspace, 'src', 'checkout.js'), 'utf8');
    await writeFile(join(workspace, 'src', 'checkout.js'), source.replace('PT: 0.23,', 'PT: 0.23, IE: 0.23,'));
    await gitCommitAll(workspace, 'Add the Irish VAT rate', { author: { name: 'Bruno Costa', email: 'bruno@example.com' } });
    await testCell(f, EU).locator('.codicon-history').waitFor({ timeout: 30_000 });
    assert.match(await shownText(testCell(f, EU)), /stale: passed on [0-9a-f]{7}, branch now at [0-9a-f]{7}/);
    await f.locator('#run-tests').click();
    await testCell(f, IRISH).locator('.codicon-pass').waitFor({ timeout: 120_000 });
    await testCell(f, EU).locator('.codicon-pass').waitFor({ timeout: 10_000 });
  });

  it('records that no automated test is possible, shows the waiver with its signatures, and signs it as the IM after a confirmation', async () => {
    const none = f.locator('section.waiver-none');
    await none.waitFor({ timeout: 30_000 });
    assert.match(await shownText(none), /You record it as Ana Pereira, the Incident Manager/);
    await f.locator('#record-waiver').click();
    await f.locator('#waiver-reason input').fill('the rate table is configuration outside the repository');
    await f.locator('#confirm-record-waiver').click();
    const section = f.locator('section.waiver', { has: f.locator('[data-test="waiver-reason"]') });
    await section.waitFor({ timeout: 30_000 });
    assert.match(await shownText(section.locator('[data-test="waiver-reason"]')), /the rate table is configuration outside the repository/);
    assert.match(await shownText(section), /Recorded by Ana Pereira at /);
    // The fix branch carries a code commit: the waiver is shown, and said not to apply.
    await section.locator('[data-test="waiver-state"]', { hasText: 'Does not apply: the fix branch carries code commits' }).waitFor({ timeout: 30_000 });
    assert.match(await shownText(section.locator('tr[data-waiver-role="incident_manager"]')), /missing: the Incident Manager \(Ana Pereira\) has not signed/);
    assert.match(await shownText(section.locator('tr[data-waiver-role="sme"]')), /missing: the SME \(Bruno Costa\) has not signed/);

    await f.locator('#sign-waiver').click();
    assert.equal(await shownText(f.locator('[data-test="waiver-signing-as"]')), 'Ana Pereira, as Incident Manager');
    await f.locator('#confirm-sign-waiver').click();
    await section.locator('tr.counts[data-waiver-role="incident_manager"]', { hasText: 'Ana Pereira' }).waitFor({ timeout: 30_000 });
    assert.match(await shownText(section.locator('tr[data-waiver-role="sme"]')), /missing/);
    assert.equal(await f.locator('#sign-waiver').getAttribute('disabled'), '', 'Ana may sign twice');
    await section.scrollIntoViewIfNeeded();
    await screenshot(workbench.page, 'test-plan-waiver');
    assert.match(await readFile(join(workbench.workspace, RECORD), 'utf8'), /no_automated_test:[\s\S]*role: incident_manager/);
  });

  it('records the remaining results, signs off as a worker and as the IM with a confirmation, and closes', async () => {
    const { workspace } = workbench;
    await recordResult(f, 'eu-order-created', 'staging', 'Passed');
    await itemRow(f, 'eu-order-created').locator('.env-pass[data-env="staging"]').waitFor({ timeout: 30_000 });
    await recordResult(f, 'eu-checkout-200', 'production', 'Passed');
    await itemRow(f, 'eu-checkout-200').locator('.env-pass[data-env="production"]').waitFor({ timeout: 30_000 });
    await recordResult(f, 'eu-order-created', 'production', 'Skipped');
    await itemRow(f, 'eu-order-created').locator('.env-protected-skipped[data-env="production"]').waitFor({ timeout: 30_000 });

    await setActor(workspace, 'bruno');
    await f.locator('section.signoffs', { hasText: 'you sign as Bruno Costa, as worker' }).waitFor({ timeout: 30_000 });
    await f.locator('#sign-off').click();
    assert.equal(await shownText(f.locator('[data-test="signing-as"]')), 'Bruno Costa, as worker');
    await f.locator('#confirm-sign-off').click();
    await f.locator('section.signoffs tr.counts', { hasText: 'Bruno Costa' }).waitFor({ timeout: 30_000 });

    await setActor(workspace, 'ana');
    await f.locator('section.signoffs', { hasText: 'you sign as Ana Pereira, as Incident Manager' }).waitFor({ timeout: 30_000 });
    await f.locator('#sign-off').click();
    assert.equal(await shownText(f.locator('[data-test="signing-as"]')), 'Ana Pereira, as Incident Manager');
    await f.locator('#confirm-sign-off').click();
    await f.locator('[data-test="verdict"]', { hasText: 'May close' }).waitFor({ timeout: 60_000 });
    await screenshot(workbench.page, 'test-plan-may-close');

    await f.locator('#close-incident').click();
    await f.locator('#outcome.ok', { hasText: 'The incident is closed.' }).waitFor({ timeout: 30_000 });
    await f.locator('[data-test="status"]', { hasText: 'closed' }).waitFor({ timeout: 30_000 });
    assert.match(await readFile(join(workspace, RECORD), 'utf8'), /^status: closed$/m);
  });

  it('loaded nothing its Content-Security-Policy refused', () => {
    assert.deepEqual(cspViolations, []);
  });
});

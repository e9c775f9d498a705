// The runbook's rules as a person meets them in the real workbench: assigning the Incident
// Manager as a worker from the command palette is refused with the rule quoted in a modal
// message, and the sidebar shows the roles and a ticked checklist step. The incident selected
// in the sidebar is the one the palette's commands act on: nobody is asked "Which incident?".
import * as assert from 'node:assert';
import type { Page } from 'playwright-core';
import { openViewContainer, openWorkbench, pickQuickItem, pickQuickItems, runCommand, screenshot, treeRows, type Workbench } from './workbench';

const INCIDENT = 'Checkout returns 500 for EU customers';
const STEP = 'Post the ticket link in the chat room';

/** Expands a collapsed row of the Incident Room tree by its label. */
async function expandRow(page: Page, label: string): Promise<void> {
  const rowLocator = () => page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
  // A redraw between reading the row's state and the click can replace or move the row: click
  // again until the tree says it is expanded.
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = rowLocator();
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    if ((await row.getAttribute('aria-expanded')) !== 'false') return;
    await row.click();
    try {
      await page.locator('.part.sidebar .monaco-list-row[aria-expanded="true"]').filter({ has: page.locator('.label-name', { hasText: label }) }).first().waitFor({ timeout: 3_000 });
      return;
    } catch {
      // Not expanded yet: look again.
    }
  }
  throw new Error(`the tree row "${label}" would not expand`);
}

/** Selects a row of the tree (and so its incident) by its label. */
async function selectRow(page: Page, label: string): Promise<void> {
  const row = page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  await row.click();
  await page.locator('.part.sidebar .monaco-list-row.selected', { hasText: label }).first().waitFor({ timeout: 10_000 });
}

describe('Runbook rules in the workbench (end to end)', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    // Tall enough that the incident's reminders, roles and start checklist fit without scrolling.
    workbench = await openWorkbench({ viewport: { width: 1600, height: 1400 } });
  });

  after(async () => {
    await workbench?.close();
  });

  it('refuses the Incident Manager as a worker with the rule quoted in a modal message', async () => {
    const { page } = workbench;
    await openViewContainer(page, 'Incident Room');
    // Expanding the incident selects it: the palette's commands act on it without asking.
    await expandRow(page, INCIDENT);
    await runCommand(page, 'Notifications: Clear All Notifications');
    // Selecting a row of the incident (Escape in the palette helper clears the tree's selection).
    await selectRow(page, 'Roles');
    await runCommand(page, 'Incident: Assign Role', { escapeFirst: false });
    await pickQuickItem(page, 'Worker');
    await pickQuickItem(page, 'Ana Pereira');
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Refused:' });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await dialog.innerText()).replace(/\s+/g, ' ');
    await page.waitForTimeout(300);
    await screenshot(page, 'runbook-refused-im-as-worker');
    assert.match(text, /Refused: Ana Pereira is the Incident Manager and cannot be a worker/);
    // The whole rule, not one line of it.
    assert.match(text, /The Incident Manager is not allowed to be a worker/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  });

  it('shows the roles and the ticked step in the tree after ticking it from the palette', async () => {
    const { page } = workbench;
    await selectRow(page, 'Start checklist');
    await runCommand(page, 'Incident: Tick Checklist Step', { escapeFirst: false });
    await pickQuickItems(page, [STEP]);
    // Expand only once the tree has redrawn with the tick: a click during the redraw can land
    // on a row that is about to be replaced and collapse it instead.
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Start checklist' }).filter({ hasText: '6/9' }).first().waitFor({ timeout: 30_000 });
    await expandRow(page, 'Roles');
    await expandRow(page, 'Start checklist');
    await expandRow(page, 'Roles');
    const ticked = page.locator('.part.sidebar .monaco-list-row', { hasText: STEP }).filter({ hasText: 'by Ana Pereira' });
    await ticked.first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.part.sidebar .monaco-list-row', { hasText: '· Incident Manager' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const rows = await treeRows(page, 'Incidents');
    await screenshot(page, 'runbook-roles-and-checklist');
    // Each person with their clock now: the IM covers several zones.
    assert.ok(rows.some((r) => /^Ana Pereira Lisbon, \d\d:\d\d now(, asleep)? · Incident Manager$/.test(r)), `rows: ${rows.join(' | ')}`);
    assert.ok(rows.some((r) => /^Bruno Costa Lisbon, .* · worker for /.test(r)), `rows: ${rows.join(' | ')}`);
    assert.ok(rows.some((r) => r.startsWith(`${STEP} done `) && r.endsWith('by Ana Pereira')), `rows: ${rows.join(' | ')}`);
    assert.ok(rows.some((r) => /^Start checklist 6\/9$/.test(r)), `rows: ${rows.join(' | ')}`);
    assert.ok(rows.some((r) => /^Reminders /.test(r)), `rows: ${rows.join(' | ')}`);
  });
});

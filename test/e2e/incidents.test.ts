// The sidebar and Declare Incident through the real workbench.
import * as assert from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { toTimestamp } from '../../src/model/time';
import { answerInput, openViewContainer, openWorkbench, pickQuickItem, runCommand, screenshot, treeRows, type Workbench } from './workbench';

const VIEW = 'Incidents';

describe('Incident Room sidebar (end to end)', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
  });

  it("shows the fixture's incidents in the Incident Room container", async () => {
    const { page } = workbench;
    await openViewContainer(page, 'Incident Room');
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Checkout returns 500 for EU customers' }).waitFor({ timeout: 60_000 });
    const rows = await treeRows(page, VIEW);
    // The decisive part first: the update's state, then the level and the title.
    assert.ok(rows.some((r) => /^Overdue [\dhd: ]+ · SEV2 Checkout returns 500 for EU customers active/.test(r)), rows.join(' | '));
    assert.ok(rows.some((r) => /^Overdue [\dhd: ]+ · SEV3 Search is slow for large catalogues fix-released-awaiting-tests/.test(r)), rows.join(' | '));
  });

  it('declares an incident from the command palette; it appears in the tree and its file exists', async () => {
    const { page, workspace } = workbench;
    await runCommand(page, 'Incident: Declare Incident');
    await answerInput(page, 'Password reset emails are not sent');
    await pickQuickItem(page, 'Level 2');
    await answerInput(page, 'Customers who forgot their password cannot sign in');
    // Public title: left empty.
    await answerInput(page, '');
    await pickQuickItem(page, 'Ana Pereira');
    // Ana has no phone number yet: Declare asks for it (optional), then the chat room and ticket.
    await answerInput(page, '');
    await answerInput(page, '');
    await answerInput(page, '');
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Password reset emails are not sent' }).waitFor({ timeout: 30_000 });
    const rows = await treeRows(page, VIEW);
    assert.ok(rows.some((r) => /^Update in [12]:\d\d · SEV2 Password reset emails are not sent active/.test(r)), rows.join(' | '));
    const date = toTimestamp(new Date(), 'Europe/Lisbon').slice(0, 10);
    const file = path.join(workspace, '.incidents', `${date}-password-reset-emails-are-not-sent.yaml`);
    assert.ok(existsSync(file), `${file} was not written`);
    // The record opens in an editor tab.
    await page.locator('.tabs-container .tab', { hasText: `${date}-password-reset-emails-are-not-sent.yaml` }).waitFor({ timeout: 30_000 });
  });

  it('expands an incident into its roles, checklists, updates and timeline', async () => {
    const { page } = workbench;
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Checkout returns 500 for EU customers' }).first().click();
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Start checklist' }).first().waitFor({ timeout: 30_000 });
    const rows = await treeRows(page, VIEW);
    for (const section of ['Roles', 'Start checklist', 'Updates', 'End checklist', 'Timeline']) {
      assert.ok(rows.some((r) => r.startsWith(section)), `no ${section} row: ${rows.join(' | ')}`);
    }
    await screenshot(page, 'incident-tree');
  });
});

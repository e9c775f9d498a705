// Security: a repository's records and settings name the test command, so nothing runs until
// the workspace is trusted. Opened with workspace trust on and the trust prompt declined.
import * as assert from 'node:assert';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { openWorkbench, pickQuickItem, runCommand, screenshot, type Workbench } from './workbench';

const RECORD = path.join('.incidents', '2026-11-26-checkout-5xx.yaml');

describe('Untrusted workspace (end to end)', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let recordBefore: string;

  before(async () => {
    workbench = await openWorkbench({ workspaceTrust: true });
    recordBefore = await readFile(path.join(workbench.workspace, RECORD), 'utf8');
  });

  after(async () => {
    await workbench?.close();
  });

  it('opens in restricted mode when the trust prompt is declined', async () => {
    const { page } = workbench;
    const decline = page.locator('.monaco-dialog-box .monaco-button', { hasText: "No, I don't trust the authors" });
    await decline.waitFor({ state: 'visible', timeout: 60_000 });
    await decline.click();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ timeout: 30_000 });
  });

  it('refuses to run the linked tests, and records no run', async () => {
    const { page, workspace } = workbench;
    // The countdown shows once the extension has read the records.
    await page.locator('.statusbar-item', { hasText: 'checkout-5xx' }).waitFor({ timeout: 60_000 });
    await runCommand(page, 'Incident: Run Linked Tests');
    await pickQuickItem(page, 'Checkout returns 500 for EU customers');
    // The refusal as a toast, or, once toasts have been put away, in the notification centre.
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'trusted workspace' });
    try {
      await toast.first().waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      await runCommand(page, 'Notifications: Show Notifications');
      await page.locator('.notifications-center .notification-list-item', { hasText: 'trusted workspace' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    }
    await screenshot(page, 'untrusted-run-refused');
    assert.equal(await readFile(path.join(workspace, RECORD), 'utf8'), recordBefore, 'the record changed');
  });

  it('the test plan page offers no run in restricted mode, and says why', async () => {
    const { page, workspace } = workbench;
    await runCommand(page, 'Incident: Open Test Plan');
    await pickQuickItem(page, 'Checkout returns 500 for EU customers');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await frame.locator('.untrusted', { hasText: 'tests run only once the workspace is trusted' }).waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('#run-tests').getAttribute('disabled'), '', 'Run linked tests is enabled');
    await screenshot(page, 'untrusted-test-plan');
    assert.equal(await readFile(path.join(workspace, RECORD), 'utf8'), recordBefore, 'the record changed');
  });
});

// Adding a customer through the palette, as a PR manager would: one multi-step input, and the
// customer lands in the record with their zone and contact.
import * as assert from 'node:assert';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { answerInput, openViewContainer, openWorkbench, pickQuickItem, runCommand, screenshot, type Workbench } from './workbench';

const INCIDENT = 'Checkout returns 500 for EU customers';
const RECORD = path.join('.incidents', '2026-11-26-checkout-5xx.yaml');

describe('Customers from the palette (end to end)', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
  });

  it('adds a customer with their time zone and contact to the incident', async () => {
    const { page, workspace } = workbench;
    // The palette lists the incident commands once the extension has read the records.
    await openViewContainer(page, 'Incident Room');
    await page.locator('.part.sidebar .monaco-list-row', { hasText: INCIDENT }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Incident: Add Customer');
    await pickQuickItem(page, INCIDENT);
    await answerInput(page, 'Initech Payments');
    await answerInput(page, 'Asia/Kolkata');
    await answerInput(page, 'Priya Nair');
    await answerInput(page, '+91 22 5555 0100');
    await answerInput(page, 'priya@initech.example');
    const file = path.join(workspace, RECORD);
    const deadline = Date.now() + 30_000;
    let text = '';
    while (Date.now() < deadline) {
      text = await readFile(file, 'utf8');
      if (text.includes('Initech Payments')) break;
      await page.waitForTimeout(250);
    }
    await screenshot(page, 'customer-added');
    assert.match(text, /id: initech-payments/);
    assert.match(text, /timezone: Asia\/Kolkata/);
    assert.match(text, /name: Priya Nair/);
  });
});

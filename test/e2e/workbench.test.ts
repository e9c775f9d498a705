// Proves the end-to-end helpers against the real workbench: the fixture workspace opens and
// the Explorer lists its incident folder.
import * as assert from 'node:assert';
import { openViewContainer, openWorkbench, screenshot, treeRows, type Workbench } from './workbench';

describe('Workbench (end to end)', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the fixture workspace with its .incidents folder in the Explorer', async () => {
    const { page } = workbench;
    await openViewContainer(page, 'Explorer');
    await page.locator('.part.sidebar .monaco-list-row', { hasText: '.incidents' }).waitFor({ timeout: 60_000 });
    const rows = await treeRows(page);
    await screenshot(page, 'explorer');
    assert.ok(rows.includes('.incidents'), `Explorer rows: ${rows.join(' | ')}`);
    assert.ok(rows.includes('package.json'), `Explorer rows: ${rows.join(' | ')}`);
  });
});

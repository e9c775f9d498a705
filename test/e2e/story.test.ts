// The end of an incident as a person meets it: a closed incident keeps a post-mortem reminder,
// the post-mortem is written from the tree, and once its sections are filled and it is marked
// ready, the reminder goes away and the Post-mortem section says so.
import * as assert from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { gitCommitAll, makeFixtureWorkspace } from '../tools/codeServer';
import { openViewContainer, openWorkbench, runCommand, screenshot, treeRows, type Workbench } from './workbench';

const TITLE = 'Payment webhooks dropped';
const ID = '2026-11-25-webhooks';

/** The fixture with a Level 2 incident closed on a Wednesday morning in the IM's zone (Lisbon). */
async function closedIncidentWorkspace(): Promise<string> {
  const dir = await makeFixtureWorkspace();
  const source = await readFile(join(dir, '.incidents', '2026-11-26-checkout-5xx.yaml'), 'utf8');
  const closed = source
    .replace('id: "2026-11-26-checkout-5xx"', `id: "${ID}"`)
    .replace('title: Checkout returns 500 for EU customers', `title: ${TITLE}`)
    .replace('status: active', 'status: closed\nclosed_at: "2026-11-25T11:00:00Z"')
    .replace('declared_at: "2026-11-26T14:05:00+01:00"', 'declared_at: "2026-11-25T08:05:00Z"')
    .replace(/2026-11-26T1[456]:\d\d:00\+01:00/g, '2026-11-25T09:00:00Z');
  await writeFile(join(dir, '.incidents', `${ID}.yaml`), closed);
  await gitCommitAll(dir, 'A closed incident');
  return dir;
}

async function row(page: Page, text: string | RegExp) {
  const found = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: text }).first();
  await found.waitFor({ state: 'visible', timeout: 60_000 });
  return found;
}

async function expand(page: Page, label: string | RegExp): Promise<void> {
  const r = await row(page, label);
  if ((await r.getAttribute('aria-expanded')) === 'false') await r.click();
}

/** Closed incidents sit under one collapsed node, by year, then by month. */
async function expandClosed(page: Page): Promise<void> {
  await expand(page, 'Closed incidents');
  await expand(page, /^\s*\d{4}/);
  await expand(page, /^\s*[A-Z][a-z]+ \d{4}/);
}

const WRITTEN = `## Root cause and contributing factors

The webhook queue filled up after a certificate expired.

## What went well

Dead letters kept every event.

## What went poorly

Nobody watched the queue depth.

## Where we got lucky

It was a quiet morning.

## Action items

| Action | Owner | Due | Ticket | Done |
| --- | --- | --- | --- | --- |
| Alert on webhook queue depth | bruno | 2026-12-10 | https://tickets.example.com/OPS-4900 |  |
`;

describe('The post-mortem in the workbench (end to end)', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ workspace: await closedIncidentWorkspace(), viewport: { width: 1600, height: 1400 } });
  });

  after(async () => {
    await workbench?.close();
  });

  it('a closed incident shows the post-mortem reminder; Write post-mortem from the tree drafts the file', async () => {
    const { page, workspace } = workbench;
    await openViewContainer(page, 'Incident Room');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await expandClosed(page);
    await expand(page, TITLE);
    await row(page, 'The post-mortem is not written yet');
    await screenshot(page, 'story-reminder-before');
    await (await row(page, /^Write post-mortem…/)).click();
    const file = join(workspace, 'postmortems', `${ID}.md`);
    await page.locator('.tabs-container .tab', { hasText: `${ID}.md` }).first().waitFor({ timeout: 60_000 });
    const draft = await readFile(file, 'utf8');
    assert.match(draft, new RegExp(`# Post-mortem: ${TITLE}`));
    await row(page, 'The post-mortem is not ready yet');
  });

  it('marking it ready with its sections written makes the reminder go away', async () => {
    const { page, workspace } = workbench;
    const file = join(workspace, 'postmortems', `${ID}.md`);
    // The person writes the sections (the open editor follows the file on disk).
    const draft = await readFile(file, 'utf8');
    await writeFile(file, draft.slice(0, draft.indexOf('## Root cause')) + WRITTEN);
    // Git notices the new file and the tree redraws; a click during a redraw can reach a row
    // whose command was already replaced, so click again until the section says ready.
    const ready = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: /Post-mortem\s*ready \d/ }).first();
    for (let attempt = 0; attempt < 5 && !(await ready.isVisible()); attempt++) {
      await page.waitForTimeout(2000);
      const reminder = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: 'The post-mortem is not ready yet' }).first();
      if (await reminder.isVisible()) await reminder.click();
      await ready.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
    }
    await ready.waitFor({ state: 'visible', timeout: 30_000 });
    const rows = await treeRows(page, 'Incidents');
    await screenshot(page, 'story-reminder-gone');
    assert.ok(!rows.some((r) => r.includes('The post-mortem is not')), `rows: ${rows.join(' | ')}`);
    assert.ok(rows.some((r) => /^Post-mortem ready \d{4}-/.test(r)), `rows: ${rows.join(' | ')}`);
    const record = await readFile(join(workspace, '.incidents', `${ID}.yaml`), 'utf8');
    assert.match(record, /ready_by: ana/);
    assert.match(record, /text: Alert on webhook queue depth/);
  });
});

// The update countdown in the real status bar: near, normal and overdue, and its click.
import * as assert from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { newIncident } from '../../src/model/declare';
import type { Incident } from '../../src/model/record';
import { toTimestamp } from '../../src/model/time';
import { renderNewRecord } from '../../src/store/incidentStore';
import { copyFixtureWorkspace, gitCommitAll, gitInit } from '../tools/codeServer';
import { openWorkbench, type Workbench } from './workbench';

const ID = 'countdown-demo';

function recordWithLastUpdate(minutesAgo: number): string {
  const now = Date.now();
  const ana = { id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon' };
  const incident: Incident = newIncident({ title: 'Checkout is slow', level: 2, impact: 'Payments take a minute', incidentManager: ana }, new Date(now - 5 * 3600_000));
  incident.id = ID;
  incident.people!.push({ id: 'bruno', name: 'Bruno Costa', timezone: 'Europe/Lisbon' });
  incident.roles.workers = [{ person: 'bruno', since: toTimestamp(now - 4 * 3600_000, 'Europe/Lisbon') }];
  incident.updates = [
    { at: toTimestamp(now - minutesAgo * 60_000, 'Europe/Lisbon'), by: 'ana', decision: 'no-change', workers: [{ person: 'bruno', found: 'slow query', next: 'add an index', needs_help: false }] },
  ];
  return renderNewRecord(incident);
}

describe('Update countdown in the status bar (end to end)', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let workspace: string;
  const recordFile = () => path.join(workspace, '.incidents', `${ID}.yaml`);
  const countdown = () => workbench.page.locator('.statusbar-item', { hasText: 'countdown-demo' });

  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'incident-room-countdown-'));
    await copyFixtureWorkspace(workspace, { withoutIncidents: true });
    await mkdir(path.join(workspace, '.incidents'), { recursive: true });
    await writeFile(recordFile(), recordWithLastUpdate(110));
    await gitInit(workspace);
    await gitCommitAll(workspace, 'fixture');
    workbench = await openWorkbench({ workspace });
  });

  after(async () => {
    await workbench?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  it('shows under 15 minutes left in warning colours when the last update was 1 h 50 min ago at Level 2', async () => {
    const item = countdown();
    await item.waitFor({ timeout: 60_000 });
    const text = (await item.textContent()) ?? '';
    const match = /update in (\d+):(\d\d)/.exec(text);
    assert.ok(match, `status bar reads "${text}"`);
    const minutes = Number(match[1]) * 60 + Number(match[2]);
    assert.ok(minutes < 15 && minutes >= 8, `status bar reads "${text}"`);
    assert.match((await item.getAttribute('class')) ?? '', /warning-kind/);
    await item.screenshot({ path: path.join(__dirname, '../../../test-results/statusbar-near.png') }).catch(() => undefined);
  });

  it('turns normal after a recent update and red when overdue, following the file', async () => {
    await writeFile(recordFile(), recordWithLastUpdate(30));
    await countdown().filter({ hasText: /update in 1:[2-3]\d/ }).waitFor({ timeout: 10_000 });
    assert.doesNotMatch((await countdown().getAttribute('class')) ?? '', /warning-kind|error-kind/);
    await countdown().screenshot({ path: path.join(__dirname, '../../../test-results/statusbar-normal.png') }).catch(() => undefined);
    await writeFile(recordFile(), recordWithLastUpdate(150));
    await countdown().filter({ hasText: /update overdue 0:[23]\d/ }).waitFor({ timeout: 10_000 });
    assert.match((await countdown().getAttribute('class')) ?? '', /error-kind/);
    await countdown().screenshot({ path: path.join(__dirname, '../../../test-results/statusbar-overdue.png') }).catch(() => undefined);
  });

  it('opens Record Updates when clicked', async () => {
    const { page } = workbench;
    await page.keyboard.press('Escape');
    await countdown().click();
    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await title.textContent()) ?? '', /Record Updates: Bruno Costa/);
    await page.keyboard.press('Escape');
  });
});

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { nextUpdate } from '../../src/model/cadence';
import { parseRecord } from '../../src/store/recordFile';
import type { IncidentRoomApi } from '../../src/extension';
import type { Incident } from '../../src/model/record';
import type { RecordUpdatesResult } from '../../src/vscode/commands/updates';
import { COMMANDS } from '../../src/vscode/ids';
import { activateExtension, workspaceRoot } from './helpers';

const ID = '2026-11-26-checkout-5xx';

describe('The update cycle in the extension host', () => {
  let api: IncidentRoomApi;
  const file = () => path.join(workspaceRoot(), '.incidents', `${ID}.yaml`);

  before(async () => {
    api = await activateExtension();
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', 'ana', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('records a cycle through Record Updates: the record, the summary and the countdown change', async () => {
    const before = parseRecord(file(), await fs.readFile(file()));
    assert.equal(before.kind, 'ok');
    const cyclesBefore = before.kind === 'ok' ? before.incident.updates?.length ?? 0 : 0;
    const result = await vscode.commands.executeCommand<RecordUpdatesResult>(COMMANDS.recordUpdates, {
      incident: ID,
      workers: [
        { person: 'bruno', found: 'The VAT rates load from a stale cache', next: 'Invalidate it on deploy', needs_help: false },
        { person: 'dmitri', found: 'Rollback is ready', next: 'Stand by', needs_help: true },
      ],
      decision: 'more-people',
      decisionNote: 'Ask for a second reviewer',
      notable: 'We found the cause and are testing a fix.',
      showSummary: false,
    });
    assert.ok(result, 'Record Updates returned nothing');
    const after = parseRecord(file(), await fs.readFile(file()));
    assert.equal(after.kind, 'ok');
    if (after.kind !== 'ok') return;
    const cycles = after.incident.updates ?? [];
    assert.equal(cycles.length, cyclesBefore + 1);
    assert.equal(cycles[cycles.length - 1].decision, 'more-people');
    assert.equal(cycles[cycles.length - 1].by, 'ana');
    assert.ok(after.incident.timeline.some((t) => t.kind === 'update-cycle'));
    assert.match(result.summary, /Bruno Costa/);
    assert.match(result.summary, /Invalidate it on deploy/);
    assert.equal(await vscode.env.clipboard.readText(), result.summary);
    const next = nextUpdate(after.incident, Date.now());
    assert.equal(next.state, 'normal');
    assert.ok(next.remainingMs > 115 * 60_000 && next.remainingMs <= 120 * 60_000, `remaining ${next.remainingMs} ms`);
  });

  it('records the customer update as sent and regenerates the public log without contact details', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>(COMMANDS.draftCustomerUpdate, ID);
    assert.ok(doc, 'no draft opened');
    const draft = doc.getText();
    assert.match(draft, /We found the cause and are testing a fix\./);
    assert.doesNotMatch(draft, /Bruno|Dmitri|@example\.com/);
    const entry = api.model.findIncident(ID)!;
    const cycleIndex = (entry.incident.updates ?? []).length - 1;
    const sent = await vscode.commands.executeCommand<boolean>(COMMANDS.sendCustomerUpdate, { incident: ID, cycleIndex, text: draft });
    assert.equal(sent, true);
    const loaded = parseRecord(file(), await fs.readFile(file()));
    assert.equal(loaded.kind === 'ok' && loaded.incident.updates?.[cycleIndex].customer_update?.text?.trimEnd(), draft.trimEnd());
    const log = await fs.readFile(path.join(workspaceRoot(), 'INCIDENT-LOG.md'), 'utf8');
    assert.match(log, /We found the cause and are testing a fix\./);
    assert.doesNotMatch(log, /@example\.com|Ana Pereira|Bruno/);
  });

  it('refuses a customer update that names a person, and records nothing', async () => {
    const entry = api.model.findIncident(ID)!;
    const before = await fs.readFile(file(), 'utf8');
    const cycleIndex = (entry.incident.updates ?? []).length - 1;
    const sent = await vscode.commands.executeCommand<boolean>(COMMANDS.sendCustomerUpdate, { incident: ID, cycleIndex: cycleIndex - 1, text: 'Bruno Costa is on it.' });
    assert.equal(sent, false);
    assert.equal(await fs.readFile(file(), 'utf8'), before);
  });

  it("keeps the IM's questions for customers: in the PRM's call notes, answered on a contact attempt", async () => {
    const question = 'Since when do your customers see the error?';
    const updated = await vscode.commands.executeCommand<Incident>(COMMANDS.addCustomerQuestion, { incident: ID, question });
    assert.deepEqual(updated?.questions?.slice(-1), [question]);
    const notes = await vscode.commands.executeCommand<string>(COMMANDS.copyPrmCallNotes, ID);
    assert.match(notes, /Since when do your customers see the error\?/);
    assert.match(notes, /ACME Retail/);
    assert.doesNotMatch(notes, /ana@example\.com|bruno@example\.com/);
    await vscode.commands.executeCommand(COMMANDS.logContact, {
      incident: ID,
      who: 'customer:acme',
      channel: 'email',
      reached: true,
      purpose: 'customer',
      note: 'Replied within the hour',
      answers: [{ question, answer: 'Since 13:40 CET' }],
    });
    const loaded = parseRecord(file(), await fs.readFile(file()));
    assert.equal(loaded.kind, 'ok');
    const attempt = loaded.kind === 'ok' ? loaded.incident.contact_attempts?.at(-1) : undefined;
    assert.equal(attempt?.who, 'customer:acme');
    assert.deepEqual(attempt?.answers, [{ question, answer: 'Since 13:40 CET' }]);
  });

  it('shows the most severe open incident in the status bar first, even when a lower level is overdue', async () => {
    api.countdown.render();
    const shown = api.countdown.snapshot();
    assert.ok(shown.visible);
    // The Level 3 fixture was declared days ago with no update since, so it is overdue; the
    // Level 2 one just had its cycle recorded. Level first: a more severe incident shows, even
    // one not yet due, and the overdue Level 3 one only counts in "(+N)".
    const open = api.model.incidents().filter((e) => e.incident.status !== 'closed');
    const mostSevere = Math.min(...open.map((e) => e.incident.severity));
    assert.match(shown.text, new RegExp(`SEV${mostSevere} \\S+ · update in \\d+:\\d\\d \\(\\+${open.length - 1}\\)`));
    assert.doesNotMatch(shown.text, /slow-search/);
    assert.ok(mostSevere < 3);
  });

  it('announces an overdue cycle once, however many ticks pass', () => {
    api.countdown.render();
    const before = api.countdown.snapshot();
    assert.ok(before.announced.some((key) => key.startsWith('2026-11-20-slow-search@')), JSON.stringify(before.announced));
    assert.ok(before.notificationsShown >= 1);
    api.countdown.render();
    api.countdown.render();
    assert.equal(api.countdown.snapshot().notificationsShown, before.notificationsShown, 'an announced cycle was announced again');
  });
});

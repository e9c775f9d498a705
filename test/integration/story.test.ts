import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IncidentRoomApi } from '../../src/extension';
import { parseRecord } from '../../src/store/recordFile';
import type { WriteResult } from '../../src/vscode/commands/story';
import type { RunbookResult } from '../../src/vscode/commands/runbookShared';
import { COMMANDS, VIEW_INCIDENTS } from '../../src/vscode/ids';
import { activateExtension, waitFor, workspaceRoot } from './helpers';

const ID = '2026-11-26-checkout-5xx';

describe('The story and the post-mortem in the extension host', () => {
  let api: IncidentRoomApi;
  let recordFile: string;
  let original: Buffer;
  const pmFile = () => path.join(workspaceRoot(), 'postmortems', `${ID}.md`);
  const config = () => vscode.workspace.getConfiguration('incidentRoom');

  before(async () => {
    api = await activateExtension();
    recordFile = path.join(workspaceRoot(), '.incidents', `${ID}.yaml`);
    original = await fs.readFile(recordFile);
    await config().update('actor', 'ana', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('actor', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('timelineOrder', undefined, vscode.ConfigurationTarget.Workspace);
    await fs.writeFile(recordFile, original);
    await fs.rm(path.join(workspaceRoot(), 'postmortems'), { recursive: true, force: true });
    await api.model.reload();
  });

  it('adds a timeline note from before the declaration, and the tree tells the story in the order the setting asks', async () => {
    const result = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.addTimelineNote, { incident: ID, text: 'Deploy 4711 went out', at: '2026-11-26T13:30:00+01:00', by: 'dmitri', kind: 'other' });
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    const labels = async () => {
      await api.model.reload();
      const section = await waitFor('the timeline section', () => api.tree.sectionNode(ID, 'timeline'));
      return api.tree.getChildren(section).map((n) => (n.kind === 'leaf' ? n.item.label : ''));
    };
    assert.deepEqual((await labels()).slice(0, 2), ['Add note…', 'Deploy 4711 went out']);
    await config().update('timelineOrder', 'newest-first', vscode.ConfigurationTarget.Workspace);
    const newest = await labels();
    assert.equal(newest[newest.length - 1], 'Deploy 4711 went out');
  });

  it('writes the post-mortem, keeps a written section edited in the editor when regenerated, and loses nothing', async () => {
    const first = await vscode.commands.executeCommand<WriteResult>(COMMANDS.writePostMortem, { incident: ID });
    assert.equal(first.file, pmFile());
    const draft = await fs.readFile(pmFile(), 'utf8');
    // Times in the IM's zone (Lisbon, an hour behind the record's +01:00).
    assert.match(draft, /# Post-mortem: Checkout returns 500 for EU customers/);
    assert.match(draft, /\| 2026-11-26 12:30 \| Dmitri Volkov \| Deploy 4711 went out \| note \(other\) \|/);

    // A person writes the root cause in the editor and saves.
    const doc = await vscode.workspace.openTextDocument(pmFile());
    const editor = await vscode.window.showTextDocument(doc);
    const rootCause = 'The VAT table had no rate for the new EU countries; the deploy skipped the tax tests.';
    const at = doc.getText().indexOf('## What went well');
    await editor.edit((e) => e.insert(doc.positionAt(at), `${rootCause}\n\n`));
    await doc.save();
    const written = doc.getText();

    // Unsaved edits are never written over.
    await editor.edit((e) => e.insert(doc.positionAt(0), 'unsaved '));
    assert.equal(await vscode.commands.executeCommand(COMMANDS.writePostMortem, { incident: ID }), undefined);
    assert.equal(await fs.readFile(pmFile(), 'utf8'), written);
    await editor.edit((e) => e.delete(new vscode.Range(doc.positionAt(0), doc.positionAt('unsaved '.length))));
    await doc.save();
    assert.equal(doc.isDirty, false);
    assert.equal(await fs.readFile(pmFile(), 'utf8'), written);

    // The story moves on; regenerate.
    const note = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.addTimelineNote, { incident: ID, text: 'Rolled back to 4710', at: '2026-11-26T15:00:00+01:00', kind: 'mitigation' });
    assert.equal(note.outcome, 'done');
    await api.model.reload();
    const second = await vscode.commands.executeCommand<WriteResult>(COMMANDS.writePostMortem, { incident: ID });
    assert.deepEqual(second.keptEdited, []);
    const regenerated = await fs.readFile(pmFile(), 'utf8');
    assert.ok(regenerated.includes(rootCause), 'the root cause written by a person was lost');
    assert.match(regenerated, /Rolled back to 4710 \| note \(mitigation\)/);
    assert.match(regenerated, /\| Mitigated \| 2026-11-26 14:00 \|/);
    // Everything outside the regenerated timeline and phases is as the person left it.
    const tail = (t: string) => t.slice(t.indexOf('## Root cause'));
    assert.equal(tail(regenerated), tail(written));
  });

  it('records where the post-mortem is and who wrote it, and shows it in the Post-mortem section', async () => {
    const loaded = parseRecord(recordFile, await fs.readFile(recordFile));
    assert.equal(loaded.kind, 'ok');
    if (loaded.kind !== 'ok') return;
    assert.equal(loaded.incident.postmortem?.file, `postmortems/${ID}.md`);
    assert.equal(loaded.incident.postmortem?.written_by, 'ana');
    await api.model.reload();
    const section = await waitFor('the post-mortem section', () => api.tree.sectionNode(ID, 'postmortem'));
    const labels = api.tree.getChildren(section).map((n) => (n.kind === 'leaf' ? n.item.label : ''));
    assert.deepEqual(labels.slice(0, 3), [`postmortems/${ID}.md`, 'Update generated parts', 'Mark ready…']);
  });

  it('refuses Post-Mortem Ready while the incident is active, with the runbook quoted', async () => {
    const result = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.postMortemReady, { incident: ID });
    assert.equal(result.outcome, 'refused');
    assert.match((result as { message: string }).message, /top priority/);
  });

  it('the report covers the workspace records', async () => {
    const { report, markdown } = await vscode.commands.executeCommand<{ report: { total: number }; markdown: string }>(COMMANDS.incidentReport, { show: false });
    assert.ok(report.total >= 2);
    assert.match(markdown, /^# Incident report/);
  });
});

describe('After close in the extension host: the meeting and the post-post-mortem', () => {
  const CLOSED = '2026-11-25-webhooks';
  let api: IncidentRoomApi;
  let closedFile: string;
  let publicLog: string | undefined;
  const logFile = () => path.join(workspaceRoot(), 'INCIDENT-LOG.md');
  const config = () => vscode.workspace.getConfiguration('incidentRoom');

  before(async () => {
    api = await activateExtension();
    publicLog = await fs.readFile(logFile(), 'utf8').catch(() => undefined);
    // From the fixture as committed: earlier suites edit the workspace's copy (a public title, say).
    const source = await fs.readFile(path.join(api.extension.extensionPath, 'test', 'fixtures', 'workspace', '.incidents', `${ID}.yaml`), 'utf8');
    closedFile = path.join(workspaceRoot(), '.incidents', `${CLOSED}.yaml`);
    await fs.writeFile(
      closedFile,
      source
        .replace(`id: "${ID}"`, `id: "${CLOSED}"`)
        .replace('title: Checkout returns 500 for EU customers', 'title: Webhooks dropped by queue-7 for ACME Retail')
        .replace('status: active', 'status: closed\nclosed_at: "2026-11-25T11:00:00Z"\npublic_title: Payment notifications delayed'),
    );
    await config().update('actor', 'carla', vscode.ConfigurationTarget.Workspace);
    await api.model.reload();
    await waitFor('the closed incident', () => api.model.findSummary(CLOSED));
  });

  after(async () => {
    await config().update('actor', undefined, vscode.ConfigurationTarget.Workspace);
    await fs.rm(closedFile, { force: true });
    await fs.rm(path.join(workspaceRoot(), 'postmortems'), { recursive: true, force: true });
    if (publicLog === undefined) await fs.rm(logFile(), { force: true });
    else await fs.writeFile(logFile(), publicLog);
    await api.model.reload();
  });

  // First in this suite: the closed incident has not been opened by anything yet, so the pick
  // must offer it from its summary.
  it('ticks an end step of the closed incident picked in the palette\'s quick pick, with no record in view', async () => {
    assert.equal(api.model.findIncident(CLOSED), undefined, 'the closed incident is already held');
    // Nothing names the incident: no record in the editor, nothing selected in the sidebar.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(`${VIEW_INCIDENTS}.focus`);
    await vscode.commands.executeCommand('list.clear');
    await waitFor('the sidebar selection to clear', () => api.treeView.selection.length === 0);
    const records = async () =>
      Object.fromEntries(await Promise.all(api.model.incidents().map(async (e) => [e.incident.id, await fs.readFile(e.record.file, 'utf8')] as const)));
    const before = await records();
    const doneSteps = async () => {
      const loaded = parseRecord(closedFile, await fs.readFile(closedFile));
      assert.equal(loaded.kind, 'ok');
      const { checklists } = (loaded as Extract<typeof loaded, { kind: 'ok' }>).incident;
      return checklists.end.filter((s) => s.done_at);
    };
    const doneBefore = (await doneSteps()).map((s) => s.id);

    // As from the palette: no argument. Open incidents come first in the pick; closed ones last.
    const running = vscode.commands.executeCommand<RunbookResult>(COMMANDS.tickStep);
    const settle = () => new Promise((r) => setTimeout(r, 1500));
    await settle();
    await vscode.commands.executeCommand('quickInput.last');
    await settle();
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    // The steps not done yet, start checklist first, several may be marked: mark the last (the
    // end checklist's "Celebrate", a step for after the close) and accept.
    await settle();
    await vscode.commands.executeCommand('quickInput.last');
    await vscode.commands.executeCommand('workbench.action.quickPickManyToggle');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const result = await running;
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    assert.equal((result as Extract<RunbookResult, { outcome: 'done' }>).incident.id, CLOSED);

    const ticked = (await doneSteps()).filter((s) => !doneBefore.includes(s.id));
    assert.deepEqual(ticked.map((s) => s.id), ['celebrate']);
    assert.equal(ticked[0].done_by, 'carla');
    // Only the closed incident's record changed.
    const after = await records();
    for (const [id, text] of Object.entries(before)) if (id !== CLOSED) assert.equal(after[id], text, `${id} changed`);
  });

  it('declares the closed incident over: ticking the declare-over step copies the text for the chat room, everyone thanked by name', async () => {
    const result = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.tickStep, { incident: CLOSED, list: 'end', step: 'declare-over', copyAnnouncement: true });
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    const text = (result as unknown as { detail: { announcement: string } }).detail.announcement;
    assert.match(text, /^Level 2 incident over: Webhooks dropped by queue-7 for ACME Retail\nClosed Wednesday 25 November 2026, 11:00 Lisbon time \(WET\) by the Incident Manager, Ana Pereira\.\nThank you, Bruno Costa, /);
    assert.match(text, /Erin Walsh/, 'the observer is thanked');
    assert.match(text, /\nPost-mortem: postmortems\/2026-11-25-webhooks\.md \(top priority\)\./);
    assert.equal(await vscode.env.clipboard.readText(), text);
    // On an open incident the same command still copies the declaration's announcement.
    const open = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.copyAnnouncement, { incident: ID });
    assert.match((open as unknown as { detail: { announcement: string } }).detail.announcement, /^Level 2 incident: Checkout returns 500/);
  });

  it('refuses the review meeting before the post-mortem is ready; once it is, schedules it inside everyone\'s waking hours, writes the invitation and records the meeting', async () => {
    const early = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.schedulePostMortemMeeting, { incident: CLOSED, slot: 0, from: '2026-11-30T06:00:00Z' });
    assert.equal(early.outcome, 'refused', JSON.stringify(early));
    assert.match((early as { message: string }).message, /once the post-mortem is ready\..*not ready yet/s);
    await assert.rejects(fs.stat(path.join(workspaceRoot(), 'postmortems', `${CLOSED}.ics`)), 'no invitation is written');
    // Marked ready as Post-Mortem Ready records it (that command's own checks are tested with the post-mortem's text).
    const { store } = api.model.storeFolders()[0]!;
    await store.update(closedFile, () => [
      { op: 'set', path: ['postmortem', 'ready_at'], value: '2026-11-26T09:00:00Z' },
      { op: 'set', path: ['postmortem', 'ready_by'], value: 'ana' },
    ]);
    for (let i = 0; !(await api.model.loadIncident(CLOSED))?.incident.postmortem?.ready_at; i++) {
      if (i > 100) throw new Error('the record marked ready was not read back');
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.schedulePostMortemMeeting, { incident: CLOSED, slot: 0, from: '2026-11-30T06:00:00Z' });
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    const detail = (result as unknown as { detail: { file: string; ics: string } }).detail;
    assert.equal(detail.file, path.join(workspaceRoot(), 'postmortems', `${CLOSED}.ics`));
    const ics = await fs.readFile(detail.file, 'utf8');
    // Lisbon, Berlin, Warsaw and New York awake at once on Monday: 12:00 UTC is 07:00 in New York.
    assert.match(ics, /DTSTART:20261130T120000Z/);
    assert.match(ics, /ROLE=REQ-PARTICIPANT[^\n]*\n? ?[^\n]*erin@example\.com/i);
    const meeting = (result as { incident: { postmortem?: { meeting?: { required: string[]; file?: string } } } }).incident.postmortem?.meeting;
    assert.deepEqual(meeting?.required, ['erin', 'carla']);
    assert.equal(meeting?.file, `postmortems/${CLOSED}.ics`);
  });

  it('drafts the post-post-mortem without internal names, refuses a leaky text, sends a clean one into the public log', async () => {
    const draft = await vscode.commands.executeCommand<string>(COMMANDS.draftPostPostMortem, { incident: CLOSED });
    assert.match(draft, /What happened: Payment notifications delayed/);
    assert.ok(!/queue-7|ACME|Ana|Bruno/.test(draft), draft);
    const leaky = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.sendPostPostMortem, { incident: CLOSED, text: `${draft}\nThanks to Bruno Costa.` });
    assert.equal(leaky.outcome, 'refused');
    const sent = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.sendPostPostMortem, { incident: CLOSED, text: draft });
    assert.equal(sent.outcome, 'done', JSON.stringify(sent));
    const log = await fs.readFile(path.join(workspaceRoot(), 'INCIDENT-LOG.md'), 'utf8');
    assert.match(log, /### What happened and what we are changing/);
    assert.match(log, /> What happened: Payment notifications delayed/);
  });
});

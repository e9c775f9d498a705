import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { nextUpdate } from '../../src/model/cadence';
import type { Incident } from '../../src/model/record';
import { parseRecord } from '../../src/store/recordFile';
import type { IncidentRoomApi } from '../../src/extension';
import type { RunbookResult } from '../../src/vscode/commands/runbookShared';
import { COMMANDS } from '../../src/vscode/ids';
import type { IncidentTreeNode } from '../../src/vscode/tree';
import { activateExtension, workspaceRoot } from './helpers';

// The Level 2 fixture incident, IM ana; its workers are bruno and dmitri, carla is the PRM.
const ID = '2026-11-26-checkout-5xx';

async function run(command: string, args: Record<string, unknown>): Promise<RunbookResult> {
  const result = await vscode.commands.executeCommand<RunbookResult>(command, { incident: ID, ...args });
  assert.ok(result, `${command} returned nothing`);
  return result;
}

function done(result: RunbookResult): Incident {
  assert.equal(result.outcome, 'done', JSON.stringify(result));
  return (result as Extract<RunbookResult, { outcome: 'done' }>).incident;
}

describe('The runbook rules in the extension host', () => {
  let api: IncidentRoomApi;
  const file = () => path.join(workspaceRoot(), '.incidents', `${ID}.yaml`);
  const read = async (): Promise<Incident> => {
    const loaded = parseRecord(file(), await fs.readFile(file()));
    assert.equal(loaded.kind, 'ok');
    return (loaded as Extract<typeof loaded, { kind: 'ok' }>).incident;
  };
  const leaves = (sectionId: string): IncidentTreeNode[] => {
    const section = api.tree.sectionNode(ID, sectionId);
    assert.ok(section, `no ${sectionId} section`);
    return api.tree.getChildren(section);
  };

  before(async () => {
    api = await activateExtension();
    // The acting person comes from the setting, so no "Who are you?" pick appears.
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', 'ana', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('adds a person, assigns them as a worker, and removes the role again, all in the record', async () => {
    const fatima = { id: 'fatima', name: 'Fatima Rahman', timezone: 'Europe/Madrid', email: 'fatima@example.com', git_emails: ['fatima@example.com'] };
    let incident = done(await run(COMMANDS.addPerson, { person: fatima }));
    assert.deepEqual(incident.people?.find((p) => p.id === 'fatima'), fatima);

    incident = done(await run(COMMANDS.assignRole, { role: 'worker', person: 'fatima' }));
    const assignment = (await read()).roles.workers?.find((w) => w.person === 'fatima' && !w.released_at);
    assert.ok(assignment, 'fatima is not a worker in the file');
    assert.match(assignment.since, /[+-]\d\d:\d\d$|Z$/);
    assert.ok(incident.timeline.some((t) => t.kind === 'role-assigned' && t.text.includes('Fatima Rahman') && t.by === 'ana'));

    const workerRow = leaves('roles').find((n) => n.kind === 'leaf' && n.item.label === 'Fatima Rahman');
    assert.ok(workerRow && workerRow.kind === 'leaf', 'no row for the new worker');
    assert.match(String(workerRow.item.description), /^Madrid, \d\d:\d\d now(, asleep)? · worker for \d+m$/);
    assert.equal(workerRow.item.contextValue, 'role:worker');

    // From the role node's context menu: the node carries the person and the role.
    incident = done((await vscode.commands.executeCommand<RunbookResult>(COMMANDS.removeRole, workerRow))!);
    assert.ok((await read()).roles.workers?.find((w) => w.person === 'fatima')?.released_at, 'fatima was not released');

    incident = done(await run(COMMANDS.assignRole, { role: 'observer', person: 'fatima' }));
    assert.ok(incident.roles.observers?.includes('fatima'));
    incident = done(await run(COMMANDS.removeRole, { role: 'observer', person: 'fatima' }));
    assert.ok(!incident.roles.observers?.includes('fatima'));
  });

  it('refuses the Incident Manager as a worker, quoting the runbook, and leaves the record alone', async () => {
    const before = await fs.readFile(file(), 'utf8');
    const result = await run(COMMANDS.assignRole, { role: 'worker', person: 'ana' });
    assert.equal(result.outcome, 'refused', JSON.stringify(result));
    if (result.outcome !== 'refused') return;
    assert.equal(result.rule, 'im-not-worker');
    assert.match(result.message, /^Refused: Ana Pereira is the Incident Manager and cannot be a worker\. The runbook: "The Incident Manager is not allowed to be a worker\."/);
    assert.equal(await fs.readFile(file(), 'utf8'), before);

    const prm = await run(COMMANDS.assignRole, { role: 'worker', person: 'carla' });
    assert.equal(prm.outcome, 'refused');
    assert.match(prm.outcome === 'refused' ? prm.message : '', /Public Relations tasks must be delegated/);
    assert.equal(await fs.readFile(file(), 'utf8'), before);
  });

  it('ticks and unticks a checklist step, writing who and when', async () => {
    const ticked = done(await run(COMMANDS.tickStep, { list: 'start', step: 'link-ticket' }));
    const onDisk = (await read()).checklists.start.find((s) => s.id === 'link-ticket');
    assert.ok(onDisk?.done_at, 'done_at not written');
    assert.equal(onDisk.done_by, 'ana');
    assert.ok(ticked.timeline.some((t) => t.kind === 'checklist-ticked' && t.text === 'Start step done: Post the ticket link in the chat room'));
    const row = leaves('start-checklist').find((n) => n.kind === 'leaf' && n.item.data?.step === 'link-ticket');
    assert.equal(row?.kind === 'leaf' && row.item.contextValue, 'checklist:start:done');

    // From the tree row, as the inline action runs it.
    done((await vscode.commands.executeCommand<RunbookResult>(COMMANDS.untickStep, row))!);
    const undone = (await read()).checklists.start.find((s) => s.id === 'link-ticket');
    assert.equal(undone?.done_at, null);
    assert.equal(undone?.done_by, null);
  });

  it('ticking the announce step copies the announcement with the actual level', async () => {
    done(await run(COMMANDS.untickStep, { list: 'start', step: 'announce' }));
    const result = await run(COMMANDS.tickStep, { list: 'start', step: 'announce', copyAnnouncement: true });
    done(result);
    const text = result.outcome === 'done' ? String(result.detail?.announcement) : '';
    assert.match(text, /^Level 2 incident: Checkout returns 500 for EU customers/);
    assert.match(text, /Ticket: https:\/\/tickets\.example\.com\/OPS-4711/);
    assert.match(text, /Incident Manager: Ana Pereira/);
    assert.equal(await vscode.env.clipboard.readText(), text);

    const copied = await run(COMMANDS.copyAnnouncement, {});
    assert.equal(copied.outcome === 'done' && copied.detail?.announcement, text);
  });

  it('escalates with a reason and the cadence follows; no regroup at Level 1; back to Level 2', async () => {
    const missingReason = await run(COMMANDS.changeSeverity, { level: 1, reason: '  ' });
    assert.equal(missingReason.outcome, 'refused');

    let incident = done(await run(COMMANDS.changeSeverity, { level: 1, reason: 'A top customer is down' }));
    assert.equal((await read()).severity, 1);
    assert.equal(nextUpdate(incident, Date.now()).cadenceMinutes, 60);
    assert.ok(incident.checklists.start.some((s) => s.id === 'start-call'), 'Level 1 checklist not applied');
    assert.ok(incident.timeline.some((t) => t.kind === 'severity-changed' && t.text === 'Level 2 → Level 1: A top customer is down'));

    const before = await fs.readFile(file(), 'utf8');
    const regroup = await run(COMMANDS.sendEveryoneHome, {});
    assert.equal(regroup.outcome, 'refused');
    assert.match(regroup.outcome === 'refused' ? regroup.message : '', /Level 1 does not allow sending everyone home/);
    assert.equal(await fs.readFile(file(), 'utf8'), before);

    incident = done(await run(COMMANDS.changeSeverity, { level: 2, reason: 'The customer is back up' }));
    assert.equal(nextUpdate(incident, Date.now()).cadenceMinutes, 120);
    assert.ok(incident.checklists.start.find((s) => s.id === 'announce')?.done_at, 'a done step was lost across levels');
  });

  it('lists reminders with their commands: the long-open Level 2 incident suggests escalation', async () => {
    const rows = leaves('reminders').filter((n): n is Extract<IncidentTreeNode, { kind: 'leaf' }> => n.kind === 'leaf');
    const escalate = rows.find((n) => n.item.key === 'escalate');
    assert.ok(escalate, rows.map((n) => n.item.key).join(', '));
    assert.equal(escalate.item.command?.command, COMMANDS.changeSeverity);
    assert.deepEqual(escalate.item.command?.arguments?.[0], { incident: ID, ask: true, level: 1 });
    const handOff = rows.find((n) => n.item.key === 'hand-off:bruno');
    assert.equal(handOff?.item.command?.command, COMMANDS.handOffWorker);
  });

  it('sends everyone home at Level 2, shows the pause in Reminders, and resumes', async () => {
    const until = new Date(Date.now() + 8 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const incident = done(await run(COMMANDS.sendEveryoneHome, { until }));
    assert.equal(incident.regroup?.[incident.regroup.length - 1].until, until);
    const paused = leaves('reminders');
    assert.equal(paused.length, 1);
    assert.ok(paused[0].kind === 'leaf' && /^Paused until /.test(paused[0].item.label), JSON.stringify(paused[0].kind === 'leaf' && paused[0].item.label));
    assert.equal(paused[0].kind === 'leaf' && paused[0].item.command?.command, COMMANDS.resumeWork);

    const resumed = done(await run(COMMANDS.resumeWork, {}));
    assert.ok(resumed.regroup?.[resumed.regroup.length - 1].resumed_at);
  });

  it('logs a customer call that did not reach them, with waking-hours advice, and suggests email', async () => {
    const result = await run(COMMANDS.logContact, { who: 'customer:acme', channel: 'phone', reached: false, purpose: 'customer', note: 'voicemail' });
    const incident = done(result);
    const attempt = incident.contact_attempts?.[incident.contact_attempts.length - 1];
    assert.deepEqual({ ...attempt, at: undefined }, { at: undefined, by: 'ana', who: 'customer:acme', channel: 'phone', reached: false, purpose: 'customer', note: 'voicemail' });
    const detail = result.outcome === 'done' ? (result.detail as { advice: { kind: string; message: string }; suggestion: { kind: string; message: string } }) : undefined;
    assert.ok(['call-now', 'quiet-hours-warn'].includes(detail!.advice.kind), detail!.advice.kind);
    assert.match(detail!.advice.message, /Europe\/Paris/);
    assert.equal(detail!.suggestion.kind, 'email');
    assert.match(detail!.suggestion.message, /contact them via e-mail/);
  });
});

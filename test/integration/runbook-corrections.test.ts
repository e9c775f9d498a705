// Runs after the close-gate suite (files run in name order): it edits the fixture record, and the
// gate suite checks out the fix branch on a clean working tree.
// Correcting what was entered, in the extension host: the IM declared without a phone gets one
// and the announcement posts it; a person holding a role is not removed.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunbookResult } from '../../src/vscode/commands/runbookShared';
import { COMMANDS } from '../../src/vscode/ids';
import { activateExtension } from './helpers';

const ID = '2026-11-26-checkout-5xx';

async function run(command: string, args: Record<string, unknown>): Promise<RunbookResult> {
  const result = await vscode.commands.executeCommand<RunbookResult>(command, { incident: ID, ...args });
  assert.ok(result, `${command} returned nothing`);
  return result;
}

describe('Correcting people and the incident', () => {
  before(async () => {
    await activateExtension();
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', 'ana', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    // Leave the fixture as the other suites expect it.
    await run(COMMANDS.editPerson, { person: 'ana', changes: { phone: '' }, contacts: 'record' });
    await vscode.workspace.getConfiguration('incidentRoom').update('actor', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('gives the IM a phone number, and the announcement posts it', async () => {
    const before = await run(COMMANDS.copyAnnouncement, {});
    assert.match(String((before as { detail?: { announcement?: string } }).detail?.announcement), /no direct phone number recorded: add it with "Incident: Edit Person"/);
    const edited = await run(COMMANDS.editPerson, { person: 'ana', changes: { phone: '+351 912 345 678' }, contacts: 'record' });
    assert.equal(edited.outcome, 'done', JSON.stringify(edited));
    const after = await run(COMMANDS.copyAnnouncement, {});
    assert.match(String((after as { detail?: { announcement?: string } }).detail?.announcement), /Incident Manager: Ana Pereira, direct phone \+351 912 345 678/);
  });

  it('refuses to remove the SME and worker Bruno, naming his roles', async () => {
    const result = await run(COMMANDS.removePerson, { person: 'bruno' });
    assert.equal(result.outcome, 'refused', JSON.stringify(result));
    assert.match(result.outcome === 'refused' ? result.message : '', /Bruno Costa is the incident's SME and worker and cannot be removed while holding a role/);
  });

  it('corrects the public title, which customers then see', async () => {
    const result = await run(COMMANDS.editIncident, { changes: { public_title: 'Payments failing for some European customers' } });
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    assert.equal(result.outcome === 'done' && result.incident.public_title, 'Payments failing for some European customers');
  });
});

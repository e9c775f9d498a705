// A command run from the palette acts on the incident in view without asking "Which incident?":
// the record in the active editor first, else the incident selected in the sidebar.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IncidentRoomApi } from '../../src/extension';
import type { RunbookResult } from '../../src/vscode/commands/runbookShared';
import { COMMANDS } from '../../src/vscode/ids';
import { activateExtension, workspaceRoot } from './helpers';

// Both fixture incidents are open, so without the context a person would be asked.
const CHECKOUT = '2026-11-26-checkout-5xx';
const SEARCH = '2026-11-20-slow-search';

/**
 * Runs the command as the palette does (no argument). A quick pick would leave it waiting for
 * an answer: after the deadline the pick is closed and the test fails, saying it was asked.
 */
async function runWithoutArguments(command: string): Promise<RunbookResult> {
  let timer: NodeJS.Timeout | undefined;
  const asked = new Promise<'asked'>((resolve) => {
    timer = setTimeout(() => resolve('asked'), 8000);
  });
  const result = await Promise.race([vscode.commands.executeCommand<RunbookResult>(command), asked]);
  clearTimeout(timer);
  if (result === 'asked') {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.fail(`${command} asked a question instead of picking the incident in view`);
  }
  assert.ok(result, `${command} returned nothing`);
  return result;
}

function incidentOf(result: RunbookResult): string {
  assert.equal(result.outcome, 'done', JSON.stringify(result));
  return (result as Extract<RunbookResult, { outcome: 'done' }>).incident.id;
}

describe('Picking the incident without asking', () => {
  let api: IncidentRoomApi;
  const recordOf = (id: string) => vscode.Uri.file(path.join(workspaceRoot(), '.incidents', `${id}.yaml`));

  before(async () => {
    api = await activateExtension();
    assert.ok(api.model.incidents().filter((e) => e.incident.status !== 'closed').length >= 2, 'the fixture needs two open incidents');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('acts on the incident whose record is in the active editor', async () => {
    await vscode.window.showTextDocument(recordOf(SEARCH), { preview: false });
    assert.equal(incidentOf(await runWithoutArguments(COMMANDS.copyAnnouncement)), SEARCH);
    await vscode.window.showTextDocument(recordOf(CHECKOUT), { preview: false });
    assert.equal(incidentOf(await runWithoutArguments(COMMANDS.copyAnnouncement)), CHECKOUT);
  });

  it('acts on the incident selected in the sidebar when no record is in the editor', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const section = api.tree.sectionNode(SEARCH, 'roles');
    assert.ok(section, 'no Roles section for the search incident');
    // A node inside the incident counts: the selection belongs to that incident.
    await api.treeView.reveal(section, { select: true, focus: false });
    assert.equal(incidentOf(await runWithoutArguments(COMMANDS.copyAnnouncement)), SEARCH);
  });

  it('prefers the active editor over the sidebar selection', async () => {
    const node = api.tree.incidentNode(SEARCH);
    assert.ok(node);
    await api.treeView.reveal(node, { select: true, focus: false });
    await vscode.window.showTextDocument(recordOf(CHECKOUT), { preview: false });
    assert.equal(incidentOf(await runWithoutArguments(COMMANDS.copyAnnouncement)), CHECKOUT);
  });
});

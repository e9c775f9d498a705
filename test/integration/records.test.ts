import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseRecord } from '../../src/store/recordFile';
import { COMMANDS } from '../../src/vscode/ids';
import type { IncidentRoomApi } from '../../src/extension';
import { activateExtension, waitFor, workspaceRoot } from './helpers';

function rootTitles(api: IncidentRoomApi): string[] {
  return api.tree.rootNodes().map((n) => (n.kind === 'incident' ? n.entry.incident.title : `broken:${path.basename(n.kind === 'broken' ? n.entry.record.file : '')}`));
}

describe('Incident records in the extension host', () => {
  let api: IncidentRoomApi;
  const records = () => path.join(workspaceRoot(), '.incidents');

  before(async () => {
    api = await activateExtension();
  });

  it('registers every command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of Object.values(COMMANDS)) assert.ok(registered.has(id), `${id} is not registered`);
  });

  it("shows the fixture's incidents in the tree, open ones by level", async () => {
    const titles = rootTitles(api);
    assert.ok(titles.includes('Checkout returns 500 for EU customers'), titles.join(', '));
    assert.ok(titles.includes('Search is slow for large catalogues'), titles.join(', '));
    assert.ok(titles.indexOf('Checkout returns 500 for EU customers') < titles.indexOf('Search is slow for large catalogues'));
  });

  it('declares an incident that writes a valid record and opens it', async () => {
    const file = await vscode.commands.executeCommand<string>(COMMANDS.declare, {
      title: 'Login page times out',
      level: 1,
      impact: 'Nobody can sign in',
      incidentManager: { id: 'carla', name: 'Carla Mendes', timezone: 'Europe/Lisbon' },
      chatRoom: 'https://chat.example.com/inc',
      ticket: '',
    });
    assert.ok(file, 'declare returned no file');
    assert.equal(path.dirname(file), records());
    const loaded = parseRecord(file, await fs.readFile(file));
    assert.equal(loaded.kind, 'ok', JSON.stringify(loaded));
    if (loaded.kind !== 'ok') return;
    assert.equal(loaded.incident.severity, 1);
    assert.equal(loaded.incident.roles.incident_manager, 'carla');
    assert.equal(loaded.incident.checklists.start.length, 10);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    await waitFor('the new incident in the tree', () => api.tree.incidentNode(loaded.incident.id));
  });

  it('reveals the record of the active editor in the tree', async () => {
    const file = path.join(records(), '2026-11-26-checkout-5xx.yaml');
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    await vscode.commands.executeCommand(COMMANDS.revealInTree);
    const selected = await waitFor('a selection in the tree', () => api.treeView.selection[0]);
    assert.equal(selected.kind, 'incident');
    assert.equal(selected.kind === 'incident' && selected.entry.incident.id, '2026-11-26-checkout-5xx');
  });

  it('shows a hand edit of a record in the tree within a second, without a reload', async () => {
    const file = path.join(records(), '2026-11-20-slow-search.yaml');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('title: Search is slow for large catalogues', 'title: Search is slow for every catalogue'));
    await waitFor('the edited title in the tree', () => rootTitles(api).includes('Search is slow for every catalogue'), 1000);
  });

  it('lists a record with conflict markers as broken with its line, and never writes it', async () => {
    const file = path.join(records(), 'conflicted.yaml');
    const text = 'schema: incident-room/v1\n<<<<<<< HEAD\nid: a\n=======\nid: b\n>>>>>>> fix\n';
    await fs.writeFile(file, text);
    const node = await waitFor('the broken record in the tree', () => api.tree.nodeForFile(file));
    assert.equal(node.kind, 'broken');
    const item = api.tree.getTreeItem(node);
    assert.match(String(item.description), /conflict/);
    assert.match(String(item.description), /2:1/);
    assert.deepEqual(item.command?.arguments, [file, 2, 1]);
    assert.equal(await fs.readFile(file, 'utf8'), text);
    await fs.rm(file);
    await waitFor('the broken record to leave the tree', () => !api.tree.nodeForFile(file));
  });
});

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseRecord } from '../../src/store/recordFile';
import type { RunbookResult } from '../../src/vscode/commands/runbookShared';
import { COMMANDS } from '../../src/vscode/ids';
import { activateExtension, waitFor, workspaceRoot } from './helpers';

const ID = '2026-11-26-checkout-5xx';

describe('A record open with unsaved changes, then a command on it', () => {
  const file = () => path.join(workspaceRoot(), '.incidents', `${ID}.yaml`);

  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    // Leave the record as the other suites expect it: the buffer equal to the file and saved, the
    // editor closed. Putting the disk's text back does not depend on which editor has the focus,
    // which a revert of "the active editor" does on a busy machine.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file());
    if (!doc) return;
    if (doc.isDirty) {
      const onDisk = await fs.readFile(file(), 'utf8');
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), onDisk);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await doc.save(), 'the restored record could not be saved');
    }
    await waitFor('the record saved', () => !doc.isDirty);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function dirtyEditor(change: (text: string) => string): Promise<vscode.TextDocument> {
    const doc = await vscode.workspace.openTextDocument(file());
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), change(doc.getText()));
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(doc.isDirty);
    return doc;
  }

  it('the change lands in the buffer, next to the unsaved text; the file on disk is not written', async () => {
    const onDisk = await fs.readFile(file());
    const doc = await dirtyEditor((text) => text.replace('title: Checkout returns 500 for EU customers', 'title: Checkout returns 500 for EU customers   # unsaved note'));
    const result = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.tickStep, { incident: ID, list: 'start', step: 'be-available' });
    assert.equal(result?.outcome, 'done', JSON.stringify(result));
    assert.ok(doc.isDirty, 'still unsaved: the person saves when ready');
    assert.match(doc.getText(), /# unsaved note/, 'the unsaved text is kept');
    const inBuffer = parseRecord(file(), doc.getText());
    assert.equal(inBuffer.kind, 'ok');
    const step = (inBuffer as Extract<typeof inBuffer, { kind: 'ok' }>).incident.checklists.start.find((s) => s.id === 'be-available');
    assert.ok(step?.done_at, 'the tick is in the buffer');
    assert.ok((await fs.readFile(file())).equals(onDisk), 'the file on disk was not written behind the editor');
    // Undo takes the command's change back out of the buffer.
    await vscode.commands.executeCommand('undo');
    assert.match(doc.getText(), /# unsaved note/);
    assert.match(doc.getText(), /id: be-available, text: "Be available to the workers", done_at: null/);
  });

  it('an unsaved buffer that is broken is refused with a message; neither the buffer nor the file changes', async () => {
    const onDisk = await fs.readFile(file());
    const doc = await dirtyEditor((text) => text.replace('severity: 2', 'severity: 2\n\tbroken: [unclosed'));
    const before = doc.getText();
    const result = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.tickStep, { incident: ID, list: 'start', step: 'ask-help' });
    assert.notEqual(result?.outcome, 'done');
    assert.equal(doc.getText(), before);
    assert.ok((await fs.readFile(file())).equals(onDisk));
  });
});

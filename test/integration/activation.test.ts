// Smoke test: the extension loads in the real extension host and the fixture workspace is open.
import * as assert from 'node:assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'incident-room.incident-room';

describe('Activation', () => {
  it('finds the extension and activates it', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.strictEqual(extension.isActive, true);
  });

  it('opens the fixture workspace', async () => {
    const expected = process.env.INCIDENT_ROOM_TEST_WORKSPACE;
    assert.ok(expected, 'INCIDENT_ROOM_TEST_WORKSPACE is not set for the extension host');
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepStrictEqual(
      folders.map((folder) => folder.uri.fsPath),
      [expected],
    );
    const incidents = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(folders[0].uri, '.incidents'));
    assert.deepStrictEqual(
      incidents.map(([name]) => name).sort(),
      ['2026-11-20-slow-search.yaml', '2026-11-26-checkout-5xx.yaml'],
    );
  });
});

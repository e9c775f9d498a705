// Set Up Git Merge Driver for Records: the same set-up as `incident-room setup-git`, for the
// records folder of a workspace folder.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_DRIVER_COMMAND, setupGitMergeDriver as setup } from '../../store/gitSetup';
import type { ExtensionParts } from '../context';
import { recordsFolderSetting } from '../incidentsModel';

export async function setupGitMergeDriver(parts: ExtensionParts): Promise<boolean> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder =
    folders.length <= 1
      ? folders[0]
      : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Set up the record merge driver for which folder?' });
  if (!folder) {
    void vscode.window.showInformationMessage('Open the repository that holds the incident records first.');
    return false;
  }
  // The package installed in the project is what teammates without the extension run too;
  // without it, this machine runs the extension's own bundled command line.
  const installed = existsSync(path.join(folder.uri.fsPath, 'node_modules', '.bin', 'incident-room'));
  const command = installed ? DEFAULT_DRIVER_COMMAND : `node "${path.join(parts.extension.extensionPath, 'dist', 'cli.js')}"`;
  const result = await setup(folder.uri.fsPath, recordsFolderSetting(folder), command);
  void vscode.window.showInformationMessage(
    `Record merge driver ${result.configChanged ? 'registered' : 'already registered'} in this clone; .gitattributes ${result.attributesChanged ? 'updated: commit it so teammates merge records the same way (each runs "npx incident-room setup-git" once)' : 'already up to date'}.`,
  );
  return true;
}

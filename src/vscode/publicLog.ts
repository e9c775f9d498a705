// The public incident log: regenerated from the records, so it cannot drift from them.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { renderPublicLog } from '../model/publicLog';
import type { ExtensionParts } from './context';
import { SETTINGS, SETTINGS_SECTION } from './ids';

export function publicLogPath(folder: vscode.WorkspaceFolder): string {
  const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<string>(SETTINGS.publicLogPath)?.trim();
  return path.resolve(folder.uri.fsPath, setting || 'INCIDENT-LOG.md');
}

/** Regenerates the public log from the folder's records; writes only when it changed. */
export async function writePublicLog(parts: ExtensionParts, folder: vscode.WorkspaceFolder): Promise<string> {
  const file = publicLogPath(folder);
  const incidents = await parts.model.readFolderIncidents(folder);
  const text = renderPublicLog(incidents);
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current !== text) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
  }
  return file;
}

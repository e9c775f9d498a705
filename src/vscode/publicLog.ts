// The public incident log: regenerated from the records, so it cannot drift from them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sectionsFileFor, writePublicLogFile } from '../store/publicLogFile';
import type { ExtensionParts } from './context';
import { SETTINGS, SETTINGS_SECTION } from './ids';

export function publicLogPath(folder: vscode.WorkspaceFolder): string {
  const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<string>(SETTINGS.publicLogPath)?.trim();
  return path.resolve(folder.uri.fsPath, setting || 'INCIDENT-LOG.md');
}

/**
 * Regenerates the public log from the folder's records; writes only when it changed. Each
 * record's section is kept beside the summary cache, so only records changed since are read.
 */
export async function writePublicLog(parts: ExtensionParts, folder: vscode.WorkspaceFolder): Promise<string> {
  const file = publicLogPath(folder);
  const target = parts.model.storeFolders().find((f) => f.folder.uri.toString() === folder.uri.toString());
  if (!target) throw new Error(`no records folder is known for ${folder.name}`);
  const cacheFile = target.store.cacheFile;
  await writePublicLogFile(target.store, file, cacheFile ? sectionsFileFor(cacheFile) : undefined);
  return file;
}

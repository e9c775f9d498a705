import * as vscode from 'vscode';
import type { IncidentRoomApi } from '../../src/extension';
import { EXTENSION_ID } from '../../src/vscode/ids';

export async function activateExtension(): Promise<IncidentRoomApi> {
  const extension = vscode.extensions.getExtension<IncidentRoomApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  const api = await extension.activate();
  await api.model.reload();
  return api;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration suite needs a workspace folder');
  return folder.uri.fsPath;
}

/** Polls until the condition holds; the file watcher is asynchronous. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

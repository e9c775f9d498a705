// The people a workspace knows: those in its records and in the shared people file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Person } from '../model/record';
import { readPeopleFile } from '../store/incidentStore';
import type { ExtensionParts } from './context';
import type { FolderRecords } from './incidentsModel';
import { SETTINGS, SETTINGS_SECTION } from './ids';

export function peopleFilePath(folder: vscode.WorkspaceFolder): string | undefined {
  const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<string>(SETTINGS.peopleFile)?.trim();
  return setting ? path.resolve(folder.uri.fsPath, setting) : undefined;
}

export async function sharedPeople(folder: vscode.WorkspaceFolder): Promise<Person[]> {
  const file = peopleFilePath(folder);
  if (!file) return [];
  const { people, problems } = await readPeopleFile(file);
  if (problems.length) {
    const p = problems[0];
    void vscode.window.showWarningMessage(`People file ${path.basename(file)}:${p.line}:${p.col} ${p.message}`);
  }
  return people;
}

/** Everyone named in the folder's records or its people file, once each, by name. */
export async function knownPeople(parts: ExtensionParts, target: FolderRecords): Promise<Person[]> {
  const byId = new Map<string, Person>();
  for (const p of await sharedPeople(target.folder)) byId.set(p.id, p);
  for (const e of parts.model.incidents()) {
    if (e.folder !== target.folder) continue;
    for (const p of e.incident.people ?? []) if (!byId.has(p.id)) byId.set(p.id, p);
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

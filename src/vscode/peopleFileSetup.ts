// Setting up the people file: a YAML file git ignores, named by the incidentRoom.peopleFile
// setting, so phone numbers and emails stay out of the repository. Offered once per workspace
// when its records carry contact details and no people file is set.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createPeopleFile, ignoreInGit } from '../store/peopleFile';
import type { ExtensionParts } from './context';
import { SETTINGS, SETTINGS_SECTION } from './ids';
import { peopleFilePath } from './people';

export const DEFAULT_PEOPLE_FILE = '.incident-people.yaml';
const OFFERED_KEY = 'incidentRoom.peopleFileOffered';

/**
 * Creates the people file (default `.incident-people.yaml`), adds it to the folder's .gitignore
 * and sets the folder's incidentRoom.peopleFile. Returns its absolute path, or undefined when
 * the person cancelled. `relative` skips the question.
 */
export async function setUpPeopleFile(folder: vscode.WorkspaceFolder, relative?: string): Promise<string | undefined> {
  const existing = peopleFilePath(folder);
  const chosen =
    relative ??
    (await vscode.window.showInputBox({
      title: 'Set Up People File',
      prompt: 'Where to keep contact details, relative to the workspace folder. Incident Room adds it to .gitignore.',
      value: existing ? path.relative(folder.uri.fsPath, existing) : DEFAULT_PEOPLE_FILE,
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() ? 'A file name, e.g. .incident-people.yaml.' : path.isAbsolute(v.trim()) || v.trim().startsWith('..') ? 'A path inside the workspace folder.' : !/\.ya?ml$/.test(v.trim()) ? 'A YAML file (.yaml or .yml).' : undefined),
    }));
  if (!chosen) return undefined;
  const file = path.resolve(folder.uri.fsPath, chosen.trim());
  await createPeopleFile(file);
  const ignored = await ignoreInGit(folder.uri.fsPath, file);
  await vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).update(SETTINGS.peopleFile, chosen.trim(), vscode.ConfigurationTarget.WorkspaceFolder);
  void vscode.window.showInformationMessage(`People file ${chosen.trim()} is set up${ignored ? ' and listed in .gitignore' : ' (already in .gitignore)'}. Add Person and Declare keep phone numbers and emails there.`);
  return file;
}

/** The command: for the one folder, or the one the person picks. */
export async function setUpPeopleFileCommand(parts: ExtensionParts, relative?: string): Promise<string | undefined> {
  const folders = parts.model.storeFolders();
  if (folders.length === 0) {
    void vscode.window.showErrorMessage('Open a folder first: the people file lives in the workspace.');
    return undefined;
  }
  const folder = folders.length === 1 ? folders[0].folder : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder gets the people file?' });
  return folder && setUpPeopleFile(folder, typeof relative === 'string' ? relative : undefined);
}

/**
 * The first-run prompt: once per workspace, when a folder without a people file has records
 * holding phone numbers or emails, offer to set one up.
 */
export async function offerPeopleFile(parts: ExtensionParts): Promise<void> {
  if (parts.extension.workspaceState.get<boolean>(OFFERED_KEY)) return;
  await parts.model.whenLoaded();
  const exposed = parts.model.incidents().find((e) => !peopleFilePath(e.folder) && (e.incident.people ?? []).some((p) => p.phone || p.email));
  if (!exposed) return;
  await parts.extension.workspaceState.update(OFFERED_KEY, true);
  const setUp = 'Set Up People File';
  const choice = await vscode.window.showInformationMessage(
    `${path.basename(exposed.record.file)} holds phone numbers or emails, which are committed with the repository. Keep contact details in a people file git ignores?`,
    setUp,
    'Not Now',
  );
  if (choice === setUp) await setUpPeopleFile(exposed.folder);
}

// Who did it: every change records the acting person. The setting wins, then the git user's
// email; otherwise the person is asked once per workspace folder and remembered.
import * as vscode from 'vscode';
import { gitUserEmail } from '../git/identity';
import type { ActionContext } from '../model/edits';
import { resolveActor } from '../model/actor';
import { findPerson, resolvePeople } from '../model/people';
import type { Incident, Person } from '../model/record';
import type { ExtensionParts } from './context';
import { SETTINGS, SETTINGS_SECTION } from './ids';
import { sharedPeople } from './people';

const REMEMBERED_KEY = 'incidentRoom.actor';

export async function peopleOf(folder: vscode.WorkspaceFolder, incident: Incident): Promise<Person[]> {
  return resolvePeople(incident, await sharedPeople(folder));
}

/** The acting person and the time, or undefined when the user declined to say who they are. */
export async function actionContext(parts: ExtensionParts, folder: vscode.WorkspaceFolder, incident: Incident): Promise<ActionContext | undefined> {
  const people = await peopleOf(folder, incident);
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<string>(SETTINGS.actor);
  const remembered = parts.extension.workspaceState.get<Record<string, string>>(REMEMBERED_KEY, {})[folder.uri.toString()];
  let actor = resolveActor({ configuredPersonId: configured || remembered, gitEmail: await gitUserEmail(folder.uri.fsPath), people });
  if (!actor) {
    const picked = await vscode.window.showQuickPick(
      people.map((p) => ({ label: p.name, description: p.id, person: p })),
      {
        title: 'Who are you?',
        placeHolder: 'Incident Room records who made each change. Set incidentRoom.actor or your git email to skip this.',
        ignoreFocusOut: true,
      },
    );
    if (!picked) return undefined;
    actor = picked.person.id;
    const map = parts.extension.workspaceState.get<Record<string, string>>(REMEMBERED_KEY, {});
    await parts.extension.workspaceState.update(REMEMBERED_KEY, { ...map, [folder.uri.toString()]: actor });
  }
  return { actor, now: new Date(), zone: findPerson(people, actor)?.timezone };
}

/** The acting person when known without asking (the setting, a remembered choice, the git email); null otherwise. */
export async function knownActor(parts: ExtensionParts, folder: vscode.WorkspaceFolder, people: Person[]): Promise<string | null> {
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<string>(SETTINGS.actor);
  const remembered = parts.extension.workspaceState.get<Record<string, string>>(REMEMBERED_KEY, {})[folder.uri.toString()];
  return resolveActor({ configuredPersonId: configured || remembered, gitEmail: await gitUserEmail(folder.uri.fsPath), people });
}

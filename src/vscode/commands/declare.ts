// Incident: Declare Incident — asks for what the runbook needs at the start, writes the record, opens it.
import * as vscode from 'vscode';
import { DeclareError, newIncident, slugify, type DeclareInput } from '../../model/declare';
import { LEVEL_TABLE } from '../../model/levels';
import { LEVELS, type Level, type Person } from '../../model/record';
import { isTimeZone } from '../../model/time';
import type { ExtensionParts } from '../context';
import type { FolderRecords } from '../incidentsModel';
import { knownPeople } from '../people';
import { writePublicLog } from '../publicLog';

/** Arguments a caller (a test, another command) may pass to skip the questions. */
export interface DeclareArgs {
  title?: string;
  level?: Level;
  impact?: string;
  incidentManager?: Person;
  chatRoom?: string;
  ticket?: string;
  folder?: vscode.Uri;
}

const TITLE = 'Declare Incident';

export async function declareIncident(parts: ExtensionParts, args: DeclareArgs = {}): Promise<string | undefined> {
  const target = await pickFolder(parts, args.folder);
  if (!target) return undefined;

  const title = args.title ?? (await vscode.window.showInputBox({
    title: `${TITLE} (1/6)`,
    prompt: 'What is wrong, in one line?',
    placeHolder: 'Checkout returns 500 for EU customers',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'An incident needs a title.'),
  }));
  if (title === undefined) return undefined;

  const level = args.level ?? (await pickLevel());
  if (level === undefined) return undefined;

  const impact = args.impact ?? (await vscode.window.showInputBox({
    title: `${TITLE} (3/6)`,
    prompt: 'Impact: who is affected and how?',
    placeHolder: 'EU customers cannot pay; orders down 40%',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Describe the impact.'),
  }));
  if (impact === undefined) return undefined;

  const incidentManager = args.incidentManager ?? (await pickIncidentManager(parts, target));
  if (!incidentManager) return undefined;

  const chatRoom = args.chatRoom ?? (await optionalLink(`${TITLE} (5/6)`, 'Chat room link (optional)', 'https://chat.example.com/incident-room'));
  if (chatRoom === undefined) return undefined;
  const ticket = args.ticket ?? (await optionalLink(`${TITLE} (6/6)`, 'Ticket link (optional)', 'https://tracker.example.com/INC-123'));
  if (ticket === undefined) return undefined;

  const input: DeclareInput = { title, level, impact, incidentManager, chatRoom, ticket };
  try {
    const taken = new Set(parts.model.summaries().flatMap((e) => (e.summary.id === undefined ? [] : [e.summary.id])));
    const incident = newIncident(input, new Date(), taken);
    const file = await target.store.create(incident);
    await parts.model.reload();
    // The runbook: the public log is updated as soon as the incident is declared.
    await writePublicLog(parts, target.folder);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    void vscode.window.showInformationMessage(`${LEVEL_TABLE[level].name} incident declared: ${incident.title}`);
    return file;
  } catch (err) {
    const message = err instanceof DeclareError ? err.message : `Could not declare the incident: ${(err as Error).message}`;
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

async function pickFolder(parts: ExtensionParts, uri?: vscode.Uri): Promise<FolderRecords | undefined> {
  const folders = parts.model.storeFolders();
  if (folders.length === 0) {
    void vscode.window.showErrorMessage('Open a folder first: incident records are kept in the workspace.');
    return undefined;
  }
  if (uri) return folders.find((f) => f.folder.uri.toString() === uri.toString());
  if (folders.length === 1) return folders[0];
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder keeps the incident record?' });
  return picked && folders.find((f) => f.folder.uri.toString() === picked.uri.toString());
}

async function pickLevel(): Promise<Level | undefined> {
  // Level 2 first: it is the default and the runbook this team follows.
  const order: Level[] = [2, 1, 3];
  const picked = await vscode.window.showQuickPick(
    order.filter((l) => LEVELS.includes(l)).map((level) => ({
      label: LEVEL_TABLE[level].name,
      description: `updates every ${LEVEL_TABLE[level].updateCadenceMinutes / 60} h`,
      detail: LEVEL_TABLE[level].summary,
      level,
    })),
    { title: `${TITLE} (2/6)`, placeHolder: 'Severity level', ignoreFocusOut: true },
  );
  return picked?.level;
}

async function pickIncidentManager(parts: ExtensionParts, target: FolderRecords): Promise<Person | undefined> {
  const people = await knownPeople(parts, target);
  const someoneElse = { label: '$(add) Someone else…', person: undefined as Person | undefined };
  if (people.length > 0) {
    const picked = await vscode.window.showQuickPick(
      [...people.map((p) => ({ label: p.name, description: p.timezone, person: p as Person | undefined })), someoneElse],
      { title: `${TITLE} (4/6)`, placeHolder: 'Incident Manager (must not be one of the workers)', ignoreFocusOut: true },
    );
    if (!picked) return undefined;
    if (picked.person) return picked.person;
  }
  const name = await vscode.window.showInputBox({
    title: `${TITLE} (4/6)`,
    prompt: 'Incident Manager: full name',
    placeHolder: 'Ana Pereira',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'The Incident Manager needs a name.'),
  });
  if (name === undefined) return undefined;
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const timezone = await vscode.window.showInputBox({
    title: `${TITLE} (4/6)`,
    prompt: `${name.trim()}'s time zone (IANA name)`,
    value: localZone,
    ignoreFocusOut: true,
    validateInput: (v) => (isTimeZone(v.trim()) ? undefined : 'An IANA time zone, e.g. Europe/Lisbon or America/New_York.'),
  });
  if (timezone === undefined) return undefined;
  const taken = new Set(people.map((p) => p.id));
  let id = slugify(name).split('-')[0] || 'im';
  for (let n = 2; taken.has(id); n++) id = `${slugify(name).split('-')[0]}-${n}`;
  return { id, name: name.trim(), timezone: timezone.trim() };
}

async function optionalLink(title: string, prompt: string, placeHolder: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: `${prompt}. Leave empty to skip.`,
    placeHolder,
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() || /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v.trim()) ? undefined : 'A link such as https://…, or nothing.'),
  });
}

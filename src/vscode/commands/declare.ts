// Incident: Declare Incident — asks for what the runbook needs at the start, writes the record, opens it.
import * as vscode from 'vscode';
import { DeclareError, newIncident, type DeclareInput } from '../../model/declare';
import { LEVEL_TABLE } from '../../model/levels';
import { LEVELS, type Level, type Person } from '../../model/record';
import { personClock } from '../../model/waking';
import type { ExtensionParts } from '../context';
import type { FolderRecords } from '../incidentsModel';
import { knownPeople, peopleFilePath } from '../people';
import { runSteps, type Answers, type Step } from '../multiStep';
import { personFromAnswers, personSteps, placeContacts, type ContactsPlace } from '../personSteps';
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

  let input: (DeclareInput & { publicTitle?: string }) | undefined;
  if (args.title && args.level && args.impact && args.incidentManager) {
    input = { title: args.title, level: args.level, impact: args.impact, incidentManager: args.incidentManager, chatRoom: args.chatRoom, ticket: args.ticket };
  } else {
    input = await askDeclaration(parts, target, args);
  }
  if (!input) return undefined;

  try {
    const taken = new Set(parts.model.summaries().flatMap((e) => (e.summary.id === undefined ? [] : [e.summary.id])));
    const incident = newIncident(input, new Date(), taken);
    if (input.publicTitle) incident.public_title = input.publicTitle;
    const file = await target.store.create(incident);
    await parts.model.reload();
    // The runbook: the public log is updated as soon as the incident is declared.
    await writePublicLog(parts, target.folder);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    void vscode.window.showInformationMessage(`${LEVEL_TABLE[input.level].name} incident declared: ${incident.title}`);
    return file;
  } catch (err) {
    const message = err instanceof DeclareError ? err.message : `Could not declare the incident: ${(err as Error).message}`;
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

const SOMEONE_ELSE = '\u0000new';
const LINK = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const linkCheck = (v: string) => (!v || LINK.test(v) ? undefined : 'A link such as https://…, or nothing.');

/**
 * The declaration as one multi-step input: title, level, impact, public title, the Incident
 * Manager (someone known, or a new person with their zone), the IM's direct phone when none is
 * known (the announcement posts it), the chat room and the ticket. Back keeps every answer.
 */
async function askDeclaration(parts: ExtensionParts, target: FolderRecords, args: DeclareArgs): Promise<(DeclareInput & { publicTitle?: string }) | undefined> {
  const people = await knownPeople(parts, target);
  // Level 2 first: it is the default and the runbook this team follows.
  const order: Level[] = [2, 1, 3];
  const newIm = (a: Answers) => a.im === SOMEONE_ELSE;
  const imOf = (a: Answers): Person | undefined => people.find((p) => p.id === a.im);
  const steps: Step[] = [
    { kind: 'input', key: 'title', prompt: 'What is wrong, in one line? (The team sees this title.)', placeHolder: 'Checkout returns 500 for EU customers', validate: (v) => (v ? undefined : 'An incident needs a title.') },
    {
      kind: 'pick',
      key: 'level',
      placeHolder: 'Severity level',
      options: () =>
        order.filter((l) => LEVELS.includes(l)).map((level) => ({
          label: LEVEL_TABLE[level].name,
          description: `updates every ${LEVEL_TABLE[level].updateCadenceMinutes / 60} h`,
          detail: LEVEL_TABLE[level].summary,
          value: String(level),
        })),
    },
    { kind: 'input', key: 'impact', prompt: 'Impact: who is affected and how?', placeHolder: 'EU customers cannot pay; orders down 40%', validate: (v) => (v ? undefined : 'Describe the impact.') },
    { kind: 'input', key: 'publicTitle', prompt: 'Public title: what customers and the public log see (optional; without one they see "Service disruption of <day>")', placeHolder: 'Payments failing for some European customers' },
    {
      kind: 'pick',
      key: 'im',
      when: () => people.length > 0,
      placeHolder: 'Incident Manager (must not be one of the workers)',
      options: () => [
        ...people.map((p) => ({ label: p.name, description: safeClock(p.timezone), detail: p.phone ? undefined : 'no phone number known', value: p.id })),
        { label: '$(add) Someone else…', value: SOMEONE_ELSE },
      ],
    },
    ...personSteps(target.folder, {
      takenIds: people.map((p) => p.id),
      prefix: 'im.',
      when: (a) => people.length === 0 || newIm(a),
      gitEmails: false,
    }),
    {
      kind: 'input',
      key: 'imPhone',
      when: (a) => Boolean(imOf(a)) && !imOf(a)?.phone,
      prompt: (a) => `${imOf(a)?.name}'s direct phone (optional): the announcement posts it for the room. Leave empty to add it later with Edit Person.`,
      placeHolder: '+351 912 345 678',
      validate: (v) => (!v || v.replace(/\D/g, '').length >= 7 ? undefined : 'A phone number has at least 7 digits, or leave it empty.'),
    },
    { kind: 'input', key: 'chatRoom', prompt: 'Chat room link (optional)', placeHolder: 'https://chat.example.com/incident-room', value: args.chatRoom ?? '', validate: linkCheck },
    { kind: 'input', key: 'ticket', prompt: 'Ticket link (optional)', placeHolder: 'https://tracker.example.com/INC-123', value: args.ticket ?? '', validate: linkCheck },
  ];
  const initial: Answers = {};
  if (args.title) initial.title = args.title;
  if (args.level) initial.level = String(args.level);
  if (args.impact) initial.impact = args.impact;
  const answers = await runSteps(TITLE, steps, initial);
  if (!answers) return undefined;

  let incidentManager: Person | undefined;
  const known = imOf(answers);
  if (known) {
    incidentManager = { ...known };
    if (answers.imPhone) {
      // The phone goes where contact details are kept: the people file when there is one.
      incidentManager.phone = answers.imPhone;
      incidentManager = await placeContacts(target.folder, incidentManager, peopleFilePath(target.folder) ? 'people-file' : 'record');
    }
  } else {
    incidentManager = await placeContacts(target.folder, personFromAnswers(answers, { prefix: 'im.' }), answers['im.contacts'] as ContactsPlace | undefined);
  }
  if (!incidentManager) return undefined;
  return {
    title: answers.title,
    level: Number(answers.level) as Level,
    impact: answers.impact,
    incidentManager,
    chatRoom: answers.chatRoom || undefined,
    ticket: answers.ticket || undefined,
    publicTitle: answers.publicTitle || undefined,
  };
}

function safeClock(zone: string): string {
  try {
    return personClock(zone);
  } catch {
    return zone;
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

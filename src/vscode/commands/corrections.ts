// Correcting what was entered: Edit Person, Remove Person, Edit Incident, and a free note in the
// timeline. Each is one multi-step input starting from the current values.
import * as vscode from 'vscode';
import { editIncident, editPerson, removePerson, rolesHeld, RULE_PERSON_HOLDS_ROLE, type IncidentChanges } from '../../model/corrections';
import type { Incident, PersonId } from '../../model/record';
import { findPerson } from '../../model/people';
import { personClock } from '../../model/waking';
import { peopleOf } from '../actor';
import type { ExtensionParts } from '../context';
import { COMMANDS } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import { runSteps, type Answers } from '../multiStep';
import { peopleFilePath } from '../people';
import { personFromAnswers, personSteps, placeContacts, type ContactsPlace } from '../personSteps';
import { pickIncident } from '../pick';
import { CANCELLED, commandInput, failNow, refuseNow, runRunbook, type IncidentArgs, type RunbookResult } from './runbookShared';
import type { CommandTable } from './table';

export function correctionCommands(parts: ExtensionParts): CommandTable {
  return {
    [COMMANDS.editPerson]: (arg?) => editPersonCommand(parts, arg),
    [COMMANDS.removePerson]: (arg?) => removePersonCommand(parts, arg),
    [COMMANDS.editIncident]: (arg?) => editIncidentCommand(parts, arg),
  };
}

async function pickRecordPerson(entry: IncidentEntry, title: string, placeHolder: string): Promise<PersonId | undefined> {
  const incident = entry.incident;
  const people = await peopleOf(entry.folder, incident);
  const own = new Set((incident.people ?? []).map((p) => p.id));
  const picked = await vscode.window.showQuickPick(
    people
      .filter((p) => own.has(p.id))
      .map((p) => {
        const roles = rolesHeld(incident, p.id);
        let clock = p.timezone;
        try {
          clock = personClock(p.timezone);
        } catch {
          // An unknown zone is shown as written; Edit Person is how it gets corrected.
        }
        return { label: p.name, description: roles.length ? roles.join(', ') : 'no role', detail: `${p.id} · ${clock}${p.phone ? '' : ' · no phone'}`, id: p.id };
      }),
    { title, placeHolder, ignoreFocusOut: true, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.id;
}

// ---- Edit Person

export interface EditPersonArgs extends IncidentArgs {
  person: PersonId;
  changes: { name?: string; timezone?: string; phone?: string; email?: string; git_emails?: string[] };
  /** Where the phone and email go; default: where they are now. */
  contacts?: ContactsPlace;
}

export async function editPersonCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<EditPersonArgs>(arg);
  const entry = await pickIncident(parts, target, 'Edit Person');
  if (!entry) return CANCELLED;
  const id = args.person ?? (await pickRecordPerson(entry, 'Edit Person', 'Whose details need correcting?'));
  if (!id) return CANCELLED;
  const people = await peopleOf(entry.folder, entry.incident);
  const current = findPerson(people, id);
  const recordEntry = findPerson(entry.incident.people ?? [], id);
  if (!current || !recordEntry) return failNow(`"${id}" is not among this incident's people.`);
  // Contact details known but not in the record live in the people file: keep them there.
  const fileEntry = Boolean(peopleFilePath(entry.folder)) && !recordEntry.phone && !recordEntry.email && Boolean(current.phone || current.email);
  let answers: Answers | undefined;
  if (args.changes) {
    answers = {
      name: args.changes.name ?? current.name,
      timezone: args.changes.timezone ?? current.timezone,
      phone: args.changes.phone ?? current.phone ?? '',
      email: args.changes.email ?? current.email ?? '',
      git_emails: (args.changes.git_emails ?? current.git_emails ?? []).join(', '),
      contacts: args.contacts ?? (fileEntry ? 'people-file' : 'record'),
    };
  } else {
    answers = await runSteps(`Edit Person: ${current.name}`, personSteps(entry.folder, { takenIds: [], editing: true }), {
      name: current.name,
      timezone: current.timezone,
      phone: current.phone ?? '',
      email: current.email ?? '',
      git_emails: (current.git_emails ?? []).join(', '),
      contacts: fileEntry ? 'people-file' : 'record',
    });
  }
  if (!answers) return CANCELLED;
  const wanted = personFromAnswers(answers, { id });
  const placed = await placeContacts(entry.folder, wanted, answers.contacts as ContactsPlace | undefined);
  if (!placed) return CANCELLED;
  // Contacts moved to the people file are cleared from the record; kept in the record, they are written there.
  const inRecord = { name: placed.name, timezone: placed.timezone, phone: placed.phone ?? '', email: placed.email ?? '', git_emails: placed.git_emails ?? [] };
  return runRunbook(parts, entry, ({ incident, ctx }) => editPerson(incident, id, inRecord, ctx), `${placed.name}: details corrected.`);
}

// ---- Remove Person

export interface RemovePersonArgs extends IncidentArgs {
  person: PersonId;
}

export async function removePersonCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args, interactive } = commandInput<RemovePersonArgs>(arg);
  const entry = await pickIncident(parts, target, 'Remove Person');
  if (!entry) return CANCELLED;
  const id = args.person ?? (await pickRecordPerson(entry, 'Remove Person', 'Who was added by mistake? (Someone holding a role is released or handed over instead.)'));
  if (!id) return CANCELLED;
  const person = findPerson(entry.incident.people ?? [], id);
  const roles = rolesHeld(entry.incident, id);
  if (roles.length > 0) {
    // Decided before asking for confirmation: the same rule the model enforces on write.
    try {
      removePerson(entry.incident, id, { actor: id, now: new Date() });
    } catch (err) {
      return refuseNow(RULE_PERSON_HOLDS_ROLE, (err as Error).message);
    }
  }
  if (interactive) {
    const remove = 'Remove';
    const sure = await vscode.window.showWarningMessage(`Remove ${person?.name ?? id} from this incident?`, { modal: true, detail: 'The timeline keeps that they were added and removed.' }, remove);
    if (sure !== remove) return CANCELLED;
  }
  return runRunbook(parts, entry, ({ incident, ctx }) => removePerson(incident, id, ctx), `${person?.name ?? id} removed from the incident.`);
}

// ---- Edit Incident

export interface EditIncidentArgs extends IncidentArgs {
  changes: IncidentChanges;
}

const LINK = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const linkCheck = (v: string) => (!v || LINK.test(v) ? undefined : 'A link such as https://…, or nothing.');

export async function editIncidentCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<EditIncidentArgs>(arg);
  const entry = await pickIncident(parts, target, 'Edit Incident');
  if (!entry) return CANCELLED;
  const incident: Incident = entry.incident;
  let changes = args.changes;
  if (!changes) {
    const answers = await runSteps(
      `Edit Incident: ${incident.title}`,
      [
        { kind: 'input', key: 'title', prompt: 'Title (internal: the team sees it)', validate: (v) => (v ? undefined : 'An incident needs a title.') },
        { kind: 'input', key: 'public_title', prompt: 'Public title: what customers and the public log see (leave empty to use the title without private details)' },
        { kind: 'input', key: 'impact', prompt: 'Impact: who is affected and how?', validate: (v) => (v ? undefined : 'Describe the impact.') },
        { kind: 'input', key: 'chat_room', prompt: 'Chat room link (optional)', validate: linkCheck },
        { kind: 'input', key: 'ticket', prompt: 'Ticket link (optional)', validate: linkCheck },
      ],
      {
        title: incident.title,
        public_title: incident.public_title ?? '',
        impact: incident.impact.trim(),
        chat_room: incident.links?.chat_room ?? '',
        ticket: incident.links?.ticket ?? '',
      },
    );
    if (!answers) return CANCELLED;
    changes = { title: answers.title, public_title: answers.public_title, impact: answers.impact, links: { chat_room: answers.chat_room, ticket: answers.ticket } };
  }
  const wanted = changes;
  return runRunbook(parts, entry, ({ incident: fresh, ctx }) => editIncident(fresh, wanted, ctx), (updated) => (updated.timeline.length > incident.timeline.length ? 'Incident corrected.' : 'Nothing changed.'));
}


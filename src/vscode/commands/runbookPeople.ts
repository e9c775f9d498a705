// People and roles: adding people, assigning and removing roles, handing over the IM role,
// handing off and releasing workers, and logging contact attempts with waking-hours advice.
import * as vscode from 'vscode';
import { contactAdvice, contactLabel, contactPurposes, customerWho, logContactAttempt, nextContactSuggestion, CUSTOMER_PREFIX, type ContactAttemptInput, type ContactPurpose } from '../../model/contacts';
import { rolesHeld } from '../../model/corrections';
import { formatTimeRelative } from '../../model/timeDisplay';
import { RuleViolation } from '../../model/edits';
import { addPerson } from '../../model/people';
import type { Incident, Person, PersonId } from '../../model/record';
import { addObserver, addSme, addWorker, assignIm, assignPrm, currentWorkers, handOverIm, removeObserver, removeSme, RULE_ROLE } from '../../model/roles';
import { handOffWorker, releasePerson } from '../../model/staffing';
import type { CallAdvice } from '../../model/waking';
import { peopleOf } from '../actor';
import type { ExtensionParts } from '../context';
import { pickIncident } from '../pick';
import { COMMANDS } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import { quietHoursSetting } from './runbookSettings';
import {
  askNewPerson,
  CANCELLED,
  commandInput,
  failNow,
  pickPerson,
  refuseNow,
  resolvePersonArg,
  runRunbook,
  withPersonThen,
  type IncidentArgs,
  type RunbookResult,
} from './runbookShared';

export type RoleKey = 'incident_manager' | 'sme' | 'worker' | 'observer' | 'prm';

export const ROLE_NAMES: Record<RoleKey, string> = {
  incident_manager: 'Incident Manager',
  sme: 'SME',
  worker: 'Worker',
  observer: 'Observer',
  prm: 'PR Manager',
};

const ROLE_DETAILS: Record<RoleKey, string> = {
  incident_manager: 'Replaces the current IM (to correct who was named); a tired IM uses Hand Over instead. Never a worker.',
  sme: 'The subject-matter expert who knows the affected system.',
  worker: 'Works on the problem. Never the Incident Manager or the PR Manager.',
  observer: 'Receives the summary each update cycle.',
  prm: 'Handles public relations. Neither the Incident Manager nor a worker.',
};

/** The roles someone holds now, for descriptions in pickers. */
export function rolesOf(incident: Incident, id: PersonId): string[] {
  return rolesHeld(incident, id);
}

const describeRoles = (incident: Incident) => (p: Person) => {
  const roles = rolesOf(incident, p.id);
  return roles.length ? `${p.id} · ${roles.join(', ')}` : p.id;
};

// ---- Add Person

export interface AddPersonArgs extends IncidentArgs {
  person: Person;
}

export async function addPersonCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<AddPersonArgs>(arg);
  const entry = await pickIncident(parts, target, 'Add Person');
  if (!entry) return CANCELLED;
  const person = args.person ?? (await askNewPerson('Add Person', (await peopleOf(entry.folder, entry.incident)).map((p) => p.id), entry.folder));
  if (!person) return CANCELLED;
  return runRunbook(parts, entry, ({ incident, ctx }) => addPerson(incident, person, ctx), `${person.name} added to the incident.`);
}

// ---- Assign Role / Remove Role / Hand Over IM

export interface AssignRoleArgs extends IncidentArgs {
  role: RoleKey;
  /** A known person's id, or a person to add to the record first. */
  person: string | Person;
}

async function pickRole(title: string, roles: readonly RoleKey[]): Promise<RoleKey | undefined> {
  const picked = await vscode.window.showQuickPick(
    roles.map((role) => ({ label: ROLE_NAMES[role], detail: ROLE_DETAILS[role], role })),
    { title, placeHolder: 'Which role?', ignoreFocusOut: true },
  );
  return picked?.role;
}

export async function assignRoleCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<AssignRoleArgs>(arg);
  const entry = await pickIncident(parts, target, 'Assign Role');
  if (!entry) return CANCELLED;
  const role = args.role ?? (await pickRole('Assign Role', ['worker', 'sme', 'observer', 'prm', 'incident_manager']));
  if (!role) return CANCELLED;
  const person = args.person
    ? await resolvePersonArg(parts, entry, args.person)
    : await pickPerson(parts, entry, {
        title: `Assign Role: ${ROLE_NAMES[role]}`,
        placeHolder: `Who is ${ROLE_NAMES[role] === 'Worker' ? 'a worker' : `the ${ROLE_NAMES[role]}`}?`,
        describe: describeRoles(entry.incident),
        allowNew: true,
      });
  if (!person) return CANCELLED;
  return runRunbook(
    parts,
    entry,
    (scope) =>
      withPersonThen(scope, person, (incident, ctx) => {
        switch (role) {
          case 'incident_manager':
            return assignIm(incident, person.id, ctx);
          case 'sme':
            return addSme(incident, person.id, ctx);
          case 'worker':
            return addWorker(incident, person.id, ctx);
          case 'observer':
            return addObserver(incident, person.id, ctx);
          case 'prm':
            return assignPrm(incident, person.id, ctx);
        }
      }),
    `${person.name}: ${ROLE_NAMES[role]}.`,
  );
}

export interface RemoveRoleArgs extends IncidentArgs {
  role: RoleKey;
  person: PersonId;
}

/** Every removable role holding, for the palette's pick. The IM is handed over, never removed. */
function holdings(incident: Incident): { role: RoleKey; person: PersonId }[] {
  const r = incident.roles;
  return [
    ...(r.sme ?? []).map((person) => ({ role: 'sme' as const, person })),
    ...currentWorkers(incident).map((w) => ({ role: 'worker' as const, person: w.person })),
    ...(r.observers ?? []).map((person) => ({ role: 'observer' as const, person })),
    ...(r.prm ? [{ role: 'prm' as const, person: r.prm }] : []),
  ];
}

export async function removeRoleCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<RemoveRoleArgs>(arg);
  const entry = await pickIncident(parts, target, 'Remove Role');
  if (!entry) return CANCELLED;
  let role = args.role;
  let person = args.person;
  if (!role || !person) {
    const people = await peopleOf(entry.folder, entry.incident);
    const picked = await vscode.window.showQuickPick(
      holdings(entry.incident).map((h) => ({ label: contactLabel(entry.incident, h.person, people), description: ROLE_NAMES[h.role], holding: h })),
      { title: 'Remove Role', placeHolder: 'Whose role ends? (The Incident Manager role is handed over, not removed.)', ignoreFocusOut: true },
    );
    if (!picked) return CANCELLED;
    ({ role, person } = picked.holding);
  }
  if (role === 'incident_manager') {
    return refuseNow(RULE_ROLE, 'There is always one Incident Manager: hand the role over instead (Incident: Hand Over Incident Manager Role).');
  }
  const who = person;
  return runRunbook(
    parts,
    entry,
    ({ incident, ctx }) => {
      switch (role) {
        case 'sme':
          return removeSme(incident, who, ctx);
        case 'observer':
          return removeObserver(incident, who, ctx);
        case 'prm':
          if (incident.roles.prm !== who) throw new RuleViolation(RULE_ROLE, `${who} is not the PR Manager.`);
          return assignPrm(incident, null, ctx);
        default:
          // A worker's role ends by release, so their time on the incident stays on record.
          if (!currentWorkers(incident).some((w) => w.person === who)) throw new RuleViolation(RULE_ROLE, `${who} is not a current worker.`);
          return releasePerson(incident, who, ctx);
      }
    },
    `Role removed: ${ROLE_NAMES[role]}.`,
  );
}

export interface HandOverImArgs extends IncidentArgs {
  to: string | Person;
}

export async function handOverImCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<HandOverImArgs>(arg);
  const entry = await pickIncident(parts, target, 'Hand Over Incident Manager Role');
  if (!entry) return CANCELLED;
  const current = entry.incident.roles.incident_manager;
  const to = args.to
    ? await resolvePersonArg(parts, entry, args.to)
    : await pickPerson(parts, entry, {
        title: 'Hand Over Incident Manager Role',
        placeHolder: 'Who takes over as Incident Manager? (Not a current worker or the PR Manager.)',
        describe: describeRoles(entry.incident),
        exclude: (p) => p.id === current,
        allowNew: true,
      });
  if (!to) return CANCELLED;
  return runRunbook(parts, entry, (scope) => withPersonThen(scope, to, (incident, ctx) => handOverIm(incident, to.id, ctx)), `${to.name} is now the Incident Manager.`);
}

// ---- Hand Off Worker / Release Person

function sinceText(ts: string): string {
  try {
    return formatTimeRelative(ts);
  } catch {
    return ts;
  }
}

export interface HandOffArgs extends IncidentArgs {
  from: PersonId;
  to: string | Person;
}

export async function handOffWorkerCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<HandOffArgs & { person: PersonId }>(arg);
  const entry = await pickIncident(parts, target, 'Hand Off Worker');
  if (!entry) return CANCELLED;
  // From a worker's node the data names them as `person`.
  let from = args.from ?? args.person;
  if (!from) {
    const people = await peopleOf(entry.folder, entry.incident);
    const workers = currentWorkers(entry.incident);
    if (workers.length === 0) return failNow('Nobody is working on the problem: there is no one to hand off.');
    const picked = await vscode.window.showQuickPick(
      workers.map((w) => ({ label: contactLabel(entry.incident, w.person, people), description: `since ${sinceText(w.since)}`, person: w.person })),
      { title: 'Hand Off Worker', placeHolder: 'Who hands off?', ignoreFocusOut: true },
    );
    if (!picked) return CANCELLED;
    from = picked.person;
  }
  const handing = from;
  const to = args.to
    ? await resolvePersonArg(parts, entry, args.to)
    : await pickPerson(parts, entry, {
        title: 'Hand Off Worker',
        placeHolder: 'Who takes over the work?',
        describe: describeRoles(entry.incident),
        exclude: (p) => p.id === handing,
        allowNew: true,
      });
  if (!to) return CANCELLED;
  return runRunbook(parts, entry, (scope) => withPersonThen(scope, to, (incident, ctx) => handOffWorker(incident, handing, to.id, ctx)), `${to.name} took over the work.`);
}

export interface ReleaseArgs extends IncidentArgs {
  person: PersonId;
}

export async function releasePersonCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<ReleaseArgs>(arg);
  const entry = await pickIncident(parts, target, 'Release Person');
  if (!entry) return CANCELLED;
  let person = args.person;
  if (!person) {
    const people = await peopleOf(entry.folder, entry.incident);
    const withRoles = people.filter((p) => rolesOf(entry.incident, p.id).length > 0 && p.id !== entry.incident.roles.incident_manager);
    const picked = await vscode.window.showQuickPick(
      withRoles.map((p) => ({ label: p.name, description: rolesOf(entry.incident, p.id).join(', '), person: p.id })),
      { title: 'Release Person', placeHolder: 'Who may go (back to sleep)?', ignoreFocusOut: true },
    );
    if (!picked) return CANCELLED;
    person = picked.person;
  }
  const who = person;
  return runRunbook(parts, entry, ({ incident, ctx }) => releasePerson(incident, who, ctx), (incident) => `${contactLabel(incident, who)} released.`);
}

// ---- Log Contact Attempt

export interface LogContactArgs extends IncidentArgs, ContactAttemptInput {
  /** Set by a role node of the tree: the person it shows. */
  person?: PersonId;
}

const PURPOSE_LABELS: Record<ContactPurpose, string> = {
  sme: 'Reaching them as the SME',
  worker: 'Finding a worker',
  customer: 'Informing a customer',
  observer: 'Informing an observer',
  prm: 'Reaching the PR manager',
};

async function pickWho(entry: IncidentEntry, people: readonly Person[]): Promise<string | undefined> {
  const incident = entry.incident;
  const items = [
    ...people.map((p) => ({ label: p.name, description: [p.timezone, ...rolesOf(incident, p.id)].join(' · '), who: p.id })),
    ...(incident.customers ?? []).map((c) => ({ label: `$(organization) ${c.name}`, description: `customer · ${c.timezone}`, who: customerWho(c.id) })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Log Contact Attempt', placeHolder: 'Who was contacted?', ignoreFocusOut: true, matchOnDescription: true });
  return picked?.who;
}

/** The waking-hours advice for calling them now, or the reason it cannot be judged. */
function adviceFor(entry: IncidentEntry, who: string, people: readonly Person[]): CallAdvice | { error: string } {
  try {
    return contactAdvice(entry.incident, who, people, new Date(), quietHoursSetting(entry.folder));
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export async function logContactCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args, interactive } = commandInput<LogContactArgs>(arg);
  const entry = await pickIncident(parts, target, 'Log Contact Attempt');
  if (!entry) return CANCELLED;
  const people = await peopleOf(entry.folder, entry.incident);
  const who = args.who ?? args.person ?? (await pickWho(entry, people));
  if (!who) return CANCELLED;
  const name = contactLabel(entry.incident, who, people);
  const channel =
    args.channel ??
    (
      await vscode.window.showQuickPick(
        [
          { label: '$(call-outgoing) Phone', channel: 'phone' as const },
          { label: '$(mail) Email', channel: 'email' as const },
        ],
        { title: `Log Contact Attempt: ${name}`, placeHolder: 'How?', ignoreFocusOut: true },
      )
    )?.channel;
  if (!channel) return CANCELLED;

  // Waking hours come before the call, by the level's rule and in their own time zone.
  let advice: CallAdvice | { error: string } | undefined;
  if (channel === 'phone') {
    advice = adviceFor(entry, who, people);
    if ('error' in advice) {
      void vscode.window.showWarningMessage(advice.error);
    } else if (advice.ok) {
      void vscode.window.showInformationMessage(`Calling ${name}: ${advice.message}`);
    } else if (interactive) {
      const go = await vscode.window.showWarningMessage(
        `Calling ${name}: ${advice.message}`,
        { modal: true, detail: 'Log the call only if it was needed despite the hour.' },
        'Log the Call Anyway',
      );
      if (!go) return CANCELLED;
    } else {
      void vscode.window.showWarningMessage(`Calling ${name}: ${advice.message}`);
    }
  }

  const reached =
    args.reached ??
    (
      await vscode.window.showQuickPick(
        [
          { label: '$(pass) Reached', reached: true },
          { label: '$(circle-slash) Not reached', reached: false },
        ],
        { title: `Log Contact Attempt: ${name}`, placeHolder: `Did you reach ${name}?`, ignoreFocusOut: true },
      )
    )?.reached;
  if (reached === undefined) return CANCELLED;
  // The purpose follows from whom: asked only when several fit (someone without a role yet).
  let purpose = args.purpose;
  const purposes = contactPurposes(entry.incident, who);
  if (purpose === undefined && purposes.length === 1) purpose = purposes[0];
  if (purpose === undefined && interactive) {
    const picked = await vscode.window.showQuickPick(
      [...purposes.map((p) => ({ label: PURPOSE_LABELS[p], purpose: p as string | undefined })), { label: 'Something else', purpose: undefined }],
      { title: `Log Contact Attempt: ${name}`, placeHolder: `Why was ${name} contacted?`, ignoreFocusOut: true },
    );
    if (!picked) return CANCELLED;
    purpose = picked.purpose;
  }
  let note = args.note;
  if (note === undefined && interactive) {
    note = await vscode.window.showInputBox({ title: `Log Contact Attempt: ${name}`, prompt: 'Note (optional)', ignoreFocusOut: true });
    if (note === undefined) return CANCELLED;
  }
  // The IM's questions for affected users: a reached customer is asked them, and the answers kept.
  let answers = args.answers;
  if (answers === undefined && interactive && reached && who.startsWith(CUSTOMER_PREFIX) && (entry.incident.questions ?? []).length > 0) {
    answers = [];
    for (const question of entry.incident.questions ?? []) {
      const answer = await vscode.window.showInputBox({ title: `Log Contact Attempt: ${name}`, prompt: `${question} (leave empty if not asked)`, ignoreFocusOut: true });
      if (answer === undefined) return CANCELLED;
      if (answer.trim()) answers.push({ question, answer: answer.trim() });
    }
  }
  const attempt: ContactAttemptInput = { who, channel, reached, purpose, note, ...(answers?.length ? { answers } : {}) };
  const result = await runRunbook(parts, entry, ({ incident, ctx }) => logContactAttempt(incident, attempt, ctx), `${channel === 'phone' ? 'Call' : 'Email'} to ${name} logged: ${reached ? 'reached' : 'not reached'}.`);
  if (result.outcome !== 'done') return result;
  const suggestion = nextContactSuggestion(result.incident, who, people);
  if (suggestion?.kind === 'email') {
    const email = 'Log Email Attempt';
    void vscode.window.showWarningMessage(suggestion.message, email).then((choice) => {
      if (choice === email) void vscode.commands.executeCommand(COMMANDS.logContact, { incident: entry.incident.id, who, channel: 'email', purpose } satisfies Partial<LogContactArgs>);
    });
  } else if (suggestion) {
    void vscode.window.showInformationMessage(suggestion.message);
  }
  return { ...result, detail: { advice, suggestion } };
}

// The steps that enter or correct a person (Add Person, Edit Person, a new Incident Manager in
// Declare), and where their contact details are kept: the people file, out of version control,
// by default; the record only when asked.
import * as vscode from 'vscode';
import type { Person } from '../model/record';
import { isTimeZone } from '../model/time';
import { viewerZone } from '../model/timeDisplay';
import { personClock } from '../model/waking';
import { savePersonInPeopleFile } from '../store/peopleFile';
import { SETTINGS, SETTINGS_SECTION } from './ids';
import type { Answers, Step } from './multiStep';
import { peopleFilePath } from './people';
import { setUpPeopleFile } from './peopleFileSetup';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function idFromName(name: string, taken: readonly string[]): string {
  const base = name.trim().split(/\s+/)[0].toLowerCase().normalize('NFKD').replace(/[^a-z0-9._-]/g, '') || 'person';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

export type ContactsPlace = 'people-file' | 'record';

export interface PersonStepOptions {
  /** Ids already used; a new person's id must differ. */
  takenIds: readonly string[];
  /** Editing someone: their id is fixed (records refer to it). */
  editing?: boolean;
  /** Prefix for keys, so the steps can sit inside a longer entry (Declare). */
  prefix?: string;
  /** Only ask these steps when this holds (e.g. "someone else" was chosen as IM). */
  when?: (answers: Answers) => boolean;
  /** Ask for commit emails (not needed for an IM being declared). */
  gitEmails?: boolean;
}

/** The person steps: name, id, zone, phone, email, commit emails, and where the contacts are kept. */
export function personSteps(folder: vscode.WorkspaceFolder, opts: PersonStepOptions): Step[] {
  const k = (key: string) => `${opts.prefix ?? ''}${key}`;
  const when = opts.when ?? (() => true);
  const hasContacts = (a: Answers) => Boolean(a[k('phone')] || a[k('email')]);
  const configured = Boolean(peopleFilePath(folder));
  const steps: Step[] = [
    { kind: 'input', key: k('name'), when, prompt: 'Full name', placeHolder: 'Bruno Costa', validate: (v) => (v ? undefined : 'A person needs a name.') },
  ];
  if (!opts.editing) {
    steps.push({
      kind: 'input',
      key: k('id'),
      when,
      prompt: 'Person id, as the records refer to them',
      value: (a) => idFromName(a[k('name')] ?? '', opts.takenIds),
      validate: (v) => (!ID_PATTERN.test(v) ? 'Letters, digits, ".", "_" and "-", starting with a letter or digit.' : opts.takenIds.includes(v) ? 'That id is taken.' : undefined),
    });
  }
  steps.push(
    {
      kind: 'input',
      key: k('timezone'),
      when,
      prompt: (a) => `${a[k('name')]}'s time zone (IANA name): waking hours are judged in it`,
      value: viewerZone(),
      validate: (v) => (isTimeZone(v) ? undefined : 'An IANA time zone, e.g. Europe/Lisbon or America/New_York.'),
    },
    {
      kind: 'input',
      key: k('phone'),
      when,
      prompt: (a) => `Phone (optional; ${a[k('timezone')] && isTimeZone(a[k('timezone')]) ? personClock(a[k('timezone')]) : 'their time'}). The announcement shows it so the room can call.`,
      placeHolder: '+351 912 345 678',
      validate: (v) => (!v || v.replace(/\D/g, '').length >= 7 ? undefined : 'A phone number has at least 7 digits, or leave it empty.'),
    },
    { kind: 'input', key: k('email'), when, prompt: 'Email (optional)', placeHolder: 'bruno@example.com', validate: (v) => (!v || /^[^\s@]+@[^\s@]+$/.test(v) ? undefined : 'An email such as name@example.com, or nothing.') },
  );
  if (opts.gitEmails !== false) {
    steps.push({ kind: 'input', key: k('git_emails'), when, prompt: 'Emails they commit with (optional, comma-separated)', value: (a) => a[k('email')] ?? '' });
  }
  steps.push({
    kind: 'pick',
    key: k('contacts'),
    when: (a) => when(a) && hasContacts(a),
    placeHolder: 'Where are the phone number and email kept?',
    options: () => [
      {
        label: configured ? '$(lock) In the people file' : '$(lock) In a people file (set it up now)',
        description: 'recommended',
        detail: configured
          ? `${vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<string>(SETTINGS.peopleFile)}: kept out of version control; the record names the person only.`
          : 'A file git ignores: contact details do not end up in the repository by accident.',
        value: 'people-file',
      },
      { label: '$(file) In the incident record', detail: 'Committed with the repository: everyone with access to it sees them.', value: 'record' },
    ],
  });
  return steps;
}

/** The person the answers describe. */
export function personFromAnswers(answers: Answers, opts: { prefix?: string; id?: string } = {}): Person {
  const k = (key: string) => `${opts.prefix ?? ''}${key}`;
  const person: Person = { id: opts.id ?? answers[k('id')], name: answers[k('name')], timezone: answers[k('timezone')] };
  if (answers[k('phone')]) person.phone = answers[k('phone')];
  if (answers[k('email')]) person.email = answers[k('email')];
  const emails = (answers[k('git_emails')] ?? '').split(',').map((e) => e.trim()).filter((e) => e);
  if (emails.length) person.git_emails = emails;
  return person;
}

/**
 * Keeps the person's contact details where the answers say. With the people file, the full
 * entry goes there and the person returned for the record has none; otherwise it is unchanged.
 * Undefined when the people file could not be set up (the person was told).
 */
export async function placeContacts(folder: vscode.WorkspaceFolder, person: Person, place: ContactsPlace | undefined): Promise<Person | undefined> {
  if (place !== 'people-file' || (!person.phone && !person.email)) return person;
  const file = peopleFilePath(folder) ?? (await setUpPeopleFile(folder));
  if (!file) return undefined;
  await savePersonInPeopleFile(file, person);
  const inRecord: Person = { id: person.id, name: person.name, timezone: person.timezone };
  if (person.git_emails?.length) inRecord.git_emails = person.git_emails;
  return inRecord;
}

// Add Customer, Edit Customer, Remove Customer: the affected customers in the record (name, IANA
// zone, contacts), each also kept in the shared customers file when one is set, so the
// post-post-mortem can reach every customer, affected or not.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addCustomer, customerIdFromName, editCustomer, removeCustomer, type ContactChange, type CustomerChanges } from '../../model/customers';
import type { Customer, CustomerContact } from '../../model/record';
import { isTimeZone } from '../../model/time';
import { personClock } from '../../model/waking';
import { readCustomersFile, saveCustomerInCustomersFile } from '../../store/peopleFile';
import type { ExtensionParts } from '../context';
import { COMMANDS, SETTINGS, SETTINGS_SECTION } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import { runSteps, type Step } from '../multiStep';
import { pickIncident } from '../pick';
import { CANCELLED, commandInput, runRunbook, type IncidentArgs, type RunbookResult } from './runbookShared';
import type { CommandTable } from './table';

export function customerCommands(parts: ExtensionParts): CommandTable {
  return {
    [COMMANDS.addCustomer]: (arg?) => addCustomerCommand(parts, arg),
    [COMMANDS.editCustomer]: (arg?) => editCustomerCommand(parts, arg),
    [COMMANDS.removeCustomer]: (arg?) => removeCustomerCommand(parts, arg),
  };
}

/** The shared customers file of the folder, when the setting names one. */
export function customersFilePath(folder: vscode.WorkspaceFolder): string | undefined {
  const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<string>(SETTINGS.customersFile)?.trim();
  return setting ? path.resolve(folder.uri.fsPath, setting) : undefined;
}

const NEW = '\u0000new';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;
const checkEmail = (v: string): string | undefined => (!v || EMAIL_PATTERN.test(v) ? undefined : 'An email such as name@example.com, or nothing.');

/** Phone and email of one contact, asked once the contact has a name. */
function contactDetailSteps(prefix: string, hasName: (a: Record<string, string>) => boolean): Step[] {
  return [
    {
      kind: 'input',
      key: `${prefix}Phone`,
      when: hasName,
      prompt: (a) => `${a[`${prefix}Name`]}'s phone (optional${isTimeZone(a.timezone) ? `; ${personClock(a.timezone)}` : ''})`,
      placeHolder: '+1 212 555 0147',
    },
    { kind: 'input', key: `${prefix}Email`, when: hasName, prompt: (a) => `${a[`${prefix}Name`]}'s email (optional)`, placeHolder: 'pat@acme.example', validate: checkEmail },
  ];
}

/** The answers' key prefix of the i-th existing contact when editing. */
const existingContact = (i: number): string => `contact${i}`;

/**
 * Add Customer asks for one contact; Edit Customer goes through every existing contact (clear a
 * name to remove that contact) and then offers a new one.
 */
function customerSteps(taken: readonly string[], known: readonly Customer[], editing: readonly CustomerContact[] | undefined): Step[] {
  const steps: Step[] = [];
  if (!editing && known.length > 0) {
    steps.push({
      kind: 'pick',
      key: 'known',
      placeHolder: 'Which customer is affected? (From the customers file, or a new one.)',
      options: () => [...known.filter((c) => !taken.includes(c.id)).map((c) => ({ label: c.name, description: c.timezone, value: c.id })), { label: '$(add) A new customer…', value: NEW }],
    });
  }
  const asking = (a: Record<string, string>) => Boolean(editing) || !a.known || a.known === NEW;
  steps.push(
    { kind: 'input', key: 'name', when: asking, prompt: 'Customer name', placeHolder: 'ACME Retail', validate: (v) => (v ? undefined : 'A customer needs a name.') },
    {
      kind: 'input',
      key: 'timezone',
      when: asking,
      prompt: (a) => `${a.name}'s time zone (IANA name): calls follow their waking and business hours`,
      placeHolder: 'America/New_York',
      validate: (v) => (isTimeZone(v) ? undefined : 'An IANA time zone, e.g. America/New_York or Asia/Tokyo.'),
    },
  );
  (editing ?? []).forEach((contact, i) => {
    const prefix = existingContact(i);
    steps.push(
      { kind: 'input', key: `${prefix}Name`, prompt: `Contact ${i + 1} of ${editing!.length}: name (clear it to remove ${contact.name})`, placeHolder: contact.name },
      ...contactDetailSteps(prefix, (a) => Boolean(a[`${prefix}Name`])),
    );
  });
  steps.push(
    { kind: 'input', key: 'contactName', when: asking, prompt: editing?.length ? 'Another contact person (optional)' : 'Contact person (optional)', placeHolder: 'Pat Lee' },
    ...contactDetailSteps('contact', (a) => asking(a) && Boolean(a.contactName)),
  );
  return steps;
}

/** The edit's answers as the contacts after it: the existing ones by index, then a new one. */
function contactChangesFrom(a: Record<string, string>, existing: readonly CustomerContact[]): ContactChange[] {
  const changes: ContactChange[] = existing.map((_, i) => {
    const prefix = existingContact(i);
    return { was: i, name: a[`${prefix}Name`] ?? '', phone: a[`${prefix}Phone`], email: a[`${prefix}Email`] };
  });
  return [...changes, ...contactFrom(a)];
}

function contactFrom(a: Record<string, string>): CustomerContact[] {
  if (!a.contactName) return [];
  const contact: CustomerContact = { name: a.contactName };
  if (a.contactPhone) contact.phone = a.contactPhone;
  if (a.contactEmail) contact.email = a.contactEmail;
  return [contact];
}

/** The customers file's customers (none when no file is set or it cannot be read, with a warning). */
export async function knownCustomers(folder: vscode.WorkspaceFolder): Promise<Customer[]> {
  const file = customersFilePath(folder);
  if (!file) return [];
  try {
    return await readCustomersFile(file);
  } catch (err) {
    void vscode.window.showWarningMessage((err as Error).message);
    return [];
  }
}

/** Keeps the customer in the shared customers file too, when one is set. */
async function shareCustomer(entry: IncidentEntry, customer: Customer): Promise<void> {
  const file = customersFilePath(entry.folder);
  if (!file) return;
  try {
    await saveCustomerInCustomersFile(file, customer);
  } catch (err) {
    void vscode.window.showWarningMessage(`The customers file was not updated: ${(err as Error).message}`);
  }
}

// ---- Add Customer

export interface AddCustomerArgs extends IncidentArgs {
  customer: Omit<Customer, 'id'> & { id?: string };
}

export async function addCustomerCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<AddCustomerArgs>(arg);
  const entry = await pickIncident(parts, target, 'Add Customer');
  if (!entry) return CANCELLED;
  const taken = (entry.incident.customers ?? []).map((c) => c.id);
  let customer: Customer;
  if (args.customer) {
    customer = { ...args.customer, id: args.customer.id ?? customerIdFromName(args.customer.name, taken) };
  } else {
    const known = await knownCustomers(entry.folder);
    const answers = await runSteps('Add Customer (affected by this incident)', customerSteps(taken, known, undefined));
    if (!answers) return CANCELLED;
    const fromFile = known.find((c) => c.id === answers.known);
    customer = fromFile ?? { id: customerIdFromName(answers.name, taken), name: answers.name, timezone: answers.timezone, contacts: contactFrom(answers) };
  }
  const result = await runRunbook(parts, entry, ({ incident, ctx }) => addCustomer(incident, customer, ctx), `${customer.name} added to the affected customers.`);
  if (result.outcome === 'done') await shareCustomer(entry, result.incident.customers!.find((c) => c.id === customer.id)!);
  return result;
}

// ---- Edit Customer / Remove Customer

export interface EditCustomerArgs extends IncidentArgs {
  customer: string;
  /** Contacts naming `was` edit that existing contact; the others are added; existing ones not named are removed. */
  changes?: CustomerChanges;
}

async function pickCustomer(entry: IncidentEntry, title: string): Promise<string | undefined> {
  const customers = entry.incident.customers ?? [];
  if (customers.length === 0) {
    void vscode.window.showInformationMessage('This incident has no customers yet: add one with "Incident: Add Customer".');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    customers.map((c) => ({ label: c.name, description: `${c.timezone}${isTimeZone(c.timezone) ? ` · ${personClock(c.timezone)}` : ''}`, id: c.id })),
    { title, placeHolder: 'Which customer?', ignoreFocusOut: true },
  );
  return picked?.id;
}

export async function editCustomerCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<EditCustomerArgs>(arg);
  const entry = await pickIncident(parts, target, 'Edit Customer');
  if (!entry) return CANCELLED;
  const id = args.customer ?? (await pickCustomer(entry, 'Edit Customer'));
  if (!id) return CANCELLED;
  const current = (entry.incident.customers ?? []).find((c) => c.id === id);
  if (!current) return CANCELLED;
  let changes = args.changes;
  if (!changes) {
    const existing = current.contacts ?? [];
    const initial: Record<string, string> = { name: current.name, timezone: current.timezone };
    existing.forEach((c, i) => {
      initial[`${existingContact(i)}Name`] = c.name;
      initial[`${existingContact(i)}Phone`] = c.phone ?? '';
      initial[`${existingContact(i)}Email`] = c.email ?? '';
    });
    const answers = await runSteps(`Edit Customer: ${current.name}`, customerSteps([], [], existing), initial);
    if (!answers) return CANCELLED;
    changes = { name: answers.name, timezone: answers.timezone, contacts: contactChangesFrom(answers, existing) };
  }
  const wanted = changes;
  const result = await runRunbook(parts, entry, ({ incident, ctx }) => editCustomer(incident, id, wanted, ctx), `${wanted.name}: details corrected.`);
  if (result.outcome === 'done') await shareCustomer(entry, result.incident.customers!.find((c) => c.id === id)!);
  return result;
}

export async function removeCustomerCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args, interactive } = commandInput<EditCustomerArgs>(arg);
  const entry = await pickIncident(parts, target, 'Remove Customer');
  if (!entry) return CANCELLED;
  const id = args.customer ?? (await pickCustomer(entry, 'Remove Customer'));
  if (!id) return CANCELLED;
  const name = (entry.incident.customers ?? []).find((c) => c.id === id)?.name ?? id;
  if (interactive) {
    const remove = 'Remove';
    const sure = await vscode.window.showWarningMessage(
      `Remove ${name} from this incident's affected customers?`,
      { modal: true, detail: 'Their logged calls stay in the record; the customers file keeps them for the post-post-mortem.' },
      remove,
    );
    if (sure !== remove) return CANCELLED;
  }
  return runRunbook(parts, entry, ({ incident, ctx }) => removeCustomer(incident, id, ctx), `${name} removed from the affected customers.`);
}

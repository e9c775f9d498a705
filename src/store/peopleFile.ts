// Writing the shared people file: the place for phone numbers and emails, kept out of version
// control. Edits go through the same editor as records, so comments and hand edits survive.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import type { RecordEdit } from '../model/edits';
import type { Customer, Person } from '../model/record';
import { validatePeopleFile } from '../model/validate';
import { editText } from './recordEditor';

export const PEOPLE_FILE_HEADER =
  '# People taking part in incidents, with their contact details. Kept out of version control:\n# phone numbers and emails are personal data. Records refer to people by id.\n';

export class PeopleFileError extends Error {}

/** Creates an empty people file unless one exists; true when it was created. */
export async function createPeopleFile(file: string): Promise<boolean> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    await fs.writeFile(file, `${PEOPLE_FILE_HEADER}people: []\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Adds the person, or replaces the entry with their id, in the people file (created when
 * missing). Refuses to write a file that does not parse or validate: it is the person's to fix.
 */
export async function savePersonInPeopleFile(file: string, person: Person): Promise<void> {
  await createPeopleFile(file);
  const text = await fs.readFile(file, 'utf8');
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new PeopleFileError(`${path.basename(file)} does not parse (${doc.errors[0].message}); fix it first.`);
  const value = (doc.toJS() ?? {}) as { people?: Person[] };
  if (validatePeopleFile(value).length > 0 && value.people !== undefined) {
    throw new PeopleFileError(`${path.basename(file)} is not a valid people file (${validatePeopleFile(value)[0].message}); fix it first.`);
  }
  const people = value.people ?? [];
  const index = people.findIndex((p) => p.id === person.id);
  const entry: Person = { id: person.id, name: person.name, timezone: person.timezone };
  if (person.phone) entry.phone = person.phone;
  if (person.email) entry.email = person.email;
  if (person.git_emails?.length) entry.git_emails = person.git_emails;
  const edits: RecordEdit[] = index >= 0 ? [{ op: 'set', path: ['people', index], value: entry }] : [{ op: 'append', path: ['people'], value: entry }];
  await fs.writeFile(file, editText(text, doc, edits));
}

/**
 * Makes git ignore the file: appends its path, relative to the folder, to the folder's
 * .gitignore unless a line already names it. Returns true when a line was added.
 */
export async function ignoreInGit(folder: string, file: string): Promise<boolean> {
  const relative = path.relative(folder, file).split(path.sep).join('/');
  const gitignore = path.join(folder, '.gitignore');
  let text = '';
  try {
    text = await fs.readFile(gitignore, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.includes(relative) || lines.includes(`/${relative}`)) return false;
  const prefix = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  await fs.writeFile(gitignore, `${text}${prefix}# Contact details of incident participants (Incident Room's people file)\n/${relative}\n`);
  return true;
}

export const CUSTOMERS_FILE_HEADER =
  '# Every customer, for updates and the post-post-mortem, with their contacts. Kept out of version\n# control: contact details are personal data. Incident records name the affected customers.\n';

/** The customers in a shared customers file; a missing file holds none. */
export async function readCustomersFile(file: string): Promise<Customer[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new PeopleFileError(`${path.basename(file)} does not parse (${doc.errors[0].message}); fix it first.`);
  const list = (doc.toJS() as { customers?: unknown } | null)?.customers;
  return Array.isArray(list) ? (list.filter((c) => c && typeof c === 'object' && typeof c.id === 'string' && typeof c.name === 'string') as Customer[]) : [];
}

/** Adds the customer, or replaces the one with its id, in the shared customers file (created when missing). */
export async function saveCustomerInCustomersFile(file: string, customer: Customer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    await fs.writeFile(file, `${CUSTOMERS_FILE_HEADER}customers: []\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const text = await fs.readFile(file, 'utf8');
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new PeopleFileError(`${path.basename(file)} does not parse (${doc.errors[0].message}); fix it first.`);
  const list = ((doc.toJS() as { customers?: Customer[] } | null)?.customers ?? []) as Customer[];
  const index = list.findIndex((c) => c.id === customer.id);
  const edits: RecordEdit[] = index >= 0 ? [{ op: 'set', path: ['customers', index], value: customer }] : [{ op: 'append', path: ['customers'], value: customer }];
  await fs.writeFile(file, editText(text, doc, edits));
}

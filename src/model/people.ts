// People taking part in an incident. They may live in the record or in a shared people file
// a team keeps out of version control, because phone numbers and emails are personal data.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import type { Customer, Incident, Person, PersonId } from './record';
import { isTimeZone } from './time';

export const RULE_PERSON_ZONE = 'person-time-zone';
export const RULE_PERSON_ID = 'person-id';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Adds a person to the record's people. Their zone is required: waking hours are theirs. */
export function addPerson(incident: Incident, person: Person, ctx: ActionContext): RecordEdit[] {
  const id = person.id.trim();
  const name = person.name.trim();
  if (!ID_PATTERN.test(id)) {
    throw new RuleViolation(RULE_PERSON_ID, `"${person.id}" is not a usable person id: letters, digits, ".", "_" and "-", starting with a letter or digit.`);
  }
  if (!name) throw new RuleViolation(RULE_PERSON_ID, 'A person needs a name.');
  if ((incident.people ?? []).some((p) => p.id === id)) {
    throw new RuleViolation(RULE_PERSON_ID, `There is already a person with the id "${id}" in this incident.`);
  }
  if (!isTimeZone(person.timezone)) {
    throw new RuleViolation(
      RULE_PERSON_ZONE,
      `"${person.timezone}" is not an IANA time zone (e.g. Europe/Lisbon). Contacting people respects waking hours in their own time zone, so it is required.`,
    );
  }
  const value: Person = { id, name, timezone: person.timezone };
  if (person.phone?.trim()) value.phone = person.phone.trim();
  if (person.email?.trim()) value.email = person.email.trim();
  const gitEmails = (person.git_emails ?? []).map((e) => e.trim()).filter((e) => e);
  if (gitEmails.length > 0) value.git_emails = gitEmails;
  // The timeline names the person only: contact details stay out of the history.
  return [{ op: 'append', path: ['people'], value }, timelineEdit(ctx, 'person-added', `${name} (${id}) added`)];
}

/**
 * Everyone known to the incident: the record's people first. For a person in both, the
 * record's fields win and the shared file fills in what the record leaves out: a record may
 * name someone (name, zone) while their phone and email stay in the people file.
 */
export function resolvePeople(incident: Incident, shared: readonly Person[]): Person[] {
  const own = incident.people ?? [];
  const sharedById = new Map(shared.map((p) => [p.id, p]));
  const ownIds = new Set(own.map((p) => p.id));
  const merged = own.map((p) => {
    const other = sharedById.get(p.id);
    return other ? { ...other, ...p } : p;
  });
  return [...merged, ...shared.filter((p) => !ownIds.has(p.id))];
}

export function findPerson(people: readonly Person[], id: PersonId): Person | undefined {
  return people.find((p) => p.id === id);
}

/** The person's name, or their id when they are not known (e.g. the shared people file is absent). */
export function personLabel(people: readonly Person[], id: PersonId): string {
  return findPerson(people, id)?.name ?? id;
}

const REDACTED = '[contact redacted]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const MIN_PHONE_DIGITS = 7;

/**
 * Patterns for a phone number however it is spaced or punctuated, with or without its
 * country code: "+351 912-345 678", "00351912345678" and "912 345 678" all match
 * "+351912345678", and "(020) 7946 0958" matches "+44 20 7946 0958".
 */
function phonePatterns(phone: string): string[] {
  // "00" is the international prefix written out.
  const digits = phone.replace(/\D/g, '').replace(/^00/, '');
  // Too short to be a phone number: redacting it would blank out ordinary figures.
  if (digits.length < MIN_PHONE_DIGITS) return [];
  const variants = [digits];
  // Country codes are one to three digits; the national form may add a trunk "0".
  for (let k = 1; k <= 3 && digits.length - k >= MIN_PHONE_DIGITS; k++) variants.push(digits.slice(k));
  return variants.map((v) => {
    const body = v.split('').join('[\\s().\\-/]*');
    return `(?<![\\d+])\\(?(?:(?:\\+|00|0)[\\s()]*)?${body}(?!\\d)`;
  });
}

/**
 * Removes the phone numbers and emails of the given people and customer contacts from text,
 * for anything customer-facing or public. Emails match case-insensitively; phones match
 * whatever their spacing or punctuation.
 */
export function redactContacts(text: string, people: readonly Person[], customers: readonly Customer[] = []): string {
  const phones: string[] = [];
  const emails: string[] = [];
  for (const p of people) {
    if (p.phone) phones.push(p.phone);
    if (p.email) emails.push(p.email);
    for (const e of p.git_emails ?? []) emails.push(e);
  }
  for (const c of customers) {
    for (const contact of c.contacts ?? []) {
      if (contact.phone) phones.push(contact.phone);
      if (contact.email) emails.push(contact.email);
    }
  }
  const patterns = [
    ...emails.filter((e) => e.trim()).map((e) => escapeRegExp(e.trim())),
    ...phones.flatMap(phonePatterns),
  ];
  if (patterns.length === 0) return text;
  return text.replace(new RegExp(patterns.join('|'), 'gi'), REDACTED);
}

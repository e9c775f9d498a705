// Customers of an incident: the affected ones live in the record (they are called, emailed and
// asked the IM's questions); the full list may also live in a shared customers file.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import type { Customer, CustomerContact, Incident } from './record';
import { countOf } from './plural';
import { isTimeZone } from './time';

export const RULE_CUSTOMER = 'customer';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** "acme-retail" for "ACME Retail": a readable id, unique among the taken ones. */
export function customerIdFromName(name: string, taken: readonly string[]): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'customer';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

/** A contact as it is written: trimmed, without empty fields; null when it has no name. */
function cleanContact(c: CustomerContact): CustomerContact | null {
  const name = (c.name ?? '').trim();
  if (!name) return null;
  const contact: CustomerContact = { name };
  if (c.phone?.trim()) contact.phone = c.phone.trim();
  if (c.email?.trim()) contact.email = c.email.trim();
  return contact;
}

/** The customer's name and zone as written: trimmed, zone checked. */
function cleanNameAndZone(customer: Pick<Customer, 'name' | 'timezone'>): { name: string; timezone: string } {
  const name = customer.name.trim();
  if (!name) throw new RuleViolation(RULE_CUSTOMER, 'A customer needs a name.');
  if (!isTimeZone(customer.timezone.trim())) {
    throw new RuleViolation(RULE_CUSTOMER, `"${customer.timezone}" is not an IANA time zone (e.g. America/New_York). Customer calls follow their waking hours, so it is required.`);
  }
  return { name, timezone: customer.timezone.trim() };
}

/** A customer as it is written: trimmed, contacts without empty fields, zone checked. */
export function cleanCustomer(customer: Customer): Customer {
  const id = customer.id.trim();
  if (!ID_PATTERN.test(id)) throw new RuleViolation(RULE_CUSTOMER, `"${customer.id}" is not a usable customer id: letters, digits, ".", "_" and "-".`);
  const { name, timezone } = cleanNameAndZone(customer);
  const contacts = (customer.contacts ?? []).map(cleanContact).filter((c): c is CustomerContact => c !== null);
  const out: Customer = { id, name, timezone };
  if (contacts.length) out.contacts = contacts;
  return out;
}

/** Adds an affected customer to the record. The timeline names the customer only. */
export function addCustomer(incident: Incident, customer: Customer, ctx: ActionContext): RecordEdit[] {
  const value = cleanCustomer(customer);
  if ((incident.customers ?? []).some((c) => c.id === value.id)) {
    throw new RuleViolation(RULE_CUSTOMER, `There is already a customer with the id "${value.id}" in this incident.`);
  }
  return [{ op: 'append', path: ['customers'], value }, timelineEdit(ctx, 'customer-added', `${value.name} added as an affected customer`)];
}

/** A contact after an edit: `was` is its index in the customer's contacts before the edit; a new contact has none. */
export interface ContactChange extends CustomerContact {
  was?: number;
}

export interface CustomerChanges {
  name: string;
  timezone: string;
  /**
   * Every contact after the edit: existing ones name their index (`was`), new ones do not, and an
   * existing contact not listed (or left without a name) is removed. Absent: contacts unchanged.
   */
  contacts?: ContactChange[];
}

const CONTACT_FIELDS = ['name', 'phone', 'email'] as const;

/**
 * Edits the customer with this id in place: only the values that changed are written, so keys
 * Incident Room does not know, comments and the file's layout stay, on the customer and on each
 * contact. Contacts are edited, added and removed; the id stays. The timeline says what changed
 * without any contact detail.
 */
export function editCustomer(incident: Incident, id: string, changes: CustomerChanges, ctx: ActionContext): RecordEdit[] {
  const index = (incident.customers ?? []).findIndex((c) => c.id === id);
  if (index < 0) throw new RuleViolation(RULE_CUSTOMER, `No customer "${id}" in this incident.`);
  const current = incident.customers![index];
  const base = ['customers', index];
  const { name, timezone } = cleanNameAndZone(changes);
  const edits: RecordEdit[] = [];
  if (name !== current.name) edits.push({ op: 'set', path: [...base, 'name'], value: name });
  if (timezone !== current.timezone) edits.push({ op: 'set', path: [...base, 'timezone'], value: timezone });
  const said: string[] = [];
  if (changes.contacts) {
    const existing = current.contacts ?? [];
    const kept = new Map<number, CustomerContact>();
    const added: CustomerContact[] = [];
    for (const change of changes.contacts) {
      const contact = cleanContact(change);
      if (change.was === undefined) {
        if (contact) added.push(contact);
        continue;
      }
      if (!Number.isInteger(change.was) || change.was < 0 || change.was >= existing.length || kept.has(change.was)) {
        throw new RuleViolation(RULE_CUSTOMER, `${current.name} has no contact number ${change.was + 1} to edit (or it is edited twice).`);
      }
      if (contact) kept.set(change.was, contact);
    }
    let edited = 0;
    for (const [at, contact] of kept) {
      const before = existing[at];
      let changed = false;
      for (const field of CONTACT_FIELDS) {
        if (contact[field] === before[field]) continue;
        changed = true;
        const path = [...base, 'contacts', at, field];
        edits.push(contact[field] === undefined ? { op: 'delete', path } : { op: 'set', path, value: contact[field] });
      }
      if (changed) edited++;
    }
    const removed = existing.map((_, at) => at).filter((at) => !kept.has(at));
    if (removed.length === existing.length && existing.length > 0 && added.length === 0) {
      edits.push({ op: 'delete', path: [...base, 'contacts'] });
    } else {
      // From the last, so the earlier indexes still point at the same contacts.
      for (const at of [...removed].reverse()) edits.push({ op: 'delete', path: [...base, 'contacts', at] });
      for (const contact of added) edits.push({ op: 'append', path: [...base, 'contacts'], value: contact });
    }
    if (edited) said.push(`${countOf(edited, 'contact')} edited`);
    if (added.length) said.push(`${countOf(added.length, 'contact')} added`);
    if (removed.length) said.push(`${countOf(removed.length, 'contact')} removed`);
  }
  if (edits.length === 0) return [];
  const what = [name !== current.name || timezone !== current.timezone ? 'details corrected' : undefined, ...said].filter(Boolean).join(', ');
  return [...edits, timelineEdit(ctx, 'customer-edited', `${name}: ${what}`)];
}

/** Removes a customer from the incident (not affected after all); their logged contacts stay. */
export function removeCustomer(incident: Incident, id: string, ctx: ActionContext): RecordEdit[] {
  const index = (incident.customers ?? []).findIndex((c) => c.id === id);
  if (index < 0) throw new RuleViolation(RULE_CUSTOMER, `No customer "${id}" in this incident.`);
  const name = incident.customers![index].name;
  return [{ op: 'delete', path: ['customers', index] }, timelineEdit(ctx, 'customer-removed', `${name} removed from the affected customers`)];
}

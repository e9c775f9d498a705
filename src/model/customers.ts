// Customers of an incident: the affected ones live in the record (they are called, emailed and
// asked the IM's questions); the full list may also live in a shared customers file.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import type { Customer, CustomerContact, Incident } from './record';
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

/** A customer as it is written: trimmed, contacts without empty fields, zone checked. */
export function cleanCustomer(customer: Customer): Customer {
  const id = customer.id.trim();
  const name = customer.name.trim();
  if (!ID_PATTERN.test(id)) throw new RuleViolation(RULE_CUSTOMER, `"${customer.id}" is not a usable customer id: letters, digits, ".", "_" and "-".`);
  if (!name) throw new RuleViolation(RULE_CUSTOMER, 'A customer needs a name.');
  if (!isTimeZone(customer.timezone.trim())) {
    throw new RuleViolation(RULE_CUSTOMER, `"${customer.timezone}" is not an IANA time zone (e.g. America/New_York). Customer calls follow their waking hours, so it is required.`);
  }
  const contacts: CustomerContact[] = (customer.contacts ?? [])
    .map((c) => {
      const contact: CustomerContact = { name: c.name.trim() };
      if (c.phone?.trim()) contact.phone = c.phone.trim();
      if (c.email?.trim()) contact.email = c.email.trim();
      return contact;
    })
    .filter((c) => c.name);
  const out: Customer = { id, name, timezone: customer.timezone.trim() };
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

/** Replaces the customer with this id (name, zone, contacts); the id stays. */
export function editCustomer(incident: Incident, id: string, customer: Omit<Customer, 'id'>, ctx: ActionContext): RecordEdit[] {
  const index = (incident.customers ?? []).findIndex((c) => c.id === id);
  if (index < 0) throw new RuleViolation(RULE_CUSTOMER, `No customer "${id}" in this incident.`);
  const value = cleanCustomer({ ...customer, id });
  return [{ op: 'set', path: ['customers', index], value }, timelineEdit(ctx, 'customer-edited', `${value.name}: details corrected`)];
}

/** Removes a customer from the incident (not affected after all); their logged contacts stay. */
export function removeCustomer(incident: Incident, id: string, ctx: ActionContext): RecordEdit[] {
  const index = (incident.customers ?? []).findIndex((c) => c.id === id);
  if (index < 0) throw new RuleViolation(RULE_CUSTOMER, `No customer "${id}" in this incident.`);
  const name = incident.customers![index].name;
  return [{ op: 'delete', path: ['customers', index] }, timelineEdit(ctx, 'customer-removed', `${name} removed from the affected customers`)];
}

// Contact attempts: every call or email to a person or a customer, reached or not, kept on
// record so that "we tried" is visible and the next step can be suggested.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { RUNBOOK_URL } from './levels';
import { findPerson, personLabel } from './people';
import type { ContactAttempt, Customer, Incident, Person } from './record';
import { compareTimestamps, toTimestamp } from './time';
import { callAdvice, DEFAULT_BUSINESS_DAY, DEFAULT_QUIET_HOURS, type BusinessDay, type CallAdvice, type QuietHours } from './waking';

export const CUSTOMER_PREFIX = 'customer:';
export const RULE_CONTACT = 'contact-attempt';
export const QUOTE_EMAIL_CUSTOMER = 'If you were unable to reach any customer by phone, contact them via e-mail.';
export const QUOTE_CHOOSE_SOMEONE_ELSE = 'If they are unreachable choose someone else and repeat until you have someone actively working on the task.';

/** What the person logging an attempt says; who logs it and when come from the context. */
export type ContactAttemptInput = Omit<ContactAttempt, 'at' | 'by'>;

export function customerWho(customerId: string): string {
  return `${CUSTOMER_PREFIX}${customerId}`;
}

function customerOf(incident: Incident, who: string): Customer | undefined {
  if (!who.startsWith(CUSTOMER_PREFIX)) return undefined;
  const id = who.slice(CUSTOMER_PREFIX.length);
  return (incident.customers ?? []).find((c) => c.id === id);
}

/** A readable name for whoever was contacted. */
export function contactLabel(incident: Incident, who: string, people: readonly Person[] = incident.people ?? []): string {
  if (who.startsWith(CUSTOMER_PREFIX)) return customerOf(incident, who)?.name ?? who.slice(CUSTOMER_PREFIX.length);
  return personLabel(people, who);
}

export function logContactAttempt(incident: Incident, attempt: ContactAttemptInput, ctx: ActionContext): RecordEdit[] {
  const who = attempt.who.trim();
  if (!who || who === CUSTOMER_PREFIX) throw new RuleViolation(RULE_CONTACT, 'Say who was contacted.');
  if (who.startsWith(CUSTOMER_PREFIX) && !customerOf(incident, who)) {
    throw new RuleViolation(RULE_CONTACT, `There is no customer "${who.slice(CUSTOMER_PREFIX.length)}" in this incident.`);
  }
  const value: ContactAttempt = {
    at: toTimestamp(ctx.now, ctx.zone),
    by: ctx.actor,
    who,
    channel: attempt.channel,
    reached: attempt.reached,
  };
  const purpose = attempt.purpose?.trim();
  if (purpose) value.purpose = purpose;
  const note = attempt.note?.trim();
  if (note) value.note = note;
  if (attempt.answers && attempt.answers.length > 0) value.answers = attempt.answers;
  const how = attempt.channel === 'phone' ? 'Phoned' : 'Emailed';
  const outcome = attempt.reached ? 'reached' : 'not reached';
  const why = purpose ? ` (${purpose})` : '';
  return [
    { op: 'append', path: ['contact_attempts'], value },
    timelineEdit(ctx, 'contact-attempt', `${how} ${contactLabel(incident, who)}${why}: ${outcome}`),
  ];
}

/** Attempts to reach one person or customer, oldest first by instant. */
export function attemptsFor(incident: Incident, who: string): ContactAttempt[] {
  return (incident.contact_attempts ?? []).filter((a) => a.who === who).sort((a, b) => compareTimestamps(a.at, b.at));
}

export interface ContactSuggestion {
  kind: 'email' | 'keep-trying' | 'choose-someone-else';
  message: string;
}

/**
 * What to do next after the attempts so far: a customer not reached by phone is emailed; a SME
 * not reached is tried again; a would-be worker not reached is replaced by someone else.
 * Null when they were reached or nothing calls for a next step.
 */
export function nextContactSuggestion(incident: Incident, who: string, people: readonly Person[] = incident.people ?? []): ContactSuggestion | null {
  const attempts = attemptsFor(incident, who);
  if (attempts.length === 0 || attempts.some((a) => a.reached)) return null;
  const name = contactLabel(incident, who, people);
  if (who.startsWith(CUSTOMER_PREFIX)) {
    const lastPhone = [...attempts].reverse().find((a) => a.channel === 'phone');
    if (!lastPhone) return null;
    if (attempts.some((a) => a.channel === 'email' && compareTimestamps(a.at, lastPhone.at) >= 0)) return null;
    return { kind: 'email', message: `${name} was not reached by phone: email them. The runbook: "${QUOTE_EMAIL_CUSTOMER}" (${RUNBOOK_URL})` };
  }
  const last = attempts[attempts.length - 1];
  if (last.purpose === 'sme') {
    return { kind: 'keep-trying', message: `${name} was not reached: keep trying to reach a SME, and carry on with the best person available meanwhile.` };
  }
  if (last.purpose === 'worker') {
    return { kind: 'choose-someone-else', message: `${name} was not reached: choose someone else. The runbook: "${QUOTE_CHOOSE_SOMEONE_ELSE}" (${RUNBOOK_URL})` };
  }
  return null;
}

/** Call advice for a person or customer of the incident, in their own time zone. */
export function contactAdvice(
  incident: Incident,
  who: string,
  people: readonly Person[],
  now: Date,
  quiet: QuietHours = DEFAULT_QUIET_HOURS,
  business: BusinessDay = DEFAULT_BUSINESS_DAY,
): CallAdvice {
  const zone = who.startsWith(CUSTOMER_PREFIX) ? customerOf(incident, who)?.timezone : findPerson(people, who)?.timezone;
  if (!zone) throw new RuleViolation(RULE_CONTACT, `The time zone of ${contactLabel(incident, who, people)} is not known, so waking hours cannot be judged.`);
  return callAdvice(incident.severity, zone, now, quiet, business);
}

/** Why someone is contacted, as contact attempts record it. */
export type ContactPurpose = 'sme' | 'worker' | 'customer' | 'observer' | 'prm';

/**
 * The purpose follows from whom is contacted: a customer is informed; the SME, a worker, an
 * observer or the PR Manager is reached for that role. Someone holding no role (being found as
 * a worker or a SME) gives the choices that fit a colleague; a role holder gives one answer.
 */
export function contactPurposes(incident: Incident, who: string): ContactPurpose[] {
  if (who.startsWith(CUSTOMER_PREFIX)) return ['customer'];
  const r = incident.roles;
  const held: ContactPurpose[] = [];
  if ((r.sme ?? []).includes(who)) held.push('sme');
  if ((r.workers ?? []).some((w) => w.person === who && !w.released_at)) held.push('worker');
  if ((r.observers ?? []).includes(who)) held.push('observer');
  if (r.prm === who) held.push('prm');
  if (held.length > 0) return held;
  // Not yet in a role: they are being reached to become one.
  return ['sme', 'worker', 'observer', 'prm'];
}

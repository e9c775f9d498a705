// Customer-facing text: the PRM's update after each cycle, the questions for affected users,
// and the privacy rules every generated outside-facing text follows (the public log too).
// Contact details are personal data and internal names and links are not the customer's
// business, so they are removed both by the record's own values and by pattern, because
// free text (a worker's finding, a note) can carry them in any spelling.
import { DateTime } from 'luxon';
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { LEVEL_TABLE } from './levels';
import { personIdsInRoles } from './roles';
import type { Customer, Incident, IncidentStatus, Person, UpdateCycle } from './record';
import { instantOf, toTimestamp } from './time';
import { formatForReader, formatTime, formatTimeRelative, zoneAbbreviation, zonePlace } from './timeDisplay';
import { DEFAULT_QUIET_HOURS, isQuietHours, nextLocalTime, type QuietHours } from './waking';

export const UNCHANGED_TEXT = 'The situation is unchanged; we are continuing to work on it.';
export const PRM_RULE =
  "Take the Incident Manager's bi-hourly updates, summarize and rewrite any part of it that can be presented to the customer.";

/** Local business hours used for the Level 2 email note: 09:00 to 17:00, Monday to Friday. */
export const BUSINESS_HOURS = { startHour: 9, endHour: 17 } as const;

const PERSON_PLACEHOLDER = 'a team member';
const CONTACT_PLACEHOLDER = 'a customer contact';
const CUSTOMER_PLACEHOLDER = 'a customer';
const REMOVED = '[removed]';

/** What a text for outsiders must not contain, gathered from one record and its people. */
export interface PrivateFacts {
  /** Full names of the team's people, longest first. */
  peopleNames: string[];
  /** Full names of customers' contacts, longest first. */
  contactNames: string[];
  /** Single words of those names (3+ letters), matched case-sensitively as names are written. */
  nameWords: string[];
  personIds: string[];
  customerNames: string[];
  /** Phone numbers as written in the record. */
  phones: string[];
  /** Emails, lower case. */
  emails: string[];
  /** Hosts of the record's internal links (chat room, ticket). */
  internalHosts: string[];
  /** The chat room and ticket references as written, and a ticket key such as OPS-123. */
  internalRefs: string[];
}

function byLengthDesc(values: Iterable<string>): string[] {
  return [...new Set([...values].map((v) => v.trim()).filter(Boolean))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The private facts of a record: its people (and any resolved from a shared people file), customers' contacts, internal links. */
export function privateFacts(incident: Incident, people: readonly Person[] = []): PrivateFacts {
  const everyone = [...people, ...(incident.people ?? [])];
  const contacts = (incident.customers ?? []).flatMap((c) => c.contacts ?? []);
  const words = new Set<string>();
  for (const n of [...everyone.map((p) => p.name), ...contacts.map((c) => c.name)]) {
    for (const w of n.split(/[\s,]+/)) if ([...w].length >= 3) words.add(w);
  }
  const phones = [...everyone.map((p) => p.phone), ...contacts.map((c) => c.phone)].filter((p): p is string => !!p?.trim());
  const emails = [...everyone.flatMap((p) => [p.email, ...(p.git_emails ?? [])]), ...contacts.map((c) => c.email)]
    .filter((e): e is string => !!e?.trim())
    .map((e) => e.trim().toLowerCase());
  const hosts = new Set<string>();
  const refs = new Set<string>();
  for (const link of [incident.links?.chat_room, incident.links?.ticket]) {
    if (!link?.trim()) continue;
    refs.add(link.trim());
    const host = hostOf(link.trim());
    if (host) hosts.add(host);
    const key = /([A-Z][A-Z0-9]+-\d+)\/?$/.exec(link.trim());
    if (key?.[1]) refs.add(key[1]);
  }
  return {
    peopleNames: byLengthDesc(everyone.map((p) => p.name)),
    contactNames: byLengthDesc(contacts.map((c) => c.name)),
    nameWords: byLengthDesc(words),
    personIds: byLengthDesc([...everyone.map((p) => p.id), ...personIdsInRoles(incident)]),
    customerNames: byLengthDesc((incident.customers ?? []).flatMap((c) => [c.name, c.id])),
    phones: byLengthDesc(phones),
    emails: byLengthDesc(emails),
    internalHosts: [...hosts].sort(),
    internalRefs: byLengthDesc(refs),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A whole-word matcher that also works for names with accents (\b is ASCII-only). */
function wordPattern(values: readonly string[], flags: string): RegExp | undefined {
  if (values.length === 0) return undefined;
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${values.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_])`, `gu${flags}`);
}

const EMAIL = /(?:mailto:)?[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const URL_PATTERN = /\b(?:https?|ftp):\/\/[^\s<>"'`)\]]+/gi;
const BARE_INTERNAL_HOST = /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|local|corp|lan|intranet|localdomain|intra)\b[^\s<>"'`)\]]*/gi;
const PRIVATE_IPV4 = /\b(?:10\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}\b/g;
const PHONE_CANDIDATE = /\+?\(?\d[\d \t().\/-]{5,}\d/g;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}|^\d{1,2}[./]\d{1,2}[./]\d{2,4}$/;
/** Hosts of chat, meeting and ticket services: a link to them is an internal link. */
const INTERNAL_TOOL_HOSTS = ['slack.com', 'atlassian.net', 'zoom.us', 'teams.microsoft.com', 'meet.google.com', 'chat.google.com', 'pagerduty.com', 'opsgenie.com'];
const INTERNAL_SUFFIXES = ['.internal', '.local', '.corp', '.lan', '.intranet', '.localdomain', '.intra'];

function digits(text: string): string {
  return text.replace(/\D/g, '');
}

function isPhoneLike(candidate: string): boolean {
  const n = digits(candidate).length;
  return n >= 7 && n <= 15 && !DATE_LIKE.test(candidate.trim());
}

function isInternalHost(host: string, facts: PrivateFacts): boolean {
  const h = host.toLowerCase();
  if (!h.includes('.') || h === 'localhost') return true;
  if (INTERNAL_SUFFIXES.some((s) => h.endsWith(s))) return true;
  if (/^(?:10\.|192\.168\.|127\.|172\.(?:1[6-9]|2\d|3[01])\.)/.test(h)) return true;
  const known = [...facts.internalHosts, ...INTERNAL_TOOL_HOSTS];
  return known.some((k) => h === k || h.endsWith(`.${k}`));
}

/** Removes phone numbers and emails (the record's and any that look like one). Names stay: for internal readers. */
export function scrubContacts(text: string, facts: PrivateFacts): string {
  let out = text;
  for (const email of facts.emails) out = out.replace(new RegExp(escapeRegExp(email), 'gi'), REMOVED);
  out = out.replace(EMAIL, REMOVED);
  for (const phone of facts.phones) out = out.split(phone).join(REMOVED);
  out = out.replace(PHONE_CANDIDATE, (m) => (isPhoneLike(m) ? REMOVED : m));
  return out;
}

/**
 * Text fit for customers: without contact details, internal links, or the names and ids of
 * people. With `hideCustomers` (the public log) customers' names are removed too.
 */
export function scrubForOutsiders(text: string, facts: PrivateFacts, hideCustomers = false): string {
  let out = text;
  // Emails and links first: they contain names and would otherwise be half-replaced.
  for (const email of facts.emails) out = out.replace(new RegExp(escapeRegExp(email), 'gi'), REMOVED);
  out = out.replace(EMAIL, REMOVED);
  out = out.replace(URL_PATTERN, (url) => {
    const host = hostOf(url.replace(/[.,;:!?]+$/, ''));
    return host === undefined || isInternalHost(host, facts) ? REMOVED : url;
  });
  out = out.replace(BARE_INTERNAL_HOST, REMOVED);
  for (const ref of facts.internalRefs) out = out.split(ref).join(REMOVED);
  out = out.replace(PRIVATE_IPV4, REMOVED);
  for (const phone of facts.phones) out = out.split(phone).join(REMOVED);
  out = out.replace(PHONE_CANDIDATE, (m) => (isPhoneLike(m) ? REMOVED : m));
  out = replaceWords(out, facts.peopleNames, 'i', PERSON_PLACEHOLDER);
  out = replaceWords(out, facts.contactNames, 'i', CONTACT_PLACEHOLDER);
  if (hideCustomers) out = replaceWords(out, facts.customerNames, 'i', CUSTOMER_PLACEHOLDER);
  out = replaceWords(out, facts.nameWords, '', PERSON_PLACEHOLDER);
  out = replaceWords(out, facts.personIds, '', PERSON_PLACEHOLDER);
  // "@ana" in chat style leaves an "@" before the placeholder.
  return out.replace(new RegExp(`@(${PERSON_PLACEHOLDER}|${escapeRegExp(REMOVED)})`, 'g'), '$1');
}

function replaceWords(text: string, values: readonly string[], flags: string, by: string): string {
  const re = wordPattern(values, flags);
  if (!re) return text;
  const capital = `${by.charAt(0).toUpperCase()}${by.slice(1)}`;
  // A name that opened a sentence leaves a placeholder that opens it too.
  return text.replace(re, (_m, offset: number, whole: string) => (/(^|[.!?:]\s+|\n\s*)$/.test(whole.slice(0, offset)) ? capital : by));
}

/** What the text still contains of the record's people and contacts: names, phones, emails. Empty when clean. */
export function privateLeaks(text: string, facts: PrivateFacts): string[] {
  const found = new Set<string>();
  const lower = text.toLowerCase();
  for (const email of facts.emails) if (lower.includes(email)) found.add(`email ${email}`);
  const names = wordPattern([...facts.peopleNames, ...facts.contactNames], 'i');
  for (const m of names ? text.matchAll(names) : []) found.add(`name ${m[0]}`);
  const words = wordPattern(facts.nameWords, '');
  for (const m of words ? text.matchAll(words) : []) found.add(`name ${m[0]}`);
  const known = facts.phones.map(digits).filter((d) => d.length >= 4);
  for (const m of text.matchAll(PHONE_CANDIDATE)) {
    const d = digits(m[0]);
    // Same number in another spelling: "+351 912 345 678" vs "912345678".
    if (known.some((k) => d === k || (d.length >= 7 && (k.endsWith(d) || d.endsWith(k))))) found.add(`phone ${m[0].trim()}`);
  }
  for (const phone of facts.phones) if (text.includes(phone)) found.add(`phone ${phone}`);
  return [...found].sort();
}

export interface BusinessWindow {
  start: string;
  end: string;
  /** The reference time falls inside this window. */
  inProgress: boolean;
}

/** The customer's current or next business-hours window, as timestamps in their zone. */
export function nextBusinessWindow(zone: string, at: Date | number): BusinessWindow {
  const t = typeof at === 'number' ? at : at.getTime();
  const local = DateTime.fromMillis(t, { zone });
  if (!local.isValid) throw new RangeError(`unknown time zone "${zone}"`);
  for (let i = 0; i < 8; i++) {
    const day = local.startOf('day').plus({ days: i });
    if (day.weekday > 5) continue;
    // Set the hour on the local date, so a daylight-saving day still opens at 09:00 local.
    const start = day.set({ hour: BUSINESS_HOURS.startHour });
    const end = day.set({ hour: BUSINESS_HOURS.endHour });
    if (t < end.toMillis()) {
      return { start: toTimestamp(start.toMillis(), zone), end: toTimestamp(end.toMillis(), zone), inProgress: t >= start.toMillis() };
    }
  }
  throw new RangeError('no business day within a week');
}

function describeWindow(w: BusinessWindow, zone: string): string {
  const start = DateTime.fromISO(w.start, { setZone: true }).setLocale('en-GB');
  const end = DateTime.fromISO(w.end, { setZone: true }).setLocale('en-GB');
  // The reader's zone, named: "New York time (EST)".
  const named = `${zonePlace(zone)} time (${zoneAbbreviation(start.toMillis(), zone)})`;
  if (w.inProgress) return `now until ${end.toFormat('HH:mm')} ${named}`;
  return `${start.toFormat('cccc d LLLL yyyy, HH:mm')}–${end.toFormat('HH:mm')} ${named}`;
}

const STATUS_TEXT: Readonly<Record<IncidentStatus, string>> = {
  active: 'We are actively working on this problem.',
  'fix-released-awaiting-tests': 'A fix has been released; we are completing its verification.',
  closed: 'The problem has been resolved.',
};

export function publicStatusText(status: IncidentStatus): string {
  return STATUS_TEXT[status];
}

/**
 * The title outsiders see: the record's public title. The internal title is written for the
 * team and may say more than customers should read, so without a public title outsiders see a
 * neutral one with the day it began (Edit Incident sets the public title).
 */
export function publicTitle(incident: Incident, facts: PrivateFacts, hideCustomers = false): string {
  const chosen = incident.public_title?.replace(/\s+/g, ' ').trim();
  if (chosen) return scrubForOutsiders(chosen, facts, hideCustomers);
  const day = DateTime.fromMillis(instantOf(incident.declared_at), { zone: 'UTC' }).toFormat('yyyy-MM-dd');
  return `Service disruption of ${day}`;
}

/** Words that only say how to reach someone: a sentence of these and removed details says nothing. */
const CONTACT_WORDS = new Set(
  'a an and at by call calls can contact contacts directly email emails for further if in information is member more on or our phone please questions reach team text the to us via we you your'.split(' '),
);

/**
 * Drops the sentences that only carried contact details ("Call a team member on [removed] or
 * [removed]."): once the details are removed they tell the customer nothing.
 */
export function dropContactOnlySentences(text: string): string {
  return text
    // "(​[removed], [removed])" after a name says nothing once the details are gone.
    .replace(/\s*\((?:\s*\[removed\]\s*(?:,|or|and)?)+\s*\)/g, '')
    .split('\n')
    .map((line) =>
      line
        .split(/(?<=[.!?])\s+/)
        .filter((sentence) => {
          if (!sentence.includes(REMOVED)) return true;
          const rest = sentence
            .split(REMOVED)
            .join(' ')
            .replace(new RegExp(`${PERSON_PLACEHOLDER}|${CONTACT_PLACEHOLDER}`, 'gi'), ' ')
            .toLowerCase()
            .split(/[^a-z0-9]+/)
            .filter((w) => w && !CONTACT_WORDS.has(w));
          return rest.length > 0;
        })
        .join(' '),
    )
    .join('\n');
}

/**
 * The PRM's draft of the customer update for one cycle: the notable discoveries and
 * setbacks, or that the situation is unchanged; no names, ids, contact details or internal
 * links. At Level 2 it says that emails go out during business hours, with each customer's
 * next window in their zone: pass one customer to draft that customer's email, or several
 * to see every window (the PRM then sends each customer only their own line).
 */
export function customerUpdateText(
  incident: Incident,
  cycle: UpdateCycle,
  people: readonly Person[] = [],
  customers: readonly Customer[] = incident.customers ?? [],
): string {
  const facts = privateFacts(incident, people);
  const at = instantOf(cycle.at);
  const only = customers.length === 1 ? customers[0] : undefined;
  const lines: string[] = [];
  lines.push(`Update on: ${publicTitle(incident, facts)}`);
  // One customer reads it in their own zone, named; a draft for several says UTC.
  lines.push(`As of ${formatForReader(at, only?.timezone ?? 'UTC')}`);
  lines.push('');
  lines.push(publicStatusText(incident.status));
  lines.push('');
  lines.push('What is affected:');
  lines.push(dropContactOnlySentences(scrubForOutsiders(incident.impact.trim(), facts)));
  lines.push('');
  const notable = cycle.notable?.trim();
  if (notable) {
    lines.push('Since our last update:');
    lines.push(dropContactOnlySentences(scrubForOutsiders(notable, facts)));
  } else {
    lines.push(UNCHANGED_TEXT);
  }
  const rules = LEVEL_TABLE[incident.severity];
  if (incident.status !== 'closed' && incident.severity === 2) {
    lines.push('');
    lines.push('We email updates every two hours during business hours, by your own time zone.');
    for (const c of customers) {
      const window = nextBusinessWindow(c.timezone, at);
      lines.push(`${only ? 'Your next business hours' : `Next business hours for ${c.name}`}: ${describeWindow(window, c.timezone)}`);
    }
  } else if (incident.status !== 'closed' && incident.severity === 1) {
    lines.push('');
    lines.push(`We will keep you informed with ${rules.customerEmailCadence}.`);
  }
  lines.push('');
  lines.push('If you have any questions, reply to this email or call your usual contact with us.');
  return `${lines.join('\n')}\n`;
}

/**
 * Records the customer update of cycle `cycleIndex` as sent, with the text the PRM actually
 * sent. Refuses text that still names one of the record's people or contacts, or carries
 * their phone or email, and a cycle whose update was already sent.
 */
export function recordCustomerUpdate(
  incident: Incident,
  cycleIndex: number,
  text: string,
  ctx: ActionContext,
  people: readonly Person[] = [],
): RecordEdit[] {
  const cycle = incident.updates?.[cycleIndex];
  if (!cycle) throw new RuleViolation(PRM_RULE, `There is no update cycle ${cycleIndex}.`);
  if (cycle.customer_update?.sent_at) {
    throw new RuleViolation(PRM_RULE, `The customer update for the cycle of ${cycle.at} was already sent at ${cycle.customer_update.sent_at}.`);
  }
  const body = text.trim();
  if (!body) throw new RuleViolation(PRM_RULE, 'The customer update is empty.');
  const leaks = privateLeaks(body, privateFacts(incident, people));
  if (leaks.length > 0) {
    throw new RuleViolation(PRM_RULE, `The customer update still contains private details: ${leaks.join('; ')}. Remove them before sending.`);
  }
  const sent = { text: body, sent_at: toTimestamp(ctx.now, ctx.zone), by: ctx.actor };
  return [
    { op: 'set', path: ['updates', cycleIndex, 'customer_update'], value: sent },
    timelineEdit(ctx, 'customer-update-sent', `Customer update sent for the update cycle of ${cycle.at}`),
  ];
}

export const QUESTIONS_RULE =
  'Ask the Incident Manager if there is any information that should be gathered from affected users; if so, put together a list of questions.';

/** Adds a question for affected users, for the PRM's calls. */
export function addQuestion(incident: Incident, text: string, ctx: ActionContext): RecordEdit[] {
  const question = text.replace(/\s+/g, ' ').trim();
  if (!question) throw new RuleViolation(QUESTIONS_RULE, 'The question is empty.');
  if ((incident.questions ?? []).some((q) => q.trim().toLowerCase() === question.toLowerCase())) {
    throw new RuleViolation(QUESTIONS_RULE, `The question is already on the list: "${question}".`);
  }
  return [{ op: 'append', path: ['questions'], value: question }, timelineEdit(ctx, 'question-added', `Question for affected users: ${question}`)];
}

/**
 * The PRM's notes for calling customers: the runbook's points for each call, the questions
 * for affected users, and whom to call. The customers' own contacts are listed (they are who
 * the PRM calls); the team's contact details never are, not even inside a question.
 */
/**
 * A customer's clock for the PR Manager: "08:05 EST in New York now: business hours", or in the
 * night "03:00 EST in New York now: quiet hours; their morning starts 07:00 EST (in 4:00)".
 */
export function customerClockLine(zone: string, now: number, quiet: QuietHours = DEFAULT_QUIET_HOURS): string {
  const local = DateTime.fromMillis(now, { zone });
  if (!local.isValid) return `${zone}: not a time zone this machine knows; check the customer's zone`;
  const clock = `${local.toFormat('HH:mm')} ${zoneAbbreviation(now, zone)} in ${zonePlace(zone)} now`;
  if (isQuietHours(new Date(now), zone, quiet)) {
    return `${clock}: quiet hours; their morning starts ${formatTimeRelative(nextLocalTime(new Date(now), zone, quiet.end), zone, now)}`;
  }
  const window = nextBusinessWindow(zone, now);
  if (window.inProgress) return `${clock}: business hours (until ${formatTime(window.end, zone, now)})`;
  return `${clock}: awake, outside business hours (next from ${formatTime(window.start, zone, now)})`;
}

export function prmCallNotes(
  incident: Incident,
  customers: readonly Customer[] = incident.customers ?? [],
  people: readonly Person[] = [],
  now: number = Date.now(),
  quiet: QuietHours = DEFAULT_QUIET_HOURS,
): string {
  const facts = privateFacts(incident, people);
  // Only the team's details are private here; the customers' contacts are the call list.
  const teamFacts: PrivateFacts = { ...facts, contactNames: [], customerNames: [] };
  const rules = LEVEL_TABLE[incident.severity];
  const lines: string[] = [];
  lines.push(`Customer calls: ${publicTitle(incident, teamFacts)} (${rules.name})`);
  lines.push('');
  lines.push(`When to call: ${rules.customers}`);
  lines.push('');
  lines.push('On each call:');
  lines.push('- If they were not aware of the problem, tell them; if they were, tell them we are actively working on it.');
  lines.push('- Give them a number to reach you and encourage them to call with any questions.');
  if (incident.severity === 2) {
    lines.push('- Tell them you will email bi-hourly updates during their business hours; confirm they have email access, and offer to call with updates instead.');
  } else if (incident.severity === 1) {
    lines.push(`- Tell them you will send ${rules.customerEmailCadence}; confirm they have email access, and offer to call with updates instead.`);
  }
  lines.push('- Go over the questions below.');
  lines.push('- If you cannot reach them by phone, email them.');
  lines.push('');
  const questions = incident.questions ?? [];
  if (questions.length === 0) {
    lines.push('Questions for affected users: none from the Incident Manager yet.');
  } else {
    lines.push('Questions for affected users:');
    questions.forEach((q, i) => lines.push(`${i + 1}. ${scrubForOutsiders(q, teamFacts)}`));
  }
  lines.push('');
  lines.push('Customers to call:');
  if (customers.length === 0) lines.push('- none recorded');
  for (const c of customers) {
    // Their clock decides whether to call now: the runbook's waking hours are the customer's.
    lines.push(`- ${c.name}: ${customerClockLine(c.timezone, now, quiet)}`);
    for (const contact of c.contacts ?? []) {
      const ways = [contact.phone && `phone ${contact.phone}`, contact.email && `email ${contact.email}`].filter(Boolean).join(', ');
      lines.push(`  - ${contact.name}${ways ? `: ${ways}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

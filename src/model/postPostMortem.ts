// The PR manager's post-post-mortem: what happened, how it was addressed and what is being done
// so it does not happen again, for ALL customers, not only the affected ones. It follows the
// privacy rules of every customer text (customerText.ts): no internal names, contact details,
// internal links or internal title; a text that still leaks is refused, naming what leaks.
import { DateTime } from 'luxon';
import { privateFacts, privateLeaks, publicTitle, scrubForOutsiders, type PrivateFacts } from './customerText';
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { LEVEL_TABLE } from './levels';
import type { Customer, Incident, Person } from './record';
import { instantOf, toTimestamp } from './time';
import { isNote, orderedTimeline } from './timelineNotes';

export const RULE_POST_POST_MORTEM = 'post-post-mortem';
export const QUOTE_POST_POST_MORTEM =
  'The PR Manager has two remaining tasks: summarize what happened, how it was addressed, and what steps are being taken to prevent it from happening again; communicate this information to all customers (not just the ones directly affected by the incident).';

function utc(ts: string): string {
  return `${DateTime.fromMillis(instantOf(ts), { zone: 'UTC' }).toFormat('d LLLL yyyy, HH:mm')} UTC`;
}

function notesOf(incident: Incident, kinds: readonly string[]): string[] {
  return orderedTimeline(incident)
    .filter((e) => isNote(e) && kinds.includes(e.note_kind ?? 'other'))
    .map((e) => e.text.trim());
}

/** All customers read it: customer names go too. */
function clean(text: string, facts: PrivateFacts): string {
  return scrubForOutsiders(text.replace(/\s+/g, ' ').trim(), facts, true);
}

/**
 * The draft: the public title, when it began and ended, what was affected, how it was addressed
 * (mitigation and resolution notes) and the prevention steps (the post-mortem's action items,
 * without owners). Every line passes through the outsiders' scrubber.
 */
export function draftPostPostMortem(incident: Incident, people: readonly Person[] = []): string {
  const facts = privateFacts(incident, people);
  const lines: string[] = [];
  lines.push(`What happened: ${publicTitle(incident, facts, true)}`);
  lines.push('');
  const ended = incident.closed_at ? ` until ${utc(incident.closed_at)}` : '';
  lines.push(`From ${utc(incident.declared_at)}${ended}, ${clean(incident.impact, facts).replace(/^\p{Lu}(?=\p{Ll})/u, (c) => c.toLowerCase())}`);
  lines.push('');
  lines.push('How we addressed it:');
  const addressed = notesOf(incident, ['mitigation', 'resolution']);
  if (addressed.length) for (const n of addressed) lines.push(`- ${clean(n, facts)}`);
  else lines.push(`- ${incident.fix ? 'We released a fix, verified it in staging and in production, and confirmed the problem was resolved.' : 'We resolved the problem and verified the service in production.'}`);
  lines.push('');
  lines.push('What we are doing so it does not happen again:');
  const items = incident.postmortem?.action_items ?? [];
  if (items.length) for (const a of items) lines.push(`- ${clean(a.text, facts)}${a.done ? ' (done)' : ''}`);
  else lines.push('- (the post-mortem\'s action items, once it is ready)');
  lines.push('');
  lines.push('We are sorry for the disruption. If you have any questions, reply to this email or call your usual contact with us.');
  return `${lines.join('\n')}\n`;
}

/** What in the text would not be fit for all customers; empty when it may be sent. */
export function postPostMortemLeaks(incident: Incident, text: string, people: readonly Person[] = []): string[] {
  const facts = privateFacts(incident, people);
  const found = new Set(privateLeaks(text, facts));
  if (incident.public_title && incident.title.trim() && text.toLowerCase().includes(incident.title.trim().toLowerCase())) {
    found.add(`the internal title "${incident.title.trim()}" (use the public title "${incident.public_title.trim()}")`);
  }
  // Anything else the outsiders' rules would remove: internal links, chat and ticket references,
  // private addresses, person ids, customer names. Reported token by token.
  for (const token of text.split(/\s+/)) {
    const bare = token.replace(/^[("'[]+|[)"'\].,;:!?]+$/g, '');
    if (!bare) continue;
    if (scrubForOutsiders(bare, facts, true) !== bare) {
      const isLink = /^(?:https?|ftp):\/\//i.test(bare) || /\./.test(bare);
      found.add(isLink ? `internal link or address ${bare}` : `private detail "${bare}"`);
    }
  }
  // Multi-word names and customer names that no single token shows.
  if (scrubForOutsiders(text, facts, true) !== text && found.size === 0) found.add('text the customer privacy rules would change (a name or a customer)');
  return [...found].sort();
}

/** Records the post-post-mortem as sent, with who and when; refused at levels without one, and when it leaks. */
export function recordPostPostMortem(incident: Incident, text: string, ctx: ActionContext, people: readonly Person[] = []): RecordEdit[] {
  const rules = LEVEL_TABLE[incident.severity];
  if (!rules.postPostMortem) throw new RuleViolation(RULE_POST_POST_MORTEM, `${rules.name} has no post-post-mortem: customers hear of it through the public log.`);
  if (incident.status !== 'closed') throw new RuleViolation(RULE_POST_POST_MORTEM, 'The post-post-mortem follows the post-mortem: close the incident first.');
  if (incident.post_post_mortem?.sent_at) throw new RuleViolation(RULE_POST_POST_MORTEM, `The post-post-mortem was already sent at ${incident.post_post_mortem.sent_at}.`);
  const body = text.trim();
  if (!body) throw new RuleViolation(RULE_POST_POST_MORTEM, 'The post-post-mortem is empty.');
  const leaks = postPostMortemLeaks(incident, body, people);
  if (leaks.length) throw new RuleViolation(RULE_POST_POST_MORTEM, `It goes to all customers and still contains: ${leaks.join('; ')}. Remove them before sending.`);
  return [
    { op: 'set', path: ['post_post_mortem'], value: { text: body, sent_at: toTimestamp(ctx.now, ctx.zone), by: ctx.actor } },
    timelineEdit(ctx, 'post-post-mortem-sent', 'Post-post-mortem sent to all customers and added to the public log'),
  ];
}

/** Whom the post-post-mortem goes to: every customer, not just the affected ones. */
export interface PostPostMortemRecipients {
  /** Every customer known: the shared customers file's and the record's, once each. */
  customers: number;
  /** Their contacts' email addresses, once each, in the customers' order. */
  addresses: string[];
  /** Customers none of whose contacts has an email address: to be reached some other way. */
  withoutEmail: string[];
}

/**
 * "Communicate this information to all customers (not just the ones directly affected)": the
 * customers file (the full list, kept out of version control) and the incident's own customers,
 * joined by id (the record's entry is the incident's, so it wins).
 */
export function postPostMortemRecipients(incident: Incident, fileCustomers: readonly Customer[]): PostPostMortemRecipients {
  const byId = new Map<string, Customer>();
  for (const c of fileCustomers) byId.set(c.id, c);
  for (const c of incident.customers ?? []) byId.set(c.id, c);
  const addresses: string[] = [];
  const seen = new Set<string>();
  const withoutEmail: string[] = [];
  for (const customer of byId.values()) {
    const emails = (customer.contacts ?? []).map((c) => c.email?.trim()).filter((e): e is string => !!e);
    if (emails.length === 0) withoutEmail.push(customer.name);
    for (const email of emails) {
      const key = email.toLowerCase();
      if (!seen.has(key)) {
        seen.add(key);
        addresses.push(email);
      }
    }
  }
  return { customers: byId.size, addresses, withoutEmail };
}

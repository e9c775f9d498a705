// Correcting what was entered: a person's details, removing someone added by mistake, the
// incident's title, public title, impact and links, and a free note in the timeline. Each
// correction is recorded in the timeline; contact details never are.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import type { Incident, Links, Person, PersonId } from './record';
import { currentWorkers } from './roles';
import { isTimeZone } from './time';

export const RULE_PERSON_HOLDS_ROLE = 'person-holds-role';
export const RULE_PERSON_UNKNOWN = 'person-unknown';
export const RULE_INCIDENT_FIELD = 'incident-field';

/** The roles someone holds now, by name, e.g. ["Incident Manager"], ["SME", "worker"]. */
export function rolesHeld(incident: Incident, id: PersonId): string[] {
  const r = incident.roles;
  const out: string[] = [];
  if (r.incident_manager === id) out.push('Incident Manager');
  if ((r.sme ?? []).includes(id)) out.push('SME');
  if (currentWorkers(incident).some((w) => w.person === id)) out.push('worker');
  if ((r.observers ?? []).includes(id)) out.push('observer');
  if (r.prm === id) out.push('PR Manager');
  return out;
}

/** What can be corrected about a person; absent keys stay as they are, empty strings clear optional ones. */
export type PersonChanges = Partial<Pick<Person, 'name' | 'timezone' | 'phone' | 'email' | 'git_emails'>>;

/**
 * The edits that correct a person in the record's people. The id stays: the record refers to
 * people by id everywhere. The timeline says which fields changed, never their values for
 * contact details (they are personal data).
 */
export function editPerson(incident: Incident, id: PersonId, changes: PersonChanges, ctx: ActionContext): RecordEdit[] {
  const index = (incident.people ?? []).findIndex((p) => p.id === id);
  if (index < 0) throw new RuleViolation(RULE_PERSON_UNKNOWN, `"${id}" is not among this record's people (they may live in the shared people file).`);
  const person = incident.people![index];
  const edits: RecordEdit[] = [];
  const changed: string[] = [];
  const at = (key: string) => ['people', index, key];
  if (changes.name !== undefined && changes.name.trim() !== person.name) {
    if (!changes.name.trim()) throw new RuleViolation(RULE_PERSON_UNKNOWN, 'A person needs a name.');
    edits.push({ op: 'set', path: at('name'), value: changes.name.trim() });
    changed.push(`name (was ${person.name})`);
  }
  if (changes.timezone !== undefined && changes.timezone.trim() !== person.timezone) {
    if (!isTimeZone(changes.timezone.trim())) {
      throw new RuleViolation(RULE_PERSON_UNKNOWN, `"${changes.timezone}" is not an IANA time zone (e.g. Europe/Lisbon). Waking hours are judged in it, so it is required.`);
    }
    edits.push({ op: 'set', path: at('timezone'), value: changes.timezone.trim() });
    changed.push(`time zone (${person.timezone} → ${changes.timezone.trim()})`);
  }
  for (const key of ['phone', 'email'] as const) {
    const value = changes[key];
    if (value === undefined || value.trim() === (person[key] ?? '')) continue;
    edits.push(value.trim() ? { op: 'set', path: at(key), value: value.trim() } : { op: 'delete', path: at(key) });
    changed.push(key);
  }
  if (changes.git_emails !== undefined) {
    const emails = changes.git_emails.map((e) => e.trim()).filter((e) => e);
    if (emails.join(',') !== (person.git_emails ?? []).join(',')) {
      edits.push(emails.length ? { op: 'set', path: at('git_emails'), value: emails } : { op: 'delete', path: at('git_emails') });
      changed.push('commit emails');
    }
  }
  if (edits.length === 0) return [];
  const name = changes.name?.trim() || person.name;
  return [...edits, timelineEdit(ctx, 'person-edited', `${name} (${id}): ${changed.join(', ')} corrected`)];
}

/**
 * Removes a person added by mistake. Refused while they hold a role: the runbook's roles must
 * be handed over or released first, so nobody's duty disappears with a deletion.
 */
export function removePerson(incident: Incident, id: PersonId, ctx: ActionContext): RecordEdit[] {
  const index = (incident.people ?? []).findIndex((p) => p.id === id);
  if (index < 0) throw new RuleViolation(RULE_PERSON_UNKNOWN, `"${id}" is not among this record's people.`);
  const person = incident.people![index];
  const roles = rolesHeld(incident, id);
  if (roles.length > 0) {
    const how = roles.includes('Incident Manager')
      ? 'Hand the Incident Manager role over first (Incident: Hand Over Incident Manager Role).'
      : 'Release them or remove the role first (Incident: Release Person, Incident: Remove Role).';
    throw new RuleViolation(RULE_PERSON_HOLDS_ROLE, `${person.name} is the incident's ${roles.join(' and ')} and cannot be removed while holding a role. ${how}`);
  }
  return [{ op: 'delete', path: ['people', index] }, timelineEdit(ctx, 'person-removed', `${person.name} (${id}) removed`)];
}

export interface IncidentChanges {
  title?: string;
  /** The title outsiders see; an empty string removes it (outsiders then see the scrubbed title). */
  public_title?: string;
  impact?: string;
  links?: Partial<Record<keyof Links, string>>;
}

const LINK = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const LINK_NAMES: Record<keyof Links, string> = { chat_room: 'chat room', ticket: 'ticket', runbook: 'runbook' };

/** Corrects the incident's title, public title, impact and links; each change is in the timeline. */
export function editIncident(incident: Incident, changes: IncidentChanges, ctx: ActionContext): RecordEdit[] {
  const edits: RecordEdit[] = [];
  const changed: string[] = [];
  if (changes.title !== undefined && changes.title.trim() !== incident.title) {
    if (!changes.title.trim()) throw new RuleViolation(RULE_INCIDENT_FIELD, 'An incident needs a title.');
    edits.push({ op: 'set', path: ['title'], value: changes.title.trim() });
    changed.push(`title (was "${incident.title}")`);
  }
  if (changes.public_title !== undefined && changes.public_title.trim() !== (incident.public_title ?? '')) {
    edits.push(changes.public_title.trim() ? { op: 'set', path: ['public_title'], value: changes.public_title.trim() } : { op: 'delete', path: ['public_title'] });
    changed.push('public title');
  }
  if (changes.impact !== undefined && changes.impact.trim() !== incident.impact.trim()) {
    if (!changes.impact.trim()) throw new RuleViolation(RULE_INCIDENT_FIELD, 'Describe the impact: who is affected and how.');
    edits.push({ op: 'set', path: ['impact'], value: changes.impact.trim() });
    changed.push('impact');
  }
  for (const [key, value] of Object.entries(changes.links ?? {}) as [keyof Links, string | undefined][]) {
    if (value === undefined || value.trim() === (incident.links?.[key] ?? '')) continue;
    if (value.trim() && !LINK.test(value.trim())) throw new RuleViolation(RULE_INCIDENT_FIELD, `The ${LINK_NAMES[key]} link must be a link such as https://…, or nothing.`);
    edits.push(value.trim() ? { op: 'set', path: ['links', key], value: value.trim() } : { op: 'delete', path: ['links', key] });
    changed.push(`${LINK_NAMES[key]} link`);
  }
  if (edits.length === 0) return [];
  return [...edits, timelineEdit(ctx, 'incident-edited', `Corrected: ${changed.join(', ')}`)];
}

// Declaring an incident: the new record with its level's checklists and the first timeline entry.
import { levelRules, RUNBOOK_URL } from './levels';
import { SCHEMA_ID, type Incident, type Level, type Links, type Person } from './record';
import { isTimeZone, toTimestamp } from './time';

export interface DeclareInput {
  title: string;
  level: Level;
  impact: string;
  incidentManager: Person;
  chatRoom?: string;
  ticket?: string;
}

export class DeclareError extends Error {}

/** Lower-case words joined by hyphens, at most 48 characters: readable in file names and ids. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 48).replace(/-+$/, '') || 'incident';
}

/** `<date in the IM's zone>-<slug>`, with a numeric suffix when the id is taken. */
export function incidentId(title: string, declaredAt: Date, zone: string, taken: ReadonlySet<string>): string {
  const date = toTimestamp(declaredAt, zone).slice(0, 10);
  const base = `${date}-${slugify(title)}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

export function newIncident(input: DeclareInput, now: Date, taken: ReadonlySet<string> = new Set()): Incident {
  const title = input.title.trim();
  const impact = input.impact.trim();
  const im = input.incidentManager;
  if (!title) throw new DeclareError('An incident needs a title.');
  if (!impact) throw new DeclareError('Describe the impact: who is affected and how.');
  if (!im.id || !im.name.trim()) throw new DeclareError('The Incident Manager needs a name.');
  if (!isTimeZone(im.timezone)) throw new DeclareError(`"${im.timezone}" is not an IANA time zone (e.g. Europe/Lisbon).`);

  const rules = levelRules(input.level);
  const zone = im.timezone;
  const at = toTimestamp(now, zone);
  const links: Links = { runbook: RUNBOOK_URL };
  if (input.chatRoom?.trim()) links.chat_room = input.chatRoom.trim();
  if (input.ticket?.trim()) links.ticket = input.ticket.trim();

  return {
    schema: SCHEMA_ID,
    id: incidentId(title, now, zone, taken),
    title,
    severity: input.level,
    status: 'active',
    declared_at: at,
    impact,
    links,
    people: [{ ...im, name: im.name.trim() }],
    roles: { incident_manager: im.id, sme: [], workers: [], observers: [] },
    checklists: {
      start: rules.start.map((s) => ({ id: s.id, text: s.text, done_at: null, done_by: null })),
      end: rules.end.map((s) => ({ id: s.id, text: s.text, done_at: null, done_by: null })),
    },
    timeline: [{ at, by: im.id, kind: 'declared', text: `${rules.name} incident declared: ${title}` }],
  };
}

// Shared fixtures for the runbook-rule tests: a declared incident, people in several zones,
// and a plain-object applier for RecordEdits (the store's YAML applier is tested on its own).
import { newIncident } from '../../src/model/declare';
import type { ActionContext, RecordEdit } from '../../src/model/edits';
import type { Incident, Level, Person } from '../../src/model/record';

export const ana: Person = { id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon', phone: '+351 912 345 678', email: 'ana@example.com' };
export const bruno: Person = { id: 'bruno', name: 'Bruno Costa', timezone: 'Asia/Tokyo', email: 'bruno@example.com', git_emails: ['Bruno@Users.NoReply.example'] };
export const carla: Person = { id: 'carla', name: 'Carla Dias', timezone: 'America/New_York', phone: '+1 (212) 555-0147' };
export const dev: Person = { id: 'dev', name: 'Dev Rao', timezone: 'Asia/Kolkata' };
export const PEOPLE: readonly Person[] = [ana, bruno, carla, dev];

export const DECLARED = new Date('2026-11-27T14:00:00Z');

/** A fresh incident at the level, declared by Ana (IM) at DECLARED, with everyone in the record. */
export function incidentAt(level: Level, declaredAt: Date = DECLARED): Incident {
  const incident = newIncident({ title: 'Checkout returns 500', level, impact: 'EU customers cannot pay.', incidentManager: ana, ticket: 'https://tickets.example/INC-42' }, declaredAt);
  incident.people = PEOPLE.map((p) => ({ ...p }));
  return incident;
}

export function ctxAt(iso: string, actor = 'ana'): ActionContext {
  return { actor, now: new Date(iso), zone: 'UTC' };
}

function parentOf(root: unknown, path: readonly (string | number)[], create: boolean): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const key of path) {
    if (node[key] === undefined || node[key] === null) {
      if (!create) throw new Error(`no ${path.join('.')}`);
      node[key] = {};
    }
    node = node[key] as Record<string | number, unknown>;
  }
  return node;
}

/** Applies edits to a deep copy, as the store would to the YAML. */
export function apply(incident: Incident, edits: readonly RecordEdit[]): Incident {
  const copy = structuredClone(incident);
  for (const e of edits) {
    const parent = parentOf(copy, e.path.slice(0, -1), true);
    const key = e.path[e.path.length - 1];
    if (e.op === 'set') parent[key] = structuredClone(e.value);
    else if (e.op === 'append') {
      if (!Array.isArray(parent[key])) parent[key] = [];
      (parent[key] as unknown[]).push(structuredClone(e.value));
    } else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  }
  return copy;
}

/** The last timeline entry, for asserting who and when. */
export function lastEntry(incident: Incident): Incident['timeline'][number] {
  return incident.timeline[incident.timeline.length - 1];
}

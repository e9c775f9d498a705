// Domain operations do not write files: they read an Incident and return the edits to make.
// The store applies them to the YAML document, so comments, key order and unknown keys survive.
import type { Incident, PersonId, TimelineEntry } from './record';
import { toTimestamp } from './time';

export type RecordPath = readonly (string | number)[];

export type RecordEdit =
  /** Sets a value, creating missing parent maps. */
  | { op: 'set'; path: RecordPath; value: unknown }
  /** Appends to a sequence, creating it when missing. */
  | { op: 'append'; path: RecordPath; value: unknown }
  | { op: 'delete'; path: RecordPath };

/** Who acts and when; every change records both. */
export interface ActionContext {
  actor: PersonId;
  now: Date;
  /** IANA zone to write timestamps in; defaults to this machine's. */
  zone?: string;
}

/** A step the runbook forbids. The message quotes the rule. */
export class RuleViolation extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

export function timelineEdit(ctx: ActionContext, kind: string, text: string): RecordEdit {
  const entry: TimelineEntry = { at: toTimestamp(ctx.now, ctx.zone), by: ctx.actor, kind, text };
  return { op: 'append', path: ['timeline'], value: entry };
}

/** An operation: decides, from the record as it is on disk now, what to change. */
export type RecordOperation = (incident: Incident) => RecordEdit[];

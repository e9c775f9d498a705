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

/** A deep copy without the keys whose value is undefined (they are not written either). */
function definedCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(definedCopy);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = definedCopy(x);
    return out;
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The value after the edits, as the store's YAML edits mean them: `set` creates missing parent
 * maps (and replaces an empty value by one), `append` creates a missing list, `delete` of a path
 * that is gone does nothing. Throws when a path runs through a scalar or past a list's end.
 */
export function applyEditsToValue<T>(value: T, edits: readonly RecordEdit[]): T {
  let root: unknown = structuredClone(value);
  for (const edit of edits) {
    if (edit.path.length === 0) {
      if (edit.op === 'set') root = definedCopy(edit.value);
      else throw new Error(`cannot ${edit.op} the whole record`);
      continue;
    }
    const parentPath = edit.path.slice(0, -1);
    const key = edit.path[edit.path.length - 1]!;
    if (edit.op === 'delete' || (edit.op === 'set' && edit.value === undefined)) {
      const parent = walk(root, parentPath, false);
      if (Array.isArray(parent) && typeof key === 'number') {
        if (key >= 0 && key < parent.length) parent.splice(key, 1);
      } else if (isPlainObject(parent)) delete parent[String(key)];
      continue;
    }
    if (edit.op === 'append') {
      const parent = walk(root, parentPath, true) as Record<string | number, unknown>;
      const list = parent[key as string];
      if (list === undefined || list === null) parent[key as string] = [definedCopy(edit.value)];
      else if (Array.isArray(list)) list.push(definedCopy(edit.value));
      else throw new Error(`cannot append to ${edit.path.join('.')}: it is not a list`);
      continue;
    }
    const parent = walk(root, parentPath, true);
    if (Array.isArray(parent)) {
      if (typeof key !== 'number' || key < 0 || key > parent.length) throw new Error(`cannot set ${edit.path.join('.')}: no such item`);
      parent[key] = definedCopy(edit.value);
    } else (parent as Record<string, unknown>)[String(key)] = definedCopy(edit.value);
  }
  return root as T;

  function walk(from: unknown, path: RecordPath, create: boolean): unknown {
    let node = from;
    for (const seg of path) {
      if (Array.isArray(node)) {
        if (typeof seg !== 'number' || seg < 0 || seg >= node.length) {
          if (!create) return undefined;
          throw new Error(`${String(seg)} is not an item of the list`);
        }
        node = node[seg];
      } else if (isPlainObject(node)) {
        const next = node[String(seg)];
        if (next === undefined || next === null) {
          if (!create) return undefined;
          node[String(seg)] = {};
        } else if (typeof next !== 'object') {
          if (!create) return undefined;
          throw new Error(`${String(seg)} is not a mapping or list`);
        }
        node = node[String(seg)];
      } else {
        if (!create) return undefined;
        throw new Error(`${String(seg)} is not a mapping or list`);
      }
    }
    return node;
  }
}

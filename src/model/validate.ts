// Validates a parsed record against the published JSON Schema, then adds the checks a
// schema cannot express. Messages are written for the person editing the YAML by hand.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { validatePeople, validateRecord } from './validators.generated';
import schemaJson from './incident-room-v1.schema.json';
import { isTimestamp } from './time';

export type ProblemPath = (string | number)[];

export interface ValidationProblem {
  path: ProblemPath;
  message: string;
}

// Read from the schema on first use: the schema is a library of its own, loaded once a record is validated.
const timestampPattern = (): string => schemaJson.definitions.timestamp.pattern;
const idPattern = (): string => schemaJson.properties.id.pattern;
const TIMESTAMP_EXAMPLE = '2026-11-27T14:05:00+01:00';

type Validator = ValidateFunction;

/** "roles.workers[0].person"; the record itself is "the record". */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the record';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** Problems with a parsed incident record; empty when it is valid. */
export function validateIncident(value: unknown): ValidationProblem[] {
  const problems = schemaProblems(validateRecord, value);
  if (isObject(value)) {
    walkTimestamps(schemaJson as unknown as SchemaNode, value, undefined, problems);
    problems.push(...semanticProblems(value));
  }
  return problems;
}

/**
 * Problems with a valid record after items were appended to its top-level lists (`appended`: each
 * list's key, once per item added, in order). The schema and the rules across items are checked
 * on the whole record; dates and times only in the new items, since the record's others were
 * checked when it was read (the walk over every date of a long record is most of its validation).
 */
export function validateAppended(value: unknown, appended: readonly string[]): ValidationProblem[] {
  const problems = schemaProblems(validateRecord, value);
  if (isObject(value)) {
    const counts = new Map<string, number>();
    for (const key of appended) counts.set(key, (counts.get(key) ?? 0) + 1);
    const root = walkPlan(schemaJson as unknown as SchemaNode);
    for (const [key, count] of counts) {
      const list = value[key];
      const items = root.properties.find(([k]) => k === key)?.[1];
      const itemPlan = items && walkPlan(items).items;
      if (!itemPlan || !Array.isArray(list)) continue;
      const at: PathStep = { parent: undefined, seg: key };
      for (let i = Math.max(0, list.length - count); i < list.length; i++) walkTimestamps(itemPlan, list[i], { parent: at, seg: i }, problems);
    }
    problems.push(...semanticProblems(value));
  }
  return problems;
}

/** Problems with a parsed people file (`people: [ {id, name, timezone, ...} ]`). */
export function validatePeopleFile(value: unknown): ValidationProblem[] {
  const problems = schemaProblems(validatePeople, value);
  if (isObject(value) && Array.isArray(value.people)) {
    const people = value.people as unknown[];
    duplicates(people, (p) => (isObject(p) ? p.id : undefined), ['people'], 'id', 'person id', problems);
  }
  return problems;
}


function schemaProblems(validator: Validator, value: unknown): ValidationProblem[] {
  if (validator(value)) return [];
  const errors = validator.errors ?? [];
  // One message per place: a wrong type makes every other complaint about that value noise.
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const seen = new Set<string>();
  const out: ValidationProblem[] = [];
  for (const e of errors) {
    if (e.keyword !== 'type' && e.keyword !== 'required' && typeErrorAt.has(e.instancePath)) continue;
    const problem = describe(e, value);
    const key = `${JSON.stringify(problem.path)}\n${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

function pointerToPath(pointer: string): ProblemPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function valueAt(root: unknown, path: ProblemPath): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/**
 * The schema object an error's keyword sits in, from its schemaPath ("#/definitions/timestamp/pattern",
 * or "<schema id>#/..." through a $ref): the precompiled validators do not carry their schemas along.
 */
function subschemaOf(schemaPath: string): unknown {
  const hash = schemaPath.indexOf('#');
  const base = schemaPath.slice(0, hash);
  // Paths in the people file's own wrapper schema are not in the record schema; their wording needs none.
  if (base !== '' && base !== schemaJson.$id) return {};
  const segments = schemaPath.slice(hash + 2).split('/').slice(0, -1);
  let cur: unknown = schemaJson;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') return {};
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur ?? {};
}

function describe(e: ErrorObject, root: unknown): ValidationProblem {
  const path = pointerToPath(e.instancePath);
  const where = formatPath(path);
  const sub = (e.parentSchema ?? subschemaOf(e.schemaPath)) as { pattern?: string; type?: string | string[] };
  const isTimestampField = sub.pattern === timestampPattern();
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const full = [...path, missing];
      return { path: full, message: `${formatPath(full)} is required` };
    }
    case 'type': {
      const actual = kindOf(valueAt(root, path));
      if (isTimestampField) {
        return { path, message: `${where} must be a timestamp with an offset, e.g. ${TIMESTAMP_EXAMPLE}` };
      }
      const expected = typeList(sub.type ?? (e.params as { type: string }).type);
      const hint = expected.startsWith('a string') && (actual === 'a number' || actual === 'true or false')
        ? '; put the value in quotes'
        : '';
      return { path, message: `${where} must be ${expected}, not ${actual}${hint}` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return { path, message: `${where} must be ${orList(allowed.map(String))}` };
    }
    case 'const': {
      const allowed = (e.params as { allowedValue: unknown }).allowedValue;
      return { path, message: `${where} must be ${String(allowed)}` };
    }
    case 'pattern': {
      if (isTimestampField) {
        return { path, message: `${where} must be a timestamp with an offset, e.g. ${TIMESTAMP_EXAMPLE}` };
      }
      if (sub.pattern === idPattern()) {
        return { path, message: `${where} may contain only letters, digits, ".", "_" and "-", starting with a letter or digit (it names the file)` };
      }
      return { path, message: `${where} must match ${sub.pattern ?? 'the expected pattern'}` };
    }
    case 'minimum':
      return { path, message: `${where} must be at least ${(e.params as { limit: number }).limit}` };
    default:
      return { path, message: `${where} ${e.message ?? 'is not valid'}` };
  }
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'boolean') return 'true or false';
  if (typeof v === 'number') return 'a number';
  return `a ${typeof v}`;
}

function typeList(type: string | string[]): string {
  const names: Record<string, string> = {
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    object: 'a mapping (key: value pairs)',
    array: 'a list',
    null: 'empty (null)',
  };
  const list = (Array.isArray(type) ? type : [type]).map((t) => names[t] ?? t);
  return orList(list);
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

interface SchemaNode {
  $ref?: string;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

function resolve(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace('#/definitions/', '');
  return (schemaJson.definitions as Record<string, SchemaNode>)[name] ?? node;
}

let timestampShape: RegExp | undefined;

/** A path built only when a problem needs it: each step points at its parent. */
interface PathStep {
  parent: PathStep | undefined;
  seg: string | number;
}

function pathOf(step: PathStep | undefined): ProblemPath {
  const out: ProblemPath = [];
  for (let s = step; s; s = s.parent) out.unshift(s.seg);
  return out;
}

/** Each schema node's timestamp-bearing children, resolved once: the walk visits only these. */
const timestampChildren = new Map<SchemaNode, { properties: [string, SchemaNode][]; items: SchemaNode | undefined; isTimestamp: boolean }>();

function walkPlan(node: SchemaNode): { properties: [string, SchemaNode][]; items: SchemaNode | undefined; isTimestamp: boolean } {
  let plan = timestampChildren.get(node);
  if (!plan) {
    const s = resolve(node);
    plan = {
      isTimestamp: s.pattern === timestampPattern(),
      properties: s.properties ? Object.entries(s.properties).filter(([, child]) => holdsTimestamp(child, new Set())) : [],
      items: s.items && holdsTimestamp(s.items, new Set()) ? s.items : undefined,
    };
    timestampChildren.set(node, plan);
  }
  return plan;
}

function holdsTimestamp(node: SchemaNode, seen: Set<SchemaNode>): boolean {
  const s = resolve(node);
  if (seen.has(s)) return false;
  seen.add(s);
  if (s.pattern === timestampPattern()) return true;
  return Object.values(s.properties ?? {}).some((child) => holdsTimestamp(child, seen)) || (s.items !== undefined && holdsTimestamp(s.items, seen));
}

// The pattern only checks the shape; this catches "2026-02-30T25:00:00Z" too.
function walkTimestamps(node: SchemaNode, value: unknown, path: PathStep | undefined, out: ValidationProblem[]): void {
  const plan = walkPlan(node);
  if (plan.isTimestamp) {
    if (typeof value === 'string' && (timestampShape ??= new RegExp(timestampPattern())).test(value) && !isTimestamp(value)) {
      const at = pathOf(path);
      out.push({ path: at, message: `${formatPath(at)} is not a real date and time: "${value}" (e.g. ${TIMESTAMP_EXAMPLE})` });
    }
    return;
  }
  if (plan.properties.length > 0 && isObject(value)) {
    for (const [key, child] of plan.properties) {
      if (key in value) walkTimestamps(child, value[key], { parent: path, seg: key }, out);
    }
  }
  if (plan.items && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walkTimestamps(plan.items, value[i], { parent: path, seg: i }, out);
  }
}

function semanticProblems(rec: Record<string, unknown>): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  if (rec.status === 'closed' && (rec.closed_at === undefined || rec.closed_at === null)) {
    out.push({ path: ['closed_at'], message: 'closed_at is required when status is closed' });
  }
  const roles = rec.roles;
  if (isObject(roles) && Array.isArray(roles.workers)) {
    // A released worker may come back; only two current assignments of one person conflict.
    const current = (roles.workers as unknown[]).map((w) =>
      isObject(w) && (w.released_at === undefined || w.released_at === null) ? w.person : undefined,
    );
    duplicates(current, (p) => p, ['roles', 'workers'], 'person', 'current worker', out);
  }
  const plan = rec.test_plan;
  if (isObject(plan) && Array.isArray(plan.items)) {
    duplicates(plan.items as unknown[], (i) => (isObject(i) ? i.id : undefined), ['test_plan', 'items'], 'id', 'test plan item id', out);
  }
  const lists: [ProblemPath, string, string][] = [
    [['people'], 'id', 'person id'],
    [['customers'], 'id', 'customer id'],
    [['test_runs'], 'id', 'test run id'],
  ];
  for (const [path, key, label] of lists) {
    const list = valueAt(rec, path);
    if (Array.isArray(list)) duplicates(list, (x) => (isObject(x) ? x[key] : undefined), path, key, label, out);
  }
  const checklists = rec.checklists;
  if (isObject(checklists)) {
    for (const which of ['start', 'end']) {
      const steps = checklists[which];
      if (Array.isArray(steps)) {
        duplicates(steps, (s) => (isObject(s) ? s.id : undefined), ['checklists', which], 'id', `${which} checklist step id`, out);
      }
    }
  }
  return out;
}

function duplicates(
  list: unknown[],
  idOf: (item: unknown) => unknown,
  listPath: ProblemPath,
  key: string,
  label: string,
  out: ValidationProblem[],
): void {
  const firstAt = new Map<string, number>();
  list.forEach((item, i) => {
    const id = idOf(item);
    if (typeof id !== 'string') return;
    const first = firstAt.get(id);
    if (first === undefined) {
      firstAt.set(id, i);
      return;
    }
    const path = [...listPath, i, key];
    out.push({ path, message: `${formatPath(path)}: ${label} "${id}" is already used by ${formatPath([...listPath, first])}` });
  });
}

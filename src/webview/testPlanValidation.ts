// Every message from the test-plan page is checked here before the extension does anything
// with it: a size limit first, then a known type, then that type's JSON Schema (no extra keys,
// bounded strings). A page is web content: a message that fails is dropped and logged.
import Ajv, { type ValidateFunction } from 'ajv';
import { GATE_ACTIONS, MESSAGE_LIMITS as L, type PageMessage, type PageMessageType } from './testPlanMessages';

type Schema = Record<string, unknown>;

const str = (maxLength: number, minLength = 1): Schema => ({ type: 'string', minLength, maxLength });
const itemId = str(L.id);
const testRef: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['file', 'title'],
  properties: {
    file: str(L.testFile),
    title: { type: 'array', minItems: 1, maxItems: L.testTitleParts, items: str(L.title) },
  },
};

function message(type: PageMessageType, properties: Record<string, Schema> = {}, required: string[] = []): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['type', ...required],
    properties: { type: { const: type }, ...properties },
  };
}

/** One schema per message type; the record of them is exhaustive over PageMessageType. */
export const PAGE_MESSAGE_SCHEMAS: Record<PageMessageType, Schema> = {
  ready: message('ready'),
  recordResult: message(
    'recordResult',
    { item: itemId, env: { enum: ['staging', 'production'] }, outcome: { enum: ['pass', 'fail', 'skipped'] }, note: str(L.note, 0) },
    ['item', 'env', 'outcome'],
  ),
  linkTest: message('linkTest', { item: itemId, test: { oneOf: [testRef, str(L.typedTest)] } }, ['item', 'test']),
  unlinkTest: message('unlinkTest', { item: itemId, test: testRef }, ['item', 'test']),
  runTests: message('runTests'),
  cancelRun: message('cancelRun'),
  signOff: message('signOff'),
  close: message('close'),
  addItem: message('addItem', { title: str(L.title), manualSteps: str(L.manualSteps, 0), mutatesCustomerData: { type: 'boolean' } }, ['title', 'mutatesCustomerData']),
  editItem: message(
    'editItem',
    { item: itemId, title: str(L.title), manualSteps: str(L.manualSteps, 0), mutatesCustomerData: { type: 'boolean' } },
    ['item', 'title', 'manualSteps', 'mutatesCustomerData'],
  ),
  removeItem: message('removeItem', { item: itemId }, ['item']),
  gateAction: message('gateAction', { action: { enum: [...GATE_ACTIONS] } }, ['action']),
  openOutput: message('openOutput'),
  openRecord: message('openRecord'),
  recordNoAutomatedTest: message('recordNoAutomatedTest', { reason: str(L.note) }, ['reason']),
  signNoAutomatedTest: message('signNoAutomatedTest'),
};

export type Validation = { ok: true; message: PageMessage } | { ok: false; reason: string };

const ajv = new Ajv({ allErrors: false, strict: true });
const validators = new Map<string, ValidateFunction>(Object.entries(PAGE_MESSAGE_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]));

function sizeOf(value: unknown): number {
  try {
    // Characters, not bytes: a cheap bound that errs on the side of dropping.
    return JSON.stringify(value)?.length ?? Number.POSITIVE_INFINITY;
  } catch {
    // Cycles or BigInts cannot have come from a well-formed page.
    return Number.POSITIVE_INFINITY;
  }
}

/** Checks a message from the page; only a message that passes may be acted on. */
export function validatePageMessage(value: unknown): Validation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not an object' };
  const size = sizeOf(value);
  if (size > L.bytes) return { ok: false, reason: `too large (${Number.isFinite(size) ? `${size} characters` : 'not serialisable'}, limit ${L.bytes})` };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, reason: 'no message type' };
  // Own keys only: "constructor" or "__proto__" must not find a validator through the prototype.
  const validate = Object.prototype.hasOwnProperty.call(PAGE_MESSAGE_SCHEMAS, type) ? validators.get(type) : undefined;
  if (!validate) return { ok: false, reason: `unknown message type "${type.slice(0, 60)}"` };
  if (!validate(value)) {
    const e = validate.errors?.[0];
    return { ok: false, reason: `malformed ${type}: ${e ? `${e.instancePath || '(message)'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}` : 'invalid'}` };
  }
  return { ok: true, message: value as PageMessage };
}

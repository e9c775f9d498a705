// Every message from the test-plan page is checked here before the extension does anything
// with it: a size limit first, then a known type, then that type's JSON Schema (no extra keys,
// bounded strings; testPlanMessageSchemas.ts), precompiled at build time. A page is web content:
// a message that fails is dropped and logged.
import { MESSAGE_LIMITS as L, type PageMessage } from './testPlanMessages';
import { pageMessageValidators } from './testPlanValidators.generated';

export type Validation = { ok: true; message: PageMessage } | { ok: false; reason: string };

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
  const validate = Object.prototype.hasOwnProperty.call(pageMessageValidators, type) ? pageMessageValidators[type as keyof typeof pageMessageValidators] : undefined;
  if (!validate) return { ok: false, reason: `unknown message type "${type.slice(0, 60)}"` };
  if (!validate(value)) {
    const e = validate.errors?.[0];
    return { ok: false, reason: `malformed ${type}: ${e ? `${e.instancePath || '(message)'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}` : 'invalid'}` };
  }
  return { ok: true, message: value as PageMessage };
}

import assert from 'node:assert/strict';
import { MESSAGE_LIMITS, type PageMessage } from '../../src/webview/testPlanMessages';
import { PAGE_MESSAGE_SCHEMAS } from '../../src/webview/testPlanMessageSchemas';
import { validatePageMessage } from '../../src/webview/testPlanValidation';

const TEST = { file: 'test/checkout.test.js', title: ['EU VAT', 'returns 200'] };

/** One well-formed message of every type the page sends. */
const GOOD: PageMessage[] = [
  { type: 'ready' },
  { type: 'recordResult', item: 'eu-checkout-200', env: 'staging', outcome: 'pass' },
  { type: 'recordResult', item: 'eu-checkout-200', env: 'production', outcome: 'skipped', note: '' },
  { type: 'linkTest', item: 'eu-checkout-200', test: TEST },
  { type: 'linkTest', item: 'eu-checkout-200', test: 'test/a.test.js > Suite > title' },
  { type: 'unlinkTest', item: 'eu-checkout-200', test: TEST },
  { type: 'runTests' },
  { type: 'cancelRun' },
  { type: 'signOff' },
  { type: 'close' },
  { type: 'addItem', title: 'EU checkout returns 200', mutatesCustomerData: false },
  { type: 'addItem', title: 'Order', manualSteps: 'Place one', mutatesCustomerData: true },
  { type: 'editItem', item: 'x', title: 'New title', manualSteps: '', mutatesCustomerData: true },
  { type: 'removeItem', item: 'x' },
  { type: 'gateAction', action: 'link-branch' },
  { type: 'openOutput' },
  { type: 'openRecord' },
  { type: 'recordNoAutomatedTest', reason: 'restored the database from a snapshot' },
  { type: 'signNoAutomatedTest' },
];

const rejects = (value: unknown, pattern: RegExp) => {
  const result = validatePageMessage(value);
  assert.equal(result.ok, false, `accepted a message of type ${String((value as { type?: unknown } | null)?.type)}`);
  if (!result.ok) assert.match(result.reason, pattern);
};

describe('test-plan page messages are validated before anything runs', () => {
  it('accepts a well-formed message of every type, and every type has an example here', () => {
    for (const message of GOOD) {
      const result = validatePageMessage(message);
      assert.ok(result.ok, `${JSON.stringify(message)}: ${result.ok ? '' : result.reason}`);
    }
    assert.deepEqual(new Set(GOOD.map((m) => m.type)), new Set(Object.keys(PAGE_MESSAGE_SCHEMAS)));
  });

  it('drops what is not a message object', () => {
    for (const value of [null, undefined, 42, 'runTests', true, [], [{ type: 'runTests' }]]) rejects(value, /not an object/);
    rejects({}, /no message type/);
    rejects({ type: 7 }, /no message type/);
  });

  it('drops unknown types, including names found on every object\'s prototype', () => {
    for (const type of ['deleteEverything', 'RUNTESTS', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '']) rejects({ type }, /unknown message type/);
    rejects({ type: 'x'.repeat(10_000) }, /unknown message type "x{60}"$/);
  });

  it('drops wrong types of every field', () => {
    rejects({ type: 'recordResult', item: 5, env: 'staging', outcome: 'pass' }, /malformed recordResult: \/item must be string/);
    rejects({ type: 'recordResult', item: 'a', env: 'qa', outcome: 'pass' }, /\/env must be equal to one of the allowed values/);
    rejects({ type: 'recordResult', item: 'a', env: 'staging', outcome: 'passed' }, /\/outcome/);
    rejects({ type: 'recordResult', item: 'a', env: 'staging', outcome: 'pass', note: null }, /\/note must be string/);
    rejects({ type: 'addItem', title: 'x', mutatesCustomerData: 'yes' }, /\/mutatesCustomerData must be boolean/);
    rejects({ type: 'linkTest', item: 'a', test: { file: 'f', title: 'not an array' } }, /malformed linkTest/);
    rejects({ type: 'linkTest', item: 'a', test: { file: 'f', title: [1] } }, /malformed linkTest/);
    rejects({ type: 'unlinkTest', item: 'a', test: 'a > b' }, /\/test must be object/);
    rejects({ type: 'gateAction', action: 'rm -rf' }, /\/action must be equal to one of the allowed values/);
    rejects({ type: 'editItem', item: ['a'], title: 't', manualSteps: '', mutatesCustomerData: false }, /\/item must be string/);
  });

  it('drops messages with missing fields, empty ids or titles, and extra keys', () => {
    rejects({ type: 'recordResult', item: 'a', env: 'staging' }, /must have required property 'outcome'/);
    rejects({ type: 'removeItem' }, /must have required property 'item'/);
    rejects({ type: 'removeItem', item: '' }, /\/item must NOT have fewer than 1 characters/);
    rejects({ type: 'addItem', title: '', mutatesCustomerData: false }, /\/title must NOT have fewer/);
    rejects({ type: 'linkTest', item: 'a', test: { file: 'f', title: [] } }, /malformed linkTest/);
    rejects({ type: 'runTests', command: ['rm', '-rf', '/'] }, /must NOT have additional properties \(command\)/);
    rejects({ type: 'signOff', as: 'ana' }, /additional properties \(as\)/);
    rejects({ type: 'signNoAutomatedTest', as: 'bruno' }, /additional properties \(as\)/);
    rejects({ type: 'recordNoAutomatedTest' }, /must have required property 'reason'/);
    rejects({ type: 'recordNoAutomatedTest', reason: '' }, /\/reason must NOT have fewer than 1 characters/);
    rejects({ type: 'recordNoAutomatedTest', reason: ['a'] }, /\/reason must be string/);
    rejects({ type: 'recordNoAutomatedTest', reason: 'r'.repeat(MESSAGE_LIMITS.note + 1) }, /\/reason must NOT have more than/);
    rejects({ type: 'linkTest', item: 'a', test: { ...TEST, extra: 1 } }, /malformed linkTest/);
  });

  it('drops oversized messages and oversized fields', () => {
    rejects({ type: 'addItem', title: 'x', manualSteps: 'y'.repeat(MESSAGE_LIMITS.bytes), mutatesCustomerData: false }, /too large/);
    rejects({ type: 'ready', padding: 'z'.repeat(MESSAGE_LIMITS.bytes + 1) }, /too large/);
    rejects({ type: 'addItem', title: 't'.repeat(MESSAGE_LIMITS.title + 1), mutatesCustomerData: false }, /\/title must NOT have more than 500 characters/);
    rejects({ type: 'recordResult', item: 'a', env: 'staging', outcome: 'pass', note: 'n'.repeat(MESSAGE_LIMITS.note + 1) }, /\/note must NOT have more/);
    rejects({ type: 'removeItem', item: 'i'.repeat(MESSAGE_LIMITS.id + 1) }, /\/item must NOT have more/);
    rejects({ type: 'unlinkTest', item: 'a', test: { file: 'f', title: Array(MESSAGE_LIMITS.testTitleParts + 1).fill('t') } }, /\/test\/title must NOT have more than 20 items/);
  });

  it('drops what cannot be serialised (cycles, BigInt) as oversized rather than throwing', () => {
    const cyclic: Record<string, unknown> = { type: 'ready' };
    cyclic.self = cyclic;
    rejects(cyclic, /too large \(not serialisable/);
    rejects({ type: 'ready', n: BigInt(1) }, /too large \(not serialisable/);
  });
});

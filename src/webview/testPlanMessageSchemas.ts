// The JSON Schema of each message the test-plan page may send: no extra keys, bounded strings.
// esbuild.mjs compiles these into ajv standalone code (testPlanValidators.generated.js) at build
// time, so the extension checks messages without compiling a schema when it starts.
import { GATE_ACTIONS, MESSAGE_LIMITS as L, type PageMessageType } from './testPlanMessages';

export type Schema = Record<string, unknown>;

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

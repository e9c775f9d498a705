// The messages between the test-plan page and the extension, in both directions, defined once.
// The page imports only types and constants from here; the extension validates every message
// from the page against PAGE_MESSAGE_SCHEMAS (testPlanMessageSchemas.ts) before acting on it.
import type { GateAction } from '../testing/gate';
import type { PlanEnvironment, PlanOutcome, TestRef } from '../model/record';
import type { RunProgressView, TestPlanView } from './testPlanView';

export const VIEW_TYPE_TEST_PLAN = 'incidentRoom.testPlan';

/** Limits a message from the page must keep; anything larger is dropped unread. */
export const MESSAGE_LIMITS = {
  /** The whole message, as JSON. */
  bytes: 64 * 1024,
  id: 200,
  title: 500,
  note: 2000,
  manualSteps: 10_000,
  testFile: 1000,
  testTitleParts: 20,
  typedTest: 4000,
} as const;

export type PageMessage =
  /** The page has loaded and wants the whole view. */
  | { type: 'ready' }
  | { type: 'recordResult'; item: string; env: PlanEnvironment; outcome: PlanOutcome; note?: string }
  /** A test picked from the discovered ones, or typed in as `file > suite > title`. */
  | { type: 'linkTest'; item: string; test: TestRef | string }
  | { type: 'unlinkTest'; item: string; test: TestRef }
  | { type: 'runTests' }
  | { type: 'cancelRun' }
  /** Sent only after the person confirmed on the page who they sign as. */
  | { type: 'signOff' }
  | { type: 'close' }
  | { type: 'addItem'; title: string; manualSteps?: string; mutatesCustomerData: boolean }
  | { type: 'editItem'; item: string; title: string; manualSteps: string; mutatesCustomerData: boolean }
  | { type: 'removeItem'; item: string }
  /** A condition's button whose action is a command (link or check out the branch, tick a step…). */
  | { type: 'gateAction'; action: GateAction }
  | { type: 'openOutput' }
  | { type: 'openRecord' }
  /** The IM records why no automated test is possible (the runbook's waiver). */
  | { type: 'recordNoAutomatedTest'; reason: string }
  /** Sent only after the person confirmed on the page who they sign the waiver as. */
  | { type: 'signNoAutomatedTest' };

export type PageMessageType = PageMessage['type'];

/** How an action from the page ended, shown on the page beside where it was asked. */
export interface ActionOutcome {
  /** The message type that asked for it. */
  action: PageMessageType;
  ok: boolean;
  /** What happened, or every reason it was refused, in full. */
  message: string;
  /** For a refused close: each unmet condition's reason. */
  reasons?: string[];
}

export type HostMessage =
  | { type: 'view'; view: TestPlanView }
  | { type: 'progress'; run: RunProgressView }
  | { type: 'outcome'; outcome: ActionOutcome };

/** What the page keeps through a reload (getState/setState), so the serializer can reopen it. */
export interface TestPlanPageState {
  incidentId: string;
}

// A record, so a new gate action fails the type check here until the page knows it.
const GATE_ACTION_SET: Record<GateAction, true> = {
  'link-branch': true,
  'checkout-branch': true,
  'commit-changes': true,
  'link-test': true,
  'run-tests': true,
  'record-result': true,
  'sign-off': true,
  'sign-waiver': true,
  'tick-checklist': true,
  'open-plan': true,
};
export const GATE_ACTIONS = Object.keys(GATE_ACTION_SET) as GateAction[];

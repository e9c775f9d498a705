// The test plan: items, linked automated tests, results per environment, sign-offs, and runs.
import * as vscode from 'vscode';
import type { Incident, PlanEnvironment, PlanOutcome, TestRef } from '../../model/record';
import { addPlanItem, linkTest, PLAN_ENVIRONMENTS, PLAN_OUTCOMES, recordResult, signOff } from '../../model/testPlan';
import { formatTestRef, parseTestRef } from '../../model/testId';
import type { ExtensionParts } from '../context';
import { COMMANDS } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import { runOperation } from '../operations';
import { argumentsOf, pickIncident } from '../pick';
import type { IncidentRunResult } from '../testing/incidentTesting';
import type { CommandTable } from './table';

export interface AddPlanItemArgs {
  incident: string;
  title: string;
  manualSteps?: string;
  mutatesCustomerData?: boolean;
}

export interface LinkTestArgs {
  incident: string;
  item: string;
  /** `file > suite > title`, or the reference itself. */
  test: string | TestRef;
}

export interface RecordResultArgs {
  incident: string;
  item: string;
  env: PlanEnvironment;
  outcome: PlanOutcome;
  note?: string;
}

export interface RunLinkedTestsArgs {
  incident: string;
  /** Check out the fix branch without asking when the tree is clean. */
  checkout?: boolean;
}

/** A tree leaf can carry the plan item it stands for. */
function itemOfNode(target: unknown): string | undefined {
  const data = (target as { kind?: string; item?: { data?: Record<string, unknown> } } | undefined)?.item?.data;
  return typeof data?.planItem === 'string' ? data.planItem : undefined;
}

async function pickPlanItem(entry: IncidentEntry, title: string): Promise<string | undefined> {
  const items = entry.incident.test_plan?.items ?? [];
  if (items.length === 0) {
    void vscode.window.showInformationMessage('The test plan has no items yet: add one first (Incident: Add Test Plan Item).');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((it) => ({ label: it.title, description: it.mutates_customer_data ? 'mutates customer data' : undefined, id: it.id })),
    { title, placeHolder: 'Which test-plan item?', ignoreFocusOut: true },
  );
  return picked?.id;
}

export async function addPlanItemCommand(parts: ExtensionParts, target?: unknown): Promise<Incident | undefined> {
  const title = 'Add Test Plan Item';
  const entry = await pickIncident(parts, target, title);
  if (!entry) return undefined;
  let input = argumentsOf<AddPlanItemArgs>(target);
  if (!input?.title) {
    const itemTitle = await vscode.window.showInputBox({ title, prompt: 'What is checked, e.g. "EU checkout returns 200"', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'A title is needed') });
    if (!itemTitle) return undefined;
    const manualSteps = await vscode.window.showInputBox({ title, prompt: 'The manual steps (optional)', ignoreFocusOut: true });
    if (manualSteps === undefined) return undefined;
    const data = await vscode.window.showQuickPick(['Does not change customer data', 'Creates or changes customer data (skipped in production)'], { title, ignoreFocusOut: true });
    if (!data) return undefined;
    input = { incident: entry.incident.id, title: itemTitle, manualSteps, mutatesCustomerData: data.startsWith('Creates') };
  }
  const item = { title: input.title, mutates_customer_data: input.mutatesCustomerData === true, ...(input.manualSteps ? { manual_steps: input.manualSteps } : {}) };
  return runOperation(parts, entry, ({ incident, ctx }) => addPlanItem(incident, item, ctx), `Test-plan item "${input.title}" added.`);
}

export async function linkAutomatedTestCommand(parts: ExtensionParts, target?: unknown): Promise<Incident | undefined> {
  const title = 'Link Automated Test';
  const entry = await pickIncident(parts, target, title);
  if (!entry) return undefined;
  const args = argumentsOf<LinkTestArgs>(target);
  const itemId = args?.item ?? itemOfNode(target) ?? (await pickPlanItem(entry, title));
  if (!itemId) return undefined;
  const ref = args?.test ? (typeof args.test === 'string' ? parseTestRef(args.test) : args.test) : await askTest(parts, entry, title);
  if (!ref) return undefined;
  const updated = await runOperation(parts, entry, ({ incident, ctx }) => linkTest(incident, itemId, ref, ctx), `Linked ${formatTestRef(ref)}.`);
  return updated;
}

const TYPE_IN = '$(edit) Type a test in…';

async function askTest(parts: ExtensionParts, entry: IncidentEntry, title: string): Promise<TestRef | undefined> {
  const report = parts.testing.lastReport(entry.folder);
  const choices = (report?.tests ?? []).map((t) => ({
    label: t.ref.title.join(' › '),
    description: t.fileUnknown ? 'file not named by the report' : t.ref.file,
    detail: t.outcome,
    test: t,
  }));
  const picked = await vscode.window.showQuickPick([{ label: TYPE_IN, description: 'file > suite > title', detail: undefined, test: undefined }, ...choices], {
    title,
    placeHolder: report ? 'A test the last run reported, or type one in' : 'No run yet in this workspace: type the test in',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.test && !picked.test.fileUnknown) return picked.test.ref;
  const initial = picked.test ? ` > ${picked.test.ref.title.join(' > ')}` : '';
  const typed = await vscode.window.showInputBox({
    title,
    prompt: picked.test ? 'The report does not name the file: put it first' : 'file > suite > title, e.g. test/checkout.test.js > EU VAT > returns 200',
    value: initial,
    valueSelection: [0, 0],
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        parseTestRef(v);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  return typed ? parseTestRef(typed) : undefined;
}

export async function recordTestResultCommand(parts: ExtensionParts, target?: unknown): Promise<Incident | undefined> {
  const title = 'Record Test Result';
  const entry = await pickIncident(parts, target, title);
  if (!entry) return undefined;
  const args = argumentsOf<RecordResultArgs>(target);
  const itemId = args?.item ?? itemOfNode(target) ?? (await pickPlanItem(entry, title));
  if (!itemId) return undefined;
  const env = args?.env ?? ((await vscode.window.showQuickPick([...PLAN_ENVIRONMENTS], { title, placeHolder: 'Where was it executed?', ignoreFocusOut: true })) as PlanEnvironment | undefined);
  if (!env) return undefined;
  const outcome = args?.outcome ?? ((await vscode.window.showQuickPick([...PLAN_OUTCOMES], { title, placeHolder: 'With what result?', ignoreFocusOut: true })) as PlanOutcome | undefined);
  if (!outcome) return undefined;
  const note = args ? args.note : await vscode.window.showInputBox({ title, prompt: 'A note (optional)', ignoreFocusOut: true });
  if (note === undefined && !args) return undefined;
  return runOperation(parts, entry, ({ incident, ctx }) => recordResult(incident, itemId, env, outcome, note, ctx), `Result recorded for ${env}.`);
}

export async function signOffCommand(parts: ExtensionParts, target?: unknown): Promise<Incident | undefined> {
  const entry = await pickIncident(parts, target, 'Sign Off Test Plan');
  if (!entry) return undefined;
  return runOperation(parts, entry, ({ incident, ctx }) => signOff(incident, ctx.actor, ctx), (updated) => `Test plan signed off by ${updated.test_plan?.signoffs?.at(-1)?.person ?? 'you'}.`);
}

/** Runs through the Test Explorer so the output and outcomes show in Test Results. */
export async function runLinkedTestsCommand(parts: ExtensionParts, target?: unknown): Promise<IncidentRunResult | undefined> {
  const entry = await pickIncident(parts, target, 'Run Linked Tests');
  if (!entry) return undefined;
  const args = argumentsOf<RunLinkedTestsArgs>(target);
  const result = await parts.testController.runIncident(entry.incident.id, { checkout: args?.checkout === true });
  if (result) {
    const failing = result.run.linked.filter((l) => l.outcome !== 'passed');
    const text = failing.length === 0 ? 'Every linked test passed.' : `${failing.length} linked test(s) did not pass: ${failing.map((l) => `${formatTestRef(l.test)} (${l.outcome})`).join('; ')}`;
    if (!args) void vscode.window.showInformationMessage(text, 'Show Test Results').then((c) => c && vscode.commands.executeCommand('testing.showMostRecentOutput'));
  }
  return result;
}

export function testPlanCommands(parts: ExtensionParts): CommandTable {
  return {
    [COMMANDS.addPlanItem]: (target?) => addPlanItemCommand(parts, target),
    [COMMANDS.linkAutomatedTest]: (target?) => linkAutomatedTestCommand(parts, target),
    [COMMANDS.recordTestResult]: (target?) => recordTestResultCommand(parts, target),
    [COMMANDS.signOff]: (target?) => signOffCommand(parts, target),
    [COMMANDS.runLinkedTests]: (target?) => runLinkedTestsCommand(parts, target),
  };
}

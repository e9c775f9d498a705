// The test plan: items, linked automated tests, results per environment, sign-offs, and runs.
import * as vscode from 'vscode';
import type { Incident, PlanEnvironment, PlanOutcome, TestRef } from '../../model/record';
import { gitUserEmail } from '../../git/identity';
import {
  addPlanItem,
  knownEmails,
  linkTest,
  PLAN_ENVIRONMENTS,
  PLAN_OUTCOMES,
  recordNoAutomatedTest,
  recordResult,
  signNoAutomatedTest,
  signOff,
  signoffRole,
  unlinkTest,
} from '../../model/testPlan';
import { formatTestRef, parseTestRef } from '../../model/testId';
import { actionContext } from '../actor';
import { removePlanItem } from '../../model/testPlanItems';
import { runSummary } from '../../testing/gate';
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

export interface UnlinkTestArgs {
  incident: string;
  item: string;
  test: string | TestRef;
}

export interface RemovePlanItemArgs {
  incident: string;
  item: string;
}

export interface NoAutomatedTestArgs {
  incident: string;
  reason: string;
}

/** A tree leaf can carry the plan item it stands for. */
function itemOfNode(target: unknown): string | undefined {
  const data = (target as { kind?: string; item?: { data?: Record<string, unknown> } } | undefined)?.item?.data;
  return typeof data?.planItem === 'string' ? data.planItem : undefined;
}

/** A linked-test leaf carries its reference. */
function testOfNode(target: unknown): TestRef | undefined {
  const ref = (target as { item?: { data?: Record<string, unknown> } } | undefined)?.item?.data?.testRef as TestRef | undefined;
  return ref && typeof ref.file === 'string' && Array.isArray(ref.title) ? ref : undefined;
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
  // The project's tests, listed by the runner without running them; the last run's report when listing is not possible.
  const report = (await parts.testing.discover(entry)) ?? parts.testing.lastReport(entry.folder);
  const linked = new Set((entry.incident.test_plan?.items ?? []).flatMap((it) => (it.automated ?? []).map(formatTestRef)));
  const choices = (report?.tests ?? []).filter((t) => !t.notATest && !linked.has(formatTestRef(t.ref))).map((t) => ({
    label: t.ref.title.join(' › '),
    description: t.fileUnknown ? 'file not named by the report' : t.ref.file,
    detail: undefined as string | undefined,
    test: t,
  }));
  const picked = await vscode.window.showQuickPick([{ label: TYPE_IN, description: 'file > suite > title', detail: undefined, test: undefined }, ...choices], {
    title,
    placeHolder: report ? 'A test of this project (its file on the right), or type one in' : 'The runner could not list the tests: type the test in',
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

export interface SignOffArgs {
  incident: string;
  /** Skip the confirmation (tests, or a caller that already asked). */
  confirmed?: boolean;
}

/**
 * Says who you are signing as (the person, their role, the git identity doing it) and asks
 * before signing; a git identity that is not one of the person's emails is called out, and
 * kept in the record so the verdict flags it.
 */
async function confirmSigner(entry: IncidentEntry, person: string, gitEmail: string | undefined, what: string, role: string): Promise<boolean> {
  const who = (entry.incident.people ?? []).find((p) => p.id === person)?.name ?? person;
  const known = knownEmails(entry.incident, person);
  const identity = gitEmail ? `git identity ${gitEmail}` : 'no git identity (git config user.email is not set)';
  const mismatch = gitEmail && !known.includes(gitEmail.toLowerCase()) ? ` ${gitEmail} is not one of ${who}'s known emails; the verdict will flag this sign-off.` : '';
  const choice = await vscode.window.showWarningMessage(`${what} as ${who} (${person}, ${role}), with ${identity}?`, { modal: true, detail: mismatch.trim() || undefined }, 'Sign Off');
  return choice === 'Sign Off';
}

/**
 * The signer's git email, after they confirmed who they sign as (skipped when the caller, such
 * as the test-plan page, has confirmed already); undefined when they cancel.
 */
async function confirmedSigning(
  parts: ExtensionParts,
  entry: IncidentEntry,
  target: unknown,
  describe: (actor: string) => { question: string; role: string },
): Promise<{ gitEmail: string | undefined } | undefined> {
  const gitEmail = await gitUserEmail(entry.folder.uri.fsPath);
  if (argumentsOf<SignOffArgs>(target)?.confirmed === true) return { gitEmail };
  const me = await actionContext(parts, entry.folder, entry.incident);
  if (!me) return undefined;
  const { question, role } = describe(me.actor);
  return (await confirmSigner(entry, me.actor, gitEmail, question, role)) ? { gitEmail } : undefined;
}

export async function signOffCommand(parts: ExtensionParts, target?: unknown): Promise<Incident | undefined> {
  const entry = await pickIncident(parts, target, 'Sign Off Test Plan');
  if (!entry) return undefined;
  const signing = await confirmedSigning(parts, entry, target, (actor) => {
    const role = signoffRole(entry.incident, actor);
    return { question: 'Sign off the test plan', role: role === 'incident_manager' ? 'the IM' : role === 'worker' ? 'a worker' : 'a reviewer' };
  });
  if (!signing) return undefined;
  return runOperation(parts, entry, ({ incident, ctx }) => signOff(incident, ctx.actor, ctx, signing.gitEmail), (updated) => `Test plan signed off by ${updated.test_plan?.signoffs?.at(-1)?.person ?? 'you'}.`);
}

export async function unlinkAutomatedTestCommand(parts: ExtensionParts, target?: unknown): Promise<Incident | undefined> {
  const title = 'Unlink Automated Test';
  const entry = await pickIncident(parts, target, title);
  if (!entry) return undefined;
  const args = argumentsOf<UnlinkTestArgs>(target);
  const itemId = args?.item ?? itemOfNode(target) ?? (await pickPlanItem(entry, title));
  if (!itemId) return undefined;
  let ref = args?.test ? (typeof args.test === 'string' ? parseTestRef(args.test) : args.test) : testOfNode(target);
  if (!ref) {
    const linked = entry.incident.test_plan?.items.find((it) => it.id === itemId)?.automated ?? [];
    if (linked.length === 0) {
      void vscode.window.showInformationMessage('No automated test is linked to this item.');
      return undefined;
    }
    ref = (await vscode.window.showQuickPick(linked.map((r) => ({ label: r.title.join(' › '), description: r.file, ref: r })), { title, placeHolder: 'Which test?', ignoreFocusOut: true }))?.ref;
    if (!ref) return undefined;
  }
  const chosen = ref;
  return runOperation(parts, entry, ({ incident, ctx }) => unlinkTest(incident, itemId, chosen, ctx), `Unlinked ${formatTestRef(chosen)}.`);
}

export async function removePlanItemCommand(parts: ExtensionParts, target?: unknown): Promise<Incident | undefined> {
  const title = 'Remove Test Plan Item';
  const entry = await pickIncident(parts, target, title);
  if (!entry) return undefined;
  const args = argumentsOf<RemovePlanItemArgs>(target);
  const itemId = args?.item ?? itemOfNode(target) ?? (await pickPlanItem(entry, title));
  if (!itemId) return undefined;
  const item = entry.incident.test_plan?.items.find((it) => it.id === itemId);
  // An executed item is refused by the operation itself (its results stay in the plan): nothing to confirm.
  if (!args && item && (item.results ?? []).length === 0) {
    const links = (item.automated ?? []).length;
    const choice = await vscode.window.showWarningMessage(
      `Remove "${item.title}" from the test plan?`,
      { modal: true, detail: `${links ? `Its ${links} linked test(s) go with it; t` : 'T'}he timeline keeps that it was removed.` },
      'Remove',
    );
    if (choice !== 'Remove') return undefined;
  }
  return runOperation(parts, entry, ({ incident, ctx }) => removePlanItem(incident, itemId, ctx), `Removed "${item?.title ?? itemId}" from the test plan.`);
}

export async function recordNoAutomatedTestCommand(parts: ExtensionParts, target?: unknown): Promise<Incident | undefined> {
  const title = 'No Automated Test Possible';
  const entry = await pickIncident(parts, target, title);
  if (!entry) return undefined;
  const args = argumentsOf<NoAutomatedTestArgs>(target);
  const reason =
    args?.reason ??
    (await vscode.window.showInputBox({
      title,
      prompt: 'Why can no automated test cover this fix? (e.g. "restored the database from a snapshot") The IM and a SME then sign it.',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'A reason is needed'),
    }));
  if (!reason) return undefined;
  return runOperation(parts, entry, ({ incident, ctx }) => recordNoAutomatedTest(incident, reason, ctx), 'Recorded that no automated test is possible; it needs the IM\'s and a SME\'s sign-off.');
}

export async function signNoAutomatedTestCommand(parts: ExtensionParts, target?: unknown): Promise<Incident | undefined> {
  const entry = await pickIncident(parts, target, 'Sign: No Automated Test Possible');
  if (!entry) return undefined;
  const signing = await confirmedSigning(parts, entry, target, (actor) => ({
    question: `Sign that no automated test is possible ("${entry.incident.test_plan?.no_automated_test?.reason ?? ''}")`,
    role: entry.incident.roles.incident_manager === actor ? 'the IM' : 'a SME',
  }));
  if (!signing) return undefined;
  return runOperation(parts, entry, ({ incident, ctx }) => signNoAutomatedTest(incident, ctx.actor, ctx, signing.gitEmail), 'Signed that no automated test is possible.');
}

/** Runs through the Test Explorer so the output and outcomes show in Test Results. */
export async function runLinkedTestsCommand(parts: ExtensionParts, target?: unknown): Promise<IncidentRunResult | undefined> {
  const entry = await pickIncident(parts, target, 'Run Linked Tests');
  if (!entry) return undefined;
  const args = argumentsOf<RunLinkedTestsArgs>(target);
  const result = await parts.testController.runIncident(entry.incident.id, { checkout: args?.checkout === true });
  if (result && !args) {
    const failing = result.run.linked.filter((l) => l.outcome !== 'passed');
    const detail = failing.length === 0 ? '' : ` Not passing: ${failing.map((l) => `${formatTestRef(l.test)} (${l.outcome})`).join('; ')}.`;
    const verdict = await parts.testing.verdict(entry);
    void vscode.window.showInformationMessage(`${runSummary(result.run.linked, verdict)}${detail}`, 'Show Test Results').then((c) => c && vscode.commands.executeCommand('testing.showMostRecentOutput'));
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
    [COMMANDS.unlinkAutomatedTest]: (target?) => unlinkAutomatedTestCommand(parts, target),
    [COMMANDS.removePlanItem]: (target?) => removePlanItemCommand(parts, target),
    [COMMANDS.recordNoAutomatedTest]: (target?) => recordNoAutomatedTestCommand(parts, target),
    [COMMANDS.signNoAutomatedTest]: (target?) => signNoAutomatedTestCommand(parts, target),
  };
}

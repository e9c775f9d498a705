// What the test-plan page shows, built from the record, the gate's verdict, the fix branch and
// the runner's signed evidence. Pure data (JSON), so the page renders it without deciding
// anything, and the whole mapping from the gate's verdict to what a person sees lives here.
import type { FixBranchStatus } from '../git/fixBranch';
import type { EvidenceRun, LatestEvidence } from '../testing/evidence';
import type { GateAction, GateVerdict } from '../testing/gate';
import { GATE_CONDITION_TITLES } from '../testing/gate';
import { lookupTest, type ParsedReport } from '../testing/reports/report';
import { formatTestRef, testKey } from '../model/testId';
import { findPerson } from '../model/people';
import type { Incident, Person, PersonId, PlanEnvironment, PlanResult, Signoff, TestOutcome, TestRef, WaiverSignoff } from '../model/record';
import { CUSTOMER_DATA_NOTE, knownEmails, planStatus, signoffRole, waiverStatus, type SignoffStatus } from '../model/testPlan';
import { instantOf } from '../model/time';

/** How many lines of a failure message the matrix shows; the rest is in the test output. */
export const FAILURE_LINES = 3;
/** How many of the newest runs the page lists. */
export const RUNS_SHOWN = 5;

export type VerdictState = 'checking' | 'may-close' | 'unmet' | 'closed' | 'error';

/** Where a condition's button leads: handled on the page (a form it opens) or by a command. */
export interface ConditionActionView {
  action: GateAction;
  label: string;
}

export interface ConditionView {
  id: string;
  title: string;
  met: boolean;
  /** The gate's reason in full; the page never truncates it. */
  message: string;
  action?: ConditionActionView;
}

export interface VerdictView {
  state: VerdictState;
  /** "May close", "3 conditions unmet", "Closed", "Checking the close gate…". */
  headline: string;
  unmet: number;
  conditions: ConditionView[];
  notes: string[];
}

export type BranchState = 'none' | 'checking' | 'missing' | 'clean' | 'dirty';

export interface BranchView {
  state: BranchState;
  name?: string;
  base?: string;
  shortHead?: string;
  checkedOut?: boolean;
  dirtyFiles?: string[];
  /** "fix/x at 1a2b3c4 · clean", said once so the page and tests read the same words. */
  summary: string;
}

/**
 * One linked test's cell: its outcome in the latest signed run when that run was on the
 * branch's current head; `stale` when it ran on an older commit (with that commit and the
 * outcome it had); `not-run` when no signed run covers it.
 */
export type TestCellState = 'passed' | 'failed' | 'skipped' | 'missing' | 'not-run' | 'stale';

export interface TestCellView {
  key: string;
  ref: TestRef;
  /** file > suite > title */
  label: string;
  state: TestCellState;
  /** Short, for the cell and a screen reader: "failed on 1a2b3c4". */
  summary: string;
  /** The first lines of the failure message, when it failed. */
  failure?: string;
  /** The commit a stale result ran on, and what it was there. */
  ranOn?: string;
  staleOutcome?: TestOutcome;
}

/**
 * One environment's cell: the latest result; for an item that changes customer data, production
 * is `protected` (must be recorded as skipped, never run) until that skip is recorded.
 */
export type EnvCellState = 'none' | 'pass' | 'fail' | 'skipped' | 'protected' | 'protected-skipped';

export interface EnvCellView {
  env: PlanEnvironment;
  state: EnvCellState;
  done: boolean;
  by?: string;
  at?: string;
  note?: string;
  /** Why production is skipped for an item that changes customer data. */
  reason?: string;
  summary: string;
}

export interface PlanItemView {
  id: string;
  title: string;
  manualSteps: string;
  mutatesCustomerData: boolean;
  tests: TestCellView[];
  staging: EnvCellView;
  production: EnvCellView;
}

export interface SignoffView {
  person: PersonId;
  name: string;
  role: Signoff['role'];
  /** The role they hold now, which decides whether the sign-off counts. */
  roleLabel: string;
  /** The role the record says they signed as. */
  signedAs: string;
  at: string;
  counts: boolean;
  stale: boolean;
  future: boolean;
  /** What made it stale: a change to the plan since, or the later result ("“EU checkout returns 200” in staging: pass by bruno at …"). */
  staleBecause?: string;
}

export interface RunView {
  id: string;
  at: string;
  sha: string;
  shortSha: string;
  branch: string;
  command: string;
  /** Where the command came from: the base branch's package.json, a setting, CI. */
  commandSource: string;
  totals: { passed: number; failed: number; skipped: number; missing: number };
  /** Exit code, or why the run ended otherwise. */
  ended: string;
  /** The run the gate judges: the newest signed one on the branch's current head. */
  current: boolean;
}

export interface DiscoveredTestView {
  key: string;
  ref: TestRef;
  label: string;
  /** The report does not name the file; linking it needs the file typed in. */
  fileUnknown: boolean;
}

export interface RunProgressView {
  running: boolean;
  startedAt?: string;
  /** The newest line of output, so the page shows the run is alive. */
  lastLine?: string;
}

export interface ActorView {
  person?: PersonId;
  name?: string;
  roleLabel?: string;
  /** "Ana Pereira, as Incident Manager", or that you will be asked. */
  summary: string;
}

/** One signature the waiver needs: the Incident Manager's, and a SME's. */
export interface WaiverSignatureView {
  role: WaiverSignoff['role'];
  /** "Incident Manager", "SME". */
  roleLabel: string;
  state: 'signed' | 'missing';
  person?: PersonId;
  name?: string;
  at?: string;
  /** The git identity that signed is not one of the person's known emails. */
  flagged?: string;
  /** "Ana Pereira at …", or "missing: the Incident Manager (Ana Pereira) has not signed". */
  summary: string;
}

/** A signature on the waiver that no longer counts: its signer no longer holds the role they signed as. */
export interface WaiverStaleSignatureView {
  person: PersonId;
  name: string;
  signedAs: string;
  at: string;
  /** "no longer the Incident Manager". */
  why: string;
}

/**
 * The runbook's waiver (no automated test is possible) and its sign-offs. `awaiting` while the IM's
 * or a SME's signature is missing; `signed` with both; `does-not-apply` when the gate found code
 * commits on the fix branch (code needs its tests, whatever the record says).
 */
export type WaiverState = 'awaiting' | 'signed' | 'does-not-apply';

export interface WaiverView {
  state: WaiverState;
  /** "Awaiting the SME's signature", "Signed: the manual plan decides", … */
  headline: string;
  reason: string;
  recordedBy: string;
  recordedAt: string;
  required: WaiverSignatureView[];
  stale: WaiverStaleSignatureView[];
  /** Who the acting person signs as, and whether the domain would accept it. */
  signer: { summary: string; canSign: boolean; signed: boolean };
  /** When the gate says it does not apply, why. */
  notApplicable?: string;
}

/** What the page offers when no waiver is recorded. */
export interface WaiverOfferView {
  /** Only the Incident Manager records it; an unknown actor is asked and then checked. */
  canRecord: boolean;
  summary: string;
}

export interface TestPlanView {
  incident: { id: string; title: string; level: number; status: string; open: boolean };
  branch: BranchView;
  verdict: VerdictView;
  items: PlanItemView[];
  signoffs: SignoffView[];
  signedByIm: boolean;
  signedByWorker: boolean;
  runs: RunView[];
  discovered: DiscoveredTestView[];
  actor: ActorView;
  trusted: boolean;
  run: RunProgressView;
  releasedWithoutTests?: { at: string; by: string; note: string };
  /** The recorded waiver, when there is one. */
  waiver?: WaiverView;
  /** While the incident is open and no waiver is recorded. */
  waiverOffer?: WaiverOfferView;
}

export interface TestPlanFacts {
  /** Undefined while the gate is first being evaluated. */
  verdict?: GateVerdict;
  branch?: FixBranchStatus;
  evidence?: LatestEvidence;
  /** Reading git or the evidence failed. */
  error?: string;
}

export interface TestPlanViewInput {
  incident: Incident;
  people: readonly Person[];
  facts: TestPlanFacts;
  now: Date;
  /** The acting person, when known without asking. */
  actor?: PersonId | null;
  trusted: boolean;
  run?: RunProgressView;
  /** Tests the last run in this workspace reported, to link from. */
  discovered?: readonly { ref: TestRef; fileUnknown?: boolean }[];
  /**
   * The last report this window parsed, for failure messages: the signed evidence keeps which
   * tests failed, not their messages. Used only when it is the report of the evidence's run.
   */
  lastReport?: ParsedReport;
}

const short = (sha: string) => sha.slice(0, 7);

export const ROLE_LABELS: Record<Signoff['role'], string> = {
  incident_manager: 'Incident Manager',
  worker: 'worker',
  other: 'reviewer',
};

/** What each gate action's button says on the page. */
export const ACTION_LABELS: Record<GateAction, string> = {
  'link-branch': 'Link Fix Branch',
  'checkout-branch': 'Check Out Fix Branch',
  'commit-changes': 'Open Source Control',
  'link-test': 'Link a Test',
  'run-tests': 'Run Linked Tests',
  'record-result': 'Record a Result',
  'sign-off': 'Sign Off',
  'sign-waiver': 'Sign: No Automated Test Possible',
  'tick-checklist': 'Tick Checklist Step',
  'open-plan': 'Add a Plan Item',
};

export function verdictView(incident: Incident, facts: TestPlanFacts): VerdictView {
  if (incident.status === 'closed') {
    return { state: 'closed', headline: `Closed${incident.closed_at ? ` ${incident.closed_at}` : ''}`, unmet: 0, conditions: [], notes: [] };
  }
  if (!facts.verdict) {
    return facts.error
      ? { state: 'error', headline: `The close gate could not be evaluated: ${facts.error}`, unmet: 0, conditions: [], notes: [] }
      : { state: 'checking', headline: 'Checking the close gate…', unmet: 0, conditions: [], notes: [] };
  }
  const conditions = facts.verdict.conditions.map((c): ConditionView => {
    const view: ConditionView = { id: c.id, title: GATE_CONDITION_TITLES[c.id] ?? c.id, met: c.met, message: c.message };
    if (!c.met && c.action) view.action = { action: c.action, label: ACTION_LABELS[c.action] };
    return view;
  });
  const unmet = conditions.filter((c) => !c.met).length;
  return {
    state: unmet === 0 ? 'may-close' : 'unmet',
    headline: unmet === 0 ? 'May close' : `${unmet} condition${unmet === 1 ? '' : 's'} unmet`,
    unmet,
    conditions,
    notes: [...facts.verdict.notes],
  };
}

export function branchView(incident: Incident, facts: TestPlanFacts): BranchView {
  if (!incident.fix) return { state: 'none', summary: 'no fix branch linked' };
  const { branch: name, base } = incident.fix;
  const b = facts.branch;
  if (!b) return { state: 'checking', name, base, summary: `${name} · reading git…` };
  if (!b.exists) return { state: 'missing', name, base, summary: `${name} does not exist in this repository` };
  const state: BranchState = b.checkedOut && b.dirty ? 'dirty' : 'clean';
  const tree = !b.checkedOut ? 'not checked out' : b.dirty ? `uncommitted changes (${b.dirtyFiles.join(', ')})` : 'clean';
  return { state, name, base, shortHead: b.shortHead, checkedOut: b.checkedOut, dirtyFiles: [...b.dirtyFiles], summary: `${name} at ${b.shortHead} · ${tree}` };
}

function firstLines(text: string, n: number): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n').filter((l) => l.trim() !== '');
  return lines.slice(0, n).join('\n') + (lines.length > n ? '\n…' : '');
}

function testCell(ref: TestRef, run: EvidenceRun | null | undefined, head: string | undefined, lastReport?: TestPlanViewInput['lastReport']): TestCellView {
  const key = testKey(ref);
  const label = formatTestRef(ref);
  const linked = run?.linked.find((l) => testKey(l.test) === key);
  if (!run || !linked) return { key, ref, label, state: 'not-run', summary: 'not run' };
  if (head && run.sha !== head) {
    return { key, ref, label, state: 'stale', summary: `stale: ${linked.outcome} on ${short(run.sha)}, branch now at ${short(head)}`, ranOn: short(run.sha), staleOutcome: linked.outcome };
  }
  const on = ` on ${short(run.sha)}`;
  switch (linked.outcome) {
    case 'passed':
      return { key, ref, label, state: 'passed', summary: `passed${on}` };
    case 'skipped':
      return { key, ref, label, state: 'skipped', summary: `skipped${on}: not executed` };
    case 'missing':
      return { key, ref, label, state: 'missing', summary: `did not run${on}${linked.note ? `: ${linked.note}` : ': not in the report'}` };
    case 'failed': {
      const report = lastReport?.sha256 && run.report && lastReport.sha256 === run.report.sha256 ? lastReport : undefined;
      const found = report ? lookupTest(report, ref) : undefined;
      const message = found && found.kind === 'found' ? found.tests.map((t) => t.message ?? '').filter(Boolean).join('\n') : '';
      return { key, ref, label, state: 'failed', summary: `failed${on}`, ...(message ? { failure: firstLines(message, FAILURE_LINES) } : {}) };
    }
  }
}

function personName(people: readonly Person[], id: string): string {
  return findPerson([...people], id)?.name ?? id;
}

function envCell(env: PlanEnvironment, result: PlanResult | null, done: boolean, mutates: boolean, people: readonly Person[]): EnvCellView {
  const protectedEnv = env === 'production' && mutates;
  if (!result) {
    return protectedEnv
      ? { env, state: 'protected', done, reason: CUSTOMER_DATA_NOTE, summary: `to be recorded as skipped: ${CUSTOMER_DATA_NOTE}` }
      : { env, state: 'none', done, summary: 'no result' };
  }
  const by = personName(people, result.by);
  const base = { env, done, by, at: result.at, ...(result.note ? { note: result.note } : {}) };
  if (protectedEnv && result.outcome === 'skipped') {
    // The record's note often repeats the reason; said once.
    const note = result.note && result.note !== CUSTOMER_DATA_NOTE ? { note: result.note } : {};
    return { env, done, by, at: result.at, ...note, state: 'protected-skipped', reason: CUSTOMER_DATA_NOTE, summary: `skipped (${CUSTOMER_DATA_NOTE}) by ${by} at ${result.at}` };
  }
  return { ...base, state: result.outcome, summary: `${result.outcome} by ${by} at ${result.at}${result.note ? ` (${result.note})` : ''}` };
}

/** The first result recorded after a sign-off: what made it stale. */
function staleCause(incident: Incident, signoff: SignoffStatus, people: readonly Person[]): string | undefined {
  if (signoff.planChanged) return "a change to the plan's items or linked tests";
  let signedAt: number;
  try {
    signedAt = instantOf(signoff.at);
  } catch {
    return 'its time is not a timestamp with an offset';
  }
  let first: { t: number; text: string } | undefined;
  for (const item of incident.test_plan?.items ?? []) {
    for (const r of item.results ?? []) {
      let t: number;
      try {
        t = instantOf(r.at);
      } catch {
        continue;
      }
      if (t > signedAt && (!first || t < first.t)) first = { t, text: `“${item.title}” in ${r.env}: ${r.outcome} by ${personName(people, r.by)} at ${r.at}` };
    }
  }
  return first?.text;
}

function runView(run: EvidenceRun, head: string | undefined, judged: EvidenceRun | null): RunView {
  const totals = { passed: 0, failed: 0, skipped: 0, missing: 0 };
  for (const l of run.linked) totals[l.outcome]++;
  const ended = run.endedBy === 'timeout' ? 'timed out' : run.endedBy === 'cancelled' ? 'cancelled' : run.exitCode === null ? `killed by ${run.signal ?? 'a signal'}` : `exit ${run.exitCode}`;
  return {
    id: run.id,
    at: run.endedAt,
    sha: run.sha,
    shortSha: short(run.sha),
    branch: run.branch ?? 'detached HEAD',
    command: run.command.join(' '),
    commandSource: run.commandSource,
    totals,
    ended,
    current: run === judged && head !== undefined && run.sha === head,
  };
}

export function actorView(incident: Incident, people: readonly Person[], actor: PersonId | null | undefined): ActorView {
  if (!actor) return { summary: 'you will be asked who you are (set incidentRoom.actor to skip this)' };
  const role = ROLE_LABELS[signoffRole(incident, actor)];
  const name = personName(people, actor);
  return { person: actor, name, roleLabel: role, summary: `${name}, as ${role}` };
}

export const WAIVER_ROLE_LABELS: Record<WaiverSignoff['role'], string> = {
  incident_manager: 'Incident Manager',
  sme: 'SME',
};

/**
 * The waiver as the gate counts it (waiverStatus): a signature counts when its signer holds the
 * role now, so one by a former IM or SME is shown apart, as no longer counting.
 */
export function waiverView(incident: Incident, people: readonly Person[], facts: TestPlanFacts, actor: PersonId | null | undefined): WaiverView | undefined {
  const w = incident.test_plan?.no_automated_test;
  const status = waiverStatus(incident);
  if (!w || !status) return undefined;
  const im = incident.roles.incident_manager;
  const smes = incident.roles.sme ?? [];
  const signs = w.signoffs ?? [];
  const flag = (s: WaiverSignoff) => (s.git_email && !knownEmails(incident, s.person).includes(s.git_email.trim().toLowerCase()) ? s.git_email : undefined);
  const signature = (role: WaiverSignoff['role'], holds: (p: PersonId) => boolean, signed: boolean): WaiverSignatureView => {
    const roleLabel = WAIVER_ROLE_LABELS[role];
    const s = signed ? signs.find((x) => holds(x.person)) : undefined;
    if (!s) {
      const holders = role === 'incident_manager' ? (im ? [im] : []) : smes;
      const summary = holders.length
        ? `missing: the ${roleLabel} (${holders.map((p) => personName(people, p)).join(' or ')}) has not signed`
        : `missing: no ${roleLabel} is assigned yet`;
      return { role, roleLabel, state: 'missing', summary };
    }
    const name = personName(people, s.person);
    const flagged = flag(s);
    return { role, roleLabel, state: 'signed', person: s.person, name, at: s.at, ...(flagged ? { flagged } : {}), summary: `${name} at ${s.at}` };
  };
  const required = [signature('incident_manager', (p) => p === im, status.signedByIm), signature('sme', (p) => smes.includes(p), status.signedBySme)];
  const stale = signs
    .filter((s) => s.person !== im && !smes.includes(s.person))
    .map((s): WaiverStaleSignatureView => ({
      person: s.person,
      name: personName(people, s.person),
      signedAs: WAIVER_ROLE_LABELS[s.role],
      at: s.at,
      why: `no longer ${s.role === 'sme' ? 'a SME' : 'the Incident Manager'}`,
    }));
  // As the gate decides it, from the same branch facts, so the page need not wait for the verdict.
  const branch = facts.branch;
  const codeCommits = incident.fix && branch?.exists ? (branch.ahead ?? 0) : 0;
  const applies = facts.verdict?.waiver?.applies !== false && codeCommits === 0;
  const missing = required.filter((r) => r.state === 'missing');
  let state: WaiverState = missing.length ? 'awaiting' : 'signed';
  let headline = missing.length ? `Awaiting the signature of ${missing.map((r) => (r.role === 'sme' ? 'a SME' : 'the Incident Manager')).join(' and ')}` : 'Signed by the Incident Manager and a SME: the manual plan decides';
  let notApplicable: string | undefined;
  if (!applies) {
    state = 'does-not-apply';
    headline = 'Does not apply: the fix branch carries code commits, and code needs its tests';
    notApplicable = branch?.exists
      ? `the fix branch ${branch.branch} has ${branch.ahead ?? 0} commit(s) since ${branch.base}; link and run automated tests, or take the commits off the branch`
      : 'the fix branch carries code commits; link and run automated tests';
  }
  const actorRole: WaiverSignoff['role'] | null = !actor ? null : actor === im ? 'incident_manager' : smes.includes(actor) ? 'sme' : null;
  const signedAlready = actor ? required.some((r) => r.person === actor) : false;
  const signer = !actor
    ? { summary: 'you will be asked who you are (set incidentRoom.actor to skip this)', canSign: true, signed: false }
    : actorRole
      ? { summary: `${personName(people, actor)}, as ${WAIVER_ROLE_LABELS[actorRole]}`, canSign: !signedAlready, signed: signedAlready }
      : { summary: `${personName(people, actor)}, who is neither the Incident Manager nor a SME`, canSign: false, signed: false };
  return {
    state,
    headline,
    reason: w.reason,
    recordedBy: personName(people, w.recorded_by),
    recordedAt: w.recorded_at,
    required,
    stale,
    signer,
    ...(notApplicable ? { notApplicable } : {}),
  };
}

function waiverOffer(incident: Incident, people: readonly Person[], actor: PersonId | null | undefined): WaiverOfferView | undefined {
  if (incident.status === 'closed' || incident.test_plan?.no_automated_test) return undefined;
  const im = incident.roles.incident_manager;
  if (!actor) return { canRecord: true, summary: 'Only the Incident Manager records this; you will be asked who you are.' };
  return actor === im
    ? { canRecord: true, summary: `You record it as ${personName(people, actor)}, the Incident Manager; then you and a SME sign it.` }
    : { canRecord: false, summary: `Only the Incident Manager${im ? ` (${personName(people, im)})` : ''} records this.` };
}

export function buildTestPlanView(input: TestPlanViewInput): TestPlanView {
  const { incident, people, facts, now } = input;
  const plan = planStatus(incident, now);
  const head = facts.branch?.exists ? facts.branch.head : undefined;
  const latest = facts.evidence?.run ?? null;
  const items = plan.items.map((it): PlanItemView => {
    const source = incident.test_plan?.items.find((i) => i.id === it.id);
    return {
      id: it.id,
      title: it.title,
      manualSteps: source?.manual_steps ?? '',
      mutatesCustomerData: it.mutatesCustomerData,
      tests: it.automated.map((ref) => testCell(ref, latest, head, input.lastReport)),
      staging: envCell('staging', it.staging, it.stagingDone, it.mutatesCustomerData, people),
      production: envCell('production', it.production, it.productionDone, it.mutatesCustomerData, people),
    };
  });
  const signoffs = plan.signoffs.map((s): SignoffView => {
    const view: SignoffView = {
      person: s.person,
      name: personName(people, s.person),
      role: s.currentRole,
      roleLabel: ROLE_LABELS[s.currentRole],
      signedAs: ROLE_LABELS[s.role] ?? s.role,
      at: s.at,
      counts: !s.stale && !s.future,
      stale: s.stale,
      future: s.future,
    };
    if (s.stale) {
      const cause = staleCause(incident, s, people);
      if (cause) view.staleBecause = cause;
    }
    return view;
  });
  const verified = facts.evidence?.verified ?? [];
  const runs = verified.slice(-RUNS_SHOWN).reverse().map((r) => runView(r, head, latest));
  const discovered = (input.discovered ?? [])
    .map((t) => ({ key: testKey(t.ref), ref: { file: t.ref.file, title: [...t.ref.title] }, label: t.fileUnknown ? t.ref.title.join(' > ') : formatTestRef(t.ref), fileUnknown: t.fileUnknown === true }))
    .filter((t, i, all) => all.findIndex((o) => o.key === t.key) === i);
  const view: TestPlanView = {
    incident: { id: incident.id, title: incident.title, level: incident.severity, status: incident.status, open: incident.status !== 'closed' },
    branch: branchView(incident, facts),
    verdict: verdictView(incident, facts),
    items,
    signoffs,
    signedByIm: plan.signedByIm,
    signedByWorker: plan.signedByWorker,
    runs,
    discovered,
    actor: actorView(incident, people, input.actor),
    trusted: input.trusted,
    run: input.run ?? { running: false },
  };
  if (incident.released_without_tests) {
    const r = incident.released_without_tests;
    view.releasedWithoutTests = { at: r.at, by: personName(people, r.by), note: r.note ?? '' };
  }
  const waiver = waiverView(incident, people, facts, input.actor);
  if (waiver) view.waiver = waiver;
  const offer = waiverOffer(incident, people, input.actor);
  if (offer) view.waiverOffer = offer;
  return view;
}

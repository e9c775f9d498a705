// The close gate: an incident closes only when its fix branch's current commit passed the
// linked automated tests in the runner (by signed evidence, not by the YAML), the plan was
// executed in staging and production and signed off, and the checklist is done. Every unmet
// condition is listed, each with the action that would meet it.
import { fixBranchStatus, personForEmail, type FixBranchStatus } from '../git/fixBranch';
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from '../model/edits';
import { LEVEL_TABLE } from '../model/levels';
import type { Incident, TestRunRecord } from '../model/record';
import { changeSeverity } from '../model/severity';
import { linkedTests, planStatus } from '../model/testPlan';
import { toTimestamp } from '../model/time';
import { EvidenceStore, linkedResults, type EvidenceRun, type LatestEvidence } from './evidence';
import { formatTestRef, sameTest } from '../model/testId';

export type GateAction =
  | 'link-branch'
  | 'checkout-branch'
  | 'commit-changes'
  | 'link-test'
  | 'run-tests'
  | 'record-result'
  | 'sign-off'
  | 'tick-checklist'
  | 'open-plan';

export interface GateCondition {
  id: string;
  met: boolean;
  message: string;
  action?: GateAction;
}

export interface GateVerdict {
  mayClose: boolean;
  conditions: GateCondition[];
  /** Worth knowing, not blocking: commits by the IM on the fix branch, evidence that was ignored. */
  notes: string[];
}

export interface GateInput {
  incident: Incident;
  repoDir: string;
  /** Where the runner's signed evidence is, or what it already yielded. */
  evidence: EvidenceStore | LatestEvidence;
  now: Date;
  /** Repository-relative prefixes whose changes do not make the tree dirty; default the records folder. */
  ignorePaths?: readonly string[];
}

export const RULE_CLOSE_GATE = 'close-gate';

/** A short name for each condition, for lists where the full message is too long. */
export const GATE_CONDITION_TITLES: Readonly<Record<string, string>> = {
  'fix-branch': 'Fix branch linked and present',
  'tests-linked': 'Automated tests linked',
  'tests-passed': 'Linked tests passed on the current commit',
  'plan-staging': 'Test plan executed in staging',
  'plan-production': 'Test plan executed in production',
  'signoff-im': 'Signed off by the Incident Manager',
  'signoff-worker': 'Signed off by a worker',
  'end-checklist': 'End-checklist steps before "declare over" done',
};
export const RULE_RELEASE_WITHOUT_TESTS = 'release-without-tests';
export const QUOTE_AUTOMATED_TESTS = 'If there are automated tests they must be run and passed before the incident can be declared over.';
export const QUOTE_RELEASE_WITHOUT_TESTS =
  'the fix should be released, and assuming all other tests pass, the severity should be dropped, to Level 3. The incident will remain open until the tests have been written and the new changes have passed.';

const short = (sha: string) => sha.slice(0, 7);

function imEmails(incident: Incident): string[] {
  const im = (incident.people ?? []).find((p) => p.id === incident.roles.incident_manager);
  return im ? [im.email ?? '', ...(im.git_emails ?? [])].filter(Boolean) : [];
}

/** Whether a YAML audit entry says the same as signed evidence. */
function matchesEvidence(entry: TestRunRecord, run: EvidenceRun): boolean {
  if (entry.sha !== run.sha || entry.exit_code !== run.exitCode || entry.clean !== run.clean) return false;
  if ((entry.ended_by ?? 'exit') !== run.endedBy || (entry.tests ?? []).length !== run.linked.length) return false;
  return (entry.tests ?? []).every((t) => run.linked.some((l) => sameTest(l.test, t.test) && l.outcome === t.outcome));
}

function testsCondition(incident: Incident, branch: FixBranchStatus | null, latest: LatestEvidence): GateCondition {
  const id = 'tests-passed';
  const linked = linkedTests(incident);
  const reasons: string[] = [];
  let action: GateAction = 'run-tests';
  if (!branch?.exists) return { id, met: false, message: 'no fix branch to run the linked tests on', action: 'link-branch' };
  if (linked.length === 0) return { id, met: false, message: 'no automated tests are linked, so none has passed', action: 'link-test' };

  if (branch.checkedOut && branch.dirty) {
    reasons.push(`uncommitted changes to tracked files now (${branch.dirtyFiles.join(', ')}): commit them and run the tests again`);
    action = 'commit-changes';
  }
  if (latest.rejectedAfterLatest) {
    reasons.push(`the newest evidence for this incident was rejected and ignored (${latest.rejected.map((r) => r.reason).join('; ')})`);
  }
  const run = latest.run;
  if (!run) {
    reasons.push('no run of the linked tests by the runner for this incident');
  } else {
    if (run.sha !== branch.head) reasons.push(`stale: ran on ${short(run.sha)}, branch is now at ${short(branch.head)}`);
    if (run.shaAfter !== run.sha) reasons.push(`HEAD moved during the run (${short(run.sha)} to ${short(run.shaAfter)})`);
    if (!run.clean) reasons.push(`the run had uncommitted changes to tracked files (${run.dirtyFiles.join(', ')})`);
    if (run.endedBy === 'timeout') reasons.push('the run timed out');
    if (run.endedBy === 'cancelled') reasons.push('the run was cancelled');
    if (run.reportError) reasons.push(`the run left no usable report: ${run.reportError}`);
    const results = linkedResults(linked, run.report);
    if (!run.reportError) {
      for (const r of results) {
        const name = formatTestRef(r.test);
        if (r.outcome === 'failed') reasons.push(`${name} failed`);
        else if (r.outcome === 'skipped') reasons.push(`${name} was skipped, not executed`);
        else if (r.outcome === 'missing') {
          reasons.push(r.note ? `${name} cannot be told apart: ${r.note}` : `${name} did not run: not in the report (renamed, removed, or filtered out)`);
        }
      }
    }
    const allPassed = results.every((r) => r.outcome === 'passed');
    if (run.endedBy === 'exit' && run.exitCode !== 0) {
      const how = run.exitCode === null ? `killed by ${run.signal ?? 'a signal'}` : `exit ${run.exitCode}`;
      reasons.push(
        allPassed && !run.reportError
          ? `the test command failed (${how}) although every linked test passed — e.g. a coverage threshold`
          : `the test command failed (${how})`,
      );
    }
    if (!branch.checkedOut && run.sha !== branch.head) action = action === 'commit-changes' ? action : 'checkout-branch';
  }
  if (reasons.length === 0 && run) {
    return { id, met: true, message: `${linked.length} linked test(s) passed on ${short(run.sha)} (${run.endedAt}), clean tree, command exited 0` };
  }
  // An audit entry the evidence does not back is called out, so a hand edit is never mistaken for a run.
  const verifiedById = new Map(latest.verified.map((r) => [r.id, r]));
  for (const entry of incident.test_runs ?? []) {
    const signed = verifiedById.get(entry.id);
    if (!signed) reasons.push(`the record's test_runs entry ${entry.id} (on ${short(String(entry.sha))}) has no matching signed evidence on this machine and is not counted`);
    else if (!matchesEvidence(entry, signed)) reasons.push(`the record's test_runs entry ${entry.id} differs from its signed evidence (hand-edited?) and is not counted`);
  }
  return { id, met: false, message: reasons.join('; '), action };
}

export async function evaluateGate(input: GateInput): Promise<GateVerdict> {
  const { incident, repoDir, now } = input;
  const conditions: GateCondition[] = [];
  const notes: string[] = [];

  // 1. The fix branch.
  let branch: FixBranchStatus | null = null;
  if (!incident.fix?.branch) {
    conditions.push({ id: 'fix-branch', met: false, message: 'no fix branch is linked', action: 'link-branch' });
  } else {
    branch = await fixBranchStatus(repoDir, incident.fix, { imEmails: imEmails(incident), ...(input.ignorePaths ? { ignorePaths: input.ignorePaths } : {}) });
    conditions.push(
      branch.exists
        ? { id: 'fix-branch', met: true, message: `fix branch ${branch.branch} at ${branch.shortHead}` }
        : { id: 'fix-branch', met: false, message: `the fix branch ${incident.fix.branch} does not exist in this repository`, action: 'link-branch' },
    );
    for (const c of branch.imCommits) {
      const who = personForEmail(incident.people ?? [], c.authorEmail)?.name ?? c.authorEmail;
      notes.push(`commit ${short(c.sha)} "${c.subject}" on the fix branch is by the IM (${who}); the runbook says the IM must not fix the problem`);
    }
  }

  // 2. Linked automated tests.
  const linked = linkedTests(incident);
  conditions.push(
    linked.length > 0
      ? { id: 'tests-linked', met: true, message: `${linked.length} automated test(s) linked` }
      : { id: 'tests-linked', met: false, message: 'no automated test is linked to the test plan', action: 'link-test' },
  );

  // 3. The runner's signed evidence on the current head.
  const latest = input.evidence instanceof EvidenceStore ? await input.evidence.latest(incident.id) : input.evidence;
  if (latest.rejected.length > 0 && !latest.rejectedAfterLatest) {
    notes.push(`${latest.rejected.length} evidence entr${latest.rejected.length === 1 ? 'y was' : 'ies were'} rejected and ignored: ${latest.rejected.map((r) => r.reason).join('; ')}`);
  }
  conditions.push(testsCondition(incident, branch, latest));

  // 4. The plan, executed in both environments and signed off.
  const plan = planStatus(incident, now);
  if (plan.items.length === 0) {
    conditions.push({ id: 'plan-staging', met: false, message: 'the test plan has no items', action: 'open-plan' });
    conditions.push({ id: 'plan-production', met: false, message: 'the test plan has no items', action: 'open-plan' });
  } else {
    const pending = (env: 'staging' | 'production') =>
      plan.items
        .filter((i) => !(env === 'staging' ? i.stagingDone : i.productionDone))
        .map((i) => {
          const r = env === 'staging' ? i.staging : i.production;
          return `"${i.title}" (${r ? r.outcome : 'no result'})`;
        });
    const staging = pending('staging');
    const production = pending('production');
    conditions.push(
      staging.length === 0
        ? { id: 'plan-staging', met: true, message: 'the test plan passed in staging' }
        : { id: 'plan-staging', met: false, message: `not yet passed in staging: ${staging.join(', ')}`, action: 'record-result' },
    );
    conditions.push(
      production.length === 0
        ? { id: 'plan-production', met: true, message: 'the test plan passed in production (customer-data items skipped)' }
        : { id: 'plan-production', met: false, message: `not yet passed in production: ${production.join(', ')}`, action: 'record-result' },
    );
  }
  const staleOf = (role: 'incident_manager' | 'worker') =>
    plan.signoffs.filter((s) => s.currentRole === role && (s.stale || s.future)).map((s) => `${s.person} at ${s.at} ${s.future ? 'is dated in the future' : 'is stale: results were recorded after it'}`);
  const signoffCondition = (id: string, ok: boolean, who: string, role: 'incident_manager' | 'worker'): GateCondition => {
    if (ok) return { id, met: true, message: `signed off by ${who}` };
    const stale = staleOf(role);
    return { id, met: false, message: `not signed off by ${who}${stale.length ? ` (not counted: ${stale.join('; ')})` : ''}`, action: 'sign-off' };
  };
  conditions.push(signoffCondition('signoff-im', plan.signedByIm, 'the IM', 'incident_manager'));
  conditions.push(signoffCondition('signoff-worker', plan.signedByWorker, 'a worker', 'worker'));

  // 5. The level's end-checklist steps before "declare over".
  const done = new Map(incident.checklists.end.map((s) => [s.id, !!s.done_at]));
  const open = LEVEL_TABLE[incident.severity].end.filter((s) => s.beforeClose && !done.get(s.id));
  conditions.push(
    open.length === 0
      ? { id: 'end-checklist', met: true, message: 'the end-checklist steps before declaring the incident over are done' }
      : { id: 'end-checklist', met: false, message: `end-checklist steps not done: ${open.map((s) => s.text).join('; ')}`, action: 'tick-checklist' },
  );

  return { mayClose: conditions.every((c) => c.met), conditions, notes };
}

/** Closes the incident; refused unless the verdict lets it close. */
export function closeIncident(incident: Incident, verdict: GateVerdict, ctx: ActionContext): RecordEdit[] {
  if (incident.status === 'closed') throw new RuleViolation(RULE_CLOSE_GATE, 'The incident is already closed.');
  if (!verdict.mayClose) {
    const unmet = verdict.conditions.filter((c) => !c.met).map((c) => c.message);
    throw new RuleViolation(RULE_CLOSE_GATE, `The incident cannot close yet: ${unmet.join('; ')}`);
  }
  const at = toTimestamp(ctx.now, ctx.zone);
  return [
    { op: 'set', path: ['status'], value: 'closed' },
    { op: 'set', path: ['closed_at'], value: at },
    timelineEdit(ctx, 'closed', 'Incident declared over: the linked tests passed on the fix branch, the test plan was executed and signed off'),
  ];
}

/**
 * The fix went to production before its automated tests exist: the level drops as the table
 * says (2 to 3), and the incident stays open until the tests are written and pass.
 */
export function releaseWithoutTests(incident: Incident, note: string, ctx: ActionContext): RecordEdit[] {
  const why = note.trim();
  if (incident.status === 'closed') throw new RuleViolation(RULE_RELEASE_WITHOUT_TESTS, 'The incident is already closed.');
  if (!why) throw new RuleViolation(RULE_RELEASE_WITHOUT_TESTS, 'Say why the fix was released without automated tests; it is kept in the timeline.');
  const to = LEVEL_TABLE[incident.severity].releaseWithoutTestsDropsTo;
  const edits: RecordEdit[] = [
    { op: 'set', path: ['released_without_tests'], value: { at: toTimestamp(ctx.now, ctx.zone), by: ctx.actor, note: why } },
    { op: 'set', path: ['status'], value: 'fix-released-awaiting-tests' },
  ];
  if (to !== incident.severity) edits.push(...changeSeverity(incident, to, `fix released without automated tests: ${why}`, ctx));
  edits.push(timelineEdit(ctx, 'released-without-tests', `Fix released without automated tests (${why}); the incident stays open until they are written and pass`));
  return edits;
}

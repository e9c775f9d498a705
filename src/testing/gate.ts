// The close gate: an incident closes only when its fix branch's current commit passed the
// linked automated tests in the runner (by signed evidence, not by the YAML), the plan was
// executed in staging and production and signed off, and the checklist is done. Every unmet
// condition is listed, each with the action that would meet it.
import { checkExclusions, codeChangedBetween } from '../git/codeState';
import { DEFAULT_IGNORED_PATHS, fixBranchStatus, personForEmail, type FixBranchStatus, type FixBranchStatusOptions } from '../git/fixBranch';
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from '../model/edits';
import { LEVEL_TABLE } from '../model/levels';
import { someOf } from '../model/plural';
import type { Incident, TestRunRecord } from '../model/record';
import { changeSeverity } from '../model/severity';
import { linkedTests, planStatus, signoffIdentityMismatches, waiverStatus } from '../model/testPlan';
import { toTimestamp } from '../model/time';
import { EvidenceStore, type EvidenceRun, type LatestEvidence } from './evidence';
import type { TestCommand } from './runner';
import { untrustedBase, type TrustedBases } from './testCommandSource';
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
  | 'open-plan'
  | 'sign-waiver';

export interface GateCondition {
  id: string;
  met: boolean;
  message: string;
  action?: GateAction;
}

/** The signed run the tests condition was decided on, and the command it ran. */
export interface JudgedRun {
  runId: string;
  sha: string;
  command: string[];
  /** Where the command came from: CI's --command, the base branch's package.json, a setting. */
  commandSource: string;
  runner: string;
}

export interface GateVerdict {
  mayClose: boolean;
  conditions: GateCondition[];
  /** Worth knowing, not blocking: commits by the IM on the fix branch, evidence that was ignored. */
  notes: string[];
  judged?: JudgedRun;
  /** The IM recorded that no automated test is possible; `applies` is false for a code fix on the fix branch. */
  waiver?: { reason: string; recordedBy: string; recordedAt: string; signers: string[]; applies: boolean };
  /** Sign-offs made by a git identity that is not one of the person's known emails. */
  signoffIdentityFlags?: { person: string; at: string; gitEmail: string; what: 'plan' | 'waiver' }[];
}

export interface GateInput {
  incident: Incident;
  repoDir: string;
  /** Where the runner's signed evidence is, or what it already yielded. */
  evidence: EvidenceStore | LatestEvidence;
  now: Date;
  /** The records folder ("records/") and the public log, repository-relative; checked to be such. Default the records folder. */
  ignorePaths?: readonly string[];
  /** The command that counts (CI's --command, the base branch's configuration); a run of another is refused. */
  command?: TestCommand;
  /** Bases trusted besides (or, from CI, instead of) the repository's default branch; see untrustedBase. */
  trustedBases?: TrustedBases;
  /** The fix branch's facts, when the caller started reading them already (gateBranchStatus, same repository and ignorePaths). */
  branchStatus?: Promise<FixBranchStatus>;
  /**
   * What changed in the code between two commits (codeChangedBetween, same exclusions), by
   * `<from>..<to>`, when the caller started reading it already; any other pair is read here.
   */
  codeChanges?: ReadonlyMap<string, Promise<string[]>>;
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
/** When no automated test is possible, the two test conditions read differently. */
export const WAIVED_CONDITION_TITLES: Readonly<Record<string, string>> = {
  'tests-linked': 'No automated test possible (recorded by the IM)',
  'tests-passed': 'No-test waiver signed off by the IM and a SME',
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

/**
 * The fix branch's facts as the gate reads them (the IM's commits, the tree outside the checked
 * exclusions), for a caller that starts reading them early and passes them in as branchStatus.
 */
export function gateBranchStatus(
  incident: Incident,
  repoDir: string,
  ignorePaths: readonly string[] = DEFAULT_IGNORED_PATHS,
  known?: FixBranchStatusOptions['known'],
  defaultBranch?: Promise<string | null>,
): Promise<FixBranchStatus> | undefined {
  if (!incident.fix?.branch) return undefined;
  return fixBranchStatus(repoDir, incident.fix, {
    imEmails: imEmails(incident),
    ignorePaths: checkExclusions(repoDir, ignorePaths).paths,
    ...(known ? { known } : {}),
    ...(defaultBranch ? { defaultBranch } : {}),
  });
}

/** Whether a YAML audit entry says the same as signed evidence. */
function matchesEvidence(entry: TestRunRecord, run: EvidenceRun): boolean {
  if (entry.sha !== run.sha || entry.exit_code !== run.exitCode || entry.clean !== run.clean) return false;
  if ((entry.ended_by ?? 'exit') !== run.endedBy || (entry.tests ?? []).length !== run.linked.length) return false;
  return (entry.tests ?? []).every((t) => run.linked.some((l) => sameTest(l.test, t.test) && l.outcome === t.outcome));
}

interface TestsContext {
  repoDir: string;
  /** The checked paths left out of the clean check and of staleness: the records' YAML files, the public log. */
  exclusions: readonly string[];
  command?: TestCommand;
  codeChanges?: ReadonlyMap<string, Promise<string[]>>;
}

const list = (files: readonly string[]) => someOf(files, 5);
const sameArgv = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

async function testsCondition(incident: Incident, branch: FixBranchStatus | null, latest: LatestEvidence, ctx: TestsContext): Promise<GateCondition & { judged?: EvidenceRun }> {
  const id = 'tests-passed';
  const linked = linkedTests(incident);
  const reasons: string[] = [];
  let action: GateAction = 'run-tests';
  if (!branch?.exists) return { id, met: false, message: 'no fix branch to run the linked tests on', action: 'link-branch' };
  if (linked.length === 0) return { id, met: false, message: 'no automated tests are linked, so none has passed', action: 'link-test' };

  if (branch.checkedOut && branch.dirtyFiles.length > 0) {
    reasons.push(`uncommitted changes to tracked files now (${list(branch.dirtyFiles)}): commit them and run the tests again`);
    action = 'commit-changes';
  }
  if (branch.checkedOut && (branch.untrackedFiles ?? []).length > 0) {
    reasons.push(`untracked files now (${list(branch.untrackedFiles)}): they take part in a run, so commit or remove them and run the tests again`);
    action = 'commit-changes';
  }
  if (latest.rejectedAfterLatest) {
    reasons.push(`the newest evidence for this incident was rejected and ignored (${latest.rejected.map((r) => r.reason).join('; ')})`);
  }
  const run = latest.run;
  let freshByCode = false;
  if (!run) {
    reasons.push('no run of the linked tests by the runner for this incident');
  } else {
    if (run.branch !== branch.branch) {
      reasons.push(`the run was on ${run.branch ?? 'a detached HEAD'}, not on the fix branch ${branch.branch}: the fix branch was not checked out`);
      if (!branch.checkedOut && action !== 'commit-changes') action = 'checkout-branch';
    } else if (run.sha !== branch.head) {
      let changed: string[];
      try {
        changed = await (ctx.codeChanges?.get(`${run.sha}..${branch.head}`) ?? codeChangedBetween(ctx.repoDir, run.sha, branch.head, ctx.exclusions));
      } catch {
        changed = ['(the commit it ran on is no longer in this repository)'];
      }
      if (changed.length > 0) {
        reasons.push(`stale: ran on ${short(run.sha)}, the fix branch is now at ${short(branch.head)}, which changes the code (${list(changed)})`);
        if (!branch.checkedOut && action !== 'commit-changes') action = 'checkout-branch';
      } else freshByCode = true;
    }
    reasons.push(...run.moved);
    if (run.dirtyFiles.length > 0) reasons.push(`the run had uncommitted changes to tracked files (${list(run.dirtyFiles)})`);
    if (run.untrackedFiles.length > 0) reasons.push(`the run had untracked files (${list(run.untrackedFiles)}): they took part in it; commit or remove them and run the tests again`);
    if (ctx.command && !sameArgv(run.command, ctx.command.command)) {
      reasons.push(`the run used ${JSON.stringify(run.command)} (${run.commandSource}), but the command that counts is ${JSON.stringify(ctx.command.command)} (${ctx.command.source})`);
    }
    if (run.endedBy === 'timeout') reasons.push('the run timed out');
    if (run.endedBy === 'cancelled') reasons.push('the run was cancelled');
    if (run.reportError) reasons.push(`the run left no usable report: ${run.reportError}`);
    let allPassed = true;
    if (!run.reportError) {
      for (const test of linked) {
        const name = formatTestRef(test);
        const r = run.linked.find((l) => sameTest(l.test, test));
        if (!r) {
          reasons.push(`${name} was linked after the run: run the tests again`);
          allPassed = false;
          continue;
        }
        if (r.outcome !== 'passed') allPassed = false;
        if (r.outcome === 'failed') reasons.push(`${name} failed`);
        else if (r.outcome === 'skipped') reasons.push(`${name} was skipped, not executed`);
        else if (r.outcome === 'missing') {
          reasons.push(r.note?.includes('share this title path') ? `${name} cannot be told apart: ${r.note}` : `${name} did not run: ${r.note ?? 'not in the report'}`);
        }
      }
    }
    if (run.endedBy === 'exit' && run.exitCode !== 0) {
      const how = run.exitCode === null ? `killed by ${run.signal ?? 'a signal'}` : `exit ${run.exitCode}`;
      const linkedNames = new Set(linked.map(formatTestRef));
      const others = (run.report?.failing ?? []).filter((n) => !linkedNames.has(n));
      if (others.length > 0) reasons.push(`the test command failed (${how}): ${others.length === 1 ? 'a test that is not linked failed' : 'tests that are not linked failed'}: ${list(others)}`);
      else if (allPassed && !run.reportError) reasons.push(`the test command failed (${how}) although every test in the report passed — e.g. a coverage threshold`);
      else reasons.push(`the test command failed (${how})`);
    }
  }
  if (reasons.length === 0 && run) {
    const fresh = freshByCode ? `; the fix branch is now at ${short(branch.head)}, whose later commits change only the records and the public log` : '';
    return { id, met: true, message: `${linked.length} linked test(s) passed on ${short(run.sha)} (${run.endedAt}), clean tree, command exited 0${fresh}`, judged: run };
  }
  // An audit entry the evidence does not back is called out, so a hand edit is never mistaken for a run.
  const verifiedById = new Map(latest.verified.map((r) => [r.id, r]));
  for (const entry of incident.test_runs ?? []) {
    const signed = verifiedById.get(entry.id);
    if (!signed) reasons.push(`the record's test_runs entry ${entry.id} (on ${short(String(entry.sha))}) has no matching signed evidence on this machine and is not counted`);
    else if (!matchesEvidence(entry, signed)) reasons.push(`the record's test_runs entry ${entry.id} differs from its signed evidence (hand-edited?) and is not counted`);
  }
  return { id, met: false, message: reasons.join('; '), action, ...(run ? { judged: run } : {}) };
}

export async function evaluateGate(input: GateInput): Promise<GateVerdict> {
  const { incident, repoDir, now } = input;
  const conditions: GateCondition[] = [];
  const notes: string[] = [];
  let judged: JudgedRun | undefined;
  let verdictWaiver: GateVerdict['waiver'];
  const exclusions = checkExclusions(repoDir, input.ignorePaths ?? DEFAULT_IGNORED_PATHS);
  // Read alongside the branch's facts: the verdict waits on the slower of the two.
  const latestEvidence = input.evidence instanceof EvidenceStore ? input.evidence.latest(incident.id) : Promise.resolve(input.evidence);
  // Not awaited when the tests are waived; its failure then must not go unhandled.
  latestEvidence.catch(() => undefined);

  // 1. The fix branch.
  let branch: FixBranchStatus | null = null;
  // Why the record's base is not trusted: commits counted since it say nothing then.
  let baseProblem: string | null = null;
  const waiver = waiverStatus(incident);
  if (!incident.fix?.branch) {
    conditions.push(
      waiver
        ? { id: 'fix-branch', met: true, message: `no fix branch: an operational fix, for which no automated test is possible (${waiver.reason})` }
        : { id: 'fix-branch', met: false, message: 'no fix branch is linked', action: 'link-branch' },
    );
  } else {
    branch = await (input.branchStatus ?? fixBranchStatus(repoDir, incident.fix, { imEmails: imEmails(incident), ignorePaths: exclusions.paths }));
    baseProblem = untrustedBase(incident.fix, branch.defaultBranch, input.trustedBases);
    conditions.push(
      !branch.exists
        ? { id: 'fix-branch', met: false, message: `the fix branch ${incident.fix.branch} does not exist in this repository`, action: 'link-branch' }
        : baseProblem
          ? { id: 'fix-branch', met: false, message: baseProblem, action: 'link-branch' }
          : { id: 'fix-branch', met: true, message: `fix branch ${branch.branch} at ${branch.shortHead}, from ${branch.base}` },
    );
    for (const c of branch.imCommits) {
      const who = personForEmail(incident.people ?? [], c.authorEmail)?.name ?? c.authorEmail;
      notes.push(`commit ${short(c.sha)} "${c.subject}" on the fix branch is by the IM (${who}); the runbook says the IM must not fix the problem`);
    }
  }

  // The runbook's fix that is not code: no automated test is possible. Not for a code fix on the fix branch.
  const codeCommits = branch?.exists ? (branch.ahead ?? 0) : 0;
  const waived = waiver !== null && codeCommits === 0 && baseProblem === null;
  if (waiver) {
    verdictWaiver = { reason: waiver.reason, recordedBy: waiver.recordedBy, recordedAt: waiver.recordedAt, signers: waiver.signers, applies: waived };
    if (baseProblem) {
      notes.push(`the record says no automated test is possible (${waiver.reason}), but that cannot apply while the fix branch's base is not trusted: with no commits counted since it, any code fix would pass as none`);
    } else if (!waived) {
      notes.push(
        `the record says no automated test is possible (${waiver.reason}), but the fix branch ${branch?.branch} has ${codeCommits} commit(s) since ${branch?.base}: a code fix needs its tests, so that does not apply`,
      );
    }
  }
  if (waived && waiver) {
    conditions.push({ id: 'tests-linked', met: true, message: `no automated test is possible: ${waiver.reason}` });
    const missing = [waiver.signedByIm ? '' : 'the IM', waiver.signedBySme ? '' : 'a SME'].filter(Boolean);
    conditions.push(
      missing.length === 0
        ? { id: 'tests-passed', met: true, message: `waived: no automated test is possible (${waiver.reason}); signed off by ${waiver.signers.join(' and ')}; the manual plan decides` }
        : { id: 'tests-passed', met: false, message: `that no automated test is possible (${waiver.reason}) is not yet signed off by ${missing.join(' and ')}`, action: 'sign-waiver' },
    );
  } else {
    // 2. Linked automated tests.
    const linked = linkedTests(incident);
    conditions.push(
      linked.length > 0
        ? { id: 'tests-linked', met: true, message: `${linked.length} automated test(s) linked` }
        : { id: 'tests-linked', met: false, message: 'no automated test is linked to the test plan', action: 'link-test' },
    );

    // 3. The runner's signed evidence on the current code.
    const latest = await latestEvidence;
    if (latest.rejected.length > 0 && !latest.rejectedAfterLatest) {
      notes.push(`${latest.rejected.length} evidence entr${latest.rejected.length === 1 ? 'y was' : 'ies were'} rejected and ignored: ${latest.rejected.map((r) => r.reason).join('; ')}`);
    }
    const { judged: judgedRun, ...tests } = await testsCondition(incident, branch, latest, {
      repoDir,
      exclusions: exclusions.paths,
      ...(input.command ? { command: input.command } : {}),
      ...(input.codeChanges ? { codeChanges: input.codeChanges } : {}),
    });
    conditions.push(tests);
    if (judgedRun) {
      judged = { runId: judgedRun.id, sha: judgedRun.sha, command: judgedRun.command, commandSource: judgedRun.commandSource, runner: judgedRun.runner };
      notes.push(`judged the command ${JSON.stringify(judgedRun.command)} (${judgedRun.commandSource}), run ${judgedRun.id} on ${short(judgedRun.sha)}`);
      for (const s of judgedRun.report?.suspicious ?? []) notes.push(`the report of run ${judgedRun.id} looks suspicious: ${s}`);
      if (tests.met) {
        const entry = (incident.test_runs ?? []).find((e) => e.id === judgedRun.id);
        if (!entry) notes.push(`the record has no test_runs entry for run ${judgedRun.id}, whose signed evidence decided this verdict`);
        else if (!matchesEvidence(entry, judgedRun)) notes.push(`the record's test_runs entry ${entry.id} differs from the signed evidence that decided this verdict (hand-edited?); the evidence counts`);
      }
    }
    for (const r of exclusions.refused) notes.push(`not left out of the clean check: ${r}`);
    if (incident.test_command?.length && judgedRun && !sameArgv(incident.test_command, judgedRun.command)) {
      notes.push(`the record's test_command ${JSON.stringify(incident.test_command)} was not used: a record cannot choose the command that counts`);
    }
  }

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
    plan.signoffs.filter((s) => s.currentRole === role && (s.stale || s.future)).map((s) => `${s.person} at ${s.at} ${s.future ? 'is dated in the future' : s.planChanged ? "is stale: the plan's items or linked tests changed after it" : 'is stale: results were recorded after it'}`);
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

  const identityFlags = signoffIdentityMismatches(incident);
  for (const f of identityFlags) {
    notes.push(`the ${f.what === 'waiver' ? 'no-automated-test' : 'test-plan'} sign-off by ${f.person} at ${f.at} was made by the git identity ${f.gitEmail}, which is not one of ${f.person}'s known emails`);
  }
  return {
    mayClose: conditions.every((c) => c.met),
    conditions,
    notes,
    ...(judged ? { judged } : {}),
    ...(verdictWaiver ? { waiver: verdictWaiver } : {}),
    ...(identityFlags.length ? { signoffIdentityFlags: identityFlags } : {}),
  };
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
    timelineEdit(
      ctx,
      'closed',
      verdict.waiver?.applies
        ? `Incident declared over: no automated test was possible (${verdict.waiver.reason}); the manual test plan was executed and signed off`
        : 'Incident declared over: the linked tests passed on the fix branch, the test plan was executed and signed off',
    ),
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

/**
 * What a finished run changed, for a notification: how many linked tests pass now and what
 * Close still needs, e.g. "2 of 3 linked tests pass; Close still needs: Signed off by a worker".
 */
export function runSummary(linked: readonly { outcome: string }[], verdict: GateVerdict): string {
  const passed = linked.filter((l) => l.outcome === 'passed').length;
  const tests = `${passed} of ${linked.length} linked test${linked.length === 1 ? '' : 's'} pass${linked.length === 1 && passed === 1 ? 'es' : ''}`;
  if (verdict.mayClose) return `${tests}; the incident may close.`;
  const unmet = verdict.conditions.filter((c) => !c.met).map((c) => GATE_CONDITION_TITLES[c.id] ?? c.id);
  return `${tests}; Close still needs: ${unmet.join('; ')}.`;
}

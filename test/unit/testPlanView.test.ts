import assert from 'node:assert/strict';
import type { FixBranchStatus } from '../../src/git/fixBranch';
import type { Incident } from '../../src/model/record';
import { editPlanItem, removePlanItem } from '../../src/model/testPlanItems';
import { buildTestPlanView, FAILURE_LINES, type TestCellView, type TestPlanFacts } from '../../src/webview/testPlanView';
import { PlanError, recordNoAutomatedTest, signNoAutomatedTest, signOff } from '../../src/model/testPlan';
import type { EvidenceRun, LatestEvidence } from '../../src/testing/evidence';
import type { ParsedReport } from '../../src/testing/reports/report';
import { evaluateGate, type GateVerdict } from '../../src/testing/gate';
import { simpleGit } from 'simple-git';
import { applyEdits, cleanupTemp, commitFiles, initRepo, NOW, readyIncident, ref, tempDir } from './helpers/testProjects';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const PASS = ref('test/checkout.test.js', 'EU VAT', 'returns 200');
const FAIL = ref('test/checkout.test.js', 'EU VAT', 'adds VAT');
const SKIP = ref('test/checkout.test.js', 'EU VAT', 'skipped one');
const GONE = ref('test/checkout.test.js', 'EU VAT', 'renamed away');
const NEVER = ref('test/other.test.js', 'Other', 'linked after the run');

function branch(over: Partial<FixBranchStatus> = {}): FixBranchStatus {
  return {
    branch: 'fix/eu-vat', base: 'main', defaultBranch: 'main', exists: true, baseExists: true, currentBranch: 'fix/eu-vat', checkedOut: true,
    head: HEAD, shortHead: HEAD.slice(0, 7), ahead: 1, behind: 0, dirty: false, dirtyFiles: [], untrackedFiles: [], imCommits: [], ...over,
  };
}

/** The report the last run in this window parsed: the evidence keeps its hash, not its messages. */
const LAST_REPORT: ParsedReport = {
  format: 'node-test',
  sha256: 'r'.repeat(64),
  tests: [
    { ref: PASS, outcome: 'passed' },
    { ref: FAIL, outcome: 'failed', message: 'AssertionError: expected 123\n\n  got 100\n  at line 4\n  at line 5\n  at line 6' },
    { ref: SKIP, outcome: 'skipped' },
  ],
};

function run(sha: string, over: Partial<EvidenceRun> = {}): EvidenceRun {
  return {
    v: 2, id: `run-${sha.slice(0, 3)}`, incidentId: '2026-11-27-checkout-5xx', sha, shaAfter: sha, branch: 'fix/eu-vat', clean: true, dirtyFiles: [],
    untrackedFiles: [], moved: [], excluded: [], excludedRefused: [], runner: 'node', commandSource: 'test',
    command: ['node', '--test'], startedAt: '2026-11-28T11:40:00Z', endedAt: '2026-11-28T11:41:00Z', exitCode: 1, signal: null, endedBy: 'exit',
    report: { sha256: LAST_REPORT.sha256!, tests: 3, passed: 1, failed: 1, skipped: 1, failing: ['test/checkout.test.js > EU VAT > adds VAT'] },
    linked: [
      { test: PASS, outcome: 'passed' },
      { test: FAIL, outcome: 'failed' },
      { test: SKIP, outcome: 'skipped' },
      { test: GONE, outcome: 'missing' },
    ],
    ...over,
  };
}

function evidence(...runs: EvidenceRun[]): LatestEvidence {
  return { run: runs.at(-1) ?? null, verified: runs, rejected: [], rejectedAfterLatest: false };
}

const verdict: GateVerdict = {
  mayClose: false,
  conditions: [
    { id: 'fix-branch', met: true, message: 'fix branch fix/eu-vat at aaaaaaa' },
    { id: 'tests-passed', met: false, message: 'test/checkout.test.js > EU VAT > adds VAT failed; ' + 'a very long reason '.repeat(30), action: 'run-tests' },
    { id: 'signoff-im', met: false, message: 'not signed off by the IM', action: 'sign-off' },
    { id: 'custom-unknown', met: false, message: 'a condition without an action' },
  ],
  notes: ['commit 1234567 is by the IM'],
};

function incident(over: Partial<Incident> = {}): Incident {
  const base = readyIncident([PASS, FAIL, SKIP, GONE, NEVER], over);
  // A second item that changes customer data, with nothing recorded yet.
  base.test_plan!.items.push({ id: 'order-created', title: 'An order is created', mutates_customer_data: true, manual_steps: 'Place an order', automated: [], results: [] });
  return base;
}

const view = (inc: Incident, facts: TestPlanFacts, actor: string | null = 'ana') =>
  buildTestPlanView({ incident: inc, people: inc.people ?? [], facts, now: NOW, actor, trusted: true, lastReport: LAST_REPORT });

describe('test-plan view model', () => {
  after(cleanupTemp);

  it('gives every linked test its state on the current head: passed, failed with its first lines, skipped, missing, not run', () => {
    const v = view(incident(), { verdict, branch: branch(), evidence: evidence(run(HEAD)) });
    const cells: Record<string, TestCellView> = Object.fromEntries(v.items[0]!.tests.map((t) => [t.ref.title.at(-1), t]));
    assert.deepEqual(
      Object.fromEntries(Object.entries(cells).map(([k, c]) => [k, c.state])),
      { 'returns 200': 'passed', 'adds VAT': 'failed', 'skipped one': 'skipped', 'renamed away': 'missing', 'linked after the run': 'not-run' },
    );
    assert.equal(cells['adds VAT']!.failure, 'AssertionError: expected 123\n  got 100\n  at line 4\n…');
    assert.equal(cells['adds VAT']!.failure!.split('\n').length, FAILURE_LINES + 1);
    assert.match(cells['returns 200']!.summary, /passed on aaaaaaa/);
    assert.equal(cells['returns 200']!.label, 'test/checkout.test.js > EU VAT > returns 200');
  });

  it('marks every result of a run on an older commit stale, naming the commit it ran on and its outcome there', () => {
    const v = view(incident(), { verdict, branch: branch(), evidence: evidence(run(OLD)) });
    for (const cell of v.items[0]!.tests.slice(0, 4)) {
      assert.equal(cell.state, 'stale');
      assert.equal(cell.ranOn, OLD.slice(0, 7));
      assert.match(cell.summary, /stale: \w+ on bbbbbbb, branch now at aaaaaaa/);
    }
    assert.equal(v.items[0]!.tests[1]!.staleOutcome, 'failed');
    assert.equal(v.items[0]!.tests[4]!.state, 'not-run');
  });

  it('shows no outcome before any signed run', () => {
    const v = view(incident(), { verdict, branch: branch(), evidence: evidence() });
    assert.ok(v.items[0]!.tests.every((t) => t.state === 'not-run'));
    assert.deepEqual(v.runs, []);
  });

  it('gives staging and production cells each state: result with who/when/note, none, protected and skipped for customer data', () => {
    let inc = incident();
    inc = applyEdits(inc, [{ op: 'append', path: ['test_plan', 'items', 0, 'results'], value: { env: 'staging', outcome: 'fail', by: 'bruno', at: '2026-11-28T11:50:00+01:00', note: 'still 500' } }]);
    let v = view(inc, { verdict, branch: branch(), evidence: evidence() });
    const [item, order] = v.items;
    assert.deepEqual([item!.staging.state, item!.staging.by, item!.staging.note, item!.staging.done], ['fail', 'Bruno Costa', 'still 500', false]);
    assert.deepEqual([item!.production.state, item!.production.done], ['pass', true]);
    assert.deepEqual([order!.staging.state, order!.production.state, order!.production.done], ['none', 'protected', false]);
    assert.match(order!.production.summary, /to be recorded as skipped: mutates customer data/);
    assert.equal(order!.production.reason, 'mutates customer data: never run in production');
    assert.equal(order!.mutatesCustomerData, true);
    assert.equal(order!.manualSteps, 'Place an order');

    inc = applyEdits(inc, [
      { op: 'append', path: ['test_plan', 'items', 1, 'results'], value: { env: 'production', outcome: 'skipped', by: 'ana', at: '2026-11-28T11:55:00+01:00', note: 'mutates customer data: never run in production' } },
      { op: 'append', path: ['test_plan', 'items', 1, 'results'], value: { env: 'staging', outcome: 'skipped', by: 'ana', at: '2026-11-28T11:56:00+01:00' } },
    ]);
    v = view(inc, { verdict, branch: branch(), evidence: evidence() });
    assert.deepEqual([v.items[1]!.production.state, v.items[1]!.production.done, v.items[1]!.production.by], ['protected-skipped', true, 'Ana Pereira']);
    // The reason is said once, not again as the note that repeats it.
    assert.deepEqual([v.items[1]!.production.reason, v.items[1]!.production.note], ['mutates customer data: never run in production', undefined]);
    assert.deepEqual([v.items[1]!.staging.state, v.items[1]!.staging.done], ['skipped', false]);
  });

  it('maps the verdict: headline, every reason in full, an action on each unmet condition that has one, notes', () => {
    const v = view(incident(), { verdict, branch: branch(), evidence: evidence() });
    assert.equal(v.verdict.state, 'unmet');
    assert.equal(v.verdict.headline, '3 conditions unmet');
    const byId = Object.fromEntries(v.verdict.conditions.map((c) => [c.id, c]));
    assert.equal(byId['tests-passed']!.message, verdict.conditions[1]!.message, 'the reason is cut');
    assert.deepEqual(byId['tests-passed']!.action, { action: 'run-tests', label: 'Run Linked Tests' });
    assert.equal(byId['tests-passed']!.title, 'Linked tests passed on the current commit');
    assert.equal(byId['fix-branch']!.action, undefined, 'a met condition offers no action');
    assert.equal(byId['custom-unknown']!.title, 'custom-unknown');
    assert.equal(byId['custom-unknown']!.action, undefined);
    assert.deepEqual(v.verdict.notes, verdict.notes);

    const may = view(incident(), { verdict: { mayClose: true, conditions: [{ id: 'fix-branch', met: true, message: 'ok' }], notes: [] } });
    assert.deepEqual([may.verdict.state, may.verdict.headline, may.verdict.unmet], ['may-close', 'May close', 0]);
    const one = view(incident(), { verdict: { ...verdict, conditions: verdict.conditions.slice(0, 2) } });
    assert.equal(one.verdict.headline, '1 condition unmet');
    assert.equal(view(incident(), {}).verdict.state, 'checking');
    assert.equal(view(incident(), { error: 'git exploded' }).verdict.state, 'error');
    assert.match(view(incident(), { error: 'git exploded' }).verdict.headline, /git exploded/);
    const closed = view(incident({ status: 'closed', closed_at: '2026-11-28T12:00:00Z' }), { verdict });
    assert.deepEqual([closed.verdict.state, closed.incident.open, closed.verdict.conditions.length], ['closed', false, 0]);
  });

  it('says what the fix branch is: none, being read, missing, clean, dirty with the files, not checked out', () => {
    assert.equal(view(incident({ fix: undefined }), {}).branch.state, 'none');
    assert.equal(view(incident(), {}).branch.state, 'checking');
    assert.equal(view(incident(), { branch: branch({ exists: false, head: '', shortHead: '' }) }).branch.state, 'missing');
    const clean = view(incident(), { branch: branch() }).branch;
    assert.deepEqual([clean.state, clean.summary], ['clean', 'fix/eu-vat at aaaaaaa · clean']);
    const dirty = view(incident(), { branch: branch({ dirty: true, dirtyFiles: ['src/a.js'] }) }).branch;
    assert.deepEqual([dirty.state, dirty.summary], ['dirty', 'fix/eu-vat at aaaaaaa · uncommitted changes (src/a.js)']);
    assert.match(view(incident(), { branch: branch({ checkedOut: false, currentBranch: 'main' }) }).branch.summary, /not checked out/);
  });

  it('lists sign-offs with name, role as the roles are now, and the later result that made a stale one stale', () => {
    let inc = incident();
    inc = applyEdits(inc, [{ op: 'append', path: ['test_plan', 'items', 0, 'results'], value: { env: 'staging', outcome: 'pass', by: 'bruno', at: '2026-11-28T11:35:00+01:00' } }]);
    inc = applyEdits(inc, [{ op: 'append', path: ['test_plan', 'signoffs'], value: { person: 'carla', role: 'other', at: '2026-11-28T11:40:00+01:00' } }]);
    const v = view(inc, { verdict });
    assert.deepEqual(v.signoffs.map((s) => [s.name, s.roleLabel, s.stale, s.counts]), [
      ['Ana Pereira', 'Incident Manager', true, false],
      ['Bruno Costa', 'worker', true, false],
      ['Carla Dias', 'reviewer', false, true],
    ]);
    // Bruno hands his work over and is no longer a worker: he signed as one, and is a reviewer now.
    const handedOver = view({ ...inc, roles: { ...inc.roles, workers: [] } }, { verdict });
    assert.deepEqual([handedOver.signoffs[1]!.signedAs, handedOver.signoffs[1]!.roleLabel], ['worker', 'reviewer']);
    assert.equal(v.signoffs[0]!.staleBecause, '“EU checkout returns 200” in staging: pass by Bruno Costa at 2026-11-28T11:35:00+01:00');
    assert.deepEqual([v.signedByIm, v.signedByWorker], [false, false]);
    const future = view(applyEdits(incident(), [{ op: 'append', path: ['test_plan', 'signoffs'], value: { person: 'ana', role: 'incident_manager', at: '2030-01-01T00:00:00Z' } }]), { verdict });
    assert.deepEqual([future.signoffs.at(-1)!.future, future.signoffs.at(-1)!.counts], [true, false]);
    // Carla signed the plan as it was; a linked test unlinked since makes hers stale, naming the change.
    const signed = applyEdits(inc, signOff(inc, 'carla', { actor: 'carla', now: new Date('2026-11-28T11:45:00+01:00'), zone: 'UTC' }));
    const unlinked = view(applyEdits(signed, [{ op: 'delete', path: ['test_plan', 'items', 0, 'automated', 0] }]), { verdict });
    assert.deepEqual([unlinked.signoffs.at(-1)!.stale, unlinked.signoffs.at(-1)!.counts], [true, false]);
    assert.equal(unlinked.signoffs.at(-1)!.staleBecause, "a change to the plan's items or linked tests");
  });

  it('lists the newest runs first with commit, command, totals and how each ended; only the judged one on the head is current', () => {
    const older = run(OLD, { id: 'older', endedBy: 'timeout', exitCode: null });
    const newer = run(HEAD, { id: 'newer' });
    const v = view(incident(), { verdict, branch: branch(), evidence: evidence(older, newer) });
    assert.deepEqual(v.runs.map((r) => [r.id, r.shortSha, r.ended, r.current]), [['newer', 'aaaaaaa', 'exit 1', true], ['older', 'bbbbbbb', 'timed out', false]]);
    assert.deepEqual(v.runs[0]!.totals, { passed: 1, failed: 1, skipped: 1, missing: 1 });
    assert.deepEqual([v.runs[0]!.command, v.runs[0]!.commandSource], ['node --test', 'test']);
    const killed = view(incident(), { branch: branch(), evidence: evidence(run(HEAD, { exitCode: null, signal: 'SIGKILL' })) });
    assert.equal(killed.runs[0]!.ended, 'killed by SIGKILL');
    const cancelled = view(incident(), { branch: branch(), evidence: evidence(run(HEAD, { endedBy: 'cancelled' })) });
    assert.equal(cancelled.runs[0]!.ended, 'cancelled');
  });

  it('says who signs: the actor with their role now, or that they will be asked', () => {
    assert.equal(view(incident(), {}, 'ana').actor.summary, 'Ana Pereira, as Incident Manager');
    assert.equal(view(incident(), {}, 'bruno').actor.summary, 'Bruno Costa, as worker');
    assert.match(view(incident(), {}, null).actor.summary, /asked who you are/);
  });

  it('offers discovered tests once each, keeping those whose file the report does not name', () => {
    const v = buildTestPlanView({
      incident: incident(), people: [], facts: {}, now: NOW, trusted: false,
      discovered: [{ ref: PASS }, { ref: PASS }, { ref: { file: '', title: ['Irish VAT', 'charges 23%'] }, fileUnknown: true }],
    });
    assert.deepEqual(v.discovered.map((d) => [d.label, d.fileUnknown]), [['test/checkout.test.js > EU VAT > returns 200', false], ['Irish VAT > charges 23%', true]]);
    assert.equal(v.trusted, false);
  });

  it('is plain JSON: what goes to the page survives a round trip unchanged', () => {
    const v = view(incident(), { verdict, branch: branch(), evidence: evidence(run(HEAD)) });
    assert.deepEqual(JSON.parse(JSON.stringify(v)), v);
  });

  it('maps a verdict the real gate gave on a real repository', async () => {
    const dir = tempDir('plan-view-');
    await initRepo(dir, { 'a.js': 'x\n' });
    const inc = incident({ fix: { branch: 'main', base: 'main' } });
    const real = await evaluateGate({ incident: inc, repoDir: dir, evidence: evidence(), now: NOW });
    const v = view(inc, { verdict: real, evidence: evidence() });
    const unmet = real.conditions.filter((c) => !c.met);
    assert.equal(v.verdict.unmet, unmet.length);
    assert.ok(v.verdict.conditions.find((c) => c.id === 'tests-passed')?.action, 'the tests condition has no button');
    assert.deepEqual(v.verdict.conditions.map((c) => c.message), real.conditions.map((c) => c.message));
  });
});

describe('test-plan view model: the waiver (no automated test possible)', () => {
  after(cleanupTemp);
  const im = { actor: 'ana', now: NOW, zone: 'Europe/Lisbon' };
  const sme = { actor: 'carla', now: NOW, zone: 'Europe/Lisbon' };
  /** An operational fix: no fix branch, Carla is the SME. */
  const operational = () => {
    const inc = incident({ fix: undefined });
    inc.roles.sme = ['carla'];
    return inc;
  };
  const waived = (inc: Incident) => applyEdits(inc, recordNoAutomatedTest(inc, 'restored the database from a snapshot', im));

  it('offers recording it while none is recorded: to the IM, to someone who will be asked, not to anyone else; never once closed', () => {
    const inc = operational();
    assert.equal(view(inc, {}).waiver, undefined);
    assert.deepEqual([view(inc, {}, 'ana').waiverOffer?.canRecord, view(inc, {}, null).waiverOffer?.canRecord], [true, true]);
    const worker = view(inc, {}, 'bruno').waiverOffer!;
    assert.equal(worker.canRecord, false);
    assert.match(worker.summary, /Only the Incident Manager \(Ana Pereira\) records this/);
    assert.equal(view(waived(inc), {}).waiverOffer, undefined, 'offered again once recorded');
    assert.equal(view({ ...inc, status: 'closed' }, {}).waiverOffer, undefined);
  });

  it('recorded and unsigned: the reason, who recorded it and when, and both signatures missing, naming who must sign', () => {
    const w = view(waived(operational()), {}).waiver!;
    assert.equal(w.state, 'awaiting');
    assert.equal(w.headline, 'Awaiting the signature of the Incident Manager and a SME');
    assert.deepEqual([w.reason, w.recordedBy, w.recordedAt], ['restored the database from a snapshot', 'Ana Pereira', '2026-11-28T12:00:00+00:00']);
    assert.deepEqual(w.required.map((r) => [r.role, r.state, r.summary]), [
      ['incident_manager', 'missing', 'missing: the Incident Manager (Ana Pereira) has not signed'],
      ['sme', 'missing', 'missing: the SME (Carla Dias) has not signed'],
    ]);
    assert.deepEqual(w.stale, []);
    const noSme = waived(incident({ fix: undefined }));
    assert.equal(view(noSme, {}).waiver!.required[1]!.summary, 'missing: no SME is assigned yet');
  });

  it('signed by the IM, then the SME: each signature with who and when; the signer is told what they sign as and that they signed', () => {
    let inc = waived(operational());
    inc = applyEdits(inc, signNoAutomatedTest(inc, 'ana', im, 'ana@example.com'));
    let w = view(inc, {}, 'ana').waiver!;
    assert.equal(w.state, 'awaiting');
    assert.equal(w.headline, 'Awaiting the signature of a SME');
    assert.deepEqual([w.required[0]!.state, w.required[0]!.name, w.required[0]!.at, w.required[0]!.flagged], ['signed', 'Ana Pereira', '2026-11-28T12:00:00+00:00', undefined]);
    assert.deepEqual(w.signer, { summary: 'Ana Pereira, as Incident Manager', canSign: false, signed: true });
    assert.deepEqual(view(inc, {}, 'carla').waiver!.signer, { summary: 'Carla Dias, as SME', canSign: true, signed: false });
    const bruno = view(inc, {}, 'bruno').waiver!.signer;
    assert.deepEqual([bruno.canSign, bruno.summary], [false, 'Bruno Costa, who is neither the Incident Manager nor a SME']);
    assert.equal(view(inc, {}, null).waiver!.signer.canSign, true, 'someone who will be asked who they are');

    inc = applyEdits(inc, signNoAutomatedTest(inc, 'carla', sme, 'carla@elsewhere.example'));
    w = view(inc, {}).waiver!;
    assert.equal(w.state, 'signed');
    assert.match(w.headline, /^Signed by the Incident Manager and a SME/);
    assert.deepEqual(w.required.map((r) => [r.state, r.name]), [['signed', 'Ana Pereira'], ['signed', 'Carla Dias']]);
    assert.equal(w.required[1]!.flagged, 'carla@elsewhere.example', 'a git identity not among her emails is not flagged');
  });

  it('a signature by someone who no longer holds the role does not count, and is shown as such', () => {
    let inc = waived(operational());
    inc = applyEdits(inc, signNoAutomatedTest(inc, 'ana', im));
    inc = applyEdits(inc, signNoAutomatedTest(inc, 'carla', sme));
    // Bruno takes the IM role over and Carla is no longer the SME.
    inc = { ...inc, roles: { ...inc.roles, incident_manager: 'bruno', workers: [], sme: ['dora'] } };
    const w = view(inc, {}).waiver!;
    assert.equal(w.state, 'awaiting');
    assert.deepEqual(w.required.map((r) => r.state), ['missing', 'missing']);
    assert.deepEqual(w.stale.map((s) => [s.name, s.signedAs, s.why]), [
      ['Ana Pereira', 'Incident Manager', 'no longer the Incident Manager'],
      ['Carla Dias', 'SME', 'no longer a SME'],
    ]);
  });

  it('does not apply when the real gate finds code commits on the fix branch; applies without a fix branch', async () => {
    const dir = tempDir('plan-view-waiver-');
    await initRepo(dir, { 'a.js': 'x\n' });
    await simpleGit(dir).checkoutLocalBranch('fix/eu-vat');
    await commitFiles(dir, { 'a.js': 'y\n' }, 'A code fix');
    let inc = waived(incident());
    inc.roles.sme = ['carla'];
    inc = applyEdits(inc, signNoAutomatedTest(inc, 'ana', im));
    inc = applyEdits(inc, signNoAutomatedTest(inc, 'carla', sme));
    const real = await evaluateGate({ incident: inc, repoDir: dir, evidence: evidence(), now: NOW });
    assert.equal(real.waiver?.applies, false);
    const w = view(inc, { verdict: real, branch: branch({ ahead: 1 }) }).waiver!;
    assert.equal(w.state, 'does-not-apply');
    assert.match(w.headline, /Does not apply: the fix branch carries code commits/);
    assert.match(w.notApplicable ?? '', /fix\/eu-vat has 1 commit\(s\) since main/);
    // Said from the branch facts at once, before the gate has looked again at the new record.
    assert.equal(view(inc, { verdict, branch: branch({ ahead: 2 }) }).waiver!.state, 'does-not-apply');
    assert.equal(view(inc, { verdict, branch: branch({ ahead: 0 }) }).waiver!.state, 'signed');

    const op = applyEdits(waived(operational()), []);
    const applied = await evaluateGate({ incident: op, repoDir: dir, evidence: evidence(), now: NOW });
    assert.equal(applied.waiver?.applies, true);
    const v = view(op, { verdict: applied });
    assert.equal(v.waiver!.state, 'awaiting');
    assert.deepEqual(v.verdict.conditions.find((c) => c.id === 'tests-passed')?.action, { action: 'sign-waiver', label: 'Sign: No Automated Test Possible' });
  });
});

describe('editing and removing test-plan items', () => {
  const ctx = { actor: 'ana', now: NOW, zone: 'Europe/Lisbon' };

  it('edits title, steps and the customer-data flag, saying what changed; nothing changed writes nothing', () => {
    const inc = incident();
    const after = applyEdits(inc, editPlanItem(inc, 'order-created', { title: 'An EU order is created', manual_steps: '', mutates_customer_data: false }, ctx));
    const item = after.test_plan!.items[1]!;
    assert.deepEqual([item.id, item.title, item.manual_steps, item.mutates_customer_data], ['order-created', 'An EU order is created', undefined, false]);
    assert.match(after.timeline.at(-1)!.text, /title "An order is created" → "An EU order is created"; manual steps removed; no longer marked/);
    assert.deepEqual(editPlanItem(inc, 'order-created', { title: 'An order is created', manual_steps: 'Place an order', mutates_customer_data: true }, ctx), []);
    assert.throws(() => editPlanItem(inc, 'order-created', { title: '  ', mutates_customer_data: true }, ctx), PlanError);
    assert.throws(() => editPlanItem(inc, 'nope', { title: 'x', mutates_customer_data: true }, ctx), /no item "nope"/);
  });

  it('removes an item without results; refuses one that was executed', () => {
    const inc = incident();
    const after = applyEdits(inc, removePlanItem(inc, 'order-created', ctx));
    assert.deepEqual(after.test_plan!.items.map((i) => i.id), ['eu-checkout-200']);
    assert.match(after.timeline.at(-1)!.text, /"An order is created" removed/);
    assert.throws(() => removePlanItem(inc, 'eu-checkout-200', ctx), /2 recorded results; an executed item stays in the plan/);
  });
});

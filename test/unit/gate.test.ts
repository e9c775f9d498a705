import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { stringify } from 'yaml';
import type { Incident } from '../../src/model/record';
import { EvidenceStore, evidencePath } from '../../src/testing/evidence';
import { closeIncident, evaluateGate, GATE_CONDITION_TITLES, releaseWithoutTests, runSummary, type GateVerdict } from '../../src/testing/gate';
import { gateCommand } from '../../src/testing/gateCli';
import { runIncidentTests } from '../../src/testing/incidentRun';
import { renderPublicLog } from '../../src/model/publicLog';
import { recordNoAutomatedTest, signNoAutomatedTest, signOff } from '../../src/model/testPlan';
import type { TestCommand } from '../../src/testing/runner';
import {
  applyEdits,
  cleanupTemp,
  commitFiles,
  IM_AUTHOR,
  initRepo,
  jestCommand,
  mochaCommand,
  nodeTestCommand,
  NOW,
  readyIncident,
  ref,
  tempDir,
  withPrivateStateHome,
} from './helpers/testProjects';

const CHECKOUT = `
const assert = require('node:assert/strict');
describe('EU VAT', () => {
  it('returns 200', async () => {
    if (process.env.HANG === '1') await new Promise(() => {});
    if (process.env.BREAK === '1') assert.fail('expected 200, got 500');
  });
  it('adds VAT', () => { assert.equal(Math.round(100 * 1.23), 123); });
});
`;
const OTHER = `describe('EU VAT', () => { it.skip('returns 200', () => {}); });\n`;
// Required by mocha: after the suite passed, fails the process as a coverage threshold would.
const WITH_COVERAGE = `
process.on('exit', (code) => {
  if (code !== 0) return;
  console.error('ERROR: coverage for lines (42%) does not meet the threshold (80%)');
  process.exit(1);
});
`;
// Required by mocha: cuts the report in half at exit, as a crash mid-write would.
const TRUNCATES = `
const fs = require('node:fs');
process.on('exit', () => {
  const report = process.env.INCIDENT_ROOM_REPORT;
  const text = fs.readFileSync(report, 'utf8');
  fs.writeFileSync(report, text.slice(0, text.length / 2));
});
`;
// Required by mocha: the process ends before the suite does.
const EXITS_EARLY = `setImmediate(() => process.exit(0));\n`;

const EU_200 = ref('test/checkout.test.js', 'EU VAT', 'returns 200');
const EU_VAT = ref('test/checkout.test.js', 'EU VAT', 'adds VAT');
const MOCHA: TestCommand = { command: mochaCommand('--timeout', '0', 'test/checkout.test.js', 'test/other.test.js'), source: 'the test' };

interface Fixture {
  dir: string;
  keyPath: string;
  evidence: EvidenceStore;
}

/** A repository with a mocha project on main, and the fix branch checked out with one commit. */
async function fixture(files: Record<string, string> = {}): Promise<Fixture> {
  const dir = tempDir('gate');
  await initRepo(dir, { 'package.json': '{"name":"shop","private":true}\n', 'test/checkout.test.js': CHECKOUT, 'test/other.test.js': OTHER, ...files });
  await simpleGit(dir).checkoutLocalBranch('fix/eu-vat');
  await commitFiles(dir, { 'src/vat.js': 'module.exports = 1.23;\n' }, 'Fix EU VAT rounding');
  const keyPath = join(tempDir('key'), 'key');
  return { dir, keyPath, evidence: new EvidenceStore(dir, { keyPath }) };
}

async function run(f: Fixture, incident: Incident, opts: { test?: TestCommand; env?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Incident> {
  const result = await runIncidentTests({
    incident,
    repoDir: f.dir,
    cwd: f.dir,
    test: opts.test ?? MOCHA,
    timeoutMs: opts.timeoutMs ?? 60_000,
    killGraceMs: 300,
    ctx: { actor: 'bruno', now: NOW },
    evidence: { keyPath: f.keyPath },
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return applyEdits(incident, result.edits);
}

function gate(f: Fixture, incident: Incident): Promise<GateVerdict> {
  return evaluateGate({ incident, repoDir: f.dir, evidence: f.evidence, now: NOW });
}

function cond(v: GateVerdict, id: string) {
  const c = v.conditions.find((x) => x.id === id);
  assert.ok(c, `condition ${id}`);
  return c;
}

/** The verdict refuses to close on the tests condition alone, with this message. */
function refusedOnTests(v: GateVerdict, message: RegExp, action = 'run-tests'): void {
  assert.equal(v.mayClose, false);
  assert.deepEqual(v.conditions.filter((c) => !c.met).map((c) => c.id), ['tests-passed']);
  assert.match(cond(v, 'tests-passed').message, message);
  assert.equal(cond(v, 'tests-passed').action, action);
}

describe('close gate verdicts', () => {
  after(cleanupTemp);

  it('mocha: linked tests passed on the current head, clean tree, exit 0, plan done and signed → may close', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200, EU_VAT]));
    const v = await gate(f, incident);
    assert.deepEqual(v.conditions.filter((c) => !c.met), []);
    assert.equal(v.mayClose, true);
    assert.equal(incident.test_runs?.[0]?.totals.passed, 2);
    const edits = closeIncident(incident, v, { actor: 'ana', now: NOW });
    const closed = applyEdits(incident, edits);
    assert.equal(closed.status, 'closed');
    assert.equal(closed.timeline.at(-1)?.kind, 'closed');
  });

  it('node:test: linked tests passed → may close', async () => {
    const f = await fixture({ 'test/vat.test.js': `const { describe, it } = require('node:test');\ndescribe('VAT', () => { it('is 23% in Portugal', () => {}); });\n` });
    const incident = await run(f, readyIncident([ref('test/vat.test.js', 'VAT', 'is 23% in Portugal')]), { test: { command: nodeTestCommand(['test/vat.test.js']), source: 'the test' } });
    assert.equal((await gate(f, incident)).mayClose, true);
  });

  it('node:test: the same title path in two files stays two tests: the passing one in a.test.js counts, the failing one in b.test.js is named', async () => {
    const node = (body: string) => `const { describe, it } = require('node:test');\n${body}`;
    const f = await fixture({
      'test/a.test.js': node(`describe('VAT', () => { it('rounds', () => {}); });\n`),
      'test/b.test.js': node(`describe('VAT', () => { it('rounds', () => { throw new Error('no'); }); });\n`),
    });
    await commitFiles(f.dir, {}, 'nothing');
    const incident = await run(f, readyIncident([ref('test/a.test.js', 'VAT', 'rounds')]), { test: { command: nodeTestCommand(['test/a.test.js', 'test/b.test.js']), source: 'the test' } });
    assert.deepEqual(incident.test_runs?.[0]?.tests.map((t) => t.outcome), ['passed']);
    refusedOnTests(await gate(f, incident), /^the test command failed \(exit 1\): a test that is not linked failed: test\/b\.test\.js > VAT > rounds$/);
  });

  it('jest: linked tests passed → may close; a -t filter that matches nothing exits 0 → refused: skipped, not executed', async () => {
    const f = await fixture();
    const linked = readyIncident([EU_200]);
    const jest = (...extra: string[]): TestCommand => ({ command: jestCommand('--testPathPatterns', 'test/checkout', ...extra), source: 'the test' });
    assert.equal((await gate(f, await run(f, linked, { test: jest() }))).mayClose, true);
    const filtered = await run(f, linked, { test: jest('-t', 'no such test') });
    assert.equal(filtered.test_runs?.at(-1)?.exit_code, 0);
    refusedOnTests(await gate(f, filtered), /EU VAT > returns 200 was skipped, not executed/);
  });

  it('the branch moved after the run → refused: "stale: ran on <old>, branch is now at <new>"', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]));
    const old = incident.test_runs?.[0]?.sha ?? '';
    const now = await commitFiles(f.dir, { 'src/vat.js': 'module.exports = 1.21;\n' }, 'Change the rate');
    refusedOnTests(await gate(f, incident), new RegExp(`^stale: ran on ${old.slice(0, 7)}, the fix branch is now at ${now.slice(0, 7)}, which changes the code \\(src/vat\\.js\\)$`));
  });

  it('the fix branch is not checked out and moved → refused: stale, with the checkout action', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]));
    await commitFiles(f.dir, { 'src/vat.js': 'module.exports = 1.21;\n' }, 'Change the rate');
    await simpleGit(f.dir).checkout('main');
    refusedOnTests(await gate(f, incident), /^stale: ran on/, 'checkout-branch');
  });

  it('uncommitted changes to tracked files at run time → refused: "the run had uncommitted changes"', async () => {
    const f = await fixture();
    writeFileSync(join(f.dir, 'src/vat.js'), 'module.exports = 1.5;\n');
    const incident = await run(f, readyIncident([EU_200]));
    await simpleGit(f.dir).checkout(['--', 'src/vat.js']);
    refusedOnTests(await gate(f, incident), /^the run had uncommitted changes to tracked files \(src\/vat\.js\)$/);
    assert.equal(incident.test_runs?.[0]?.clean, false);
  });

  it('uncommitted changes to tracked files now → refused: commit them; an untracked file now → refused: commit or remove it; a git-ignored one → may close', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]));
    writeFileSync(join(f.dir, 'node_modules'), 'ignored by .gitignore\n');
    assert.equal((await gate(f, incident)).mayClose, true);
    writeFileSync(join(f.dir, 'scratch.txt'), 'untracked notes\n');
    refusedOnTests(await gate(f, incident), /^untracked files now \(scratch\.txt\): they take part in a run, so commit or remove them/, 'commit-changes');
    rmSync(join(f.dir, 'scratch.txt'));
    writeFileSync(join(f.dir, 'src/vat.js'), 'module.exports = 1.5;\n');
    refusedOnTests(await gate(f, incident), /uncommitted changes to tracked files now \(src\/vat\.js\)/, 'commit-changes');
  });

  it('a linked test failed → refused: "<test> failed", and the command failed', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200, EU_VAT]), { env: { BREAK: '1' } });
    refusedOnTests(await gate(f, incident), /^test\/checkout\.test\.js > EU VAT > returns 200 failed; the test command failed \(exit 1\)$/);
  });

  it('a linked test is skipped (it.skip) → refused: skipped, not executed', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200, ref('test/other.test.js', 'EU VAT', 'returns 200')]));
    refusedOnTests(await gate(f, incident), /^test\/other\.test\.js > EU VAT > returns 200 was skipped, not executed$/);
  });

  it('duplicate titles in two files stay distinct: the passing one in checkout.test.js counts, the skipped one in other.test.js does not', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200, ref('test/other.test.js', 'EU VAT', 'returns 200')]));
    assert.deepEqual(incident.test_runs?.[0]?.tests.map((t) => `${t.test.file}: ${t.outcome}`), ['test/checkout.test.js: passed', 'test/other.test.js: skipped']);
  });

  it('a filter that matches nothing (mocha --grep) exits 0 → refused: linked test did not run', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]), { test: { command: mochaCommand('--grep', 'nothing matches this', 'test'), source: 'the test' } });
    assert.equal(incident.test_runs?.[0]?.exit_code, 0);
    refusedOnTests(await gate(f, incident), /^test\/checkout\.test\.js > EU VAT > returns 200 did not run: in test\/checkout\.test\.js but not run: filtered out/);
  });

  it('a linked test hidden by --bail after an earlier failure → refused: not reached after the first failure', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_VAT]), { env: { BREAK: '1' }, test: { command: mochaCommand('--bail', 'test/checkout.test.js'), source: 'the test' } });
    refusedOnTests(await gate(f, incident), /^test\/checkout\.test\.js > EU VAT > adds VAT did not run: not reached after the first failure \(the command stops at the first failure: --bail\); the test command failed \(exit 1\): a test that is not linked failed: test\/checkout\.test\.js > EU VAT > returns 200$/);
  });

  it('a linked test was renamed → refused: the old title did not run', async () => {
    const f = await fixture();
    const renamed = ref('test/checkout.test.js', 'EU VAT', 'returns 200 OK');
    const incident = await run(f, readyIncident([renamed]));
    refusedOnTests(await gate(f, incident), /returns 200 OK did not run: no test titled "returns 200 OK" in test\/checkout\.test\.js on this commit \(not written yet, or renamed\)/);
    assert.equal(incident.test_runs?.[0]?.totals.missing, 1);
  });

  it('every test passed but the command failed (coverage threshold) → refused: says so', async () => {
    const f = await fixture({ 'scripts/coverage.js': WITH_COVERAGE });
    const incident = await run(f, readyIncident([EU_200]), { test: { command: mochaCommand('--require', './scripts/coverage.js', 'test/checkout.test.js'), source: 'the test' } });
    refusedOnTests(await gate(f, incident), /^the test command failed \(exit 1\) although every test in the report passed — e\.g\. a coverage threshold$/);
  });

  it('the runner ended before its reporter wrote → refused: no usable report', async () => {
    const f = await fixture({ 'scripts/exit.js': EXITS_EARLY });
    const incident = await run(f, readyIncident([EU_200]), { test: { command: mochaCommand('--require', './scripts/exit.js', 'test/checkout.test.js'), source: 'the test' } });
    refusedOnTests(await gate(f, incident), /^the run left no usable report: the runner wrote no report/);
  });

  it('the report is truncated → refused: no usable report, never "no tests"', async () => {
    const f = await fixture({ 'scripts/truncate.js': TRUNCATES });
    const incident = await run(f, readyIncident([EU_200]), { test: { command: mochaCommand('--require', './scripts/truncate.js', 'test/checkout.test.js'), source: 'the test' } });
    refusedOnTests(await gate(f, incident), /^the run left no usable report: the report is truncated or not JSON/);
  });

  it('the command timed out → refused: the run timed out', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]), { env: { HANG: '1' }, timeoutMs: 2000 });
    assert.equal(incident.test_runs?.[0]?.ended_by, 'timeout');
    refusedOnTests(await gate(f, incident), /the run timed out/);
  });

  it('the run was cancelled → refused: the run was cancelled', async () => {
    const f = await fixture();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 700);
    const incident = await run(f, readyIncident([EU_200]), { env: { HANG: '1' }, signal: abort.signal });
    refusedOnTests(await gate(f, incident), /the run was cancelled/);
  });

  it('tampered evidence file (a failing run edited to pass) → refused: the newest evidence was rejected and ignored', async () => {
    const f = await fixture();
    const passed = await run(f, readyIncident([EU_200]));
    const failed = await run(f, passed, { env: { BREAK: '1' } });
    // Judged once first: this process has then checked (and remembers) the entry's signature, which must not vouch for an edited run.
    refusedOnTests(await gate(f, failed), /the test command failed/);
    const file = await evidencePath(f.dir, failed.id);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const last = data.runs.at(-1).run;
    last.exitCode = 0;
    last.linked[0].outcome = 'passed';
    last.report.failed = 0;
    last.report.failing = [];
    writeFileSync(file, JSON.stringify(data));
    const v = await gate(f, failed);
    assert.equal(statSync(f.keyPath).mode & 0o777, 0o600, 'the signing key is private to the user');
    refusedOnTests(v, /the newest evidence for this incident was rejected and ignored \(its signature does not verify/);
  });

  it('a hand-edited test_runs entry with outcome passed and no signed evidence → refused: not counted', async () => {
    const f = await fixture();
    const head = (await simpleGit(f.dir).revparse(['HEAD'])).trim();
    const forged = readyIncident([EU_200], {
      test_runs: [
        {
          id: 'forged-1', sha: head, branch: 'fix/eu-vat', clean: true, command: ['npx', 'mocha'], started_at: '2026-11-28T10:00:00Z', ended_at: '2026-11-28T10:01:00Z',
          exit_code: 0, ended_by: 'exit', tests: [{ test: EU_200, outcome: 'passed' }], totals: { passed: 1, failed: 0, skipped: 0, missing: 0 },
        },
      ],
    });
    refusedOnTests(await gate(f, forged), /no run of the linked tests by the runner for this incident; the record's test_runs entry forged-1 .* has no matching signed evidence/);
  });

  it('a failing run\'s test_runs entry hand-edited to passed → refused: differs from its signed evidence', async () => {
    const f = await fixture();
    const failed = await run(f, readyIncident([EU_200]), { env: { BREAK: '1' } });
    const edited = applyEdits(failed, [
      { op: 'set', path: ['test_runs', 0, 'tests', 0, 'outcome'], value: 'passed' },
      { op: 'set', path: ['test_runs', 0, 'exit_code'], value: 0 },
    ]);
    refusedOnTests(await gate(f, edited), /test_runs entry .* differs from its signed evidence \(hand-edited\?\)/);
  });

  it('a passing run\'s test_runs entry edited or deleted → the evidence still decides, and the verdict says the record disagrees', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]));
    const edited = applyEdits(incident, [{ op: 'set', path: ['test_runs', 0, 'exit_code'], value: 3 }]);
    let v = await gate(f, edited);
    assert.equal(v.mayClose, true);
    assert.match(v.notes.join('\n'), /the record's test_runs entry \S+ differs from the signed evidence that decided this verdict \(hand-edited\?\); the evidence counts/);
    v = await gate(f, applyEdits(incident, [{ op: 'delete', path: ['test_runs', 0] }]));
    assert.match(v.notes.join('\n'), /the record has no test_runs entry for run \S+, whose signed evidence decided this verdict/);
  });

  it('plan not executed in production → refused; a customer-data item skipped in production counts as done', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]));
    const noProd = applyEdits(incident, [{ op: 'delete', path: ['test_plan', 'items', 0, 'results', 1] }]);
    let v = await gate(f, noProd);
    assert.deepEqual(v.conditions.filter((c) => !c.met).map((c) => [c.id, c.message, c.action]), [['plan-production', 'not yet passed in production: "EU checkout returns 200" (no result)', 'record-result']]);
    const customerData = applyEdits(noProd, [
      { op: 'set', path: ['test_plan', 'items', 0, 'mutates_customer_data'], value: true },
      { op: 'append', path: ['test_plan', 'items', 0, 'results'], value: { env: 'production', outcome: 'skipped', by: 'bruno', at: '2026-11-28T10:30:00+01:00', note: 'mutates customer data: never run in production' } },
    ]);
    v = await gate(f, customerData);
    assert.equal(v.mayClose, true);
  });

  it('a result recorded after the sign-offs → refused: both sign-offs stale', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]));
    const later = applyEdits(incident, [{ op: 'append', path: ['test_plan', 'items', 0, 'results'], value: { env: 'staging', outcome: 'pass', by: 'bruno', at: '2026-11-28T11:45:00Z' } }]);
    const v = await gate(f, later);
    assert.deepEqual(v.conditions.filter((c) => !c.met).map((c) => c.id), ['signoff-im', 'signoff-worker']);
    assert.match(cond(v, 'signoff-im').message, /not signed off by the IM \(not counted: ana at .* is stale: results were recorded after it\)/);
  });

  it('end-checklist steps before "declare over" not done → refused: tick them', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]));
    const open = applyEdits(incident, [{ op: 'set', path: ['checklists', 'end', 1, 'done_at'], value: null }]);
    const v = await gate(f, open);
    assert.deepEqual(v.conditions.filter((c) => !c.met).map((c) => [c.id, c.action]), [['end-checklist', 'tick-checklist']]);
    assert.match(cond(v, 'end-checklist').message, /Deploy the fix to production/);
  });

  it('nothing done yet → refused, listing every unmet condition with its action', async () => {
    const f = await fixture();
    const bare = readyIncident([], { fix: undefined, test_plan: undefined });
    bare.checklists.end = bare.checklists.end.map((s) => ({ ...s, done_at: null }));
    const v = await gate(f, bare);
    assert.deepEqual(v.conditions.filter((c) => !c.met).map((c) => [c.id, c.action]), [
      ['fix-branch', 'link-branch'],
      ['tests-linked', 'link-test'],
      ['tests-passed', 'link-branch'],
      ['plan-staging', 'open-plan'],
      ['plan-production', 'open-plan'],
      ['signoff-im', 'sign-off'],
      ['signoff-worker', 'sign-off'],
      ['end-checklist', 'tick-checklist'],
    ]);
    for (const c of v.conditions) assert.ok(GATE_CONDITION_TITLES[c.id], `condition ${c.id} has no short title`);
    assert.throws(() => closeIncident(bare, v, { actor: 'ana', now: NOW }), /cannot close yet: no fix branch is linked/);
    const missing = await gate(f, readyIncident([EU_200], { fix: { branch: 'fix/gone', base: 'main' } }));
    assert.match(cond(missing, 'fix-branch').message, /fix\/gone does not exist/);
  });

  it('a commit by the IM on the fix branch → may still close, with a note that the IM must not fix the problem', async () => {
    const f = await fixture();
    await commitFiles(f.dir, { 'src/vat.js': 'module.exports = 1.230;\n' }, 'Tweak by the IM', IM_AUTHOR);
    const v = await gate(f, await run(f, readyIncident([EU_200])));
    assert.equal(v.mayClose, true);
    assert.match(v.notes.join('\n'), /"Tweak by the IM" on the fix branch is by the IM \(Ana Pereira\)/);
  });

  it('no automated test possible (an operational fix): recorded by the IM, signed by the IM and a SME → closes on the manual plan; the verdict and the timeline show it', async () => {
    const f = await fixture();
    let incident = readyIncident([], { fix: undefined });
    incident.roles.sme = ['carla'];
    const im = { actor: 'ana', now: NOW };
    assert.throws(() => recordNoAutomatedTest(incident, 'restored the database from a snapshot', { actor: 'bruno', now: NOW }), /only the Incident Manager/);
    assert.throws(() => recordNoAutomatedTest(incident, '  ', im), /say why/);
    incident = applyEdits(incident, recordNoAutomatedTest(incident, 'restored the database from a snapshot', im));
    let v = await gate(f, incident);
    assert.deepEqual(v.conditions.filter((c) => !c.met).map((c) => [c.id, c.action]), [['tests-passed', 'sign-waiver']]);
    assert.match(cond(v, 'tests-passed').message, /not yet signed off by the IM and a SME/);
    assert.equal(v.waiver?.applies, true);
    assert.throws(() => signNoAutomatedTest(incident, 'bruno', { actor: 'bruno', now: NOW }), /neither the Incident Manager nor a SME/);
    incident = applyEdits(incident, signNoAutomatedTest(incident, 'ana', im, 'ana@example.com'));
    assert.match(cond(await gate(f, incident), 'tests-passed').message, /not yet signed off by a SME$/);
    incident = applyEdits(incident, signNoAutomatedTest(incident, 'carla', { actor: 'carla', now: NOW }, 'carla@elsewhere.example'));
    v = await gate(f, incident);
    assert.equal(v.mayClose, true, JSON.stringify(v.conditions.filter((c) => !c.met)));
    assert.match(cond(v, 'fix-branch').message, /no fix branch: an operational fix/);
    assert.match(cond(v, 'tests-passed').message, /^waived: no automated test is possible \(restored the database from a snapshot\); signed off by ana and carla/);
    // Carla signed from a git identity that is not hers: flagged, not blocking.
    assert.match(v.notes.join('\n'), /no-automated-test sign-off by carla .* git identity carla@elsewhere\.example, which is not one of carla's known emails/);
    const closed = applyEdits(incident, closeIncident(incident, v, im));
    assert.match(closed.timeline.at(-1)?.text ?? '', /no automated test was possible \(restored the database from a snapshot\); the manual test plan was executed and signed off/);
    assert.deepEqual(closed.timeline.map((e) => e.kind).filter((k) => k.startsWith('no-automated')), ['no-automated-test', 'no-automated-test-signoff', 'no-automated-test-signoff']);
    assert.match(renderPublicLog([closed]), /- Verification: no automated test is possible for this fix \(restored the database from a snapshot\); it was verified by a manual test plan/);
  });

  it('no automated test possible is not available for a code fix: a fix branch with commits since its base still needs its tests', async () => {
    const f = await fixture();
    let incident = readyIncident([]);
    incident.roles.sme = ['carla'];
    incident = applyEdits(incident, recordNoAutomatedTest(incident, 'hard to test', { actor: 'ana', now: NOW }));
    incident = applyEdits(incident, signNoAutomatedTest(incident, 'ana', { actor: 'ana', now: NOW }));
    incident = applyEdits(incident, signNoAutomatedTest(incident, 'carla', { actor: 'carla', now: NOW }));
    const v = await gate(f, incident);
    assert.equal(v.mayClose, false);
    assert.deepEqual(v.conditions.filter((c) => !c.met).map((c) => c.id), ['tests-linked', 'tests-passed']);
    assert.equal(v.waiver?.applies, false);
    assert.match(v.notes.join('\n'), /the fix branch fix\/eu-vat has 1 commit\(s\) since main: a code fix needs its tests/);
  });

  it('a test-plan sign-off keeps the git identity that made it; one not among the person\'s emails is flagged in the verdict', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200], { test_plan: { ...readyIncident([EU_200]).test_plan!, signoffs: [] } }));
    let signed = applyEdits(incident, signOff(incident, 'ana', { actor: 'ana', now: NOW }, 'Ana.Pereira@example.com'));
    signed = applyEdits(signed, signOff(signed, 'bruno', { actor: 'bruno', now: NOW }, 'ana@example.com'));
    assert.deepEqual(signed.test_plan?.signoffs?.map((s) => [s.person, s.git_email]), [['ana', 'Ana.Pereira@example.com'], ['bruno', 'ana@example.com']]);
    const v = await gate(f, signed);
    assert.equal(v.mayClose, true);
    assert.deepEqual(v.signoffIdentityFlags?.map((x) => [x.person, x.gitEmail]), [['bruno', 'ana@example.com']]);
    assert.match(v.notes.join('\n'), /test-plan sign-off by bruno .* git identity ana@example\.com, which is not one of bruno's known emails/);
  });

  it('a finished run is summed up for a notification: how many linked tests pass and what Close still needs', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200, EU_VAT], { test_plan: { ...readyIncident([EU_200, EU_VAT]).test_plan!, signoffs: [] } }), { env: { BREAK: '1' } });
    const v = await gate(f, incident);
    const linked = [{ outcome: 'failed' }, { outcome: 'passed' }];
    assert.equal(runSummary(linked, v), '1 of 2 linked tests pass; Close still needs: Linked tests passed on the current commit; Signed off by the Incident Manager; Signed off by a worker.');
    assert.equal(runSummary([{ outcome: 'passed' }], { mayClose: true, conditions: [], notes: [] }), '1 of 1 linked test passes; the incident may close.');
  });

  it('release without tests: Level 2 drops to Level 3, status fix-released-awaiting-tests, stays open', () => {
    const incident = readyIncident([]);
    const after = applyEdits(incident, releaseWithoutTests(incident, 'tests would delay the fix by days', { actor: 'ana', now: NOW }));
    assert.deepEqual([after.severity, after.status, after.closed_at], [3, 'fix-released-awaiting-tests', undefined]);
    assert.equal(after.released_without_tests?.note, 'tests would delay the fix by days');
    assert.deepEqual(after.timeline.slice(-2).map((e) => e.kind), ['severity-changed', 'released-without-tests']);
    assert.match(after.timeline.at(-2)?.text ?? '', /Level 2 → Level 3: fix released without automated tests/);
  });
});

describe('gate command line', () => {
  withPrivateStateHome();

  /** A record ready to close but for the run, committed on the fix branch with the public log. */
  async function committedRecord(f: Fixture): Promise<Incident> {
    // Dated before the real clock, since the command judges against the time it runs.
    const incident = readyIncident([EU_200]);
    const plan = incident.test_plan as NonNullable<Incident['test_plan']>;
    for (const r of plan.items[0]?.results ?? []) r.at = r.env === 'staging' ? '2025-01-01T10:00:00Z' : '2025-01-01T11:00:00Z';
    plan.signoffs = [{ person: 'ana', role: 'incident_manager', at: '2025-01-01T12:00:00Z' }, { person: 'bruno', role: 'worker', at: '2025-01-01T12:01:00Z' }];
    await commitFiles(f.dir, { [`.incidents/${incident.id}.yaml`]: stringify(incident), 'INCIDENT-LOG.md': '# Incident log\n' }, 'Record the incident');
    return incident;
  }

  function capture(dir: string) {
    const out: string[] = [];
    const err: string[] = [];
    const io = { cwd: dir, out: (s: string) => out.push(s), err: (s: string) => err.push(s), now: () => new Date() };
    return { out, err, io, text: () => out.join('\n') + err.join('\n'), clear: () => ((out.length = 0), (err.length = 0)) };
  }

  const withCommand = (command: string[]) => `${JSON.stringify({ name: 'shop', private: true, 'incident-room': { testCommand: command } })}\n`;

  it('gate --run takes the command committed on the base branch, never one the fix branch changed, and says which it judged', async () => {
    const f = await fixture({ 'package.json': withCommand(mochaCommand('test/checkout.test.js')) });
    // The fix branch tries a command of its own: a dry run in which every test "passes".
    await commitFiles(f.dir, { 'package.json': withCommand(mochaCommand('--dry-run', 'test/checkout.test.js')) }, 'My own command');
    const incident = await committedRecord(f);
    const c = capture(f.dir);
    assert.equal(await gateCommand([incident.id], c.io), 1, c.text());
    assert.match(c.out.join('\n'), /may NOT close[\s\S]*\[ \] tests-passed: no run of the linked tests[\s\S]*\(run-tests\)/);
    c.clear();
    assert.equal(await gateCommand([incident.id, '--run', '--json'], c.io), 0, c.text());
    const verdict = JSON.parse(c.out.join('\n')) as GateVerdict;
    assert.equal(verdict.mayClose, true);
    assert.deepEqual(verdict.judged?.command, mochaCommand('test/checkout.test.js'));
    assert.equal(verdict.judged?.commandSource, 'package.json\'s "incident-room.testCommand" on main');
    // CI's --command wins; a run of another command does not count for it.
    c.clear();
    assert.equal(await gateCommand([incident.id, '--command', JSON.stringify(mochaCommand('test/'))], c.io), 1);
    assert.match(c.out.join('\n'), /the run used .* but the command that counts is .*\(CI's --command\)/);
  });

  it('gate --run in a package in a subfolder takes that package’s command as committed on the base branch, not the top level’s', async () => {
    // The top level's command runs a file without the linked test; the package's runs it.
    const f = await fixture({
      'package.json': withCommand(mochaCommand('test/other.test.js')),
      'shop/package.json': withCommand(mochaCommand('test/checkout.test.js')),
      'shop/test/checkout.test.js': CHECKOUT,
    });
    await commitFiles(f.dir, { 'shop/package.json': withCommand(mochaCommand('test/nothing.test.js')) }, 'My own command');
    const incident = await committedRecord({ ...f, dir: join(f.dir, 'shop') });
    const c = capture(join(f.dir, 'shop'));
    assert.equal(await gateCommand([incident.id, '--run', '--json'], c.io), 0, c.text());
    const verdict = JSON.parse(c.out.join('\n')) as GateVerdict;
    assert.deepEqual(verdict.judged?.command, mochaCommand('test/checkout.test.js'));
    assert.equal(verdict.judged?.commandSource, 'package.json\'s "incident-room.testCommand" on main');
  });

  it('staleness by code: three cycles of run, commit the record and the public log, judge again → still fresh; a code commit → stale', async () => {
    const f = await fixture({ 'package.json': withCommand(mochaCommand('test/checkout.test.js')) });
    const incident = await committedRecord(f);
    const file = join(f.dir, '.incidents', `${incident.id}.yaml`);
    const c = capture(f.dir);
    const g = simpleGit(f.dir);
    for (let cycle = 1; cycle <= 3; cycle++) {
      c.clear();
      assert.equal(await gateCommand([incident.id, '--run'], c.io), 0, c.text());
      assert.equal((readFileSync(file, 'utf8').match(/outcome: passed/g) ?? []).length, cycle);
      // Every team commits the record (and the regenerated public log) after a run.
      writeFileSync(join(f.dir, 'INCIDENT-LOG.md'), `# Incident log\n\ncycle ${cycle}\n`);
      await g.add(['.incidents', 'INCIDENT-LOG.md']);
      await g.commit(`Record run ${cycle}`);
      c.clear();
      assert.equal(await gateCommand([incident.id], c.io), 0, c.text());
      assert.match(c.out.join('\n'), /whose later commits change only the records and the public log/);
    }
    // The public log is not the code, but only the one named: another log path makes it count.
    writeFileSync(join(f.dir, 'INCIDENT-LOG.md'), '# Incident log\n\nupdated\n');
    assert.equal(await gateCommand([incident.id], c.io), 0, c.text());
    assert.equal(await gateCommand([incident.id, '--public-log', 'docs/log.md'], c.io), 1);
    await g.checkout(['--', 'INCIDENT-LOG.md']);
    const code = await commitFiles(f.dir, { 'src/vat.js': 'module.exports = 2;\n' }, 'Change the code');
    c.clear();
    assert.equal(await gateCommand([incident.id], c.io), 1);
    assert.match(c.out.join('\n'), new RegExp(`stale: ran on [0-9a-f]{7}, the fix branch is now at ${code.slice(0, 7)}, which changes the code \\(src/vat\\.js\\)`));
  });

  it('gate --run on another branch does not run, and says the fix branch is not checked out', async () => {
    const f = await fixture({ 'package.json': withCommand(mochaCommand('test/checkout.test.js')) });
    const incident = await committedRecord(f);
    const c = capture(f.dir);
    assert.equal(await gateCommand([incident.id, '--run'], c.io), 0, c.text());
    const g = simpleGit(f.dir);
    await g.add('.incidents');
    await g.commit('Record the run');
    await g.checkoutLocalBranch('experiment');
    c.clear();
    assert.equal(await gateCommand([incident.id, '--run'], c.io), 0, c.text());
    assert.match(c.err.join('\n'), /not running the tests: the fix branch fix\/eu-vat is not checked out \(HEAD is on experiment\)/);
    await commitFiles(f.dir, { 'src/vat.js': 'module.exports = 7;\n' }, 'Elsewhere');
    c.clear();
    assert.equal(await gateCommand([incident.id, '--run'], c.io), 0, 'the fix branch did not change, so its run still counts');
    assert.equal(await gateCommand(['--bogus'], c.io), 2);
  });
});


import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { stringify } from 'yaml';
import type { Incident } from '../../src/model/record';
import { EvidenceStore, evidencePath } from '../../src/testing/evidence';
import { closeIncident, evaluateGate, GATE_CONDITION_TITLES, releaseWithoutTests, type GateVerdict } from '../../src/testing/gate';
import { gateCommand } from '../../src/testing/gateCli';
import { runIncidentTests } from '../../src/testing/incidentRun';
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
// Runs the suite, then fails as a coverage tool would.
const WITH_COVERAGE = `
const { spawnSync } = require('node:child_process');
const r = spawnSync(process.execPath, process.argv.slice(2), { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
console.error('ERROR: coverage for lines (42%) does not meet the threshold (80%)');
process.exit(1);
`;
// Runs the suite, then cuts its report in half, as a crash mid-write would.
const TRUNCATES = `
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const report = process.argv[2];
const r = spawnSync(process.execPath, process.argv.slice(3), { stdio: 'inherit' });
const text = fs.readFileSync(report, 'utf8');
fs.writeFileSync(report, text.slice(0, text.length / 2));
process.exit(r.status ?? 1);
`;

const EU_200 = ref('test/checkout.test.js', 'EU VAT', 'returns 200');
const EU_VAT = ref('test/checkout.test.js', 'EU VAT', 'adds VAT');
const MOCHA: TestCommand = { command: mochaCommand('--timeout', '0', 'test/checkout.test.js', 'test/other.test.js'), format: 'mocha-json' };

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

  it('node:test (JUnit): linked tests passed → may close', async () => {
    const f = await fixture({ 'test/vat.test.js': `const { describe, it } = require('node:test');\ndescribe('VAT', () => { it('is 23% in Portugal', () => {}); });\n` });
    const incident = await run(f, readyIncident([ref('test/vat.test.js', 'VAT', 'is 23% in Portugal')]), { test: { command: nodeTestCommand(['test/vat.test.js']), format: 'junit' } });
    assert.equal((await gate(f, incident)).mayClose, true);
  });

  it('node:test (JUnit): the same title path in two files → refused: cannot be told apart (the report names no files)', async () => {
    const node = (body: string) => `const { describe, it } = require('node:test');\n${body}`;
    const f = await fixture({ 'test/a.test.js': node(`describe('VAT', () => { it('rounds', () => {}); });\n`), 'test/b.test.js': node(`describe('VAT', () => { it('rounds', () => {}); });\n`) });
    const incident = await run(f, readyIncident([ref('test/a.test.js', 'VAT', 'rounds')]), { test: { command: nodeTestCommand(['test/a.test.js', 'test/b.test.js']), format: 'junit' } });
    refusedOnTests(await gate(f, incident), /cannot be told apart: 2 tests in the report share this title path/);
  });

  it('jest: linked tests passed → may close; a -t filter that matches nothing exits 0 → refused: skipped, not executed', async () => {
    const f = await fixture();
    const linked = readyIncident([EU_200]);
    const jest = (...extra: string[]): TestCommand => ({ command: jestCommand('--testPathPatterns', 'test/checkout', ...extra), format: 'jest-json' });
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
    refusedOnTests(await gate(f, incident), new RegExp(`^stale: ran on ${old.slice(0, 7)}, branch is now at ${now.slice(0, 7)}$`));
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

  it('uncommitted changes to tracked files now → refused: commit them; untracked files alone → may close', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]));
    writeFileSync(join(f.dir, 'scratch.txt'), 'untracked notes\n');
    assert.equal((await gate(f, incident)).mayClose, true);
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
    const incident = await run(f, readyIncident([EU_200]), { test: { command: mochaCommand('--grep', 'nothing matches this', 'test'), format: 'mocha-json' } });
    assert.equal(incident.test_runs?.[0]?.exit_code, 0);
    refusedOnTests(await gate(f, incident), /^test\/checkout\.test\.js > EU VAT > returns 200 did not run: not in the report/);
  });

  it('a linked test was renamed → refused: the old title did not run', async () => {
    const f = await fixture();
    const renamed = ref('test/checkout.test.js', 'EU VAT', 'returns 200 OK');
    const incident = await run(f, readyIncident([renamed]));
    refusedOnTests(await gate(f, incident), /returns 200 OK did not run: not in the report \(renamed, removed, or filtered out\)/);
    assert.equal(incident.test_runs?.[0]?.totals.missing, 1);
  });

  it('every linked test passed but the command failed (coverage threshold) → refused: says so', async () => {
    const f = await fixture({ 'scripts/coverage.js': WITH_COVERAGE });
    const command = [process.execPath, 'scripts/coverage.js', ...mochaCommand('test/checkout.test.js').slice(1)];
    const incident = await run(f, readyIncident([EU_200]), { test: { command, format: 'mocha-json' } });
    refusedOnTests(await gate(f, incident), /^the test command failed \(exit 1\) although every linked test passed — e\.g\. a coverage threshold$/);
  });

  it('the command wrote no report → refused: no usable report', async () => {
    const f = await fixture();
    const incident = await run(f, readyIncident([EU_200]), { test: { command: [process.execPath, '-e', 'console.log("all good")'], format: 'mocha-json' } });
    refusedOnTests(await gate(f, incident), /^the run left no usable report: the test command wrote no report/);
  });

  it('the report is truncated → refused: no usable report, never "no tests"', async () => {
    const f = await fixture({ 'scripts/truncate.js': TRUNCATES });
    const command = [process.execPath, 'scripts/truncate.js', '{report}', ...mochaCommand('test/checkout.test.js').slice(1)];
    const incident = await run(f, readyIncident([EU_200]), { test: { command, format: 'mocha-json' } });
    refusedOnTests(await gate(f, incident), /^the run left no usable report: the mocha json report is truncated/);
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
    const file = await evidencePath(f.dir, failed.id);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const last = data.runs.at(-1).run;
    last.exitCode = 0;
    last.linked[0].outcome = 'passed';
    for (const t of last.report.tests) t.outcome = 'passed';
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
  const saved = process.env.XDG_STATE_HOME;
  before(() => {
    process.env.XDG_STATE_HOME = tempDir('state');
  });
  after(() => {
    if (saved === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = saved;
    cleanupTemp();
  });

  it('incident-room gate <id> --run --json: runs the record\'s test command, records the run, exit 0 only when it may close', async () => {
    const f = await fixture();
    // Dated before the real clock, since the command judges against the time it runs.
    const incident = readyIncident([EU_200], { test_command: mochaCommand('test/checkout.test.js') });
    const plan = incident.test_plan as NonNullable<Incident['test_plan']>;
    for (const r of plan.items[0]?.results ?? []) r.at = r.env === 'staging' ? '2025-01-01T10:00:00Z' : '2025-01-01T11:00:00Z';
    plan.signoffs = [{ person: 'ana', role: 'incident_manager', at: '2025-01-01T12:00:00Z' }, { person: 'bruno', role: 'worker', at: '2025-01-01T12:01:00Z' }];
    const file = join(f.dir, '.incidents', `${incident.id}.yaml`);
    await commitFiles(f.dir, { [`.incidents/${incident.id}.yaml`]: stringify(incident), 'INCIDENT-LOG.md': '# Incident log\n' }, 'Record the incident');
    const out: string[] = [];
    const err: string[] = [];
    const io = { cwd: f.dir, out: (s: string) => out.push(s), err: (s: string) => err.push(s), now: () => new Date() };
    assert.equal(await gateCommand([incident.id], io), 1, err.join(''));
    assert.match(out.join(''), /may NOT close[\s\S]*\[ \] tests-passed: no run of the linked tests[\s\S]*\(run-tests\)/);
    out.length = 0;
    // The run's audit entry edits the record; that alone does not make the tree dirty.
    assert.equal(await gateCommand([incident.id, '--run', '--json'], io), 0, out.join('') + err.join(''));
    const verdict = JSON.parse(out.join('')) as GateVerdict;
    assert.equal(verdict.mayClose, true);
    assert.match(readFileSync(file, 'utf8'), /test_runs:[\s\S]*outcome: passed/);
    // The public log follows the records as they change; rewriting it is not a change to the code.
    writeFileSync(join(f.dir, 'INCIDENT-LOG.md'), '# Incident log\n\nupdated\n');
    assert.equal(await gateCommand([incident.id], io), 0, out.join('') + err.join(''));
    assert.equal(await gateCommand([incident.id, '--public-log', 'docs/log.md'], io), 1);
    writeFileSync(join(f.dir, 'src/vat.js'), 'module.exports = 2;\n');
    assert.equal(await gateCommand([incident.id], io), 1);
    assert.equal(await gateCommand(['--bogus'], io), 2);
  });
});


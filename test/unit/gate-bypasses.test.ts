// The close gate against the people who use it: each case is a real repository whose fix
// branch still carries the regression (src/vat.js exports 1.5, the linked test expects 1.23),
// and a way of making `incident-room gate <id> --run` say "may close" anyway. Each must be refused.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { stringify } from 'yaml';
import type { CliIo } from '../../src/cliCommand';
import { attributeLinesThatHide } from '../../src/git/codeState';
import { gateCommand } from '../../src/testing/gateCli';
import { npmOverrides } from '../../src/testing/runner';
import type { Incident } from '../../src/model/record';
import { recordNoAutomatedTest, signNoAutomatedTest, signOff, unlinkTest } from '../../src/model/testPlan';
import { applyEdits, commitFiles, initRepo, jestCommand, mochaCommand, readyIncident, ref, tempDir, withPrivateStateHome, writeFiles } from './helpers/testProjects';

const VAT_TEST = `
const assert = require('node:assert/strict');
describe('EU VAT', () => {
  it('is 23%', () => { assert.equal(require('../src/vat'), 1.23); });
});
`;
const LINKED = ref('test/checkout.test.js', 'EU VAT', 'is 23%');
/** Code that makes the regressed src/vat.js look fixed once loaded: `vat` is the path to src/vat from where it lies. */
const fakeFixFrom = (vat: string) => `require.cache[require.resolve(${JSON.stringify(vat)})] = { id: 'vat', loaded: true, exports: 1.23 };\n`;

interface Repo {
  dir: string;
  id: string;
}

/** main carries the bug (1.5); branch `good` has the real fix; the fix branch does not. */
async function regressedRepo(onFixBranch: Record<string, string> = {}, onMain: Record<string, string> = {}, dir = tempDir('bypass')): Promise<Repo> {
  const incident = readyIncident([LINKED]);
  // Dated before the real clock, since the command judges against the time it runs.
  const plan = incident.test_plan!;
  for (const r of plan.items[0]!.results ?? []) r.at = r.env === 'staging' ? '2025-01-01T10:00:00Z' : '2025-01-01T11:00:00Z';
  plan.signoffs = [
    { person: 'ana', role: 'incident_manager', at: '2025-01-01T12:00:00Z' },
    { person: 'bruno', role: 'worker', at: '2025-01-01T12:01:00Z' },
  ];
  await initRepo(dir, {
    'package.json': '{"name":"shop","private":true}\n',
    'src/vat.js': 'module.exports = 1.5;\n',
    'test/checkout.test.js': VAT_TEST,
    [`.incidents/${incident.id}.yaml`]: stringify(incident),
    'INCIDENT-LOG.md': '# Incident log\n',
    ...onMain,
  });
  const g = simpleGit(dir);
  await g.checkoutLocalBranch('good');
  await commitFiles(dir, { 'src/vat.js': 'module.exports = 1.23;\n' }, 'The real fix, not on the fix branch');
  await g.checkout('main');
  await g.checkoutLocalBranch('fix/eu-vat');
  await commitFiles(dir, { 'src/notes.js': '// looked at VAT\n', ...onFixBranch }, 'Not a fix');
  return { dir, id: incident.id };
}

async function gate(repo: Repo, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd: repo.dir, out: (l) => out.push(l), err: (l) => err.push(l), now: () => new Date() };
  const code = await gateCommand([repo.id, ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A command that runs no test and writes a passing mocha json report of its own. */
const FORGED_REPORT = [
  process.execPath,
  '-e',
  `require('fs').writeFileSync(process.argv[1], JSON.stringify({stats:{},tests:[{title:'is 23%',fullTitle:'EU VAT is 23%',file:require('path').resolve('test/checkout.test.js'),err:{}}],passes:[],failures:[],pending:[]}))`,
  '{report}',
  // Only so that the old contract read the forged file as mocha's json.
  '--reporter',
  'json',
];

const command = (...args: string[]) => ['--command', JSON.stringify(mochaCommand(...args))];

describe('close gate bypasses, each on a repository whose fix branch still has the regression', () => {
  withPrivateStateHome();

  it('the honest run fails: the regression is there (the baseline every case below starts from)', async () => {
    const repo = await regressedRepo();
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /EU VAT > is 23% failed/);
  });

  it("1a. the record's test_command (a forged report) does not override CI's --command; the verdict names the command it judged", async () => {
    const repo = await regressedRepo();
    const file = join(repo.dir, '.incidents', `${repo.id}.yaml`);
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const record = parse(readFileSync(file, 'utf8'));
    record.test_command = FORGED_REPORT;
    await commitFiles(repo.dir, { [`.incidents/${repo.id}.yaml`]: stringify(record) }, 'A command of my own');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /EU VAT > is 23% failed/);
    assert.match(r.out, /note: judged the command \[.*mocha.*\] \(CI's --command\)/);
    assert.match(r.out, /note: the record's test_command .* was not used: a record cannot choose the command that counts/);
  });

  it('1b. a command that writes its own report (node -e) is refused: it names a report file, or is not a test runner', async () => {
    const repo = await regressedRepo();
    const r = await gate(repo, ['--run', '--command', JSON.stringify(FORGED_REPORT)]);
    assert.notEqual(r.code, 0, r.out + r.err);
    assert.match(r.err, /the test command is refused: .* names a report file/);
    // The same forger told where the report goes by the environment, as a runner would be.
    const quiet = [process.execPath, '-e', `require('fs').writeFileSync(process.env.INCIDENT_ROOM_REPORT, '{}')`];
    const q = await gate(repo, ['--run', '--command', JSON.stringify(quiet)]);
    assert.notEqual(q.code, 0, q.out + q.err);
    assert.match(q.err, /the test command is refused: .* is not a test runner Incident Room knows/);
  });

  it('1c. mocha --dry-run (every test "passes" without running) is refused', async () => {
    const repo = await regressedRepo();
    const r = await gate(repo, ['--run', ...command('--dry-run', 'test/')]);
    assert.notEqual(r.code, 0, r.out + r.err);
    assert.match(r.err, /the test command is refused: .*--dry-run runs no test/);
    // Set in mocha's configuration instead, where the command line cannot show it.
    await commitFiles(repo.dir, { '.mocharc.json': '{ "dry-run": true }\n' }, 'Configure mocha');
    const c = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(c.code, 1, c.out + c.err);
    assert.match(c.out, /mocha ran with --dry-run .*: no test was executed/);
  });

  it('1d. a saved good report swapped in by a symlink at the end of the run is refused', async () => {
    const swap = `
const fs = require('node:fs');
const path = require('node:path');
process.on('exit', () => {
  const report = process.env.INCIDENT_ROOM_REPORT || (process.argv.find((a) => a.startsWith('output=')) || '').slice(7);
  if (!report) return;
  const saved = path.join(require('node:os').tmpdir(), 'saved-good-report-' + process.pid);
  fs.writeFileSync(saved, JSON.stringify({stats:{},tests:[{title:'is 23%',fullTitle:'EU VAT is 23%',file:path.resolve('test/checkout.test.js'),err:{}}],passes:[],failures:[],pending:[]}));
  fs.rmSync(report, { force: true });
  fs.symlinkSync(saved, report);
  process.exit(0);
});
`;
    const repo = await regressedRepo({ 'scripts/swap.js': swap });
    const r = await gate(repo, ['--run', ...command('--require', 'scripts/swap.js', 'test/checkout.test.js')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /the report is a symlink, not the file Incident Room's reporter writes: refused/);
  });

  it('2. a checkout dance (check out a good branch, run, check back out) is refused: HEAD moved during the run', async () => {
    const dance = `
const { execFileSync } = require('node:child_process');
execFileSync('git', ['checkout', '-q', 'good']);
process.on('exit', () => execFileSync('git', ['checkout', '-q', 'fix/eu-vat']));
`;
    const repo = await regressedRepo({ 'scripts/dance.js': dance });
    const r = await gate(repo, ['--run', ...command('--require', './scripts/dance.js', 'test/checkout.test.js')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /HEAD moved during the run and came back/);
  });

  it('2b. a fix written into the code while the tests load it, and put back before the run ends, is refused: the file was written during the run', async () => {
    const setup = [
      "const fs = require('node:fs');",
      "const file = require('node:path').join(__dirname, '../src/vat.js');",
      "const committed = fs.readFileSync(file, 'utf8');",
      "before(() => fs.writeFileSync(file, 'module.exports = 1.23;\\n'));",
      'after(() => fs.writeFileSync(file, committed));',
    ].join('\n');
    const repo = await regressedRepo({ 'test/00-setup.js': `${setup}\n` });
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.notEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /tracked files were written during the run \(src\/vat\.js\)/);
    // The file reads as committed again.
    assert.equal(readFileSync(join(repo.dir, 'src/vat.js'), 'utf8'), 'module.exports = 1.5;\n');
    assert.equal(await simpleGit(repo.dir).diff(['--', 'src']), '');
  });

  it('3. --public-log naming a source file does not hide its uncommitted change', async () => {
    const repo = await regressedRepo();
    writeFileSync(join(repo.dir, 'src/vat.js'), 'module.exports = 1.23;\n');
    const r = await gate(repo, ['--run', '--public-log', 'src/vat.js', ...command('test/')]);
    assert.notEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /the run had uncommitted changes to tracked files \(src\/vat\.js\)/);
    assert.match(r.out, /note: not left out of the clean check: src\/vat\.js is not Markdown/);
    assert.doesNotMatch(r.out, /clean tree/);
  });

  it('3b. --folder naming a folder of the code, which holds the fix in a YAML file, does not hide its uncommitted change', async () => {
    const rates = "module.exports = Number(/eu: (.*)/.exec(require('fs').readFileSync(require('path').join(__dirname, '../config/rates.yaml'), 'utf8'))[1]);\n";
    const repo = await regressedRepo({}, { 'src/vat.js': rates, 'config/rates.yaml': 'eu: 1.5\n' });
    writeFileSync(join(repo.dir, 'config/rates.yaml'), 'eu: 1.23\n');
    // The record, copied into that folder so that the gate finds the incident there.
    const record = readFileSync(join(repo.dir, `.incidents/${repo.id}.yaml`), 'utf8');
    writeFileSync(join(repo.dir, `config/${repo.id}.yaml`), record);
    const r = await gate(repo, ['--run', '--folder', 'config', ...command('test/')]);
    assert.notEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /the run had uncommitted changes to tracked files \(config\/rates\.yaml\)/);
    assert.doesNotMatch(r.out, /clean tree/);
    // Nor does the verdict with the records folder the repository keeps them in take that run.
    const plain = await gate(repo, []);
    assert.notEqual(plain.code, 0, plain.out + plain.err);
  });

  it('3d. --public-log naming a Markdown file the code reads, which starts as the log does only in the working tree, does not hide its change', async () => {
    const rates = "module.exports = Number(/eu: (.*)/.exec(require('fs').readFileSync(require('path').join(__dirname, '../config/rates.md'), 'utf8'))[1]);\n";
    const repo = await regressedRepo({}, { 'src/vat.js': rates, 'config/rates.md': 'eu: 1.5\n' });
    writeFileSync(join(repo.dir, 'config/rates.md'), '# Incident log\neu: 1.23\n');
    const r = await gate(repo, ['--run', '--public-log', 'config/rates.md', ...command('test/')]);
    assert.notEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /the run had uncommitted changes to tracked files \(config\/rates\.md\)/);
    assert.doesNotMatch(r.out, /clean tree/);
  });

  it('3e. the records folder proper: an edited record, a staged new one and an untracked one stay out of the clean check; a YAML file there that is no record does not', async () => {
    const repo = await regressedRepo();
    await commitFiles(repo.dir, { 'src/vat.js': 'module.exports = 1.23;\n' }, 'The real fix');
    const record = readFileSync(join(repo.dir, `.incidents/${repo.id}.yaml`), 'utf8');
    appendFileSync(join(repo.dir, `.incidents/${repo.id}.yaml`), '# a note written by hand\n');
    writeFileSync(join(repo.dir, '.incidents/2026-01-02-staged.yaml'), record.replace(repo.id, '2026-01-02-staged'));
    await simpleGit(repo.dir).add('.incidents/2026-01-02-staged.yaml');
    writeFileSync(join(repo.dir, '.incidents/2026-01-03-new.yaml'), record.replace(repo.id, '2026-01-03-new'));
    const honest = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(honest.code, 0, honest.out + honest.err);
    assert.match(honest.out, /clean tree/);
    writeFileSync(join(repo.dir, '.incidents/rates.yaml'), 'eu: 1.23\n');
    const other = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(other.code, 1, other.out + other.err);
    assert.match(other.out, /the run had untracked files \(\.incidents\/rates\.yaml\)/);
  });

  it('3c. evidence made where the fix was committed in that folder does not stay fresh once a later commit takes the fix out again', async () => {
    const rates = "module.exports = Number(/eu: (.*)/.exec(require('fs').readFileSync(require('path').join(__dirname, '../config/rates.yaml'), 'utf8'))[1]);\n";
    const repo = await regressedRepo({}, { 'src/vat.js': rates, 'config/rates.yaml': 'eu: 1.5\n' });
    const record = readFileSync(join(repo.dir, `.incidents/${repo.id}.yaml`), 'utf8');
    await commitFiles(repo.dir, { 'config/rates.yaml': 'eu: 1.23\n', [`config/${repo.id}.yaml`]: record }, 'The fix, and the record beside it');
    const fixed = await gate(repo, ['--run', '--folder', 'config', ...command('test/')]);
    assert.equal(fixed.code, 0, fixed.out + fixed.err);
    await commitFiles(repo.dir, { 'config/rates.yaml': 'eu: 1.5\n' }, 'The regression, back');
    const r = await gate(repo, ['--folder', 'config']);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /config\/rates\.yaml/);
    // The records folder proper: a commit that only adds a run to a record keeps the evidence fresh (three cycles in gate.test.ts).
  });

  it('4. an untracked test file that monkeypatches the code under test is part of what ran: refused until committed or removed', async () => {
    const repo = await regressedRepo();
    writeFileSync(join(repo.dir, 'test/00-hotfix.js'), fakeFixFrom('../src/vat'));
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /the run had untracked files \(test\/00-hotfix\.js\): they took part in it/);
    assert.match(r.out, /untracked files now \(test\/00-hotfix\.js\)/);
    assert.doesNotMatch(r.out, /clean tree/);
  });
  /** Loaded before the tests, it makes the regressed code look fixed: committed on the fix branch, run only if a command asks for it. */
  const FAKE_FIX = fakeFixFrom('./src/vat');
  /** A "runner" of the fix branch's own: the real mocha, with the fake fix loaded first. */
  const OWN_MOCHA = (fromRoot: string) =>
    `process.argv.splice(2, 0, '--require', require('node:path').resolve(__dirname, '${fromRoot}', 'fake-fix.js'));\nrequire(${JSON.stringify(mochaCommand()[1])});\n`;
  const withCommand = (testCommand: string[]) => `${JSON.stringify({ name: 'shop', private: true, 'incident-room': { testCommand } })}\n`;
  /** main configures the honest command; `onFixBranch` may configure another. */
  async function configuredRepo(onFixBranch: Record<string, string> = {}): Promise<Repo> {
    const repo = await regressedRepo({ 'fake-fix.js': FAKE_FIX, ...onFixBranch });
    const g = simpleGit(repo.dir);
    await g.checkout('main');
    await commitFiles(repo.dir, { 'package.json': withCommand(mochaCommand('test/')) }, 'Configure the test command');
    await g.checkout('fix/eu-vat');
    return repo;
  }
  async function editRecord(repo: Repo, edit: (record: Incident) => Incident): Promise<void> {
    const file = join(repo.dir, '.incidents', `${repo.id}.yaml`);
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    await commitFiles(repo.dir, { [`.incidents/${repo.id}.yaml`]: stringify(edit(parse(readFileSync(file, 'utf8')) as Incident)) }, 'Edit the record');
  }
  const EVIL_COMMAND = withCommand(mochaCommand('--require', './fake-fix.js', 'test/'));

  it('4b. a linked test in a file git ignores (node --test runs it) is no commit\'s test: it does not count as passed', async () => {
    const repo = await regressedRepo({}, { '.gitignore': 'tmp/\n' });
    // The fix branch drops the failing test, and the record links an always-passing one kept where git does not look.
    const { rmSync } = await import('node:fs');
    rmSync(join(repo.dir, 'test/checkout.test.js'));
    const g = simpleGit(repo.dir);
    await g.add('test/checkout.test.js');
    await g.commit('Move the checkout test');
    mkdirSync(join(repo.dir, 'tmp'));
    writeFileSync(join(repo.dir, 'tmp/checkout.test.js'), "const { describe, it } = require('node:test');\ndescribe('EU VAT', () => { it('is 23%', () => {}); });\n");
    const file = join(repo.dir, `.incidents/${repo.id}.yaml`);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('test/checkout.test.js', 'tmp/checkout.test.js'));
    const r = await gate(repo, ['--run', '--command', JSON.stringify([process.execPath, '--test'])]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /git does not track tmp\/checkout\.test\.js \(it is ignored\): a linked test must be one the commit carries/);
  });

  it("5a. a record naming the fix branch as its own base cannot pick the command from the fix branch's package.json", async () => {
    const repo = await configuredRepo({ 'package.json': EVIL_COMMAND });
    await editRecord(repo, (r) => ({ ...r, fix: { branch: 'fix/eu-vat', base: 'fix/eu-vat' } }));
    const r = await gate(repo, ['--run']);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /not running the tests: the record names the fix branch fix\/eu-vat as its own base/);
    // Named as the base by CI, it is still the fix branch: the verdict refuses it.
    const ci = await gate(repo, ['--base', 'fix/eu-vat', ...command('test/')]);
    assert.equal(ci.code, 1, ci.out + ci.err);
    assert.match(ci.out, /\[ \] fix-branch: the record names the fix branch fix\/eu-vat as its own base/);
  });

  it("5b. a record naming a branch of its own as the base cannot pick the command: only the default branch, or CI's --base, is trusted", async () => {
    const repo = await configuredRepo();
    const g = simpleGit(repo.dir);
    await g.checkout(['-b', 'release-ish', 'main']);
    await commitFiles(repo.dir, { 'package.json': EVIL_COMMAND }, 'A base with a command of its own');
    await g.checkout('fix/eu-vat');
    await editRecord(repo, (r) => ({ ...r, fix: { branch: 'fix/eu-vat', base: 'release-ish' } }));
    const r = await gate(repo, ['--run']);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /the record names release-ish as the fix branch's base, which is not the repository's default branch \(main\)/);
    // CI names the base it trusts: the record must agree with it.
    const other = await gate(repo, ['--base', 'main', ...command('test/')]);
    assert.equal(other.code, 1);
    assert.match(other.out, /\[ \] fix-branch: the record names release-ish as the fix branch's base, which is not a branch named by CI's --base \(main\)/);
  });

  it('5c. "no automated test possible" does not apply when the record names the fix branch as its own base (no commits since itself)', async () => {
    const repo = await configuredRepo();
    await editRecord(repo, (record) => {
      let r: Incident = { ...record, fix: { branch: 'fix/eu-vat', base: 'fix/eu-vat' }, roles: { ...record.roles, sme: ['carla'] } };
      r = applyEdits(r, recordNoAutomatedTest(r, 'nothing to test', { actor: 'ana', now: new Date('2025-01-01T12:02:00Z') }));
      r = applyEdits(r, signNoAutomatedTest(r, 'ana', { actor: 'ana', now: new Date('2025-01-01T12:03:00Z') }));
      return applyEdits(r, signNoAutomatedTest(r, 'carla', { actor: 'carla', now: new Date('2025-01-01T12:04:00Z') }));
    });
    const r = await gate(repo, ['--json']);
    assert.equal(r.code, 1, r.out + r.err);
    const verdict = JSON.parse(r.out);
    assert.equal(verdict.waiver.applies, false);
    assert.match(verdict.notes.join('\n'), /cannot apply while the fix branch's base is not trusted/);
  });

  it('5d. "no automated test possible" does not apply when this machine\'s grafts make the fix branch\'s commits look like the base\'s', async () => {
    const repo = await configuredRepo();
    await editRecord(repo, (record) => {
      let r: Incident = { ...record, roles: { ...record.roles, sme: ['carla'] } };
      r = applyEdits(r, recordNoAutomatedTest(r, 'nothing to test', { actor: 'ana', now: new Date('2025-01-01T12:02:00Z') }));
      r = applyEdits(r, signNoAutomatedTest(r, 'ana', { actor: 'ana', now: new Date('2025-01-01T12:03:00Z') }));
      return applyEdits(r, signNoAutomatedTest(r, 'carla', { actor: 'carla', now: new Date('2025-01-01T12:04:00Z') }));
    });
    const g = simpleGit(repo.dir);
    const [main, fix] = (await g.raw(['rev-parse', 'main', 'fix/eu-vat'])).trim().split('\n');
    // main's tip "descends" from the fix branch's: no commit of the fix branch is left "since the base".
    writeFileSync(join(repo.dir, '.git/info/grafts'), `${main} ${fix}\n`);
    const r = await gate(repo, ['--json']);
    assert.equal(r.code, 1, r.out + r.err);
    const verdict = JSON.parse(r.out);
    assert.equal(verdict.waiver.applies, false, JSON.stringify(verdict.waiver));
  });

  it("7i. this machine's replace ref standing the real fix in for HEAD's commit (HEAD's id unchanged) does not make the fix committed: refused", async () => {
    const repo = await regressedRepo();
    const g = simpleGit(repo.dir);
    const head = (await g.revparse(['HEAD'])).trim();
    await g.raw(['read-tree', '-u', '--reset', 'good']);
    await g.raw(['replace', head, (await g.revparse(['good'])).trim()]);
    assert.equal((await g.raw(['status', '--porcelain'])).trim(), '', 'git status itself sees nothing');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /the run had uncommitted changes to tracked files \([^)]*src\/vat\.js\)/);
  });

  it('6a. a command naming a file of the project that is called like a runner is refused: it is not the runner as installed', async () => {
    const repo = await regressedRepo({ 'fake-fix.js': FAKE_FIX, 'scripts/mocha.js': OWN_MOCHA('..') });
    const r = await gate(repo, ['--run', '--command', JSON.stringify([process.execPath, 'scripts/mocha.js', 'test/'])]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /the test command is refused: "scripts\/mocha\.js" is not mocha as installed/);
  });

  it('6b. a runner the fix branch commits where installed runners live (node_modules) is refused: a branch must not ship its judge', async () => {
    const repo = await regressedRepo({ 'fake-fix.js': FAKE_FIX });
    writeFileSync(join(repo.dir, 'fake-mocha.js'), OWN_MOCHA('../../..'));
    const { mkdirSync, renameSync } = await import('node:fs');
    mkdirSync(join(repo.dir, 'node_modules/mocha/bin'), { recursive: true });
    renameSync(join(repo.dir, 'fake-mocha.js'), join(repo.dir, 'node_modules/mocha/bin/mocha.js'));
    const g = simpleGit(repo.dir);
    await g.raw(['add', '-f', 'node_modules/mocha/bin/mocha.js']);
    await g.commit('Vendor a runner');
    const r = await gate(repo, ['--run', '--command', JSON.stringify([process.execPath, 'node_modules/mocha/bin/mocha.js', 'test/'])]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /the repository tracks files where the test runner is installed \(node_modules\/mocha\/bin\/mocha\.js\)/);
  });
  const HOTFIX = fakeFixFrom('../src/vat');

  /** A mocha that loads a fake fix first, then the real mocha. */
  const fakeMocha = (vatFromBin: string) => `${fakeFixFrom(vatFromBin)}require(${JSON.stringify(mochaCommand()[1])});\n`;

  it('6c. a runner dependency the fix branch points at a folder of its own ("mocha": "file:./tools/mocha", linked into node_modules) is refused', async () => {
    const repo = await regressedRepo(
      { 'tools/mocha/package.json': '{"name":"mocha","version":"10.0.0","bin":{"mocha":"bin/mocha.js"}}\n', 'tools/mocha/bin/mocha.js': fakeMocha('../../../src/vat') },
      { '.gitignore': 'node_modules/\n' },
    );
    // What npm install makes of a file: dependency: a link in node_modules, and the bin's link.
    mkdirSync(join(repo.dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync('../tools/mocha', join(repo.dir, 'node_modules/mocha'), 'dir');
    symlinkSync('../mocha/bin/mocha.js', join(repo.dir, 'node_modules/.bin/mocha'));
    const r = await gate(repo, ['--run', '--command', JSON.stringify([process.execPath, 'node_modules/.bin/mocha', 'test/'])]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /mocha \(.*\) is not an installed package: its folder .*tools\/mocha is not in node_modules/);
  });

  it('6d. another package installed under the runner\'s name (an npm alias, "mocha": "npm:…") is refused', async () => {
    const repo = await regressedRepo({}, { '.gitignore': 'node_modules/\n' });
    writeFiles(repo.dir, {
      'node_modules/mocha/package.json': '{"name":"mocha-lookalike","version":"1.0.0"}\n',
      'node_modules/mocha/bin/mocha.js': fakeMocha('../../../src/vat'),
    });
    const r = await gate(repo, ['--run', '--command', JSON.stringify([process.execPath, 'node_modules/mocha/bin/mocha.js', 'test/'])]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /comes from the package "mocha-lookalike" at node_modules\/mocha, not "mocha"/);
  });

  it('6e. a committed symbolic link that leads the code under test to a file no commit carries (an ignored build folder, or outside the repository) is refused', async () => {
    const repo = await regressedRepo({}, { '.gitignore': 'build/\n' });
    mkdirSync(join(repo.dir, 'build'));
    writeFileSync(join(repo.dir, 'build/vat.js'), 'module.exports = 1.23;\n');
    const { rmSync } = await import('node:fs');
    rmSync(join(repo.dir, 'src/vat.js'));
    symlinkSync('../build/vat.js', join(repo.dir, 'src/vat.js'));
    const g = simpleGit(repo.dir);
    await g.add('src/vat.js');
    await g.commit('vat.js is built now');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /the commit's symbolic links lead to files no commit carries \(src\/vat\.js → .*build\/vat\.js\)/);
    // Outside the repository likewise.
    const outside = tempDir('outside');
    writeFileSync(join(outside, 'vat.js'), 'module.exports = 1.23;\n');
    rmSync(join(repo.dir, 'src/vat.js'));
    symlinkSync(join(outside, 'vat.js'), join(repo.dir, 'src/vat.js'));
    await g.add('src/vat.js');
    await g.commit('vat.js is shared now');
    const out = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(out.code, 2, out.out + out.err);
    assert.match(out.err, /src\/vat\.js → .*outside.*vat\.js/);
    // A link to a file the commit carries is the commit's code: the regression shows.
    writeFileSync(join(repo.dir, 'src/vat-impl.js'), 'module.exports = 1.5;\n');
    rmSync(join(repo.dir, 'src/vat.js'));
    symlinkSync('vat-impl.js', join(repo.dir, 'src/vat.js'));
    await g.add(['src/vat.js', 'src/vat-impl.js']);
    await g.commit('vat.js links to its implementation');
    const inside = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(inside.code, 1, inside.out + inside.err);
    assert.match(inside.out, /EU VAT > is 23% failed/);
  });

  it("7a. an untracked hotfix hidden by this machine's own ignore rules (.git/info/exclude, an excludes file) still took part: refused", async () => {
    for (const hide of ['info/exclude', 'core.excludesFile'] as const) {
      const repo = await regressedRepo();
      writeFileSync(join(repo.dir, 'test/00-hotfix.js'), HOTFIX);
      if (hide === 'info/exclude') writeFileSync(join(repo.dir, '.git/info/exclude'), 'test/00-hotfix.js\n');
      else {
        const excludes = join(tempDir('excludes'), 'ignore');
        writeFileSync(excludes, '00-hotfix.js\n');
        await simpleGit(repo.dir).addConfig('core.excludesFile', excludes);
      }
      const r = await gate(repo, ['--run', ...command('test/')]);
      assert.equal(r.code, 1, `${hide}: ${r.out}${r.err}`);
      assert.match(r.out, /the run had untracked files \(test\/00-hotfix\.js\): they took part in it/, hide);
      assert.doesNotMatch(r.out, /clean tree/);
    }
  });

  it('7b. an untracked .gitignore that hides a hotfix and itself is an untracked file: refused', async () => {
    const repo = await regressedRepo();
    writeFileSync(join(repo.dir, 'test/00-hotfix.js'), HOTFIX);
    writeFileSync(join(repo.dir, 'test/.gitignore'), '00-hotfix.js\n.gitignore\n');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /the run had untracked files \(test\/\.gitignore\)/);
  });

  it('7c. a fix kept out of git status by skip-worktree or assume-unchanged is an uncommitted change: refused', async () => {
    for (const flag of ['--skip-worktree', '--assume-unchanged']) {
      const repo = await regressedRepo();
      await simpleGit(repo.dir).raw(['update-index', flag, 'src/vat.js']);
      writeFileSync(join(repo.dir, 'src/vat.js'), 'module.exports = 1.23;\n');
      const r = await gate(repo, ['--run', ...command('test/')]);
      assert.equal(r.code, 1, `${flag}: ${r.out}${r.err}`);
      assert.match(r.out, /the run had uncommitted changes to tracked files \(src\/vat\.js\)/, flag);
    }
  });

  it("9a. an untracked hotfix hidden by a .gitignore line the fix branch commits still took part: refused (the base's ignore rules decide)", async () => {
    for (const rules of [{ '.gitignore': 'node_modules/\ntest/00-*.js\n' }, { 'test/.gitignore': '00-hotfix.js\n' }] as Record<string, string>[]) {
      const repo = await regressedRepo(rules, { '.gitignore': 'node_modules/\n' });
      writeFileSync(join(repo.dir, 'test/00-hotfix.js'), HOTFIX);
      const r = await gate(repo, ['--run', ...command('test/')]);
      assert.equal(r.code, 1, `${Object.keys(rules)[0]}: ${r.out}${r.err}`);
      assert.match(r.out, /the run had untracked files \(test\/00-hotfix\.js\): they took part in it/, Object.keys(rules)[0]);
      assert.doesNotMatch(r.out, /clean tree/);
    }
  });

  it('9b. an untracked hotfix that a broad rule of the base hides once the fix branch drops the base\'s "!" exception for it: refused', async () => {
    const repo = await regressedRepo({ '.gitignore': 'node_modules/\ntest/*.local.js\n' }, { '.gitignore': 'node_modules/\ntest/*.local.js\n!test/00-hotfix.local.js\n' });
    writeFileSync(join(repo.dir, 'test/00-hotfix.local.js'), HOTFIX);
    // What the base ignores as well does not count: only what the dropped exception kept in.
    writeFiles(repo.dir, { 'node_modules/left-pad/index.js': 'module.exports = 1;\n' });
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /the run had untracked files \(test\/00-hotfix\.local\.js\)/);
  });

  it("9c. files the base's own rules ignore do not count, also when the fix branch adds rules of its own: the honest fix may close", async () => {
    const repo = await regressedRepo({ 'src/vat.js': 'module.exports = 1.23;\n', '.gitignore': '*.log\ncoverage/\n' }, { '.gitignore': '*.log\n' });
    writeFileSync(join(repo.dir, 'debug.log'), 'noise\n');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /clean tree/);
  });

  it("7e. a same-size fix with its mtime put back, under this machine's core.trustctime=false, is an uncommitted change: refused", async () => {
    const repo = await regressedRepo();
    const file = join(repo.dir, 'src/vat.js');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(file, hourAgo, hourAgo);
    const g = simpleGit(repo.dir);
    // The index holds the file's stat as it is now (not racily clean), and ctime is not compared.
    await g.raw(['update-index', '--refresh']);
    // git compares ctime to the second here: the edit comes in a later one, as any real edit would.
    await new Promise((r) => setTimeout(r, 1100));
    await g.addConfig('core.trustctime', 'false');
    await g.addConfig('core.checkStat', 'minimal');
    const fixed = 'module.exports =1.23;\n';
    assert.equal(fixed.length, readFileSync(file, 'utf8').length);
    writeFileSync(file, fixed);
    utimesSync(file, hourAgo, hourAgo);
    assert.equal((await g.raw(['status', '--porcelain'])).trim(), '', 'git status itself sees nothing');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /the run had uncommitted changes to tracked files \(src\/vat\.js\)/);
  });

  it('7j. a same-size fix written in the second git last wrote the index, with its mtime put back (no config at all), is an uncommitted change: refused', async function () {
    const repo = await regressedRepo();
    const file = join(repo.dir, 'src/vat.js');
    const g = simpleGit(repo.dir);
    const longAgo = new Date(Date.now() - 7_200_000);
    // git compares the index's stat to the second here: an edit within the second of the index's
    // write, at the same size and mtime, looks unchanged to git status. Tried until it does.
    let hidden = false;
    for (let attempt = 0; attempt < 20 && !hidden; attempt++) {
      await g.raw(['checkout', '--', 'src/vat.js']);
      utimesSync(file, longAgo, longAgo);
      await g.raw(['update-index', '--refresh']);
      writeFileSync(file, 'module.exports =1.23;\n');
      utimesSync(file, longAgo, longAgo);
      hidden = (await g.raw(['status', '--porcelain'])).trim() === '';
    }
    if (!hidden) this.skip();
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /the run had uncommitted changes to tracked files \(src\/vat\.js\)/);
  });

  it("7f. a clean filter of this machine's git config that shows the fix as the committed file: the run is refused; Git LFS's own filter is not", async () => {
    const repo = await regressedRepo();
    const g = simpleGit(repo.dir);
    // Git LFS as `git lfs install` sets it up: the honest run goes ahead, and fails on the regression.
    appendFileSync(join(repo.dir, '.git/config'), '[filter "lfs"]\n\tclean = git-lfs clean -- %f\n\tprocess = git-lfs filter-process\n');
    const honest = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(honest.code, 1, honest.out + honest.err);
    assert.match(honest.out, /EU VAT > is 23% failed/);
    // A filter that turns the fixed file back into the committed one, applied by this machine's .git/info/attributes.
    appendFileSync(join(repo.dir, '.git/config'), `[filter "same"]\n\tclean = sed 's/1.23/1.5/'\n`);
    writeFileSync(join(repo.dir, '.git/info/attributes'), 'src/vat.js filter=same\n');
    writeFileSync(join(repo.dir, 'src/vat.js'), 'module.exports = 1.23;\n');
    // The index forgets the files' stat, so git reads each through its filter again.
    await g.raw(['read-tree', 'HEAD']);
    assert.doesNotMatch(await g.raw(['status', '--porcelain']), /vat\.js/, 'git status itself sees nothing');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /this machine's git config defines a filter .*\(filter\.same\.clean\)/);
  });

  it("7g. this machine's core.worktree pointing git at a clean copy while the tests run in the tree with the fix: refused", async () => {
    const repo = await regressedRepo();
    const pristine = tempDir('pristine');
    const g = simpleGit(repo.dir);
    await g.raw([`--work-tree=${pristine}`, 'checkout', 'HEAD', '--', '.']);
    writeFileSync(join(pristine, '.git'), `gitdir: ${join(repo.dir, '.git')}\n`);
    appendFileSync(join(repo.dir, '.git/config'), `[core]\n\tworktree = ${pristine}\n`);
    writeFileSync(join(repo.dir, 'src/vat.js'), 'module.exports = 1.23;\n');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /outside the working tree git reads/);
  });

  it("7h. an untracked test file named like a tracked one but for its case, under this machine's core.ignoreCase=true, still took part: refused", async function () {
    const repo = await regressedRepo();
    // Only where the file system tells the two names apart can both files be there.
    writeFileSync(join(repo.dir, 'test/Checkout.test.js'), HOTFIX);
    if (readFileSync(join(repo.dir, 'test/checkout.test.js'), 'utf8') === HOTFIX) this.skip();
    await simpleGit(repo.dir).addConfig('core.ignoreCase', 'true');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /the run had untracked files \(test\/Checkout\.test\.js\)/);
  });

  it("7k. the ident attribute of this machine's .git/info/attributes, which makes git read a fixed file as the committed one once it is added: refused", async () => {
    const repo = await regressedRepo({ 'src/vat.js': 'module.exports = 1.5; /* $Id$ */\n' });
    writeFileSync(join(repo.dir, '.git/info/attributes'), '*.js ident\n');
    // git collapses "$Id: … $" to "$Id$" when it reads the file: the fix between the markers is invisible to it.
    writeFileSync(join(repo.dir, 'src/vat.js'), 'module.exports = 1.5; /* $Id: */ module.exports = 1.23; /* $ */\n');
    const g = simpleGit(repo.dir);
    await g.add('src/vat.js');
    assert.equal((await g.raw(['status', '--porcelain', '--', 'src'])).trim(), '', 'git sees no change');
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /git attributes set a conversion .*\.git\/info\/attributes: \*\.js ident/);
    // A macro that sets it is found where it is defined, and an attribute that unsets it is no conversion.
    const file = join(repo.dir, 'attrs');
    writeFileSync(file, '# *.js ident\n[attr]keep ident -text\n*.md -ident\n*.txt !ident\n*.csv working-tree-encoding=UTF-16\n*.js text eol=lf\n');
    assert.deepEqual(attributeLinesThatHide(file), ['[attr]keep ident -text', '*.csv working-tree-encoding=UTF-16']);
  });

  it("9d. a sparse checkout's files that are not there are no change, every file's content compared: the honest fix may close", async () => {
    const repo = await regressedRepo({ 'src/vat.js': 'module.exports = 1.23;\n' }, { 'docs/guide.md': '# Guide\n' });
    const g = simpleGit(repo.dir);
    await g.raw(['sparse-checkout', 'set', 'src', 'test', '.incidents']);
    assert.equal(existsSync(join(repo.dir, 'docs/guide.md')), false);
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /clean tree/);
  });

  it('8. a committed .npmrc cannot reach the runner through npx: its node-options (a --require of a fake fix) is overridden', async function () {
    this.timeout(120_000);
    const repo = await regressedRepo({
      'fake-fix.js': FAKE_FIX,
      '.npmrc': 'node-options=--require ./fake-fix.js\nupdate-notifier=false\n',
    });
    // The project's runner, installed (ignored by git), as npx finds it.
    const { symlinkSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    symlinkSync(dirname(dirname(dirname(mochaCommand()[1]!))), join(repo.dir, 'node_modules'), 'dir');
    const r = await gate(repo, ['--run', '--command', JSON.stringify(['npx', '--no-install', 'mocha', 'test/'])]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /EU VAT > is 23% failed/);
    // The shell npx runs the runner's bin with is npm's default too, unless this environment says otherwise.
    assert.deepEqual(npmOverrides(['npx', 'mocha'], {}), { npm_config_node_options: '--unhandled-rejections=throw', npm_config_script_shell: process.platform === 'win32' ? 'cmd.exe' : 'sh' });
    assert.deepEqual(npmOverrides(['npx', 'mocha'], { NODE_OPTIONS: '--max-old-space-size=2048', npm_config_script_shell: '/bin/bash' }), {
      npm_config_node_options: '--max-old-space-size=2048',
      npm_config_script_shell: '/bin/bash',
    });
    assert.deepEqual(npmOverrides(['node', 'node_modules/.bin/mocha'], {}), {});
  });

  it("10a. this environment's NODE_OPTIONS --require'ing a fake fix from outside the repository is not passed to the runner: the regression shows", async () => {
    const outside = tempDir('outside');
    const repo = await regressedRepo();
    writeFileSync(join(outside, 'hotfix.js'), fakeFixFrom(join(repo.dir, 'src/vat')));
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `--max-old-space-size=512 --require "${join(outside, 'hotfix.js')}"`;
    try {
      const r = await gate(repo, ['--run', ...command('test/')]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.out, /EU VAT > is 23% failed/);
      assert.match(r.err, /not passed to the runner, since it could load code from outside the commit: NODE_OPTIONS's --require .*hotfix\.js/);
      assert.doesNotMatch(r.err, /max-old-space-size/);
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
  });

  it('10b. a .mocharc.yml in a folder above the repository, requiring a fake fix, is refused: no commit carries it', async () => {
    const outside = tempDir('outside');
    mkdirSync(join(outside, 'shop'));
    const repo = await regressedRepo({}, {}, join(outside, 'shop'));
    writeFileSync(join(outside, 'hotfix.js'), fakeFixFrom(join(repo.dir, 'src/vat')));
    writeFileSync(join(outside, '.mocharc.yml'), `require: ${JSON.stringify(join(outside, 'hotfix.js'))}\n`);
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /mocha would read its configuration from .*\.mocharc\.yml, outside the repository/);
    // The same configuration committed to the repository is the fix branch's own, and counts as such.
    await commitFiles(repo.dir, { '.mocharc.yml': 'spec: test/\n' }, 'Mocha configuration of the project');
    const committed = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(committed.code, 1, committed.out + committed.err);
    assert.match(committed.out, /EU VAT > is 23% failed/);
  });

  it("7l. GIT_DIR in the gate's environment naming a clone where the fix is committed on the same branch does not make the fix committed: git reads the folder's own repository", async () => {
    const repo = await regressedRepo();
    const clone = tempDir('clone');
    await simpleGit().raw(['clone', '-q', repo.dir, clone]);
    const c = simpleGit(clone);
    await c.raw(['checkout', '-q', '-B', 'fix/eu-vat', 'origin/fix/eu-vat']);
    await c.raw(['branch', '-f', 'main', 'origin/main']);
    await c.raw(['remote', 'set-head', 'origin', 'main']);
    await commitFiles(clone, { 'src/vat.js': 'module.exports = 1.23;\n' }, 'The fix, committed only in the clone');
    writeFileSync(join(repo.dir, 'src/vat.js'), 'module.exports = 1.23;\n');
    for (const variables of [{ GIT_DIR: join(clone, '.git') }, { GIT_DIR: join(clone, '.git'), GIT_WORK_TREE: repo.dir }]) {
      Object.assign(process.env, variables);
      try {
        const r = await gate(repo, ['--run', ...command('test/')]);
        assert.equal(r.code, 1, `${Object.keys(variables).join(', ')}: ${r.out}${r.err}`);
        assert.match(r.out, /the run had uncommitted changes to tracked files \(src\/vat\.js\)/);
      } finally {
        for (const name of Object.keys(variables)) delete process.env[name];
      }
    }
  });

  it('11. the failing test deleted and unlinked after the IM and a worker signed off the plan (another linked test passes): their sign-offs no longer count', async () => {
    const SMOKE = ref('test/smoke.test.js', 'shop', 'starts');
    const repo = await regressedRepo({ 'test/smoke.test.js': "describe('shop', () => { it('starts', () => {}); });\n" });
    const signedAt = (actor: string, iso: string) => ({ actor, now: new Date(iso), zone: 'UTC' });
    await editRecord(repo, (record) => {
      let r: Incident = applyEdits(record, [
        { op: 'set', path: ['test_plan', 'items', 0, 'automated'], value: [LINKED, SMOKE] },
        { op: 'set', path: ['test_plan', 'signoffs'], value: [] },
      ]);
      r = applyEdits(r, signOff(r, 'ana', signedAt('ana', '2025-01-01T12:00:00Z')));
      return applyEdits(r, signOff(r, 'bruno', signedAt('bruno', '2025-01-01T12:01:00Z')));
    });
    const signed = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(signed.code, 1, signed.out + signed.err);
    assert.match(signed.out, /EU VAT > is 23% failed/);
    assert.match(signed.out, /\[x\] signoff-im/);
    // The failing test goes (a change for review to catch), and its link with it.
    await simpleGit(repo.dir).rm('test/checkout.test.js');
    await editRecord(repo, (record) => applyEdits(record, unlinkTest(record, 'eu-checkout-200', LINKED, signedAt('bruno', '2025-01-01T12:30:00Z'))));
    const r = await gate(repo, ['--run', ...command('test/')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /\[x\] tests-passed/, 'the one linked test left passes');
    assert.match(r.out, /\[ \] signoff-im: not signed off by the IM \(not counted: ana at 2025-01-01T12:00:00Z is stale: the plan's items or linked tests changed after it\)/);
    assert.match(r.out, /\[ \] signoff-worker/);
  });

  it("10c. jest's shared transform cache holding the fix for the committed src/vat.js (an entry keyed by its content) is not read: the regression shows", async () => {
    const repo = await regressedRepo();
    const { spawnSync } = await import('node:child_process');
    const { createHash } = await import('node:crypto');
    const { readdirSync, rmSync, statSync } = await import('node:fs');
    const jest = (...args: string[]) => spawnSync(jestCommand()[0]!, [...jestCommand().slice(1), ...args], { cwd: repo.dir, encoding: 'utf8' });
    const cacheDir = (JSON.parse(jest('--showConfig').stdout) as { configs: { cacheDirectory: string }[] }).configs[0]!.cacheDirectory;
    const started = Date.now() - 1000;
    assert.equal(jest().status, 1, 'jest itself sees the regression');
    // What anyone on the machine can write there: the transformed src/vat.js, with the fix, under jest's own checksum.
    const poisoned: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        const stat = statSync(path);
        if (stat.isDirectory()) walk(path);
        else if (/^vat_[0-9a-f]+$/.test(name) && stat.mtimeMs >= started) {
          const code = readFileSync(path, 'utf8').slice(33).replace('module.exports = 1.5;', 'module.exports = 1.23;');
          writeFileSync(path, `${createHash('sha1').update(code).digest('hex').slice(0, 32)}\n${code}`);
          poisoned.push(path);
        }
      }
    };
    walk(cacheDir);
    try {
      assert.ok(poisoned.length > 0, `no cache entry for src/vat.js under ${cacheDir}`);
      assert.equal(jest().status, 0, 'jest itself now runs the cached fix');
      const r = await gate(repo, ['--run', '--command', JSON.stringify(jestCommand())]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.out, /EU VAT > is 23% failed/);
    } finally {
      for (const path of poisoned) rmSync(path, { force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { checkoutBranch, codeChanges, createFixBranch, defaultBranchOf, fixBranchStatus, GitFactError, linkExistingBranch, personForEmail, treeStatus } from '../../src/git/fixBranch';
import { codeState } from '../../src/git/codeState';
import { cleanupTemp, commitFiles, IM_AUTHOR, initRepo, readyIncident, tempDir } from './helpers/testProjects';

describe('git: the fix branch', () => {
  after(cleanupTemp);

  it('links an existing branch and refuses one that does not exist', async () => {
    const dir = tempDir('link');
    await initRepo(dir, { 'a.txt': 'a\n' });
    await simpleGit(dir).branch(['fix/eu-vat']);
    const linked = await linkExistingBranch(dir, 'fix/eu-vat');
    assert.equal(linked.head, (await simpleGit(dir).revparse(['main'])).trim());
    await assert.rejects(linkExistingBranch(dir, 'fix/nope'), /no local branch "fix\/nope"/);
    await assert.rejects(linkExistingBranch(dir, '--upload-pack=x'), GitFactError);
  });

  it("the default branch is origin's HEAD, else the one of main and master that exists, else unknown", async () => {
    const dir = tempDir('default');
    await initRepo(dir, { 'a.txt': 'a\n' });
    const g = simpleGit(dir);
    assert.equal(await defaultBranchOf(dir), 'main');
    await g.branch(['master']);
    // Both exist and nothing says which: neither is trusted over the other.
    assert.equal(await defaultBranchOf(dir), null);
    await g.raw(['branch', '-m', 'main', 'trunk']);
    assert.equal(await defaultBranchOf(dir), 'master');
    // A clone knows origin's default branch, whatever the local branches are called.
    await g.raw(['update-ref', 'refs/remotes/origin/trunk', 'HEAD']);
    await g.raw(['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk']);
    assert.equal(await defaultBranchOf(dir), 'trunk');
    const status = await fixBranchStatus(dir, { branch: 'master', base: 'trunk' }, { imEmails: [] });
    assert.equal(status.defaultBranch, 'trunk');
  });

  it("a run's code state: untracked files by the committed ignore rules only, even one named like an index entry; changes status hides; the index moving", async () => {
    const dir = tempDir('code-state');
    await initRepo(dir, { 'index.js': 'x\n', 'src/vat.js': 'module.exports = 1.5;\n', 'src/rates.js': 'module.exports = {};\n', '.incidents/a.yaml': 'id: a\n' });
    const g = simpleGit(dir);
    const clean = await codeState(dir, ['.incidents/']);
    assert.deepEqual([clean.dirtyFiles, clean.untrackedFiles], [[], []]);
    // A name that reads like the listing's entry for a tracked file: still an untracked file.
    const blob = (await g.raw(['rev-parse', 'HEAD:index.js'])).trim();
    const crafted = `100644 ${blob} 0\tindex.js`;
    writeFileSync(join(dir, crafted), 'x\n');
    writeFileSync(join(dir, 'hidden.js'), 'x\n');
    writeFileSync(join(dir, '.git/info/exclude'), 'hidden.js\n');
    await g.raw(['update-index', '--skip-worktree', 'src/vat.js']);
    writeFileSync(join(dir, 'src/vat.js'), 'module.exports = 1.23;\n');
    // Flagged but unchanged: nothing to report.
    await g.raw(['update-index', '--assume-unchanged', 'src/rates.js']);
    const state = await codeState(dir, ['.incidents/']);
    assert.deepEqual(state.untrackedFiles, [crafted, 'hidden.js'].sort());
    assert.deepEqual(state.dirtyFiles, ['src/vat.js']);
    assert.notEqual(state.indexHash, clean.indexHash, 'a flag set on the index is a change of the index');
    assert.equal(state.sha, clean.sha);
  });

  it("a run's code state reads the tree on disk: a file-system monitor hook of this machine's config that says nothing changed, and a submodule .gitmodules says to ignore, do not hide a change", async () => {
    const lib = tempDir('code-state-lib');
    await initRepo(lib, { 'rates.js': 'module.exports = 1.5;\n' });
    const dir = tempDir('code-state-disk');
    await initRepo(dir, { 'src/vat.js': 'module.exports = 1.5;\n' });
    const g = simpleGit(dir);
    execFileSync('git', ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'lib'], { cwd: dir });
    await g.raw(['config', '-f', '.gitmodules', 'submodule.lib.ignore', 'all']);
    await g.add(['.gitmodules', 'lib']);
    await g.commit('Vendor the rates as a submodule that git status ignores');
    // A hook that answers "nothing changed since the token" (fsmonitor protocol 2), run by every status.
    const liar = join(tempDir('liar'), 'fsmonitor.sh');
    writeFileSync(liar, '#!/bin/sh\nprintf "token\\0"\n', { mode: 0o755 });
    execFileSync('git', ['config', 'core.fsmonitor', liar], { cwd: dir });
    execFileSync('git', ['config', 'core.fsmonitorHookVersion', '2'], { cwd: dir });
    await g.raw(['status']);
    writeFileSync(join(dir, 'src/vat.js'), 'module.exports = 1.23;\n');
    writeFileSync(join(dir, 'lib/rates.js'), 'module.exports = 1.23;\n');
    // What git status says here: nothing.
    assert.equal((await g.raw(['status', '--porcelain=v2', '-uno'])).trim(), '');
    const state = await codeState(dir, ['.incidents/']);
    assert.deepEqual(state.dirtyFiles, ['lib', 'src/vat.js']);
  });

  it('creates the branch from its base without checking it out, unless asked', async () => {
    const dir = tempDir('create');
    await initRepo(dir, { 'a.txt': 'a\n' });
    await createFixBranch(dir, 'fix/one', 'main');
    assert.equal((await simpleGit(dir).revparse(['--abbrev-ref', 'HEAD'])).trim(), 'main');
    await createFixBranch(dir, 'fix/two', 'main', { checkout: true });
    assert.equal((await simpleGit(dir).revparse(['--abbrev-ref', 'HEAD'])).trim(), 'fix/two');
    await assert.rejects(createFixBranch(dir, 'fix/one', 'main'), /already exists/);
    await assert.rejects(createFixBranch(dir, 'fix/three', 'develop'), /no local base branch/);
  });

  it('the tree status names HEAD, the branch and every change; a staged move into the records folder still shows the file it left', async () => {
    const dir = tempDir('tree');
    await initRepo(dir, { 'src/pay.js': 'module.exports = 1;\n', 'src/with space.js': 'x\n', '.incidents/a.yaml': 'id: a\n' });
    await simpleGit(dir).raw(['mv', 'src/pay.js', '.incidents/pay.yaml']);
    writeFileSync(join(dir, 'src', 'with space.js'), 'changed\n');
    writeFileSync(join(dir, 'new file.js'), 'untracked\n');
    mkdirSync(join(dir, 'sub'));
    const tree = await treeStatus(join(dir, 'sub'));
    assert.equal(tree.head, (await simpleGit(dir).revparse(['HEAD'])).trim());
    assert.equal(tree.branch, 'main');
    // From a subfolder too, paths are the top level's; the move's old path is a change to the code.
    assert.deepEqual(codeChanges(tree, ['.incidents/']), { dirtyFiles: ['src/pay.js', 'src/with space.js'], untrackedFiles: ['new file.js'] });
    await simpleGit(dir).raw(['checkout', '--detach']);
    assert.equal((await treeStatus(dir)).branch, null);
  });

  it('refuses to check out over uncommitted changes to tracked files; untracked files do not count', async () => {
    const dir = tempDir('checkout');
    await initRepo(dir, { 'a.txt': 'a\n' });
    await createFixBranch(dir, 'fix/eu-vat', 'main');
    writeFileSync(join(dir, 'notes.txt'), 'untracked\n');
    await checkoutBranch(dir, 'fix/eu-vat');
    writeFileSync(join(dir, 'a.txt'), 'changed\n');
    await assert.rejects(checkoutBranch(dir, 'main'), /uncommitted changes first: a\.txt/);
  });

  it('status: head, ahead/behind, dirtiness (tracked changes and untracked files), and the IM\'s commits since the base', async () => {
    const dir = tempDir('status');
    await initRepo(dir, { 'a.txt': 'a\n' });
    await createFixBranch(dir, 'fix/eu-vat', 'main', { checkout: true });
    await commitFiles(dir, { 'fix.txt': '1\n' }, 'Worker fix');
    const imSha = await commitFiles(dir, { 'fix.txt': '2\n' }, 'IM tweak', IM_AUTHOR);
    await simpleGit(dir).checkout('main');
    await commitFiles(dir, { 'main.txt': 'm\n' }, 'Main moves on', IM_AUTHOR);
    const fix = { branch: 'fix/eu-vat', base: 'main' };
    const incident = readyIncident([]);
    const imEmails = ['ana@example.com', 'ana.pereira@example.com'];

    let s = await fixBranchStatus(dir, fix, { imEmails });
    assert.equal(s.exists, true);
    assert.equal(s.checkedOut, false);
    assert.equal(s.currentBranch, 'main');
    assert.equal(s.head, imSha);
    assert.equal(s.head.length, 40);
    assert.ok(imSha.startsWith(s.shortHead));
    assert.deepEqual([s.ahead, s.behind], [2, 1]);
    // Only the commit on the branch since it left main, matched case-insensitively through git_emails.
    assert.deepEqual(s.imCommits, [{ sha: imSha, subject: 'IM tweak', authorEmail: IM_AUTHOR.email }]);
    assert.equal(personForEmail(incident.people ?? [], IM_AUTHOR.email)?.id, 'ana');
    assert.equal(personForEmail(incident.people ?? [], 'BRUNO@example.com')?.id, 'bruno');
    assert.equal(personForEmail(incident.people ?? [], 'nobody@example.com'), undefined);

    await simpleGit(dir).checkout('fix/eu-vat');
    // A record's YAML and the public log are not the code; a record folder's other files are.
    writeFileSync(join(dir, 'LOG.md'), '# Incident log\n');
    mkdirSync(join(dir, '.incidents', 'sub'), { recursive: true });
    writeFileSync(join(dir, '.incidents', 'a.yaml'), 'id: a\n');
    s = await fixBranchStatus(dir, fix, { imEmails, ignorePaths: ['.incidents/', 'LOG.md'] });
    assert.deepEqual([s.checkedOut, s.dirty, s.dirtyFiles, s.untrackedFiles], [true, false, [], []]);
    writeFileSync(join(dir, '.incidents', 'sub', 'patch.js'), 'x\n');
    writeFileSync(join(dir, '.incidents', 'hook.js'), 'x\n');
    writeFileSync(join(dir, 'untracked.txt'), 'x\n');
    s = await fixBranchStatus(dir, fix, { imEmails, ignorePaths: ['.incidents/', 'LOG.md'] });
    assert.deepEqual([s.dirty, s.dirtyFiles, s.untrackedFiles], [true, [], ['.incidents/hook.js', '.incidents/sub/patch.js', 'untracked.txt']]);
    writeFileSync(join(dir, 'fix.txt'), 'uncommitted\n');
    s = await fixBranchStatus(dir, fix, { imEmails, ignorePaths: ['.incidents/', 'LOG.md'] });
    assert.deepEqual([s.dirty, s.dirtyFiles], [true, ['fix.txt']]);

    const missing = await fixBranchStatus(dir, { branch: 'fix/gone', base: 'main' }, { imEmails });
    assert.deepEqual([missing.exists, missing.head, missing.ahead], [false, '', null]);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixBranchStatus } from '../../src/git/fixBranch';
import { GIT_CONCURRENCY, sharedGit } from '../../src/git/runner';

describe('The shared git runner', () => {
  let dir: string;
  let repos: string[];
  let log: string;
  let savedPath: string | undefined;

  before(function () {
    this.timeout(60_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-git-runner-'));
    // A git on PATH that logs when each process starts and ends, and lingers, so overlaps show.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    log = path.join(dir, 'git.log');
    const realGit = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho start >> "${log}"\nsleep 0.05\n"${realGit}" "$@"\nrc=$?\necho end >> "${log}"\nexit $rc\n`, { mode: 0o755 });
    repos = [1, 2, 3].map((n) => {
      const repo = path.join(dir, `repo${n}`);
      fs.mkdirSync(repo);
      const run = (...args: string[]) => execFileSync(realGit, args, { cwd: repo });
      run('init', '-q', '-b', 'main');
      run('-c', 'user.email=a@example.com', '-c', 'user.name=A', 'commit', '-q', '--allow-empty', '-m', 'base');
      run('branch', 'fix/x');
      return repo;
    });
    savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
  });

  after(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`never runs more than ${GIT_CONCURRENCY} git processes at once, across repositories, however many facts are asked for`, async function () {
    this.timeout(120_000);
    fs.writeFileSync(log, '');
    const asks = Array.from({ length: 30 }, (_, i) => fixBranchStatus(repos[i % repos.length]!, { branch: 'fix/x', base: 'main' }, { imEmails: ['a@example.com'] }));
    const results = await Promise.all(asks);
    assert.ok(results.every((r) => r.exists && r.baseExists));
    let alive = 0;
    let peak = 0;
    let started = 0;
    for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
      if (line === 'start') {
        alive++;
        started++;
        peak = Math.max(peak, alive);
      } else if (line === 'end') alive--;
    }
    assert.ok(started >= 30 * 4, `each status runs several git commands (${started})`);
    assert.ok(peak <= GIT_CONCURRENCY, `at most ${GIT_CONCURRENCY} at once, saw ${peak}`);
    assert.ok(peak >= 2, 'commands do run side by side');
  });
  it("reads a repository's status without taking index.lock, so the user's own commit never meets a lock it did not make", async function () {
    this.timeout(60_000);
    const repo = fs.mkdtempSync(path.join(dir, 'locks-'));
    const run = (...args: string[]) => execFileSync('git', args, { cwd: repo });
    run('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'a\n');
    run('add', 'a.txt');
    run('-c', 'user.email=a@example.com', '-c', 'user.name=A', 'commit', '-q', '-m', 'base');
    // A file touched after the commit: a plain `git status` refreshes the index's stat data and
    // rewrites .git/index under index.lock; one without optional locks leaves it alone.
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(repo, 'a.txt'), later, later);
    const index = path.join(repo, '.git', 'index');
    const before = fs.readFileSync(index);
    const status = await sharedGit(repo).status();
    assert.equal(status.files.length, 0);
    assert.deepEqual(fs.readFileSync(index), before, 'the index was rewritten by a background status');
  });
});

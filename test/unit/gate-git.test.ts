// What the close gate asks of git: every read once (a plain gate), or once on each side of the
// run for the code state (gate --run), never the same question twice. Read from git's own trace
// of the commands it ran, on a real repository.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { stringify } from 'yaml';
import type { CliIo } from '../../src/cliCommand';
import { gateCommand } from '../../src/testing/gateCli';
import { CHECKOUT_TEST, initRepo, mochaCommand, readyIncident, ref, tempDir, withPrivateStateHome } from './helpers/testProjects';

/** The git commands a gate ran, one line each, from GIT_TRACE. */
async function gitCommandsOf(args: string[]): Promise<{ commands: string[]; out: string }> {
  const dir = tempDir('gate-git');
  const incident = readyIncident([ref('test/checkout.test.js', 'EU VAT', 'returns 200')]);
  await initRepo(dir, {
    'package.json': JSON.stringify({ name: 'shop', private: true, 'incident-room': { testCommand: mochaCommand('test/') } }),
    'test/checkout.test.js': CHECKOUT_TEST,
    [`.incidents/${incident.id}.yaml`]: stringify(incident),
    'INCIDENT-LOG.md': '# Incident log\n',
  });
  await simpleGit(dir).checkoutLocalBranch('fix/eu-vat');
  const trace = join(tempDir('trace'), 'git.trace');
  // Each repository's git runner takes the environment when it is first used: this one is new.
  process.env.GIT_TRACE = trace;
  const out: string[] = [];
  try {
    const io: CliIo = { cwd: dir, out: (l) => out.push(l), err: () => undefined, now: () => new Date() };
    await gateCommand([incident.id, ...args], io);
    const commands = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => l.includes('built-in: git '))
      .map((l) => l.slice(l.indexOf('built-in: git ') + 'built-in: '.length));
    return { commands, out: out.join('\n') };
  } finally {
    delete process.env.GIT_TRACE;
    rmSync(trace, { force: true });
  }
}

const repeated = (commands: string[]) => {
  const seen = new Map<string, number>();
  for (const c of commands) seen.set(c, (seen.get(c) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1);
};

describe('the close gate asks git each question once', function () {
  this.timeout(120_000);
  withPrivateStateHome();

  it('gate --run: only the code state is read twice, just before and just after the run; everything else once', async () => {
    const { commands, out } = await gitCommandsOf(['--run']);
    assert.match(out, /\[x\] tests-passed: 1 linked test\(s\) passed/, out);
    const twice = repeated(commands).map(([c, n]) => `${n}x ${c}`);
    // The code state: one status names HEAD's commit, the branch and the tracked changes; one
    // listing gives the index, tagged with what status hides, and the untracked files by the committed ignore rules.
    assert.deepEqual(
      twice.map((t) => t.replace(/'--exclude='\\!'\.gitignore'/, '--exclude=!.gitignore')).sort(),
      ['2x git ls-files -z --stage -v --others --exclude-per-directory=.gitignore --exclude=!.gitignore', '2x git status --porcelain=v2 --branch -z --untracked-files=no --ignore-submodules=none'],
      commands.join('\n'),
    );
    // The default branch is asked before the run (only a trusted base's package.json may choose the command), and not again after it.
    assert.equal(commands.filter((c) => c.includes('refs/remotes/origin/HEAD')).length, 1, commands.join('\n'));
    // During the run, once each: the ignore rules the fix branch changed since its base, every
    // file's content against HEAD through an index of its own (read-tree, then status), and this
    // machine's filters (config). Whether changed files in the records folder are records at HEAD
    // is asked only when there are any: none here, the record is committed.
    assert.equal(commands.filter((c) => c.includes('.gitignore') && c.startsWith('git diff')).length, 1, commands.join('\n'));
    assert.equal(commands.filter((c) => c === 'git read-tree HEAD').length, 1, commands.join('\n'));
    assert.equal(commands.filter((c) => c.includes(' grep ')).length, 0, commands.join('\n'));
    assert.ok(commands.length <= 14, `${commands.length} git commands:\n${commands.join('\n')}`);
  });

  it('a plain gate: no git command twice', async () => {
    const { commands } = await gitCommandsOf([]);
    assert.deepEqual(repeated(commands), [], commands.join('\n'));
    assert.ok(commands.length <= 6, `${commands.length} git commands:\n${commands.join('\n')}`);
  });
});

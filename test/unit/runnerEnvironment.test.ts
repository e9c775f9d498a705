// What this machine could bring into a run besides the commit: node options that load code, and
// a runner configuration in a folder above the repository. Real folders; the gate's own cases
// (a run with each) are in gate-bypasses.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { harmlessNodeOptions, outsideConfigProblem, runnerEnvironment, splitNodeOptions } from '../../src/testing/runnerEnvironment';
import { cleanupTemp, tempDir } from './helpers/testProjects';

describe('the runner environment', () => {
  after(cleanupTemp);

  it('splits NODE_OPTIONS as node does: at spaces, double quotes keeping a part whole, backslash escapes inside them', () => {
    assert.deepEqual(splitNodeOptions('  --a   --b=1 "--require" "/tmp/x y.js" "a\\"b" '), ['--a', '--b=1', '--require', '/tmp/x y.js', 'a"b']);
    assert.deepEqual(splitNodeOptions(''), []);
  });

  it('keeps the node options that load no code and withholds every other, with its value', () => {
    assert.deepEqual(harmlessNodeOptions('--max-old-space-size=4096 --require ./hotfix.js --no-warnings -r /tmp/a.js --import=/tmp/b.mjs --title ci --inspect-brk=9229 --max_semi_space_size=64'), {
      kept: ['--max-old-space-size=4096', '--no-warnings', '--title', 'ci', '--max_semi_space_size=64'],
      withheld: ['--require ./hotfix.js', '-r', '/tmp/a.js', '--import=/tmp/b.mjs', '--inspect-brk=9229'],
    });
    // What CI set-ups commonly pass: kept.
    const common = '--max_old_space_size=4096 --stack-trace-limit=50 --enable-source-maps --experimental-vm-modules --openssl-legacy-provider --unhandled-rejections=strict --dns-result-order=ipv4first --disable-warning=ExperimentalWarning';
    assert.deepEqual(harmlessNodeOptions(common), { kept: common.split(' '), withheld: [] });
    // An option that needs a value and has none is not kept: node would fail on it anyway.
    assert.deepEqual(harmlessNodeOptions('--title'), { kept: [], withheld: ['--title'] });
    // Options that choose which code runs without naming a file.
    for (const option of ['--conditions=fixed', '-C fixed', '--experimental-loader=x', '--loader x', '--experimental-policy=p.json', '--openssl-config=/tmp/engine.cnf', '--preserve-symlinks', '--test-only', '--env-file=.env']) {
      assert.deepEqual(harmlessNodeOptions(option).kept, [], option);
    }
  });

  it("passes the rest of the environment as it is, NODE_OPTIONS with its harmless options only, and npm's node-options likewise; NODE_PATH not at all", () => {
    const { env, withheld } = runnerEnvironment({
      PATH: '/usr/bin',
      NODE_OPTIONS: '--enable-source-maps --require "/tmp/hot fix.js"',
      npm_config_node_options: '--import /tmp/x.mjs',
      NODE_PATH: '/tmp/modules',
      CI: 'true',
    });
    assert.deepEqual(env, { PATH: '/usr/bin', NODE_OPTIONS: '--enable-source-maps', CI: 'true' });
    assert.deepEqual(withheld, ["NODE_OPTIONS's --require /tmp/hot fix.js", "npm_config_node_options's --import /tmp/x.mjs", 'NODE_PATH']);
    assert.deepEqual(runnerEnvironment({ NODE_OPTIONS: '--max-old-space-size=512', HOME: '/h' }), { env: { NODE_OPTIONS: '--max-old-space-size=512', HOME: '/h' }, withheld: [] });
  });

  it('what is kept reaches node as node reads it (a quoted value stays one option)', () => {
    const { env } = runnerEnvironment({ ...process.env, NODE_OPTIONS: '--title "ci run" --require /nonexistent/hotfix.js' });
    const title = execFileSync(process.execPath, ['-e', 'process.stdout.write(process.title)'], { env, encoding: 'utf8' });
    assert.equal(title, 'ci run');
  });

  describe('a runner configuration outside the repository', () => {
    /** outer/ holds the repository repo/ (with a package.json) and its package pkg/ in a subfolder. */
    function layout(): { outer: string; repo: string; pkg: string } {
      const outer = tempDir('runner-config');
      const repo = join(outer, 'repo');
      const pkg = join(repo, 'packages', 'shop');
      mkdirSync(pkg, { recursive: true });
      execFileSync('git', ['init', '-q', repo]);
      return { outer, repo, pkg };
    }

    it("mocha: an rc file above the repository is refused when the repository has none on the way up; the repository's own one wins", () => {
      const { outer, repo, pkg } = layout();
      assert.equal(outsideConfigProblem('mocha', pkg, repo), null);
      writeFileSync(join(outer, '.mocharc.js'), "module.exports = { require: '/tmp/hotfix.js' };\n");
      assert.match(outsideConfigProblem('mocha', pkg, repo) ?? '', /mocha would read its configuration from .*\/\.mocharc\.js, outside the repository/);
      writeFileSync(join(repo, '.mocharc.yml'), 'spec: test/\n');
      assert.equal(outsideConfigProblem('mocha', pkg, repo), null);
    });

    it('mocha: a package.json above the repository counts only when the repository has none on the way up and it has a "mocha" key', () => {
      const { outer, repo, pkg } = layout();
      writeFileSync(join(outer, 'package.json'), '{"name":"home"}\n');
      assert.equal(outsideConfigProblem('mocha', pkg, repo), null);
      writeFileSync(join(outer, 'package.json'), '{"mocha":{"require":"/tmp/hotfix.js"}}\n');
      assert.match(outsideConfigProblem('mocha', pkg, repo) ?? '', /package\.json \("mocha"\), outside the repository/);
      writeFileSync(join(pkg, 'package.json'), '{"name":"shop"}\n');
      assert.equal(outsideConfigProblem('mocha', pkg, repo), null);
    });

    it('jest: the first jest.config or package.json on the way up must be in the repository', () => {
      const { outer, repo, pkg } = layout();
      writeFileSync(join(outer, 'jest.config.js'), "module.exports = { setupFiles: ['/tmp/hotfix.js'] };\n");
      assert.match(outsideConfigProblem('jest', pkg, repo) ?? '', /jest would read its configuration from .*\/jest\.config\.js/);
      writeFileSync(join(repo, 'package.json'), '{"name":"mono"}\n');
      assert.equal(outsideConfigProblem('jest', pkg, repo), null);
      // node's own runner reads no configuration file.
      assert.equal(outsideConfigProblem('node-test', pkg, repo), null);
    });
  });
});

// The code-server installer must read the version whatever code-server logs before it: on its
// very first start on a machine it writes a default config and says so first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeServerBinary, CODE_SERVER_VERSION, projectRoot } from '../tools/codeServer';

type Parse = (output: string) => string | undefined;

async function loadParser(): Promise<Parse> {
  const module = (await import(pathToFileURL(join(projectRoot(), 'test', 'tools', 'install-code-server.mjs')).href)) as { parseCodeServerVersion: Parse };
  return module.parseCodeServerVersion;
}

describe('code-server installer: reading the installed version', () => {
  it('skips any log lines code-server prints before the version', async () => {
    const parse = await loadParser();
    const version = '4.100.3 1cbd5d2b5d2a7ee6a5f5ce6b3dcd5a1bd5f6e4fb with Code 1.100.3';
    for (const before of [
      '',
      '[2026-11-27T22:11:03.977Z] info  Wrote default config file to /home/someone/.config/code-server/config.yaml\n',
      '[2026-11-27T22:11:03.977Z] warn  something else\r\n[2026-11-27T22:11:04.001Z] info  and more\n',
      'Browserslist: caniuse-lite is outdated.\n',
    ]) {
      assert.equal(parse(`${before}${version}\n`), '4.100.3', JSON.stringify(before));
    }
  });

  it('finds no version when code-server printed none', async () => {
    const parse = await loadParser();
    assert.equal(parse(''), undefined);
    assert.equal(parse('[2026-11-27T22:11:03.977Z] info  Wrote default config file\n'), undefined);
    assert.equal(parse('error: 4.100.3 is not a command\n'), undefined);
  });

  it('reports the pinned version from a home where code-server never ran, and leaves that home empty', function () {
    this.timeout(120_000);
    assert.ok(existsSync(codeServerBinary()), `code-server is not installed at ${codeServerBinary()}; run: npm run host:install`);
    const home = mkdtempSync(join(tmpdir(), 'incident-room-fresh-home-'));
    try {
      const result = spawnSync(process.execPath, [join(projectRoot(), 'test', 'tools', 'install-code-server.mjs')], {
        encoding: 'utf8',
        env: { ...process.env, HOME: home, XDG_CONFIG_HOME: '', XDG_DATA_HOME: '' },
      });
      assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, new RegExp(`code-server ${CODE_SERVER_VERSION.replace(/\./g, '\\.')} already installed`));
      assert.deepEqual(readdirSync(home), [], 'the version check wrote into the home folder');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

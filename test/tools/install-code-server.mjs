// Installs the pinned code-server (the VS Code server and web workbench, published on npm)
// into .vscode-test/code-server/, where the integration runner, the e2e tests and the demo
// find it. It is not a devDependency on purpose: every `npm ci` would rebuild its native
// modules. Nothing here downloads from anywhere but the npm registry and Debian.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CODE_SERVER_VERSION = '4.100.3';
// The ripgrep release @vscode/ripgrep 1.15.11 (inside code-server's VS Code) downloads from GitHub.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
const RIPGREP_TARGETS = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' };
const DEBIAN_PACKAGES = ['libkrb5-dev', 'ripgrep'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const hostDir = join(root, '.vscode-test', 'code-server');
const bin = join(hostDir, 'node_modules', '.bin', 'code-server');
const started = Date.now();

const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (line) => console.log(`[host:install] ${line}`);

function fail(message) {
  console.error(`[host:install] ${message}`);
  process.exit(1);
}

/**
 * The version `code-server --version` reports. On its very first start code-server logs
 * "[timestamp] info Wrote default config file to ~/.config/code-server/config.yaml" before the
 * version, so the version is the line that starts with one, not the first word printed.
 */
export function parseCodeServerVersion(output) {
  for (const line of output.split(/\r?\n/)) {
    const match = /^(\d+\.\d+\.\d+)(?:\s|$)/.exec(line.trim());
    if (match) return match[1];
  }
  return undefined;
}

function installedVersion() {
  if (!existsSync(bin)) return undefined;
  // Scratch config and data folders: asking for the version must not write a config file and
  // logs into the user's home.
  const scratch = mkdtempSync(join(tmpdir(), 'code-server-version-'));
  try {
    const env = { ...process.env, XDG_CONFIG_HOME: join(scratch, 'config'), XDG_DATA_HOME: join(scratch, 'data') };
    const result = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000, env });
    return result.status === 0 ? parseCodeServerVersion(`${result.stdout}\n${result.stderr}`) : undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return undefined;
}

function missingPackages() {
  const missing = [];
  // The `kerberos` native module that code-server builds includes this header.
  if (!existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  // Stands in for the rg binary @vscode/ripgrep would fetch from GitHub.
  if (!onPath('rg')) missing.push('ripgrep');
  return missing;
}

function ensureDebianPackages() {
  let missing = missingPackages();
  if (missing.length === 0) return;
  const install = `apt-get install -y ${DEBIAN_PACKAGES.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get')) {
    log(`Missing Debian packages (${missing.join(', ')}); running: apt-get update && ${install}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update'], ['install', '-y', ...DEBIAN_PACKAGES]]) {
      const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
      if (result.status !== 0) fail(`apt-get ${args.join(' ')} failed (exit ${result.status}).`);
    }
    missing = missingPackages();
    if (missing.length === 0) return;
  }
  fail(`Missing Debian packages (${missing.join(', ')}). Run: sudo apt-get update && sudo ${install}`);
}

function checkNode() {
  // code-server's postinstall refuses any other major version, after a long download.
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    fail(`code-server ${CODE_SERVER_VERSION} needs Node.js 20; this is Node.js ${process.versions.node}.`);
  }
}

/** Puts Debian's rg where @vscode/ripgrep looks for a cached download, so its postinstall stays offline. */
function seedRipgrepCache() {
  const target = RIPGREP_TARGETS[arch()];
  if (process.platform !== 'linux' || !target) {
    fail(`No offline ripgrep recipe for ${process.platform}/${arch()}; supported: linux x64 and arm64.`);
  }
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const archive = join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${target}.tar.gz`);
  if (existsSync(archive)) {
    log(`ripgrep archive already cached at ${archive}`);
    return;
  }
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'rg-staging-'));
  try {
    // The archive must hold the binary itself as a top-level `rg`, not a symlink.
    copyFileSync(realpathSync(onPath('rg')), join(staging, 'rg'));
    execFileSync('tar', ['-czf', archive, '-C', staging, 'rg']);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`cached Debian's rg as ${archive}`);
}

async function installCodeServer() {
  mkdirSync(hostDir, { recursive: true });
  const manifest = join(hostDir, 'package.json');
  // Its own package.json keeps npm from walking up into the project's.
  if (!existsSync(manifest)) writeFileSync(manifest, `${JSON.stringify({ name: 'code-server-host', private: true }, null, 2)}\n`);
  const env = {
    ...process.env,
    // code-server's postinstall exits asking for --unsafe-perm when run as root.
    npm_config_unsafe_perm: 'true',
    // node-pty's build calls `npx node-gyp`, which otherwise waits at a prompt.
    npm_config_yes: 'true',
    // npm 11 skips dependencies' install scripts unless allowed; code-server's must run.
    npm_config_dangerously_allow_all_scripts: 'true',
  };
  // Inside `npm run`, these point at the project and would redirect the nested install.
  for (const key of Object.keys(env)) {
    if (/^npm_(config_(local_)?prefix|package_|lifecycle_)/i.test(key)) delete env[key];
  }
  const args = ['install', '--no-audit', '--no-fund', '--prefix', hostDir, `code-server@${CODE_SERVER_VERSION}`];
  log(`running: npm ${args.join(' ')} (in ${hostDir}; takes a minute or two)`);
  const child = spawn('npm', args, { cwd: hostDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  forwardLines(child.stdout, process.stdout);
  forwardLines(child.stderr, process.stderr);
  const [code, signal] = await once(child, 'close');
  if (code !== 0) fail(`npm install of code-server failed (exit ${code ?? signal}) after ${seconds()}.`);
}

// npm 11 no longer knows the unsafe-perm setting, but code-server's postinstall refuses to run as
// root without it (and passes it on to the npm it runs), so npm warns about it on every install.
const UNSAFE_PERM_WARNING = /^npm warn Unknown (env|cli) config "unsafe-perm"/;

/** Copies the install's output line by line, leaving out the one warning that is expected. */
function forwardLines(from, to) {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => {
    if (!UNSAFE_PERM_WARNING.test(line)) to.write(`${line}\n`);
  });
}

async function main() {
  const current = installedVersion();
  if (current === CODE_SERVER_VERSION) {
    log(`code-server ${CODE_SERVER_VERSION} already installed in ${hostDir} (checked in ${seconds()})`);
    return;
  }
  log(current ? `found code-server ${current}; installing ${CODE_SERVER_VERSION}` : `installing code-server ${CODE_SERVER_VERSION} into ${hostDir}`);
  checkNode();
  ensureDebianPackages();
  seedRipgrepCache();
  await installCodeServer();
  const after = installedVersion();
  if (after !== CODE_SERVER_VERSION) fail(`after install, code-server --version reports ${after ?? 'nothing'}, expected ${CODE_SERVER_VERSION}.`);
  log(`code-server ${CODE_SERVER_VERSION} installed in ${seconds()}`);
}

// Run as a script (npm run host:install); imported by the unit tests for parseCodeServerVersion only.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

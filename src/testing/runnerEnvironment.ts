// What this machine, rather than the commit, could bring into a run. The commit and the runner
// as installed are what the verdict speaks for; node also loads code named by its environment
// (NODE_OPTIONS="--require /tmp/hotfix.js" patches the code under test from outside the
// repository), and mocha and jest read a configuration file from folders above the working
// directory, outside the repository, when the project has none of its own. So the runner gets
// only the node options known to load no code, and a run whose runner would read a
// configuration from outside the repository is refused.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { relativeInside } from '../git/repoPath';
import type { RunnerKind } from './runnerCommand';

/**
 * Node options that load, inspect or select no code, and whether each takes a value. Anything
 * else in NODE_OPTIONS (--require, --import, --loader, --inspect, --conditions, a policy, an
 * OpenSSL config that can load an engine, test-runner options…) is withheld from the runner.
 */
const HARMLESS_NODE_OPTIONS: ReadonlyMap<string, boolean> = new Map([
  ...[
    'abort-on-uncaught-exception',
    'cpu-prof',
    'disallow-code-generation-from-strings',
    'enable-network-family-autoselection',
    'enable-source-maps',
    'experimental-abortcontroller',
    'experimental-fetch',
    'experimental-global-customevent',
    'experimental-global-webcrypto',
    'experimental-detect-module',
    'experimental-json-modules',
    'experimental-require-module',
    'experimental-vm-modules',
    'experimental-wasm-modules',
    'experimental-websocket',
    'expose-gc',
    'force-context-aware',
    'heap-prof',
    'huge-max-old-generation-size',
    'insecure-http-parser',
    'interpreted-frames-native-stack',
    'jitless',
    'no-deprecation',
    'no-experimental-detect-module',
    'no-experimental-require-module',
    'no-experimental-fetch',
    'no-experimental-global-customevent',
    'no-experimental-global-navigator',
    'no-experimental-global-webcrypto',
    'no-force-async-hooks-checks',
    'no-network-family-autoselection',
    'no-warnings',
    'openssl-legacy-provider',
    'pending-deprecation',
    'report-compact',
    'report-on-fatalerror',
    'report-on-signal',
    'report-uncaught-exception',
    'throw-deprecation',
    'tls-max-v1.2',
    'tls-max-v1.3',
    'tls-min-v1.0',
    'tls-min-v1.1',
    'tls-min-v1.2',
    'tls-min-v1.3',
    'trace-deprecation',
    'trace-exit',
    'trace-sigint',
    'trace-uncaught',
    'trace-warnings',
    'use-bundled-ca',
    'use-openssl-ca',
    'zero-fill-buffers',
  ].map((name) => [name, false] as const),
  ...[
    'cpu-prof-dir',
    'cpu-prof-interval',
    'cpu-prof-name',
    'diagnostic-dir',
    'disable-warning',
    'dns-result-order',
    'heapsnapshot-near-heap-limit',
    'heap-prof-dir',
    'heap-prof-interval',
    'heap-prof-name',
    'heapsnapshot-signal',
    'max-http-header-size',
    'max-old-space-size',
    'max-semi-space-size',
    'network-family-autoselection-attempt-timeout',
    'report-dir',
    'report-directory',
    'report-filename',
    'report-signal',
    'secure-heap',
    'secure-heap-min',
    'stack-size',
    'stack-trace-limit',
    'title',
    'tls-cipher-list',
    'unhandled-rejections',
    'use-largepages',
    'v8-pool-size',
  ].map((name) => [name, true] as const),
]);

/** Environment variables that change which files node loads: withheld from the runner. */
const WITHHELD_VARIABLES = ['NODE_PATH', 'NODE_PRESERVE_SYMLINKS'];

/** NODE_OPTIONS split as node splits it: at spaces, a double-quoted part kept whole (backslash escapes inside). */
export function splitNodeOptions(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let started = false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += value[++i];
    } else if (c === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(c)) {
      if (started) out.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) out.push(current);
  return out;
}

function joinNodeOptions(parts: readonly string[]): string {
  return parts.map((p) => (/[\s"\\]/.test(p) || p === '' ? `"${p.replace(/[\\"]/g, (m) => `\\${m}`)}"` : p)).join(' ');
}

/** The options node would take from a NODE_OPTIONS value, split into those kept and those withheld (each with its value). */
export function harmlessNodeOptions(value: string): { kept: string[]; withheld: string[] } {
  const parts = splitNodeOptions(value);
  const kept: string[] = [];
  const withheld: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const match = /^--([^=]+)(=.*)?$/s.exec(part);
    // V8's options may be written with underscores.
    const name = match ? match[1]!.replace(/_/g, '-') : undefined;
    const takesValue = name === undefined ? undefined : HARMLESS_NODE_OPTIONS.get(name);
    // A separate value belongs to the option before it, kept or withheld with it.
    const separateValue = match && match[2] === undefined && i + 1 < parts.length && !parts[i + 1]!.startsWith('-');
    if (takesValue === undefined) {
      withheld.push(separateValue ? `${part} ${parts[++i]}` : part);
    } else if (takesValue && match![2] === undefined) {
      if (separateValue) kept.push(part, parts[++i]!);
      else withheld.push(part);
    } else {
      kept.push(part);
    }
  }
  return { kept, withheld };
}

/**
 * The runner's environment: this one, with NODE_OPTIONS (and npm's node-options, which npx turns
 * into it) reduced to the harmless options, and the variables that change which files node loads
 * left out. `withheld` says what was left out, for the run's output.
 */
export function runnerEnvironment(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; withheld: string[] } {
  const out: NodeJS.ProcessEnv = {};
  const withheld: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    if (upper === 'NODE_OPTIONS' || upper === 'NPM_CONFIG_NODE_OPTIONS') {
      const options = harmlessNodeOptions(value);
      if (options.withheld.length > 0) withheld.push(`${key}'s ${options.withheld.join(' ')}`);
      if (options.kept.length > 0) out[key] = joinNodeOptions(options.kept);
    } else if (WITHHELD_VARIABLES.includes(upper)) {
      withheld.push(key);
    } else {
      out[key] = value;
    }
  }
  return { env: out, withheld };
}

/** The line a run's output opens with when the environment had something withheld. */
export function withheldNotice(withheld: readonly string[]): string {
  return `incident-room: not passed to the runner, since it could load code from outside the commit: ${withheld.join('; ')}. Put what the tests need in the project's committed configuration.\n`;
}

// Where each runner looks for its configuration when the command names none: mocha for the
// first folder, from the working directory up, with one of its rc files, and separately for the
// nearest package.json (whose "mocha" key it reads); jest for the first folder with a
// jest.config file or any package.json (whose "jest" key it reads).
const MOCHA_RC = ['.mocharc.cjs', '.mocharc.js', '.mocharc.yaml', '.mocharc.yml', '.mocharc.jsonc', '.mocharc.json'];
const JEST_CONFIG = ['jest.config.js', 'jest.config.ts', 'jest.config.mjs', 'jest.config.cjs', 'jest.config.cts', 'jest.config.json'];

function hasKey(packageJson: string, key: string): boolean {
  try {
    const value = JSON.parse(readFileSync(packageJson, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null && key in value;
  } catch {
    return false;
  }
}

/** The first of these names found in `start` or the nearest folder above it that has one: undefined when none. */
export function findUp(start: string, names: readonly string[]): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Why the runner would read a configuration from outside the repository (a `.mocharc.yml` in a
 * folder above it can `require` a file that patches the code under test), or null when it would
 * not. Node's own runner reads no configuration file.
 */
export function outsideConfigProblem(kind: RunnerKind, cwd: string, repoDir: string): string | null {
  // The runner sees the working directory as the system gives it, links followed.
  const start = realpathSync(cwd);
  const top = realpathSync(repoDir);
  const outside = (file: string) => relativeInside(top, file) === null;
  const found: string[] = [];
  if (kind === 'mocha') {
    const rc = findUp(start, MOCHA_RC);
    if (rc && outside(rc)) found.push(rc);
    const pkg = findUp(start, ['package.json']);
    if (pkg && outside(pkg) && hasKey(pkg, 'mocha')) found.push(`${pkg} ("mocha")`);
  } else if (kind === 'jest') {
    const config = findUp(start, [...JEST_CONFIG, 'package.json']);
    if (config && outside(config) && (!config.endsWith('package.json') || hasKey(config, 'jest'))) found.push(config.endsWith('package.json') ? `${config} ("jest")` : config);
  }
  if (found.length === 0) return null;
  return `${kind} would read its configuration from ${found.join(' and ')}, outside the repository (${top}), which no commit carries and which can load code of its own: commit the configuration the tests need to the repository, or remove that file`;
}

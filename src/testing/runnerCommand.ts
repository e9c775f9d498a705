// The command contract: a test command is a runner's plain command (["npx","mocha","test/"],
// ["npx","jest"], ["node","--test"]). Incident Room recognises the runner and adds its own
// reporter; a command that is not one of these runners, names a reporter or report file itself,
// or runs in a mode that executes no test (dry run, list only) or never ends (watch) is refused.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, join, parse, posix, resolve, sep } from 'node:path';
import { findUp } from './runnerEnvironment';

export type RunnerKind = 'mocha' | 'node-test' | 'jest';

export const RUNNER_NAMES: Readonly<Record<RunnerKind, string>> = { mocha: 'mocha', 'node-test': 'node --test', jest: 'jest' };

export class CommandRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandRefused';
  }
}

const EXAMPLES = '["npx","mocha","test/"], ["npx","jest"] or ["node","--test"]';

/** Options Incident Room sets itself, and modes in which no test runs, per runner. */
const REFUSED: Readonly<Record<RunnerKind, readonly { flags: string[]; why: string }[]>> = {
  mocha: [
    { flags: ['--reporter', '-R', '--reporter-option', '--reporter-options', '-O'], why: 'names a reporter or report file itself; Incident Room adds its own reporter' },
    { flags: ['--dry-run'], why: 'runs no test (every test would be reported as passed)' },
    { flags: ['--list-reporters', '--list-interfaces'], why: 'lists instead of running the tests' },
    { flags: ['--watch', '-w'], why: 'never ends' },
  ],
  'node-test': [
    { flags: ['--test-reporter', '--test-reporter-destination'], why: 'names a reporter or report file itself; Incident Room adds its own reporter' },
    { flags: ['--watch', '--watch-path'], why: 'never ends' },
  ],
  jest: [
    { flags: ['--reporters', '--json', '--outputFile', '--testResultsProcessor'], why: 'names a reporter or report file itself; Incident Room adds its own reporter' },
    {
      flags: ['--cacheDirectory'],
      why: "names jest's cache, which Incident Room chooses itself: a cache shared with other runs can hold transformed code that is not the commit's",
    },
    { flags: ['--listTests', '--showConfig'], why: 'lists instead of running the tests' },
    { flags: ['--watch', '--watchAll'], why: 'never ends' },
  ],
};

const isNode = (program: string) => /^node(\.exe)?$/i.test(basename(program)) || program === process.execPath;

/** A runner's program or script as installed: its bin link, or the bin in its package (under any name an npm alias gives it). */
const INSTALLED_RUNNER = /(^|\/)node_modules\/(\.bin|(@[^/]+\/)?[^/]+\/bin)\/(_?mocha|jest)(\.c?js|\.cmd|\.ps1)?$/i;

/**
 * Which runner a program (run by name through PATH or npx) or a script (run by node) is.
 * `bare`: a bare name is the runner only as a program; node runs a bare script from the working
 * directory. Given by path, it must be the runner's file in an installed package (node_modules),
 * not a file of the project that is named like it and could write any report.
 */
function scriptKind(script: string, bare: boolean): RunnerKind | null {
  // Normalised, so that node_modules/../bin/jest is seen as the project's bin/jest it is.
  const norm = posix.normalize(script.replace(/\\/g, '/'));
  const name = basename(norm).replace(/\.(c?js|cmd|ps1)$/i, '');
  const kind: RunnerKind | null = name === 'mocha' || name === '_mocha' ? 'mocha' : name === 'jest' ? 'jest' : null;
  if (!kind) return null;
  if (bare && !/[\\/]/.test(script)) return kind;
  if (!INSTALLED_RUNNER.test(norm)) {
    throw new CommandRefused(
      `${JSON.stringify(script)} is not ${kind} as installed: give it by name (through npx or PATH) or as its file in node_modules (e.g. node_modules/.bin/${kind}); a file of the project named like a runner could write any report`,
    );
  }
  return kind;
}

/**
 * Where a command's parts are: whether it goes through npx (and past which of npx's own options),
 * the program, and, when the program is node, the first argument after node's own options.
 */
export function commandParts(command: readonly string[]): { viaNpx: boolean; program: number; script: number } {
  let program = 0;
  const viaNpx = basename(command[0] ?? '').replace(/\.cmd$/i, '') === 'npx';
  if (viaNpx) {
    program = 1;
    while (command[program] === '--no-install' || command[program] === '--yes' || command[program] === '-y') program++;
  }
  let script = program + 1;
  while (script < command.length && command[script]!.startsWith('-')) script++;
  return { viaNpx, program, script };
}

/** Which runner a plain command starts; throws CommandRefused for anything else. */
export function recogniseRunner(command: readonly string[]): RunnerKind {
  if (command.length === 0 || command.some((a) => typeof a !== 'string')) throw new CommandRefused('the test command is empty');
  const shown = JSON.stringify(command);
  if (command.some((a) => a.includes('{report}'))) {
    throw new CommandRefused(`${shown} names a report file ({report}); give the runner's plain command, e.g. ${EXAMPLES}: Incident Room adds its own reporter`);
  }
  const { program: i, script: j } = commandParts(command);
  const program = command[i] ?? '';
  let kind: RunnerKind | null = null;
  let args: readonly string[] = [];
  if (isNode(program)) {
    // node's own options come before the script; --test among them makes it node's runner.
    if (command.slice(i + 1, j).includes('--test')) {
      kind = 'node-test';
      args = command.slice(i + 1);
    } else if (j < command.length) {
      kind = scriptKind(command[j]!, false);
      args = command.slice(j + 1);
    }
  } else {
    kind = scriptKind(program, true);
    args = command.slice(i + 1);
  }
  if (!kind) {
    throw new CommandRefused(`${shown} is not a test runner Incident Room knows: give mocha's, jest's or node --test's plain command, e.g. ${EXAMPLES}`);
  }
  for (const rule of REFUSED[kind]) {
    const hit = args.find((a) => rule.flags.some((f) => optionName(a) === optionName(f)));
    if (hit) throw new CommandRefused(`${shown}: ${hit.split('=')[0]} ${rule.why}; give ${RUNNER_NAMES[kind]}'s plain command`);
  }
  return kind;
}

/**
 * A long option's name as the runners read it: jest and mocha take `--list-tests` for
 * `--listTests` (yargs), and node takes `--test_reporter` for `--test-reporter`; a short option
 * (`-R`, `-r`) is itself.
 */
function optionName(arg: string): string {
  const name = arg.split('=')[0]!;
  return name.startsWith('--') ? `--${name.slice(2).replace(/[-_]/g, '').toLowerCase()}` : name;
}

/** The packages whose bin each runner is; an npm alias installs them under other folder names, never under other package names. */
const RUNNER_PACKAGES: Readonly<Record<Exclude<RunnerKind, 'node-test'>, readonly string[]>> = { mocha: ['mocha'], jest: ['jest', 'jest-cli'] };

/** Where npx finds a project's bin: node_modules/.bin of the folder or the nearest folder above it that has one. */
function npxBin(cwd: string, name: string): string | undefined {
  return findUp(resolve(cwd), [join('node_modules', '.bin', name)]);
}

/** Where a bare program name is found on PATH. */
function pathBin(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Why the runner a command starts is not the runner's own installed package, or null when it is
 * (or cannot be told: node's own runner, a runner npx would fetch, a Windows shim). The file the
 * command starts (the bin npx or PATH finds, or the script node is given) must, with every link
 * followed, lie in a package directly under a node_modules folder whose package.json names the
 * runner's package. A dependency the fix branch points elsewhere installs another program under
 * the runner's name: "mocha": "file:./tools/mocha" links node_modules/mocha to a folder of the
 * project, and an npm alias ("mocha": "npm:other@1") installs another package there; either
 * could write any report.
 */
export function installedRunnerProblem(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const kind = recogniseRunner(command);
  if (kind === 'node-test') return null;
  const { viaNpx, program: i, script: j } = commandParts(command);
  const program = command[i]!;
  let file: string | undefined;
  if (isNode(program)) {
    file = resolve(cwd, command[j]!);
  } else if (/[\\/]/.test(program)) {
    file = resolve(cwd, program);
  } else {
    file = viaNpx ? npxBin(cwd, program) : pathBin(program, env);
  }
  if (!file || /\.(cmd|ps1)$/i.test(file)) return null;
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return null; // Not there: the run fails to start, and says so.
  }
  // The package holding the file: the nearest folder above it with a package.json.
  const packageJson = findUp(dirname(real), ['package.json']);
  const pkgDir = packageJson ? dirname(packageJson) : parse(real).root;
  const parent = basename(dirname(pkgDir)).startsWith('@') ? dirname(dirname(pkgDir)) : dirname(pkgDir);
  const shown = `${RUNNER_NAMES[kind]} (${file === real ? real : `${file}, which is ${real}`})`;
  if (basename(parent) !== 'node_modules') {
    return `${shown} is not an installed package: its folder ${pkgDir} is not in node_modules (a dependency such as "file:…" links it there from elsewhere); install ${RUNNER_PACKAGES[kind].join(' or ')} from the registry`;
  }
  let name: unknown;
  try {
    name = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name?: unknown }).name;
  } catch {
    name = undefined;
  }
  if (typeof name !== 'string' || !RUNNER_PACKAGES[kind].includes(name)) {
    return `${shown} comes from the package ${JSON.stringify(name ?? null)} at ${pkgDir.split(sep).slice(-2).join('/')}, not ${RUNNER_PACKAGES[kind].map((n) => JSON.stringify(n)).join(' or ')} (an npm alias installs another package under its name); install ${RUNNER_PACKAGES[kind].join(' or ')} itself`;
  }
  return null;
}

/** The file of the reporter Incident Room ships for a runner, beside the running bundle. */
export function reporterFile(kind: RunnerKind, reportersDir: string = join(__dirname, 'reporters')): string {
  return join(reportersDir, { mocha: 'mocha.js', 'node-test': 'nodeTest.js', jest: 'jest.js' }[kind]);
}

/**
 * The argument vector that runs: the plain command with Incident Room's reporter (and any
 * extra options of its own) added where the runner reads them: node takes its options before
 * the files, right after --test.
 */
export function commandWithReporter(command: readonly string[], kind: RunnerKind, reporter: string, reportPath: string, extra: readonly string[] = []): string[] {
  switch (kind) {
    case 'mocha':
      return [...command, ...extra, '--reporter', reporter];
    case 'jest':
      // The default reporter for people; ours for the gate.
      return [...command, ...extra, '--reporters=default', `--reporters=${reporter}`];
    case 'node-test': {
      const at = command.indexOf('--test') + 1;
      const added = [...extra, '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${reporter}`, `--test-reporter-destination=${reportPath}`];
      return [...command.slice(0, at), ...added, ...command.slice(at)];
    }
  }
}

/**
 * Options that keep a runner's caches to Incident Room's own folder: jest's transform cache
 * (by default in the system's temporary folder, which anyone on the machine can write) holds
 * transformed code keyed by each file's content, so an entry written for the committed file can
 * run the fix in its place.
 */
export function privateCacheOptions(kind: RunnerKind, cacheDir: string): string[] {
  return kind === 'jest' ? [`--cacheDirectory=${join(cacheDir, 'jest')}`] : [];
}

/**
 * Options that make a runner report its tests without running them, for picking a test to
 * link: mocha's dry run (mocha ≥ 9), and a name pattern nothing matches for node and jest, which
 * then report every test as skipped with its file and title path.
 */
export function listingFlags(kind: RunnerKind): string[] {
  switch (kind) {
    case 'mocha':
      return ['--dry-run'];
    case 'node-test':
      return ['--test-name-pattern=(?!)'];
    case 'jest':
      return ['--testNamePattern=(?!)'];
  }
}

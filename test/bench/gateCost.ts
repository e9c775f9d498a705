// What the close gate costs on top of the tests, per runner, side by side in one run:
// - the raw runner command against `incident-room gate <id> --run` with the same command (which
//   adds Incident Room's reporter, reads git before and after, signs and stores the evidence and
//   writes the record), whole process to whole process, interleaved so drift hits both alike;
// - the editor's run path (what a Test Explorer run does once the command is chosen: the run with
//   git before and after, the record update, the verdict), in this process as in the extension
//   host, which is already running: measured outside VS Code, against the same raw command;
// - a plain `gate` (no run) on a record with 50 runs, beside node starting alone and the CLI
//   bundle's own start-up (`--help`), which is not the gate's work.
// Wall time is the goal's measure; CPU time (user + system of the whole process tree, from
// /proc where there is one) is printed beside it, steadier on a busy machine. Numbers only, no
// asserts: machines differ.
// When NODE_EXTRA_CA_CERTS is set, Node 20 reads that certificate bundle at every start, which
// every node process the gate or the runner starts pays; each figure is then measured a second
// time with the variable unset for the bench's child processes (and the editor run's runner), so
// the gate's own cost and the environment's can be told apart.
// Run after `npm run build && npm run build:tests` as `node out/test/bench/gateCost.js [runs]`.
// GATE_BENCH_SUITES=mocha,jest picks runners; GATE_BENCH_ONLY_PLAIN=1 measures only the plain gate.
// The command line is this tree's production build (minified, as `npm run package` ships it).
// GATE_BENCH_BASELINE_CLI=<another build's cli.js> adds that build's gate, interleaved with this
// one's, to compare a change before and after in one run (build it with --production too).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { stringify } from 'yaml';
import { codeState } from '../../src/git/codeState';
import { currentBranchOf } from '../../src/git/fixBranch';
import { LEVEL_TABLE } from '../../src/model/levels';
import type { Incident } from '../../src/model/record';
import { IncidentStore } from '../../src/store/incidentStore';
import { RecordValueCache, recordValueCacheDir } from '../../src/store/recordValueCache';
import { EvidenceStore, recordRun } from '../../src/testing/evidence';
import { evaluateGate, gateBranchStatus } from '../../src/testing/gate';
import { runIncidentTests } from '../../src/testing/incidentRun';
import { baseBranchCommand } from '../../src/testing/testCommandSource';

const RUNS = Math.max(3, Number(process.argv[2]) || 5);
const root = process.cwd();
/** The command line as `npm run package` ships it (minified), built into a temp folder by main(). */
const CLI_DIR = join(tmpdir(), `incident-room-gate-bench-cli-${process.pid}`);
const CLI = join(CLI_DIR, 'cli.js');
const BASELINE_CLI = process.env.GATE_BENCH_BASELINE_CLI;
const MOCHA_BIN = require.resolve('mocha/bin/mocha.js', { paths: [root] });
const JEST_BIN = require.resolve('jest/bin/jest', { paths: [root] });
const FILES = 10;
const TESTS = 20;

interface Suite {
  name: string;
  command: string[];
  file(f: number): string;
}

const body = (it: string) => Array.from({ length: TESTS }, (_, i) => `  ${it}('case ${i}', () => { if (${i} * 2 !== ${i * 2}) throw new Error('x'); });`).join('\n');
const SUITES: Suite[] = [
  { name: 'mocha', command: [process.execPath, MOCHA_BIN, 'test/'], file: (f) => `describe('suite ${f}', () => {\n${body('it')}\n});\n` },
  { name: 'node --test', command: [process.execPath, '--test', 'test/'], file: (f) => `const { describe, it } = require('node:test');\ndescribe('suite ${f}', () => {\n${body('it')}\n});\n` },
  { name: 'jest', command: [process.execPath, JEST_BIN, '--ci', '--watchman=false'], file: (f) => `describe('suite ${f}', () => {\n${body('test')}\n});\n` },
];

function incident(): Incident {
  const done = { done_at: '2025-01-01T09:00:00Z', done_by: 'ana' };
  return {
    schema: 'incident-room/v1',
    id: '2025-01-01-bench',
    title: 'Bench',
    severity: 2,
    status: 'active',
    declared_at: '2025-01-01T08:00:00Z',
    impact: 'none',
    people: [{ id: 'ana', name: 'Ana', timezone: 'UTC' }, { id: 'bruno', name: 'Bruno', timezone: 'UTC' }],
    roles: { incident_manager: 'ana', workers: [{ person: 'bruno', since: '2025-01-01T08:00:00Z', released_at: null }] },
    checklists: {
      start: LEVEL_TABLE[2].start.map((s) => ({ id: s.id, text: s.text, ...done })),
      end: LEVEL_TABLE[2].end.map((s) => ({ id: s.id, text: s.text, ...(s.beforeClose ? done : { done_at: null, done_by: null }) })),
    },
    fix: { branch: 'fix/bench', base: 'main' },
    test_plan: {
      items: [
        {
          id: 'one',
          title: 'One',
          mutates_customer_data: false,
          automated: [{ file: 'test/file0.test.js', title: ['suite 0', 'case 0'] }],
          results: [
            { env: 'staging', outcome: 'pass', by: 'bruno', at: '2025-01-01T10:00:00Z' },
            { env: 'production', outcome: 'pass', by: 'bruno', at: '2025-01-01T11:00:00Z' },
          ],
        },
      ],
      signoffs: [
        { person: 'ana', role: 'incident_manager', at: '2025-01-01T12:00:00Z' },
        { person: 'bruno', role: 'worker', at: '2025-01-01T12:01:00Z' },
      ],
    },
    timeline: [],
  };
}

async function project(suite: Suite): Promise<string> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'ir-bench-')));
  mkdirSync(join(dir, 'test'));
  mkdirSync(join(dir, '.incidents'));
  for (let f = 0; f < FILES; f++) writeFileSync(join(dir, 'test', `file${f}.test.js`), suite.file(f));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench', private: true, 'incident-room': { testCommand: suite.command } }));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
  writeFileSync(join(dir, '.incidents', 'bench.yaml'), stringify(incident()));
  writeFileSync(join(dir, 'INCIDENT-LOG.md'), '# Incident log\n');
  const g = simpleGit(dir);
  await g.init(['-b', 'main']);
  await g.addConfig('user.name', 'Bench');
  await g.addConfig('user.email', 'bench@example.com');
  await g.addConfig('commit.gpgsign', 'false');
  await g.add('.');
  await g.commit('bench');
  await g.checkoutLocalBranch('fix/bench');
  return dir;
}

/** CPU time (ms) of this process's waited-for children so far, from /proc; undefined elsewhere. */
function childrenCpuMs(): number | undefined {
  try {
    // Fields after the command's closing parenthesis: cutime and cstime are the 14th and 15th, in clock ticks (100 a second on Linux).
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

interface Timing {
  wallMs: number;
  cpuMs?: number;
}

/** The environments measured: the machine's own, and (when it sets one) without the extra CA bundle. */
const CA_VARIABLE = 'NODE_EXTRA_CA_CERTS';
interface BenchEnv {
  name: string;
  env: NodeJS.ProcessEnv;
}
/** Made once main() has set the bench's private state home, which both share. */
function benchEnvs(): BenchEnv[] {
  const unset = { ...process.env };
  delete unset[CA_VARIABLE];
  return [
    { name: process.env[CA_VARIABLE] ? `this machine (${CA_VARIABLE} set)` : 'this machine', env: process.env },
    ...(process.env[CA_VARIABLE] ? [{ name: `${CA_VARIABLE} unset`, env: unset }] : []),
  ];
}

function timed(cwd: string, argv: string[], ok: (code: number | null) => boolean, env: NodeJS.ProcessEnv = process.env): Promise<Timing> {
  const cpu = childrenCpuMs();
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: 'ignore', env });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      const after = childrenCpuMs();
      if (!ok(code)) reject(new Error(`${argv.join(' ')}: exit ${code}`));
      else resolve(cpu !== undefined && after !== undefined ? { wallMs, cpuMs: after - cpu } : { wallMs });
    });
  });
}

/**
 * The editor's run path, in this process: the command from the base branch and the checked-out
 * branch (as IncidentTesting.run reads them), the run with git before and after and the signed
 * evidence, the audit entry written into the record, and the verdict the tree and the
 * notification show. CPU time is this process's plus its children's.
 */
async function editorRun(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Timing> {
  const cpu = childrenCpuMs();
  const own = process.cpuUsage();
  const start = process.hrtime.bigint();
  // As the extension's store: its writes keep the record's value for the command line's next read.
  const store = new IncidentStore(join(dir, '.incidents'), { valueCache: new RecordValueCache(recordValueCacheDir()) });
  await store.loadAll();
  const loaded = store.get('2025-01-01-bench');
  if (loaded?.kind !== 'ok') throw new Error('no bench record');
  const ignorePaths = ['.incidents/', 'INCIDENT-LOG.md'];
  const [command] = await Promise.all([baseBranchCommand(dir, 'main'), currentBranchOf(dir)]);
  if (!command) throw new Error('no committed command');
  // The runner's environment: the variables this bench's environment leaves out are unset for it.
  const unset = Object.fromEntries(Object.keys(process.env).filter((k) => !(k in env)).map((k) => [k, undefined]));
  const result = await runIncidentTests({ incident: loaded.incident, repoDir: dir, cwd: dir, test: command, timeoutMs: 600_000, ctx: { actor: 'bench', now: new Date() }, ignorePaths, env: unset, onOutput: () => undefined });
  const incident = await store.update(loaded.file, () => result.edits);
  const evidence = await new EvidenceStore(dir).latest(incident.id);
  const branchStatus = gateBranchStatus(incident, dir, ignorePaths);
  const verdict = await evaluateGate({ incident, repoDir: dir, evidence, now: new Date(), ignorePaths, command, ...(branchStatus ? { branchStatus } : {}) });
  if (!verdict.mayClose) throw new Error(`the bench incident may not close: ${JSON.stringify(verdict.conditions.filter((c) => !c.met))}`);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const after = childrenCpuMs();
  const used = process.cpuUsage(own);
  return cpu !== undefined && after !== undefined ? { wallMs, cpuMs: after - cpu + (used.user + used.system) / 1000 } : { wallMs };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Fills the evidence and the record with 50 signed runs, as 50 real `gate --run`s would. */
async function fiftyRuns(dir: string): Promise<void> {
  const store = new IncidentStore(join(dir, '.incidents'));
  await store.loadAll();
  const loaded = store.get('2025-01-01-bench');
  if (loaded?.kind !== 'ok') throw new Error('no bench record');
  const state = await codeState(dir, ['.incidents/', 'INCIDENT-LOG.md']);
  let record = loaded.incident;
  const tests = Array.from({ length: FILES * TESTS }, (_, i) => ({
    ref: { file: `test/file${Math.floor(i / TESTS)}.test.js`, title: [`suite ${Math.floor(i / TESTS)}`, `case ${i % TESTS}`] },
    outcome: 'passed' as const,
    durationMs: 1,
  }));
  for (let i = 0; i < 50; i++) {
    const at = new Date(Date.now() - (50 - i) * 60_000);
    const recorded = await recordRun({
      repoDir: dir,
      cwd: dir,
      incident: record,
      outcome: { command: SUITES[0]!.command, runner: 'mocha', exitCode: 0, signal: null, endedBy: 'exit', startedAt: at, endedAt: at, report: { format: 'incident-room-report/1', tests, sha256: '0'.repeat(64) } },
      commandSource: 'bench',
      before: state,
      after: state,
      exclusions: { paths: ['.incidents/', 'INCIDENT-LOG.md'], refused: [] },
      ctx: { actor: 'bench', now: at },
    });
    record = await store.update(loaded.file, () => recorded.edits);
  }
}

/** Whether two builds validate records by the same schema (shipped beside each command line). */
function sameSchema(cli: string, other: string): boolean {
  const schema = (c: string) => readFileSync(join(c, '..', 'incident-room-v1.schema.json'), 'utf8');
  try {
    return schema(cli) === schema(other);
  } catch {
    return false;
  }
}

const wall = (xs: Timing[]) => xs.map((x) => x.wallMs);
const cpuOf = (xs: Timing[]) => (xs.every((x) => x.cpuMs !== undefined) ? median(xs.map((x) => x.cpuMs!)) : undefined);
const cell = (xs: Timing[]) => ` ${median(wall(xs)).toFixed(0)} (${Math.min(...wall(xs)).toFixed(0)}-${Math.max(...wall(xs)).toFixed(0)})`;
const cpuCell = (xs: Timing[]) => (cpuOf(xs) === undefined ? ' n/a' : ` ${cpuOf(xs)!.toFixed(0)}`);

async function main(): Promise<void> {
  execFileSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', CLI_DIR], { cwd: root, stdio: 'ignore' });
  process.env.XDG_STATE_HOME = mkdtempSync(join(tmpdir(), 'ir-bench-state-'));
  if (process.env.GATE_BENCH_KEEP) console.log(`state: ${process.env.XDG_STATE_HOME}`);
  console.log(`gate cost: ${FILES} files x ${TESTS} tests per runner, ${RUNS} runs each, interleaved; wall ms median (min-max), CPU ms median; node ${process.version}`);
  if (BASELINE_CLI && !sameSchema(CLI, BASELINE_CLI)) {
    console.log(
      "note: the baseline's record schema differs from this build's; the value cache keeps one value per record's bytes, made by one build's rules, so each build's entry is the other's miss and both re-read the record on every run: both figures are high. Read this build's own figures from a run without a baseline.",
    );
  }
  console.log(
    `${'runner'.padEnd(12)}${'raw command'.padStart(18)}${'cpu'.padStart(6)}${'gate --run'.padStart(18)}${'cpu'.padStart(6)}${'ratio'.padStart(7)}${'goal ≤1.10x+150'.padStart(17)}${'editor run'.padStart(18)}${'cpu'.padStart(6)}${'ratio'.padStart(7)}${'goal ≤1.10x+300'.padStart(17)}`,
  );
  const ENVS = benchEnvs();
  const dirs: string[] = [];
  const only = process.env.GATE_BENCH_SUITES?.split(',').map((n) => n.trim());
  const commit = (dir: string, message: string) => simpleGit(dir).add('.incidents').then(() => simpleGit(dir).commit(message));
  try {
    for (const suite of process.env.GATE_BENCH_ONLY_PLAIN ? [] : SUITES.filter((s) => !only || only.includes(s.name))) {
      const dir = await project(suite);
      dirs.push(dir);
      const gate = [process.execPath, CLI, 'gate', '2025-01-01-bench', '--run'];
      await timed(dir, suite.command, (c) => c === 0); // warm the file cache for both
      await editorRun(dir); // and this process's modules, as in a running extension host
      await commit(dir, 'warm-up');
      const raw = ENVS.map((): Timing[] => []);
      const via = ENVS.map((): Timing[] => []);
      const editor = ENVS.map((): Timing[] => []);
      const baseline = ENVS.map((): Timing[] => []);
      for (let i = 0; i < RUNS; i++) {
        for (const [e, { env }] of ENVS.entries()) {
          raw[e]!.push(await timed(dir, suite.command, (c) => c === 0, env));
          via[e]!.push(await timed(dir, gate, (c) => c === 0, env));
          if (BASELINE_CLI) {
            await commit(dir, 'run');
            baseline[e]!.push(await timed(dir, [process.execPath, BASELINE_CLI, ...gate.slice(2)], (c) => c === 0, env));
            await commit(dir, 'run');
          }
          editor[e]!.push(await editorRun(dir, env));
          // Each run edits the record; commit it, as a team would, so the next starts from the same state.
          await commit(dir, 'run');
        }
      }
      for (const [e, { name }] of ENVS.entries()) {
        const r = median(wall(raw[e]!));
        const v = median(wall(via[e]!));
        const x = median(wall(editor[e]!));
        const goal = (extra: number, y: number) => (y <= 1.1 * r + extra ? ' met' : ` missed (${(1.1 * r + extra).toFixed(0)})`);
        console.log(
          `${(e === 0 ? suite.name : '').padEnd(12)}${cell(raw[e]!).padStart(18)}${cpuCell(raw[e]!).padStart(6)}${cell(via[e]!).padStart(18)}${cpuCell(via[e]!).padStart(6)}${`${(v / r).toFixed(2)}x`.padStart(7)}${goal(150, v).padStart(17)}` +
            `${cell(editor[e]!).padStart(18)}${cpuCell(editor[e]!).padStart(6)}${`${(x / r).toFixed(2)}x`.padStart(7)}${goal(300, x).padStart(17)}  ${name}`,
        );
        if (BASELINE_CLI) {
          const b = median(wall(baseline[e]!));
          console.log(`${'  baseline'.padEnd(12)}${''.padStart(24)}${cell(baseline[e]!).padStart(18)}${cpuCell(baseline[e]!).padStart(6)}${`${(b / r).toFixed(2)}x`.padStart(7)}${goal(150, b).padStart(17)}  ${name}`);
        }
      }
    }
    const dir = await project(SUITES[0]!);
    dirs.push(dir);
    await fiftyRuns(dir);
    await commit(dir, 'fifty runs');
    for (const { name, env } of ENVS) {
      const plain: Timing[] = [];
      const node: Timing[] = [];
      const help: Timing[] = [];
      const basePlain: Timing[] = [];
      for (let i = 0; i < RUNS * 2; i++) {
        node.push(await timed(dir, [process.execPath, '-e', ''], (c) => c === 0, env));
        help.push(await timed(dir, [process.execPath, CLI, '--help'], (c) => c === 0, env));
        plain.push(await timed(dir, [process.execPath, CLI, 'gate', '2025-01-01-bench'], (c) => c === 0, env));
        if (BASELINE_CLI) basePlain.push(await timed(dir, [process.execPath, BASELINE_CLI, 'gate', '2025-01-01-bench'], (c) => c === 0, env));
      }
      console.log(`${name}:`);
      if (BASELINE_CLI) console.log(`  baseline plain gate: ${cell(basePlain)} ms, CPU ${cpuCell(basePlain)} ms`);
      console.log(`  plain gate, record and evidence with 50 runs: ${cell(plain)} ms, CPU ${cpuCell(plain)} ms; goal ≤ 200 ms: ${median(wall(plain)) <= 200 ? 'met' : 'missed'}`);
      console.log(`    of which start-up: node alone ${cell(node)} ms (CPU ${cpuCell(node)}), the CLI bundle's start-up (incident-room --help) ${cell(help)} ms (CPU ${cpuCell(help)});`);
      console.log(`    the gate's own work, above node alone: ${(median(wall(plain)) - median(wall(node))).toFixed(0)} ms (CPU ${cpuOf(plain) !== undefined && cpuOf(node) !== undefined ? (cpuOf(plain)! - cpuOf(node)!).toFixed(0) : 'n/a'}), above --help: ${(median(wall(plain)) - median(wall(help))).toFixed(0)} ms (CPU ${cpuOf(plain) !== undefined && cpuOf(help) !== undefined ? (cpuOf(plain)! - cpuOf(help)!).toFixed(0) : 'n/a'})`);
    }
  } finally {
    // GATE_BENCH_KEEP=1 leaves the projects for profiling a single command.
    if (process.env.GATE_BENCH_KEEP) console.log(`kept: ${dirs.join(' ')}`);
    else for (const d of dirs) rmSync(d, { recursive: true, force: true });
    if (!process.env.GATE_BENCH_KEEP) rmSync(process.env.XDG_STATE_HOME, { recursive: true, force: true });
    rmSync(CLI_DIR, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

// `incident-room gate <id>`: the close gate's verdict for CI and terminals (exit 0 only when the
// incident may close). The options and their help are declared once in GATE_OPTIONS.
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { checkExclusions, codeChangedBetween, codeState, type CodeState } from '../git/codeState';
import { relativeInside } from '../git/repoPath';
import { checkBranchName, codeChanges, defaultBranchOf, repositoryOf, treeStatus, type FixBranchStatus } from '../git/fixBranch';
import type { Incident } from '../model/record';
import { defineCommand, UsageError, type CliIo } from '../cliCommand';
import { IncidentStore } from '../store/incidentStore';
import type { LoadedRecord } from '../store/recordFile';
import { warmUpAppend } from '../store/recordAppend';
import { RecordValueCache, recordValueCacheDir } from '../store/recordValueCache';
import { cacheFileInGitDir, findGitDir } from '../store/summaryCache';
import { EvidenceStore, type LatestEvidence } from './evidence';
import { evaluateGate, gateBranchStatus, type GateVerdict } from './gate';
import { runIncidentTests } from './incidentRun';
import type { TestCommand } from './runner';
import { CommandRefused } from './runnerCommand';
import { baseBranchCommand, CLI_COMMAND_SOURCE, parseArgv, TestCommandError, trustedBaseCommand, type CommandReadAhead, type TrustedBases } from './testCommandSource';

/** How long into a test run the append that follows it is run once to warm up: past the runner's own start. */
const WARM_UP_AFTER_MS = 100;

interface GateArgs {
  id: string;
  run: boolean;
  json: boolean;
  folder: string;
  /** The public log Incident Room rewrites; like the records, not a change to the code. */
  publicLog: string;
  command?: string[];
  /** The fix branch's base as CI knows it: the record's must be this branch. */
  base?: string;
  timeoutMs: number;
  actor: string;
}

function parseCommandJson(text: string, where: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`${where} must be a JSON array of strings, e.g. ["npx","mocha","test/"]`);
  }
  try {
    return parseArgv(v, where);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

const GATE_OPTIONS = {
  run: { type: 'boolean', description: 'Run the linked tests first, sign the run and add it to the record.' },
  json: { type: 'boolean', description: 'Print the verdict as JSON.' },
  folder: { type: 'string', value: '<folder>', description: 'The records folder (default .incidents).' },
  'public-log': { type: 'string', value: '<file>', description: 'The public incident log (default INCIDENT-LOG.md).' },
  command: {
    type: 'string',
    value: '<json array>',
    description: 'The command that counts: the runner\'s plain command as a JSON array, e.g. \'["npx","mocha","test/"]\', \'["npx","jest"]\' or \'["node","--test"]\'. Wins over the configured one.',
  },
  base: {
    type: 'string',
    value: '<branch>',
    description: "The branch the fix branch must leave from (default: the repository's default branch, origin's HEAD, else main or master). A record naming another base is refused: the base chooses the command that counts and which commits are the fix's.",
  },
  timeout: { type: 'string', value: '<seconds>', description: 'Stop a run that takes longer (default 600); a run that timed out never lets an incident close.' },
  actor: { type: 'string', value: '<person id>', description: 'Who the run is recorded as (default incident-room-cli).' },
} as const;

function gateArgs(values: { [K in keyof typeof GATE_OPTIONS]: string | boolean | undefined }, id: string): GateArgs {
  const out: GateArgs = {
    id,
    run: values.run === true,
    json: values.json === true,
    folder: (values.folder as string | undefined) ?? '.incidents',
    publicLog: (values['public-log'] as string | undefined) ?? 'INCIDENT-LOG.md',
    timeoutMs: 600_000,
    actor: (values.actor as string | undefined) ?? 'incident-room-cli',
  };
  if (typeof values.command === 'string') out.command = parseCommandJson(values.command, '--command');
  if (typeof values.base === 'string') {
    try {
      checkBranchName(values.base);
    } catch (e) {
      throw new UsageError(`--base: ${(e as Error).message}`);
    }
    out.base = values.base;
  }
  if (typeof values.timeout === 'string') {
    const s = Number(values.timeout);
    if (!Number.isFinite(s) || s <= 0) throw new UsageError('--timeout takes a number of seconds');
    out.timeoutMs = s * 1000;
  }
  return out;
}

/** The real path of the folder holding the .git directory found at or above dir, if that is a directory. */
function likelyTopLevel(dir: string): string | undefined {
  const gitDir = findGitDir(dir);
  if (!gitDir || basename(gitDir) !== '.git') return undefined;
  try {
    return statSync(gitDir).isDirectory() ? realpathSync(dirname(gitDir)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The command that counts: CI's --command, else the one committed on the fix branch's base
 * branch. Never the record's test_command, nor anything the fix branch changes on its own: before
 * a run, a base the gate does not trust (untrustedBase) configures nothing and the run is refused;
 * a plain verdict refuses such a base itself (its fix-branch condition), whatever it configures.
 */
async function trustedCommand(
  incident: Incident,
  args: GateArgs,
  cwd: string,
  defaultBranch: Promise<string | null>,
  readAhead: Promise<CommandReadAhead | null> | undefined,
): Promise<TestCommand | undefined> {
  if (args.command) return { command: args.command, source: CLI_COMMAND_SOURCE };
  if (!incident.fix?.base) return undefined;
  try {
    if (!args.run) return (await baseBranchCommand(cwd, incident.fix.base)) ?? undefined;
    const { command, untrusted } = await trustedBaseCommand(cwd, incident.fix, trustedBasesOf(args), defaultBranch, readAhead);
    if (untrusted) throw new UsageError(`not running the tests: ${untrusted}; base the fix branch on a trusted branch, or pass --base or --command`);
    return command ?? undefined;
  } catch (e) {
    if (e instanceof TestCommandError) throw new UsageError(e.message);
    throw e;
  }
}

/** The default branch of most repositories, whose command is read before git has named the default. */
const LIKELY_DEFAULT_BRANCH = 'main';

/**
 * The command a run may take can come only from a trusted base: CI's --base, else the repository's
 * default branch. Neither needs the record, so the gate reads that branch's command as it starts,
 * beside the record; it is used when the record names that branch as its base.
 */
function readCommandAhead(args: GateArgs, cwd: string, defaultBranch: Promise<string | null>): Promise<CommandReadAhead | null> {
  // Most repositories' default branch is main: its package.json is read while git names the
  // default branch, and used only if that is main (the run waits on neither in turn).
  const guess = args.base ? undefined : baseBranchCommand(cwd, LIKELY_DEFAULT_BRANCH);
  guess?.catch(() => undefined);
  return (args.base ? Promise.resolve(args.base) : defaultBranch).then((base) => {
    if (base === null) return null;
    const read = guess && base === LIKELY_DEFAULT_BRANCH ? guess : baseBranchCommand(cwd, base);
    read.catch(() => undefined);
    return { base, read };
  });
}

/** CI's --base is the one base trusted; without it, the repository's default branch is. */
function trustedBasesOf(args: GateArgs): TrustedBases | undefined {
  return args.base ? { names: [args.base], source: "CI's --base", withDefault: false } : undefined;
}

/** The runner's output arrives in chunks; `io.err` takes whole lines. */
function lineWriter(writeLine: (line: string) => void): { write(chunk: string): void; end(): void } {
  let pending = '';
  return {
    write(chunk) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const l of lines) writeLine(l);
    },
    end() {
      if (pending) writeLine(pending);
      pending = '';
    },
  };
}

function renderText(id: string, verdict: GateVerdict): string {
  const lines = [`Incident ${id}: ${verdict.mayClose ? 'may close' : 'may NOT close'}`];
  for (const c of verdict.conditions) lines.push(`  [${c.met ? 'x' : ' '}] ${c.id}: ${c.message}${c.action && !c.met ? `  (${c.action})` : ''}`);
  for (const n of verdict.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

export const gateCommand = defineCommand({
  name: 'gate',
  summary: "Print the close gate's verdict; exit 0 only when the incident may close.",
  synopsis: '<id> [--run] [--json] [options]',
  description: `Exit 0 when the incident may close, 1 when it may not, 2 when the command could not be carried out.
With --run the linked tests run first in the same runner the editor uses, and the run is signed, stored and added to the record.
The command that counts is --command, else package.json's "incident-room": { "testCommand": [...] } as committed on the fix branch's base branch, which must be --base or, without it, the repository's default branch; a record's test_command is never used. It is a runner's plain command (mocha, jest or node --test): Incident Room adds its own reporter, and refuses a command that names a reporter or report file, or runs no test (a dry run, a listing).`,
  positionals: [{ name: '<id>', description: 'The incident to judge.', required: true }],
  options: GATE_OPTIONS,
  run: async (values, [id], io) => gate(gateArgs(values, id!), io),
});

/**
 * The records folder's store: its summaries cached in the repository's git dir (never committed),
 * only to find the record's file; the record's value cached by its bytes' hash in the private
 * state folder, signed (see recordValueCache.ts).
 */
function recordsStore(folder: string, withSummaryCache = true): IncidentStore {
  const gitDir = withSummaryCache ? findGitDir(folder) : undefined;
  return new IncidentStore(folder, { valueCache: new RecordValueCache(recordValueCacheDir()), ...(gitDir ? { cacheFile: cacheFileInGitDir(gitDir, folder) } : {}) });
}

/**
 * The record of the incident with this id. The summary cache (in the git dir, which whoever
 * controls the repository can write) only says which file to read: a file outside the folder, or
 * one whose record has another id, is not taken, and the folder is read without that cache.
 */
async function readIncidentRecord(folder: string, id: string, folderName: string): Promise<{ store: IncidentStore; loaded: LoadedRecord }> {
  for (const withSummaryCache of [true, false]) {
    const store = recordsStore(folder, withSummaryCache);
    const matches = (await store.loadSummaries()).filter((s) => s.id === id);
    const summary = matches.find((s) => s.kind === 'ok') ?? matches[0];
    if (!summary) {
      if (withSummaryCache) continue;
      throw new UsageError(`no incident "${id}" in ${folderName}`);
    }
    const inFolder = dirname(resolve(folder, summary.file)) === resolve(folder);
    const loaded = inFolder ? await store.readRecord(summary.file) : undefined;
    if (loaded && (loaded.kind === 'ok' ? loaded.incident.id : loaded.id) === id) return { store, loaded };
  }
  throw new UsageError(`no incident "${id}" in ${folderName}`);
}

async function gate(parsed: GateArgs, io: CliIo): Promise<number> {
  // The summaries find the record by id without parsing unchanged records; only this one is read
  // in full. Its first reads start before the git library loads (tens of milliseconds on this thread).
  const recordRead = readIncidentRecord(resolve(io.cwd, parsed.folder), parsed.id, parsed.folder);
  recordRead.catch(() => undefined);
  // git starts while the record is read: where the repository is, and (for a plain verdict) the
  // tree's status, which names HEAD's commit and the checked-out branch (its paths are the top
  // level's, from any folder in the repository).
  const repository = repositoryOf(io.cwd);
  repository.catch(() => undefined);
  const treeRead = parsed.run ? undefined : treeStatus(io.cwd);
  treeRead?.catch(() => undefined);
  // Recording a run edits the record, and the public log follows the records: neither is a change to the code.
  const ignorePathsIn = (repoDir: string) => {
    const inRepo = (p: string) => relative(repoDir, resolve(realpathSync(io.cwd), p)).split('\\').join('/');
    return [`${inRepo(parsed.folder)}/`, inRepo(parsed.publicLog)];
  };
  // The code state before a run is read meanwhile too; it also names the checked-out branch. Read
  // early it only widens the window in which a change shows as one made during the run. It starts
  // at once in the folder that holds the .git directory found above the working directory, the
  // top level in all but odd set-ups (core.worktree), and is used only if git names the
  // same top level; otherwise it is read again there.
  const readBefore = (repoDir: string, gitDir?: Promise<string>) => codeState(repoDir, checkExclusions(repoDir, ignorePathsIn(repoDir)).paths, gitDir);
  const likelyTop = parsed.run ? likelyTopLevel(io.cwd) : undefined;
  // Its reflog is the git dir's that git names with the top level (used only when the top level is this one).
  const early = likelyTop === undefined ? undefined : readBefore(likelyTop, repository.then((r) => r.gitDir));
  early?.catch(() => undefined);
  const beforeRead = parsed.run ? repository.then(({ repoDir }) => (early && repoDir === likelyTop ? early : readBefore(repoDir))) : undefined;
  beforeRead?.catch(() => undefined);
  // A run's command, from the trusted base, is read meanwhile too: the default branch (unless CI names the base) and then its package.json.
  const aheadOfRecord = parsed.run && !parsed.command;
  const defaultBranch = parsed.base ? Promise.resolve(null) : aheadOfRecord ? defaultBranchOf(io.cwd) : undefined;
  defaultBranch?.catch(() => undefined);
  const readAhead = aheadOfRecord ? readCommandAhead(parsed, io.cwd, defaultBranch ?? Promise.resolve(null)) : undefined;
  readAhead?.catch(() => undefined);
  const { store, loaded } = await recordRead;
  if (loaded.kind !== 'ok') throw new UsageError(`the record ${loaded.file} is broken (${loaded.reason}); fix it first`);
  let incident = loaded.incident;
  const { repoDir } = await repository;
  const evidence = new EvidenceStore(repoDir);
  const ignorePaths = ignorePathsIn(repoDir);
  // The default branch is the trusted base unless CI names one; a run asked for it above, a plain verdict reads it with the branches' tips.
  const commandRead = trustedCommand(incident, parsed, io.cwd, defaultBranch ?? Promise.resolve(null), readAhead);
  commandRead.catch(() => undefined);
  let branchStatus: Promise<FixBranchStatus> | undefined;
  let latest: Promise<LatestEvidence> | undefined;
  const diffs = new Map<string, Promise<string[]>>();
  if (!parsed.run) {
    // Everything the verdict needs from git at once: the branches' tips and counts, and (when the
    // fix branch is checked out) what changed in the code since the newest signed run, from the status's HEAD.
    const exclusions = checkExclusions(repoDir, ignorePaths).paths;
    const tree = treeRead!.then((t) => ({ ...t, currentBranch: t.branch, ...codeChanges(t, exclusions) }));
    tree.catch(() => undefined);
    branchStatus = gateBranchStatus(incident, repoDir, ignorePaths, tree, defaultBranch);
    branchStatus?.catch(() => undefined);
    latest = evidence.latest(incident.id);
    latest.catch(() => undefined);
    const [t, l] = await Promise.all([tree, latest]);
    const run = l.run;
    if (run && t.head && incident.fix && t.branch === incident.fix.branch && run.sha !== t.head) {
      const recordPath = relativeInside(repoDir, loaded.file);
      const diff = codeChangedBetween(repoDir, run.sha, t.head, exclusions, [...(recordPath ? [recordPath] : []), ...exclusions.filter((e) => !e.endsWith('/'))]);
      diff.catch(() => undefined);
      diffs.set(`${run.sha}..${t.head}`, diff);
    }
  } else {
    const [command, before] = await Promise.all([commandRead, beforeRead!]);
    if (incident.fix && before.branch !== incident.fix.branch) {
      io.err(`not running the tests: the fix branch ${incident.fix.branch} is not checked out (HEAD is on ${before.branch ?? 'a detached commit'}); check it out and run again`);
    } else {
      if (!command) {
        throw new UsageError(
          `no test command: pass --command '["npx","mocha","test/"]' or commit "incident-room": { "testCommand": [...] } to package.json on the base branch${incident.fix ? ` (${incident.fix.base})` : ''}`,
        );
      }
      const runOutput = lineWriter(io.err);
      let result;
      // The runner has the machine: the record's value for its bytes is in the signed value cache
      // (read, or parsed and kept, above), so the update that follows appends the run's entries
      // without parsing the record (see recordAppend.ts). Only the few milliseconds that append
      // takes are run once meanwhile, after the runner's own start, so that it runs warm code.
      // The branches' tips and counts are read during the run too, on the core the runner leaves
      // (HEAD cannot move without the run being refused); the tree's part of that status is the
      // code state after the run, which names the branch and the tree's changes.
      let treeAfter!: (after: Promise<CodeState>) => void;
      const known = new Promise<CodeState>((resolve, reject) => (treeAfter = (after) => after.then(resolve, reject))).then((a) => ({ currentBranch: a.branch, dirtyFiles: a.dirtyFiles, untrackedFiles: a.untrackedFiles }));
      known.catch(() => undefined);
      const readBranches = () => {
        if (branchStatus) return;
        branchStatus = gateBranchStatus(incident, repoDir, ignorePaths, known, defaultBranch);
        branchStatus?.catch(() => undefined);
      };
      const warmUp = setTimeout(() => {
        readBranches();
        warmUpAppend(incident);
        // The verdict reads every signed run of the incident again; their signatures are checked now.
        evidence.latest(incident.id).catch(() => undefined);
      }, WARM_UP_AFTER_MS);
      try {
        result = await runIncidentTests({
          incident,
          repoDir,
          cwd: io.cwd,
          test: command,
          timeoutMs: parsed.timeoutMs,
          ctx: { actor: parsed.actor, now: new Date() },
          onOutput: (chunk) => runOutput.write(chunk),
          ignorePaths,
          before,
          onRunEnded: (after) => {
            treeAfter(after);
            readBranches();
          },
        });
      } catch (e) {
        if (!(e instanceof CommandRefused)) throw e;
        io.err(`incident-room gate: the test command is refused: ${e.message}`);
        return 2;
      } finally {
        clearTimeout(warmUp);
        runOutput.end();
      }
      incident = await store.update(loaded.file, () => result.edits);
    }
  }
  const command = await commandRead;
  const verdict = await evaluateGate({
    incident,
    repoDir,
    evidence: (await latest) ?? evidence,
    now: new Date(),
    ignorePaths,
    codeChanges: diffs,
    ...(command ? { command } : {}),
    ...(branchStatus ? { branchStatus } : {}),
    ...(parsed.base ? { trustedBases: trustedBasesOf(parsed)! } : {}),
  });
  io.out(parsed.json ? JSON.stringify({ id: incident.id, ...verdict }, null, 2) : renderText(incident.id, verdict));
  return verdict.mayClose ? 0 : 1;
}

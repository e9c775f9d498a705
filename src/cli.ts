// The command-line entry: the same record engine as the extension, for CI and terminals.
// Commands live in one table so new ones (e.g. the close gate) are one import and one line.
import { promises as fs, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { Incident } from './model/record';
import { isOpen } from './model/lifecycle';
import { compareTimestamps, formatDuration } from './model/time';
import { defineCommand, type CliCommand, type CliIo } from './cliCommand';
import { IncidentStore } from './store/incidentStore';
import { cacheFileInGitDir, findGitDir, folderPrefix, type RecordSummary } from './store/summaryCache';
import { gateCommand } from './testing/gateCli';
import { mergeDriverCommand, setupGitCommand } from './store/mergeCli';
import { noteCommand } from './noteCli';
import { reportCommand } from './reportCli';

export type { CliCommand, CliIo } from './cliCommand';

export const DEFAULT_RECORDS_FOLDER = '.incidents';

const FOLDER_ARGUMENT = { name: '[folder]', description: `The records folder (default ${DEFAULT_RECORDS_FOLDER}), relative to the working directory.` };

function recordsFolder(positionals: string[], io: CliIo): string {
  return path.resolve(io.cwd, positionals[0] ?? DEFAULT_RECORDS_FOLDER);
}

export const validateCommand = defineCommand({
  name: 'validate',
  summary: 'Check every incident record and print each problem as file:line:col message.',
  synopsis: '[folder]',
  description: 'Reads every YAML record in the folder. Exit 0 when all are valid, 1 when any is broken, 2 when the command line is wrong or the folder does not exist or is a file.',
  positionals: [FOLDER_ARGUMENT],
  options: {},
  run: async (_values, positionals, io) => validate(recordsFolder(positionals, io), io),
});

/** A store whose record summaries are cached in the repository's git dir (never committed), when there is one. */
function summaryStore(folder: string): IncidentStore {
  const gitDir = findGitDir(folder);
  return new IncidentStore(folder, gitDir ? { cacheFile: cacheFileInGitDir(gitDir, folder) } : {});
}

/** Why folder cannot be validated (missing, or not a folder), or undefined when it is a folder. */
async function notAFolder(folder: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(folder);
    return stat.isDirectory() ? undefined : `${folder} is not a folder; give the records folder (default ${DEFAULT_RECORDS_FOLDER})`;
  } catch {
    return `no records folder at ${folder}`;
  }
}

async function validate(folder: string, io: CliIo): Promise<number> {
  const folderProblem = await notAFolder(folder);
  if (folderProblem) {
    io.err(`incident-room validate: ${folderProblem}`);
    return 2;
  }
  // The summaries hold every problem of a broken record; unchanged files are not parsed again.
  const records = await summaryStore(folder).loadSummaries();
  let broken = 0;
  for (const r of records) {
    if (r.kind !== 'broken') continue;
    broken++;
    const rel = path.relative(io.cwd, r.file) || r.file;
    for (const p of r.problems ?? []) io.out(`${rel}:${p.line}:${p.col} ${p.message}`);
  }
  io.out(`${records.length} record${records.length === 1 ? '' : 's'}, ${broken} broken`);
  return broken > 0 ? 1 : 0;
}

interface StatusRow {
  id: string;
  file: string;
  level: number;
  status: string;
  declared_at: string;
  closed_at: string | null;
  age: string;
  age_ms: number;
  title: string;
}

/** Open incidents first, then the most severe level, then the earliest declared. */
export function compareForStatus(a: Incident, b: Incident): number {
  return Number(!isOpen(a)) - Number(!isOpen(b)) || a.severity - b.severity || compareTimestamps(a.declared_at, b.declared_at);
}

export const statusCommand = defineCommand({
  name: 'status',
  summary: 'List open incidents (every incident with --all): by level, then by declaration.',
  synopsis: '[folder] [--all] [--json]',
  description:
    'Prints one line per open incident with its level, status, age and title, then how many closed incidents there are; with --all, the closed ones too, after the open ones. Broken records are named on stderr. Exit 0.',
  positionals: [FOLDER_ARGUMENT],
  options: {
    all: { type: 'boolean', description: 'List the closed incidents too, after the open ones.' },
    json: { type: 'boolean', description: 'Print the list as JSON ({ incidents, closed, broken }; closed is how many closed incidents there are) instead of a table.' },
  },
  run: async (values, positionals, io) => status(recordsFolder(positionals, io), { json: values.json === true, all: values.all === true }, io),
});

/** compareForStatus over summaries: open first, the most severe level, the earliest declared. */
function compareSummariesForStatus(a: RecordSummary, b: RecordSummary): number {
  const closed = (s: RecordSummary) => Number(s.status === 'closed');
  return closed(a) - closed(b) || a.severity! - b.severity! || (a.declaredMs ?? 0) - (b.declaredMs ?? 0);
}

async function status(folder: string, { json, all }: { json: boolean; all: boolean }, io: CliIo): Promise<number> {
  const store = summaryStore(folder);
  await store.loadSummaries();
  // A closed incident's summary is read from the cache's closed part only when it is listed.
  if (all) await store.completeSummaries();
  const records = store.summaries();
  const closedCount = records.filter((r) => r.kind === 'ok' && r.status === 'closed').length;
  const ok = records.filter((r) => r.kind === 'ok' && (all || r.status !== 'closed'));
  const broken = records.filter((r) => r.kind === 'broken');
  const now = io.now();
  const relative = relativeToCwd(io.cwd, folder);
  const rows: StatusRow[] = ok
    .sort(compareSummariesForStatus)
    .map((s) => {
      const end = s.status === 'closed' && s.closedMs !== undefined ? s.closedMs : now.getTime();
      const ms = end - (s.declaredMs ?? end);
      return {
        id: s.id!,
        file: relative(s.file),
        level: s.severity!,
        status: s.status!,
        declared_at: s.declaredAt!,
        closed_at: s.closedAt ?? null,
        age: formatDuration(ms),
        age_ms: ms,
        title: s.title!,
      };
    });
  const brokenRows = broken.map((r) => ({ file: path.relative(io.cwd, r.file) || r.file, reason: r.reason, id: r.id ?? null, problems: r.problems ?? [] }));
  if (json) {
    io.out(JSON.stringify({ incidents: rows, closed: closedCount, broken: brokenRows }, null, 2));
    return 0;
  }
  if (rows.length === 0) io.out(closedCount > 0 ? 'No open incidents.' : 'No incidents.');
  else io.out(table([['ID', 'LEVEL', 'STATUS', 'AGE', 'TITLE'], ...rows.map((r) => [r.id, `L${r.level}`, r.status, r.age, r.title])]));
  if (!all && closedCount > 0) io.out(`${closedCount} closed incident${closedCount === 1 ? '' : 's'} (--all lists them)`);
  for (const b of brokenRows) io.err(`${b.file}: broken (${b.reason}); run "incident-room validate" for details`);
  return 0;
}

/** Paths of the folder's files relative to the working directory, without a path.relative per file (thousands). */
function relativeToCwd(cwd: string, folder: string): (file: string) => string {
  const prefix = folderPrefix(folder);
  const base = path.relative(cwd, folder);
  const basePrefix = base ? base + path.sep : '';
  return (file) => (file.startsWith(prefix) && !file.includes(path.sep, prefix.length) ? basePrefix + file.slice(prefix.length) : path.relative(cwd, file) || file);
}

/** Columns padded to their widest cell but the last; plain loops, as `status` prints thousands of rows. */
function table(rows: string[][]): string {
  const columns = rows[0]!.length;
  const widths = new Array<number>(columns).fill(0);
  for (const r of rows) for (let c = 0; c < columns - 1; c++) if (r[c]!.length > widths[c]!) widths[c] = r[c]!.length;
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let line = '';
    for (let c = 0; c < columns - 1; c++) line += r[c]!.padEnd(widths[c]!) + '  ';
    out += (i > 0 ? '\n' : '') + line + r[columns - 1]!;
  }
  return out;
}

/** The overview: every command with its one-line summary. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return [
    'Usage: incident-room <command> [options]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run "incident-room <command> --help" for a command\'s arguments and options.',
  ].join('\n');
}

const helpCommand = defineCommand({
  name: 'help',
  summary: 'Show the list of commands, or one command\'s help.',
  synopsis: '[command]',
  description: 'Exit 0; exit 2 for an unknown command.',
  positionals: [{ name: '[command]', description: 'The command to explain.' }],
  options: {},
  run: async (_values, [name], io) => {
    if (name === undefined) {
      io.out(usage());
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      io.err(`unknown command "${name}"`);
      io.err(usage());
      return 2;
    }
    io.out(command.help());
    return 0;
  },
});

/** Every subcommand, by name; a new one is one import and one line here. */
export const COMMANDS: Record<string, CliCommand> = {
  validate: validateCommand,
  status: statusCommand,
  gate: gateCommand,
  'merge-driver': mergeDriverCommand,
  'setup-git': setupGitCommand,
  note: noteCommand,
  report: reportCommand,
  help: helpCommand,
};

/**
 * Lines to a standard stream, written to its file descriptor: a command that prints a few lines
 * need not set up Node's stream machinery (several milliseconds of a warm `status`). Should the
 * descriptor refuse (a non-blocking pipe that is full, a closed one), that line and the rest go
 * through the stream, which waits or reports as Node does.
 */
function lineWriter(fd: number, stream: () => NodeJS.WriteStream): (line: string) => void {
  let viaStream = false;
  return (line) => {
    let bytes = Buffer.from(`${line}\n`);
    if (!viaStream) {
      try {
        while (bytes.length > 0) bytes = bytes.subarray(writeSync(fd, bytes));
        return;
      } catch {
        viaStream = true;
      }
    }
    stream().write(bytes);
  };
}

const processIo: CliIo = {
  cwd: process.cwd(),
  out: lineWriter(1, () => process.stdout),
  err: lineWriter(2, () => process.stderr),
  now: () => new Date(),
};

/** Runs one command line (without the node and script arguments); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') return helpCommand([], io);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    if (name !== undefined) io.err(`unknown command "${name}"`);
    io.err(usage());
    return 2;
  }
  return command(rest, io);
}

/** Runs one command line as the program: exits with the command's code. */
export function runAsProgram(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(2);
    },
  );
}

if (require.main === module) runAsProgram(process.argv.slice(2));

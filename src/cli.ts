// The command-line entry: the same record engine as the extension, for CI and terminals.
// Commands live in one table so new ones (e.g. the close gate) are one import and one line.
import * as path from 'node:path';
import type { Incident } from './model/record';
import { incidentAgeMs, isOpen } from './model/lifecycle';
import { compareTimestamps, formatDuration } from './model/time';
import { IncidentStore } from './store/incidentStore';
import { gateCommand } from './testing/gateCli';
import { noteCommand } from './noteCli';
import { reportCommand } from './reportCli';
import type { LoadedRecord } from './store/recordFile';

/** Where a command writes and which directory it works from; tests pass their own. */
export interface CliIo {
  cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** The current time, for ages. */
  now(): Date;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

export const DEFAULT_RECORDS_FOLDER = '.incidents';

export const USAGE = `Usage: incident-room <command> [options]

Commands:
  validate [folder]          Check every record in folder (default ${DEFAULT_RECORDS_FOLDER}); prints
                             file:line:col message for each problem. Exit 1 if any is broken.
  status [folder] [--json]   List incidents: open first, then by level, then by declaration.
  gate <id> [--run] [--json]  Print the close gate's verdict (exit 0 only when the incident may close);
                             --run runs the linked tests first. See src/testing/gateCli.ts.
  note <id> <text> [--at <time>] [--by <person>] [--kind <kind>]  Add a note to the incident's timeline (--help for more).
  report [folder] [--since <date>] [--json]  Figures per level and month, updates, post-mortems, action items.
  help                       Show this help.`;

function recordsFolder(args: string[], io: CliIo): string {
  const positional = args.filter((a) => !a.startsWith('--'));
  return path.resolve(io.cwd, positional[0] ?? DEFAULT_RECORDS_FOLDER);
}

function unknownOptions(args: string[], known: string[], io: CliIo): boolean {
  const bad = args.filter((a) => a.startsWith('--') && !known.includes(a));
  for (const b of bad) io.err(`unknown option ${b}`);
  if (bad.length > 0) io.err(USAGE);
  return bad.length > 0;
}

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  if (unknownOptions(args, [], io)) return 2;
  const records = await new IncidentStore(recordsFolder(args, io)).loadAll();
  let broken = 0;
  for (const r of records) {
    if (r.kind !== 'broken') continue;
    broken++;
    const rel = path.relative(io.cwd, r.file) || r.file;
    for (const p of r.problems) io.out(`${rel}:${p.line}:${p.col} ${p.message}`);
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

export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  if (unknownOptions(args, ['--json'], io)) return 2;
  const json = args.includes('--json');
  const records = await new IncidentStore(recordsFolder(args, io)).loadAll();
  const ok = records.filter((r): r is Extract<LoadedRecord, { kind: 'ok' }> => r.kind === 'ok');
  const broken = records.filter((r): r is Extract<LoadedRecord, { kind: 'broken' }> => r.kind === 'broken');
  const now = io.now();
  const rows: StatusRow[] = ok
    .sort((a, b) => compareForStatus(a.incident, b.incident))
    .map(({ file, incident }) => {
      const ms = incidentAgeMs(incident, now.getTime());
      return {
        id: incident.id,
        file: path.relative(io.cwd, file) || file,
        level: incident.severity,
        status: incident.status,
        declared_at: incident.declared_at,
        closed_at: incident.closed_at ?? null,
        age: formatDuration(ms),
        age_ms: ms,
        title: incident.title,
      };
    });
  const brokenRows = broken.map((r) => ({ file: path.relative(io.cwd, r.file) || r.file, reason: r.reason, id: r.id ?? null, problems: r.problems }));
  if (json) {
    io.out(JSON.stringify({ incidents: rows, broken: brokenRows }, null, 2));
    return 0;
  }
  if (rows.length === 0) io.out('No incidents.');
  else io.out(table([['ID', 'LEVEL', 'STATUS', 'AGE', 'TITLE'], ...rows.map((r) => [r.id, `L${r.level}`, r.status, r.age, r.title])]));
  for (const b of brokenRows) io.err(`${b.file}: broken (${b.reason}); run "incident-room validate" for details`);
  return 0;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n');
}

async function helpCommand(_args: string[], io: CliIo): Promise<number> {
  io.out(USAGE);
  return 0;
}

export const COMMANDS: Record<string, CliCommand> = {
  validate: validateCommand,
  status: statusCommand,
  gate: gateCommand,
  note: noteCommand,
  report: reportCommand,
  help: helpCommand,
};

const processIo: CliIo = {
  cwd: process.cwd(),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  now: () => new Date(),
};

/** Runs one command line (without the node and script arguments); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') return helpCommand(rest, io);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    if (name !== undefined) io.err(`unknown command "${name}"`);
    io.err(USAGE);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    io.err(`incident-room ${name}: ${(err as Error).message}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(2);
    },
  );
}

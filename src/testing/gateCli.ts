// `incident-room gate <id> [--run] [--json] [--folder .incidents] [--public-log INCIDENT-LOG.md] [--command '<json array>']
//  [--format junit|mocha-json|jest-json] [--timeout <seconds>] [--actor <person id>]`
//
// Prints the close gate's verdict; exit 0 only when the incident may close (1 when it may
// not, 2 when the command could not be carried out). With --run the linked tests run first
// in the same runner the editor uses, and the run is signed, stored and added to the record.
// The test command is, in order: the record's `test_command`; `--command`; package.json's
// "incident-room": { "testCommand": [...] }. The report format is `--format`, else
// package.json's "incident-room": { "reportFormat" }, else inferred from the command.
import { readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { git } from '../git/fixBranch';
import type { Incident } from '../model/record';
import { IncidentStore } from '../store/incidentStore';
import { EvidenceStore } from './evidence';
import { evaluateGate, type GateVerdict } from './gate';
import { runIncidentTests } from './incidentRun';
import { REPORT_FORMATS, type ReportFormat } from './reports/report';
import { inferReportFormat, type TestCommand } from './runner';

export interface CliIo {
  cwd: string;
  out(s: string): void;
  err(s: string): void;
}

const USAGE =
  'usage: incident-room gate <id> [--run] [--json] [--folder .incidents] [--public-log INCIDENT-LOG.md] [--command \'["npx","mocha"]\'] [--format junit|mocha-json|jest-json] [--timeout <seconds>] [--actor <person id>]';

class UsageError extends Error {}

interface GateArgs {
  id: string;
  run: boolean;
  json: boolean;
  folder: string;
  /** The public log Incident Room rewrites; like the records, not a change to the code. */
  publicLog: string;
  command?: string[];
  format?: ReportFormat;
  timeoutMs: number;
  actor: string;
}

function parseCommandJson(text: string, where: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`${where} must be a JSON array of strings, e.g. ["npx","mocha"]`);
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === 'string')) throw new UsageError(`${where} must be a non-empty JSON array of strings`);
  return v as string[];
}

function parseArgs(args: string[]): GateArgs {
  const out: GateArgs = { id: '', run: false, json: false, folder: '.incidents', publicLog: 'INCIDENT-LOG.md', timeoutMs: 600_000, actor: 'incident-room-cli' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--run') out.run = true;
    else if (a === '--json') out.json = true;
    else if (a === '--folder') out.folder = value();
    else if (a === '--public-log') out.publicLog = value();
    else if (a === '--command') out.command = parseCommandJson(value(), '--command');
    else if (a === '--actor') out.actor = value();
    else if (a === '--format') {
      const f = value();
      if (!REPORT_FORMATS.includes(f as ReportFormat)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
      out.format = f as ReportFormat;
    } else if (a === '--timeout') {
      const s = Number(value());
      if (!Number.isFinite(s) || s <= 0) throw new UsageError('--timeout takes a number of seconds');
      out.timeoutMs = s * 1000;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (!out.id) out.id = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (!out.id) throw new UsageError('which incident? give its id');
  return out;
}

function packageSettings(dir: string): { testCommand?: string[]; reportFormat?: ReportFormat } {
  let pkg: { 'incident-room'?: { testCommand?: unknown; reportFormat?: unknown } };
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return {};
  }
  const s = pkg['incident-room'] ?? {};
  const result: { testCommand?: string[]; reportFormat?: ReportFormat } = {};
  if (s.testCommand !== undefined) result.testCommand = parseCommandJson(JSON.stringify(s.testCommand), 'package.json "incident-room.testCommand"');
  if (typeof s.reportFormat === 'string' && REPORT_FORMATS.includes(s.reportFormat as ReportFormat)) result.reportFormat = s.reportFormat as ReportFormat;
  return result;
}

function testCommandFor(incident: Incident, args: GateArgs, cwd: string): TestCommand {
  const pkg = packageSettings(cwd);
  const command = incident.test_command?.length ? incident.test_command : (args.command ?? pkg.testCommand);
  if (!command) throw new UsageError('no test command: set test_command in the record, pass --command, or set "incident-room.testCommand" in package.json');
  return { command, format: args.format ?? pkg.reportFormat ?? inferReportFormat(command) };
}

function renderText(id: string, verdict: GateVerdict): string {
  const lines = [`Incident ${id}: ${verdict.mayClose ? 'may close' : 'may NOT close'}`];
  for (const c of verdict.conditions) lines.push(`  [${c.met ? 'x' : ' '}] ${c.id}: ${c.message}${c.action && !c.met ? `  (${c.action})` : ''}`);
  for (const n of verdict.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}

export async function gateCommand(args: string[], io: CliIo): Promise<number> {
  let parsed: GateArgs;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const store = new IncidentStore(resolve(io.cwd, parsed.folder));
    await store.loadAll();
    const loaded = store.get(parsed.id);
    if (!loaded) throw new UsageError(`no incident "${parsed.id}" in ${parsed.folder}`);
    if (loaded.kind !== 'ok') throw new UsageError(`the record ${loaded.file} is broken (${loaded.reason}); fix it first`);
    let incident = loaded.incident;
    const repoDir = (await git(io.cwd).raw(['rev-parse', '--show-toplevel'])).trim();
    const evidence = new EvidenceStore(repoDir);
    // Recording a run edits the record, and the public log follows the records: neither is a change to the code.
    const inRepo = (p: string) => relative(repoDir, resolve(realpathSync(io.cwd), p)).split('\\').join('/');
    const ignorePaths = [`${inRepo(parsed.folder)}/`, inRepo(parsed.publicLog)];
    if (parsed.run) {
      const test = testCommandFor(incident, parsed, io.cwd);
      const result = await runIncidentTests({
        incident,
        repoDir,
        cwd: io.cwd,
        test,
        timeoutMs: parsed.timeoutMs,
        ctx: { actor: parsed.actor, now: new Date() },
        onOutput: (chunk) => io.err(chunk),
        ignorePaths,
      });
      // The audit entry goes into the record; the gate itself reads the signed evidence.
      incident = await store.update(loaded.file, () => result.edits);
    }
    const verdict = await evaluateGate({ incident, repoDir, evidence, now: new Date(), ignorePaths });
    io.out(parsed.json ? JSON.stringify({ id: incident.id, ...verdict }, null, 2) + '\n' : renderText(incident.id, verdict));
    return verdict.mayClose ? 0 : 1;
  } catch (e) {
    io.err(`${e instanceof UsageError ? '' : 'error: '}${(e as Error).message}\n`);
    return 2;
  }
}

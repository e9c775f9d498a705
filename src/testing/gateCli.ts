// `incident-room gate <id>`: the close gate's verdict for CI and terminals (exit 0 only when the
// incident may close). The options and their help are declared once in GATE_OPTIONS.
import { readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { git } from '../git/fixBranch';
import type { Incident } from '../model/record';
import { defineCommand, UsageError, type CliIo } from '../cliCommand';
import { IncidentStore } from '../store/incidentStore';
import { EvidenceStore } from './evidence';
import { evaluateGate, type GateVerdict } from './gate';
import { runIncidentTests } from './incidentRun';
import { REPORT_FORMATS, type ReportFormat } from './reports/report';
import { inferReportFormat, type TestCommand } from './runner';

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

const GATE_OPTIONS = {
  run: { type: 'boolean', description: 'Run the linked tests first, sign the run and add it to the record.' },
  json: { type: 'boolean', description: 'Print the verdict as JSON.' },
  folder: { type: 'string', value: '<folder>', description: 'The records folder (default .incidents).' },
  'public-log': { type: 'string', value: '<file>', description: 'The public incident log (default INCIDENT-LOG.md).' },
  command: { type: 'string', value: '<json array>', description: 'The test command as a JSON array of strings, e.g. \'["npx","mocha"]\'.' },
  format: { type: 'string', value: REPORT_FORMATS.join('|'), description: 'The report format; inferred from the command when absent.' },
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
  if (typeof values.format === 'string') {
    if (!REPORT_FORMATS.includes(values.format as ReportFormat)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
    out.format = values.format as ReportFormat;
  }
  if (typeof values.timeout === 'string') {
    const s = Number(values.timeout);
    if (!Number.isFinite(s) || s <= 0) throw new UsageError('--timeout takes a number of seconds');
    out.timeoutMs = s * 1000;
  }
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
The test command is, in order: the record's test_command; --command; package.json's "incident-room": { "testCommand": [...] }.`,
  positionals: [{ name: '<id>', description: 'The incident to judge.', required: true }],
  options: GATE_OPTIONS,
  run: async (values, [id], io) => gate(gateArgs(values, id!), io),
});

async function gate(parsed: GateArgs, io: CliIo): Promise<number> {
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
      const runOutput = lineWriter(io.err);
      const test = testCommandFor(incident, parsed, io.cwd);
      const result = await runIncidentTests({
        incident,
        repoDir,
        cwd: io.cwd,
        test,
        timeoutMs: parsed.timeoutMs,
        ctx: { actor: parsed.actor, now: new Date() },
        onOutput: (chunk) => runOutput.write(chunk),
        ignorePaths,
      });
      runOutput.end();
      // The audit entry goes into the record; the gate itself reads the signed evidence.
      incident = await store.update(loaded.file, () => result.edits);
    }
    const verdict = await evaluateGate({ incident, repoDir, evidence, now: new Date(), ignorePaths });
    io.out(parsed.json ? JSON.stringify({ id: incident.id, ...verdict }, null, 2) : renderText(incident.id, verdict));
    return verdict.mayClose ? 0 : 1;
}

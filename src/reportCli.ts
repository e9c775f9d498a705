// `incident-room report [folder] [--since <date>] [--json]`: what the records teach, from the
// records alone (no network), for a terminal or CI.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from './cli';
import { buildReport, parseSince, reportMarkdown } from './model/report';
import { IncidentStore } from './store/incidentStore';

export const REPORT_USAGE = `Usage: incident-room report [folder] [--since <date>] [--json]

Figures over the records in folder (default .incidents): incidents per level and per month;
median and worst time to declare, to mitigate and to close, per level; updates on time and late;
incidents closed with a waiver or released without tests; post-mortems ready and missing; open
action items by owner.
  --since <date>   Only incidents declared on or after it (YYYY-MM-DD, or a timestamp).
  --json           Print the figures as JSON.`;

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { since: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    io.err((err as Error).message);
    io.err(REPORT_USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(REPORT_USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    io.err(REPORT_USAGE);
    return 2;
  }
  if (values.since !== undefined) {
    try {
      parseSince(values.since);
    } catch (err) {
      io.err((err as Error).message);
      return 2;
    }
  }
  const folder = path.resolve(io.cwd, positionals[0] ?? '.incidents');
  const records = await new IncidentStore(folder).loadAll();
  const incidents = records.flatMap((r) => (r.kind === 'ok' ? [r.incident] : []));
  const report = buildReport(incidents, { since: values.since, today: io.now() });
  io.out(values.json ? JSON.stringify(report, null, 2) : reportMarkdown(report).trimEnd());
  for (const r of records) if (r.kind === 'broken') io.err(`${path.relative(io.cwd, r.file) || r.file}: broken (${r.reason}), left out; run "incident-room validate"`);
  return 0;
}

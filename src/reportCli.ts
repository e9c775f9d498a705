// `incident-room report [folder] [--since <date>] [--json]`: what the records teach, from the
// records alone (no network), for a terminal or CI.
import * as path from 'node:path';
import { defineCommand, UsageError } from './cliCommand';
import { buildReport, parseSince, reportMarkdown } from './model/report';
import { IncidentStore } from './store/incidentStore';

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'Figures over the records: per level and month, times to declare, mitigate and close, updates, post-mortems, action items.',
  synopsis: '[folder] [--since <date>] [--json]',
  description:
    'Incidents per level (the most severe each reached) and per month; median and worst time to declare, to mitigate and to close per level, from when the story started (the earliest timeline entry or note); update cycles on time and late; incidents closed with a waiver or released without tests; post-mortems ready and missing; open action items by owner. Reads the records only. Exit 0.',
  positionals: [{ name: '[folder]', description: 'The records folder (default .incidents), relative to the working directory.' }],
  options: {
    since: { type: 'string', value: '<date>', description: 'Only incidents declared on or after it (YYYY-MM-DD, or a timestamp with its offset).' },
    json: { type: 'boolean', description: 'Print the figures as JSON.' },
  },
  run: async (values, [folder], io) => {
    if (values.since !== undefined) {
      try {
        parseSince(values.since);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    const records = await new IncidentStore(path.resolve(io.cwd, folder ?? '.incidents')).loadAll();
    const incidents = records.flatMap((r) => (r.kind === 'ok' ? [r.incident] : []));
    const report = buildReport(incidents, { since: values.since, today: io.now() });
    io.out(values.json ? JSON.stringify(report, null, 2) : reportMarkdown(report).trimEnd());
    for (const r of records) if (r.kind === 'broken') io.err(`${path.relative(io.cwd, r.file) || r.file}: broken (${r.reason}), left out; run "incident-room validate"`);
    return 0;
  },
});

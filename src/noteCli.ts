// `incident-room note <id> <text> [--at <time>] [--by <person>] [--kind <kind>] [--folder <dir>]`:
// adds a note to an incident's timeline from a script or a chat bridge, the same way the
// editor's Add Timeline Note does. Works on closed incidents: the story goes on.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from './cli';
import { gitUserEmail } from './git/identity';
import { resolveActor } from './model/actor';
import { RuleViolation } from './model/edits';
import { findPerson } from './model/people';
import { NOTE_KINDS, type Incident, type NoteKind } from './model/record';
import { addTimelineNote, isNoteKind, parseNoteTime } from './model/timelineNotes';
import { IncidentStore } from './store/incidentStore';

export const NOTE_USAGE = `Usage: incident-room note <id> <text> [--at <time>] [--by <person>] [--kind <kind>] [--folder <dir>]

Adds a note to the incident's timeline.
  --at <time>      When it happened: HH:mm or "YYYY-MM-DD HH:mm" in the person's zone, or a
                   timestamp with its offset. May be before the declaration. Default: now.
  --by <person>    Who it was (a person id in the record). Default: the person whose email is
                   git's user.email.
  --kind <kind>    ${NOTE_KINDS.join(', ')} (default other).
  --folder <dir>   The records folder (default .incidents).`;

export async function noteCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        at: { type: 'string' },
        by: { type: 'string' },
        kind: { type: 'string' },
        folder: { type: 'string', default: '.incidents' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err((err as Error).message);
    io.err(NOTE_USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(NOTE_USAGE);
    return 0;
  }
  const [id, ...words] = positionals;
  const text = words.join(' ').trim();
  if (!id || !text) {
    io.err(NOTE_USAGE);
    return 2;
  }
  if (values.kind !== undefined && !isNoteKind(values.kind)) {
    io.err(`--kind must be one of ${NOTE_KINDS.join(', ')}`);
    return 2;
  }
  const store = new IncidentStore(path.resolve(io.cwd, values.folder));
  const records = await store.loadAll();
  const record = records.find((r) => (r.kind === 'ok' ? r.incident.id === id : r.id === id));
  if (!record) {
    io.err(`No incident with id "${id}" in ${values.folder}.`);
    return 2;
  }
  if (record.kind === 'broken') {
    io.err(`${path.relative(io.cwd, record.file)} is broken (${record.reason}) and is not written; run "incident-room validate".`);
    return 2;
  }
  const incident: Incident = record.incident;
  const people = incident.people ?? [];
  const gitActor = resolveActor({ gitEmail: await gitUserEmail(io.cwd).catch(() => undefined), people });
  const by = values.by?.trim() || gitActor;
  if (!by) {
    io.err('Who is it? Pass --by <person id>, or set git user.email to an email of a person in the record.');
    return 2;
  }
  const now = io.now();
  const zone = findPerson(people, gitActor ?? by)?.timezone ?? 'UTC';
  let at: string | undefined;
  try {
    at = values.at === undefined ? undefined : parseNoteTime(values.at, now, zone);
  } catch (err) {
    io.err((err as Error).message);
    return 2;
  }
  try {
    const updated = await store.update(record.file, (fresh) =>
      addTimelineNote(fresh, { text, at, by, kind: values.kind as NoteKind | undefined }, { actor: gitActor ?? by, now, zone }),
    );
    const added = updated.timeline[updated.timeline.length - 1];
    io.out(`${incident.id}: note added at ${added?.at} by ${added?.by}`);
    return 0;
  } catch (err) {
    if (err instanceof RuleViolation) {
      io.err(`Refused: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

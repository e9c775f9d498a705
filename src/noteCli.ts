// `incident-room note <id> <text> [--at <time>] [--by <person>] [--kind <kind>] [--folder <dir>]`:
// adds a note to an incident's timeline from a script or a chat bridge, the same way the
// editor's Add Timeline Note does. Works on closed incidents: the story goes on.
import * as path from 'node:path';
import { defineCommand, UsageError, type CliIo } from './cliCommand';
import { gitUserEmail } from './git/identity';
import { resolveActor } from './model/actor';
import { RuleViolation } from './model/edits';
import { findPerson } from './model/people';
import { NOTE_KINDS, type NoteKind } from './model/record';
import { addTimelineNote, isNoteKind, parseNoteTime } from './model/timelineNotes';
import { IncidentStore } from './store/incidentStore';

interface NoteInput {
  id: string;
  text: string;
  at?: string;
  by?: string;
  kind?: NoteKind;
  folder: string;
}

export const noteCommand = defineCommand({
  name: 'note',
  summary: "Add a note to an incident's timeline (the story, also before the declaration).",
  synopsis: '<id> <text> [--at <time>] [--by <person>] [--kind <kind>] [--folder <dir>]',
  description:
    'Appends a note with who and when; closed incidents take notes too. Exit 0 when added, 1 when the note is refused (empty, in the future), 2 when the command line is wrong or the record cannot be written.',
  positionals: [
    { name: '<id>', description: 'The incident id.', required: true },
    { name: '<text>', description: 'What happened (quote it).', required: true },
  ],
  options: {
    at: { type: 'string', value: '<time>', description: 'When it happened: HH:mm or "YYYY-MM-DD HH:mm" in the zone of the person writing, or a timestamp with its offset. May be before the declaration. Default: now.' },
    by: { type: 'string', value: '<person>', description: "Who it was (a person id in the record). Default: the person whose email is git's user.email." },
    kind: { type: 'string', value: '<kind>', description: `${NOTE_KINDS.join(', ')} (default other).` },
    folder: { type: 'string', value: '<dir>', description: 'The records folder (default .incidents).' },
  },
  run: async (values, [id, text], io) => {
    if (values.kind !== undefined && !isNoteKind(values.kind)) throw new UsageError(`--kind must be one of ${NOTE_KINDS.join(', ')}`);
    return addNote({ id: id!, text: text!, at: values.at, by: values.by, kind: values.kind as NoteKind | undefined, folder: values.folder ?? '.incidents' }, io);
  },
});

async function addNote(input: NoteInput, io: CliIo): Promise<number> {
  const store = new IncidentStore(path.resolve(io.cwd, input.folder));
  const records = await store.loadAll();
  const record = records.find((r) => (r.kind === 'ok' ? r.incident.id === input.id : r.id === input.id));
  if (!record) throw new Error(`no incident with id "${input.id}" in ${input.folder}`);
  if (record.kind === 'broken') throw new Error(`${path.relative(io.cwd, record.file)} is broken (${record.reason}) and is not written; run "incident-room validate"`);
  const people = record.incident.people ?? [];
  const gitActor = resolveActor({ gitEmail: await gitUserEmail(io.cwd), people });
  const by = input.by?.trim() || gitActor;
  if (!by) throw new UsageError("who is it? Pass --by <person id>, or set git's user.email to the email of a person in the record");
  const now = io.now();
  const zone = findPerson(people, gitActor ?? by)?.timezone ?? 'UTC';
  let at: string | undefined;
  try {
    at = input.at === undefined ? undefined : parseNoteTime(input.at, now, zone);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  try {
    const updated = await store.update(record.file, (fresh) => addTimelineNote(fresh, { text: input.text, at, by, kind: input.kind }, { actor: gitActor ?? by, now, zone }));
    const added = updated.timeline[updated.timeline.length - 1];
    io.out(`${input.id}: note added at ${added?.at} by ${added?.by}`);
    return 0;
  } catch (err) {
    if (!(err instanceof RuleViolation)) throw err;
    io.err(`Refused: ${err.message}`);
    return 1;
  }
}

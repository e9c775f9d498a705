// `incident-room merge-driver %O %A %B %P` (git's merge driver protocol: base, ours, theirs,
// path; the result replaces ours; exit 0 when clean, 1 with conflicts) and
// `incident-room setup-git [folder]` (registers it). Each is self-contained, with its own --help.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CliIo } from '../cli';
import { DEFAULT_DRIVER_COMMAND, setupGitMergeDriver } from './gitSetup';
import { mergeRecordTexts } from './recordMerge';

const MERGE_USAGE = `Usage: incident-room merge-driver <base> <ours> <theirs> [path]

Git merge driver for incident records (set up by "incident-room setup-git"). Merges by meaning:
list entries are joined, a value changed on one side takes that side, a value changed on both
sides is left in conflict markers. Writes the result over <ours>; exit 0 clean, 1 conflicted.`;

const SETUP_USAGE = `Usage: incident-room setup-git [folder] [--command "<how to run incident-room>"]

Registers the record merge driver for folder (default .incidents) in this clone's .git/config
and in .gitattributes (commit it, so the team shares it). Safe to run again.
--command defaults to "${DEFAULT_DRIVER_COMMAND}" (the package installed in the project).`;

export async function mergeDriverCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(MERGE_USAGE);
    return 0;
  }
  const [base, ours, theirs, shown] = args;
  if (!base || !ours || !theirs || args.length > 4) {
    io.err(MERGE_USAGE);
    return 2;
  }
  const read = (f: string) => fs.readFile(path.resolve(io.cwd, f), 'utf8');
  const label = shown ?? path.basename(ours);
  const outcome = mergeRecordTexts(await read(base), await read(ours), await read(theirs), { ours: `ours (${label})`, theirs: `theirs (${label})` });
  await fs.writeFile(path.resolve(io.cwd, ours), outcome.text);
  if (outcome.clean) return 0;
  io.err(`incident-room: conflict in ${label}: ${outcome.reason}`);
  return 1;
}

export async function setupGitCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(SETUP_USAGE);
    return 0;
  }
  let command: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--command') command = args[++i];
    else if (a.startsWith('--command=')) command = a.slice('--command='.length);
    else if (a.startsWith('-')) {
      io.err(`unknown option ${a}\n${SETUP_USAGE}`);
      return 2;
    } else positional.push(a);
  }
  if (positional.length > 1 || command === '') {
    io.err(SETUP_USAGE);
    return 2;
  }
  const result = await setupGitMergeDriver(io.cwd, positional[0] ?? '.incidents', command);
  io.out(
    `merge driver ${result.configChanged ? 'registered in' : 'already in'} .git/config; ` +
      `${path.relative(io.cwd, result.attributesFile) || '.gitattributes'} ${result.attributesChanged ? 'updated (commit it)' : 'already up to date'}`,
  );
  return 0;
}

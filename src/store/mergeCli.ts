// `incident-room merge-driver %O %A %B %P` (git's merge driver protocol: base, ours, theirs,
// path; the result replaces ours; exit 0 when clean, 1 with conflicts) and
// `incident-room setup-git [folder]` (registers it).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { defineCommand } from '../cliCommand';
import { DEFAULT_DRIVER_COMMAND, setupGitMergeDriver } from './gitSetup';
import { mergeRecordTexts } from './recordMerge';

export const mergeDriverCommand = defineCommand({
  name: 'merge-driver',
  summary: 'Git merge driver for incident records (set up by setup-git).',
  synopsis: '<base> <ours> <theirs> [path]',
  description: `Merges one record three-way by meaning: list entries are joined, a value changed on one side
takes that side, a value changed differently on both sides is left in conflict markers at its line,
and a result that would not be a valid record is a conflict. Writes the result over <ours>.
Exit 0 when clean, 1 with conflicts (described on stderr), 2 when the command line is wrong.`,
  positionals: [
    { name: '<base>', description: 'The common ancestor (git: %O).', required: true },
    { name: '<ours>', description: 'Our version, replaced by the result (git: %A).', required: true },
    { name: '<theirs>', description: 'Their version (git: %B).', required: true },
    { name: '[path]', description: 'The record path, for messages and conflict labels (git: %P).' },
  ],
  options: {},
  run: async (_values, [base, ours, theirs, shown], io) => {
    const read = (f: string) => fs.readFile(path.resolve(io.cwd, f), 'utf8');
    const label = shown ?? path.basename(ours!);
    const outcome = mergeRecordTexts(await read(base!), await read(ours!), await read(theirs!), { ours: `ours (${label})`, theirs: `theirs (${label})` });
    await fs.writeFile(path.resolve(io.cwd, ours!), outcome.text);
    if (outcome.clean) return 0;
    io.err(`incident-room: conflict in ${label}: ${outcome.reason}`);
    return 1;
  },
});

export const setupGitCommand = defineCommand({
  name: 'setup-git',
  summary: 'Register the record merge driver in .git/config and .gitattributes.',
  synopsis: '[folder] [--command <cmd>]',
  description: `Registers the merge driver for the records folder in this clone's .git/config, and the folder's
files in .gitattributes (commit it, so the team shares it; each teammate runs this once). Needs
only the package, not the extension. Safe to run again: it changes nothing the second time.`,
  positionals: [{ name: '[folder]', description: 'The records folder (default .incidents), relative to the working directory.' }],
  options: {
    command: { type: 'string', value: '<cmd>', description: `How git runs incident-room (default "${DEFAULT_DRIVER_COMMAND}", the package installed in the project).` },
  },
  run: async (values, positionals, io) => {
    if (values.command === '') throw new Error('--command needs a value');
    const result = await setupGitMergeDriver(io.cwd, positionals[0] ?? '.incidents', values.command);
    io.out(
      `merge driver ${result.configChanged ? 'registered in' : 'already in'} .git/config; ` +
        `${path.relative(io.cwd, result.attributesFile) || '.gitattributes'} ${result.attributesChanged ? 'updated (commit it)' : 'already up to date'}`,
    );
    return 0;
  },
});

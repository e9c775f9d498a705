// Where the command that counts comes from. A fix branch must not pick the command its own fix
// is judged by, so the project's configured command is read from the base branch's commit
// (package.json's "incident-room": { "testCommand": [...] }), never from the working tree.
import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { git } from '../git/fixBranch';
import type { TestCommand } from './runner';

export class TestCommandError extends Error {}

export const CLI_COMMAND_SOURCE = "CI's --command";

/** A JSON argument vector: a non-empty array of non-empty strings. */
export function parseArgv(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new TestCommandError(`${where} must be a non-empty list of strings, the runner's plain command, e.g. ["npx","mocha","test/"]`);
  }
  return [...value] as string[];
}

/** The command committed on the base branch for the package at `cwd`; null when none is configured there. */
export async function baseBranchCommand(repoDir: string, cwd: string, base: string): Promise<TestCommand | null> {
  const dir = relative(realpathSync(repoDir), realpathSync(cwd)).split('\\').join('/');
  const file = dir ? `${dir}/package.json` : 'package.json';
  let text: string;
  try {
    text = await git(repoDir).raw(['show', `refs/heads/${base}:${file}`]);
  } catch {
    return null;
  }
  let pkg: { 'incident-room'?: { testCommand?: unknown } };
  try {
    pkg = JSON.parse(text);
  } catch {
    throw new TestCommandError(`${file} on ${base} is not valid JSON`);
  }
  const configured = pkg?.['incident-room']?.testCommand;
  if (configured === undefined) return null;
  const where = `package.json's "incident-room.testCommand" on ${base}`;
  return { command: parseArgv(configured, where), source: where };
}

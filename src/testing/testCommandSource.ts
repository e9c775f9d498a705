// Where the command that counts comes from. A fix branch must not pick the command its own fix
// is judged by, so the project's configured command is read from the base branch's commit
// (package.json's "incident-room": { "testCommand": [...] }), never from the working tree; and
// the record, which the fix branch carries, must not pick that base either (untrustedBase).
import { defaultBranchOf, git } from '../git/fixBranch';
import type { FixBranch } from '../model/record';
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

/**
 * The command committed on the base branch for the package at `cwd`; null when none is configured
 * there. Read from `cwd` (git's "./" path), so that the repository's top level need not be known.
 */
export async function baseBranchCommand(cwd: string, base: string): Promise<TestCommand | null> {
  let text: string;
  try {
    text = await git(cwd).raw(['show', `refs/heads/${base}:./package.json`]);
  } catch {
    return null;
  }
  let pkg: { 'incident-room'?: { testCommand?: unknown } };
  try {
    pkg = JSON.parse(text);
  } catch {
    throw new TestCommandError(`package.json on ${base} is not valid JSON`);
  }
  const configured = pkg?.['incident-room']?.testCommand;
  if (configured === undefined) return null;
  const where = `package.json's "incident-room.testCommand" on ${base}`;
  return { command: parseArgv(configured, where), source: where };
}

/** Base branches trusted besides, or instead of, the repository's default branch. */
export interface TrustedBases {
  names: readonly string[];
  /** Where the names come from, for messages: "CI's --base", "your incidentRoom.trustedBaseBranches setting". */
  source: string;
  /** Whether the default branch is trusted too; not when CI names the base itself. */
  withDefault: boolean;
}

/**
 * Why the gate may not trust the record's base branch, or null when it may. The base chooses the
 * command that counts and which commits are the fix's (the IM's commits, whether the no-test
 * waiver applies), and the record travels on the fix branch: so the base must be the
 * repository's default branch, or one that CI or the user's own settings name, and never the
 * fix branch itself.
 */
export function untrustedBase(fix: FixBranch, defaultBranch: string | null, also?: TrustedBases): string | null {
  if (fix.base === fix.branch) {
    return `the record names the fix branch ${fix.branch} as its own base: none of its commits would count as the fix's, and its own package.json would choose the command`;
  }
  const withDefault = also?.withDefault ?? true;
  if ((withDefault && defaultBranch !== null && fix.base === defaultBranch) || also?.names.includes(fix.base)) return null;
  const trusted = [
    ...(withDefault ? [defaultBranch ? `the repository's default branch (${defaultBranch})` : "the repository's default branch (git cannot name it here: origin has no HEAD, and not exactly one of main and master exists)"] : []),
    ...(also && also.names.length > 0 ? [`a branch named by ${also.source} (${also.names.join(', ')})`] : []),
  ];
  return `the record names ${fix.base} as the fix branch's base, which is not ${trusted.join(' or ')}: the base chooses the command that counts and which commits are the fix's, so a record cannot pick it`;
}

/** The command a trusted base configures, read before the record is (see gateCli.ts): the branch, and what its package.json says. */
export interface CommandReadAhead {
  base: string;
  read: Promise<TestCommand | null>;
}

/**
 * The command committed on the record's base branch, and why that base is not trusted (see
 * untrustedBase; then the command is null, whatever the base configures). `defaultBranch`: the
 * repository's default branch when the caller asked already. `readAhead`: that branch's command
 * when the caller started reading it already; used when it is the record's base.
 */
export async function trustedBaseCommand(
  cwd: string,
  fix: FixBranch,
  also?: TrustedBases,
  defaultBranch: Promise<string | null> = also?.withDefault === false ? Promise.resolve(null) : defaultBranchOf(cwd),
  readAhead?: Promise<CommandReadAhead | null>,
): Promise<{ command: TestCommand | null; untrusted: string | null }> {
  const ahead = await readAhead;
  // Both reads at once; what an untrusted base configures, even a broken package.json, is never looked at.
  const read = ahead?.base === fix.base ? ahead.read : baseBranchCommand(cwd, fix.base);
  read.catch(() => undefined);
  const untrusted = untrustedBase(fix, await defaultBranch, also);
  return { command: untrusted === null ? await read : null, untrusted };
}

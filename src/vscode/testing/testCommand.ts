// Which command runs an incident's tests, and for how long. The command that counts is the
// one committed on the fix branch's base branch (package.json's "incident-room.testCommand") when
// the gate trusts that base, else your incidentRoom.testCommand setting; a record's test_command
// never picks it. Both settings are read from the user's settings only: a repository's
// .vscode/settings.json travels on the fix branch.
import * as vscode from 'vscode';
import type { Incident } from '../../model/record';
import type { TestCommand } from '../../testing/runner';
import { parseArgv, TestCommandError, trustedBaseCommand, type TrustedBases } from '../../testing/testCommandSource';
import { SETTINGS, SETTINGS_SECTION } from '../ids';

/** node:test's plain command; Incident Room adds its reporters. */
export const DEFAULT_TEST_COMMAND: readonly string[] = ['node', '--test'];
export const DEFAULT_TEST_TIMEOUT_SECONDS = 600;

export { TestCommandError };

/** A setting's value from the user's own settings; a workspace's or folder's value is ignored. */
function userSetting(key: string): unknown {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect<unknown>(key)?.globalValue;
}

/** The bases trusted besides the repository's default branch: incidentRoom.trustedBaseBranches. */
export function trustedBases(): TrustedBases {
  const names = userSetting(SETTINGS.trustedBaseBranches);
  return {
    names: Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string' && n.length > 0) : [],
    source: `your ${SETTINGS_SECTION}.${SETTINGS.trustedBaseBranches} setting`,
    withDefault: true,
  };
}

/** The trusted base branch's committed command, which the gate will also demand; null when it configures none or the base is not trusted. */
export async function committedTestCommand(folder: vscode.WorkspaceFolder, incident: Incident): Promise<TestCommand | null> {
  return incident.fix?.base ? (await trustedBaseCommand(folder.uri.fsPath, incident.fix, trustedBases())).command : null;
}

export async function testCommandFor(folder: vscode.WorkspaceFolder, incident: Incident): Promise<TestCommand> {
  const committed = await committedTestCommand(folder, incident);
  if (committed) return committed;
  const where = `${SETTINGS_SECTION}.${SETTINGS.testCommand}`;
  const configured = userSetting(SETTINGS.testCommand);
  if (configured === undefined || (Array.isArray(configured) && configured.length === 0)) return { command: [...DEFAULT_TEST_COMMAND], source: 'the default command' };
  return { command: parseArgv(configured, where), source: `the ${where} setting` };
}

export function testTimeoutMs(folder: vscode.WorkspaceFolder): number {
  const seconds = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<number>(SETTINGS.testTimeoutSeconds);
  return (typeof seconds === 'number' && seconds > 0 ? seconds : DEFAULT_TEST_TIMEOUT_SECONDS) * 1000;
}

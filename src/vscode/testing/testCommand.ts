// Which command runs an incident's tests, and for how long. The command that counts is the
// one committed on the fix branch's base branch (package.json's "incident-room.testCommand"),
// else your incidentRoom.testCommand setting; a record's test_command never picks it.
import * as vscode from 'vscode';
import type { Incident } from '../../model/record';
import type { TestCommand } from '../../testing/runner';
import { baseBranchCommand, parseArgv, TestCommandError } from '../../testing/testCommandSource';
import { SETTINGS, SETTINGS_SECTION } from '../ids';

/** node:test's plain command; Incident Room adds its reporters. */
export const DEFAULT_TEST_COMMAND: readonly string[] = ['node', '--test'];
export const DEFAULT_TEST_TIMEOUT_SECONDS = 600;

export { TestCommandError };

/** The base branch's committed command, which the gate will also demand; null when it configures none. */
export async function committedTestCommand(repoDir: string, folder: vscode.WorkspaceFolder, incident: Incident): Promise<TestCommand | null> {
  return incident.fix?.base ? baseBranchCommand(repoDir, folder.uri.fsPath, incident.fix.base) : null;
}

export async function testCommandFor(repoDir: string, folder: vscode.WorkspaceFolder, incident: Incident): Promise<TestCommand> {
  const committed = await committedTestCommand(repoDir, folder, incident);
  if (committed) return committed;
  const where = `${SETTINGS_SECTION}.${SETTINGS.testCommand}`;
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<unknown>(SETTINGS.testCommand);
  if (configured === undefined || (Array.isArray(configured) && configured.length === 0)) return { command: [...DEFAULT_TEST_COMMAND], source: 'the default command' };
  return { command: parseArgv(configured, where), source: `the ${where} setting` };
}

export function testTimeoutMs(folder: vscode.WorkspaceFolder): number {
  const seconds = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<number>(SETTINGS.testTimeoutSeconds);
  return (typeof seconds === 'number' && seconds > 0 ? seconds : DEFAULT_TEST_TIMEOUT_SECONDS) * 1000;
}

// Which command runs an incident's tests, and for how long: the record's `test_command` wins,
// then the workspace setting. Reading them decides nothing; the runner and gate decide.
import * as vscode from 'vscode';
import type { Incident } from '../../model/record';
import { inferReportFormat, type TestCommand } from '../../testing/runner';
import { SETTINGS, SETTINGS_SECTION } from '../ids';

/** node:test's preset: spec on the output stream for people, JUnit at {report} for the gate. */
export const DEFAULT_TEST_COMMAND: readonly string[] = [
  'node',
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=junit',
  '--test-reporter-destination={report}',
];
export const DEFAULT_TEST_TIMEOUT_SECONDS = 600;

export class TestCommandError extends Error {}

function isArgv(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'string' && a.length > 0);
}

export function testCommandFor(folder: vscode.WorkspaceFolder, incident: Incident): TestCommand {
  if (incident.test_command?.length) {
    if (!isArgv(incident.test_command)) throw new TestCommandError(`the record's test_command must be a list of non-empty strings`);
    return { command: [...incident.test_command], format: inferReportFormat(incident.test_command) };
  }
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<unknown>(SETTINGS.testCommand);
  const command = configured === undefined || (Array.isArray(configured) && configured.length === 0) ? [...DEFAULT_TEST_COMMAND] : configured;
  if (!isArgv(command)) throw new TestCommandError(`${SETTINGS_SECTION}.${SETTINGS.testCommand} must be a list of non-empty strings, e.g. ["npx","mocha","--reporter","json","--reporter-option","output={report}"]`);
  return { command, format: inferReportFormat(command) };
}

export function testTimeoutMs(folder: vscode.WorkspaceFolder): number {
  const seconds = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<number>(SETTINGS.testTimeoutSeconds);
  return (typeof seconds === 'number' && seconds > 0 ? seconds : DEFAULT_TEST_TIMEOUT_SECONDS) * 1000;
}

// The integration suite's entry point, loaded by VS Code's extension host through
// `extensionTestsPath` (code-server in this project, @vscode/test-electron on a desktop).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  // First line of the output, so every log says which VS Code ran the suite.
  console.log(`VS Code ${vscode.version}`);
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: 60_000,
    // The extension host's stdout is no terminal; the runner asks for colours when its own is.
    color: process.env.MOCHA_COLORS !== undefined,
  });
  // Set by the runners' --grep, to run a part of the suite while working on it.
  const grep = process.env.INCIDENT_ROOM_TEST_GREP;
  if (grep) mocha.grep(new RegExp(grep));
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  for (const name of files) mocha.addFile(join(__dirname, name));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

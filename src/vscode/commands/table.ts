// The command table: every command id maps to one handler; registered in a loop.
import * as vscode from 'vscode';
import type { ExtensionParts } from '../context';
import { setUpPeopleFileCommand } from '../peopleFileSetup';
import { COMMANDS, type CommandId } from '../ids';
import { closeCommands } from './close';
import { correctionCommands } from './corrections';
import { customerCommands } from './customers';
import { declareIncident } from './declare';
import { fixCommands } from './fix';
import { openProblem, openRecord, refresh, revealInTree } from './records';
import { setupGitMergeDriver } from './gitSetup';
import { runbookCommands } from './runbook';
import { storyCommands } from './story';
import { testPlanCommands } from './testPlan';
import { updateCommands } from './updates';
import { openTestPlan } from '../webview/openTestPlan';

export type Handler = (...args: any[]) => unknown;
/** Each feature module contributes the handlers of its own commands. */
export type CommandTable = Partial<Record<CommandId, Handler>>;

export function createCommands(parts: ExtensionParts): CommandTable {
  return {
    ...updateCommands(parts),
    ...runbookCommands(parts),
    ...fixCommands(parts),
    ...testPlanCommands(parts),
    ...closeCommands(parts),
    ...storyCommands(parts),
    ...correctionCommands(parts),
    ...customerCommands(parts),
    [COMMANDS.declare]: (args?) => declareIncident(parts, args),
    [COMMANDS.openRecord]: (target?) => openRecord(parts, target),
    [COMMANDS.revealInTree]: (id?) => revealInTree(parts, id),
    [COMMANDS.refresh]: () => refresh(parts),
    [COMMANDS.setUpPeopleFile]: (relative?) => setUpPeopleFileCommand(parts, relative),
    [COMMANDS.openProblem]: (file: string, line: number, col: number) => openProblem(file, line, col),
    [COMMANDS.setupGitMergeDriver]: () => setupGitMergeDriver(parts),
    [COMMANDS.openTestPlan]: (target?) => openTestPlan(parts, target),
  };
}

export function registerCommands(parts: ExtensionParts): vscode.Disposable[] {
  const table = createCommands(parts);
  const missing = Object.values(COMMANDS).filter((id) => !table[id]);
  if (missing.length) throw new Error(`commands without a handler: ${missing.join(', ')}`);
  return Object.entries(table).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        // A command that activated the extension must not act on records not yet read.
        await parts.model.whenLoaded();
        return await handler(...args);
      } catch (err) {
        // VS Code swallows command errors into the log; a person needs to see them.
        void vscode.window.showErrorMessage(`Incident Room: ${(err as Error).message}`);
        console.error(`Incident Room: ${id} failed`, err);
        return undefined;
      }
    }),
  );
}

// The command table: every command id maps to one handler; registered in a loop.
import * as vscode from 'vscode';
import type { ExtensionParts } from '../context';
import { COMMANDS, type CommandId } from '../ids';
import { declareIncident } from './declare';
import { openProblem, openRecord, refresh, revealInTree } from './records';

type Handler = (...args: any[]) => unknown;

export function createCommands(parts: ExtensionParts): Record<CommandId, Handler> {
  return {
    [COMMANDS.declare]: (args?) => declareIncident(parts, args),
    [COMMANDS.openRecord]: (target?) => openRecord(parts, target),
    [COMMANDS.revealInTree]: (id?) => revealInTree(parts, id),
    [COMMANDS.refresh]: () => refresh(parts),
    [COMMANDS.openProblem]: (file: string, line: number, col: number) => openProblem(file, line, col),
  };
}

export function registerCommands(parts: ExtensionParts): vscode.Disposable[] {
  return Object.entries(createCommands(parts)).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
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

// The command table: every command id maps to one handler; registered in a loop.
import * as vscode from 'vscode';
import type { ExtensionParts } from '../context';
import { COMMANDS, type CommandId } from '../ids';
import { createCommands } from './handlers';

export type Handler = (...args: any[]) => unknown;
/** Each feature module contributes the handlers of its own commands. */
export type CommandTable = Partial<Record<CommandId, Handler>>;

/** The handlers, made on the first command (that loads them); every id must have one. */
function commandTable(parts: ExtensionParts): () => CommandTable {
  let table: CommandTable | undefined;
  return () => {
    if (table) return table;
    const made = createCommands(parts);
    const missing = Object.values(COMMANDS).filter((id) => !made[id]);
    if (missing.length) throw new Error(`commands without a handler: ${missing.join(', ')}`);
    return (table = made);
  };
}

export function registerCommands(parts: ExtensionParts): vscode.Disposable[] {
  const table = commandTable(parts);
  return Object.values(COMMANDS).map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        // A command that activated the extension must not act on records not yet read.
        await parts.model.whenLoaded();
        return await table()[id]!(...args);
      } catch (err) {
        // VS Code swallows command errors into the log; a person needs to see them.
        void vscode.window.showErrorMessage(`Incident Room: ${(err as Error).message}`);
        console.error(`Incident Room: ${id} failed`, err);
        return undefined;
      }
    }),
  );
}

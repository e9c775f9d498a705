// Runs a domain operation against a record through the store, and tells the person what happened.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RuleViolation, type ActionContext, type RecordEdit } from '../model/edits';
import { resolvePeople } from '../model/people';
import type { Incident, Person } from '../model/record';
import { RecordBrokenError, updateText } from '../store/incidentStore';
import { actionContext } from './actor';
import type { ExtensionParts } from './context';
import type { IncidentEntry } from './incidentsModel';
import { sharedPeople } from './people';
import { showRefusal } from './refusal';

/** What an operation sees: the record as it is on disk now, who acts, and everyone known. */
export interface OperationScope {
  incident: Incident;
  ctx: ActionContext;
  people: Person[];
}

/**
 * Re-reads the record, asks the operation for its edits, writes them and refreshes the model.
 * Refusals (the runbook's rules) and broken files are shown to the person, not thrown at VS Code.
 */
export async function runOperation(
  parts: ExtensionParts,
  entry: IncidentEntry,
  operation: (scope: OperationScope) => RecordEdit[],
  done?: string | ((incident: Incident) => string | undefined),
): Promise<Incident | undefined> {
  const ctx = await actionContext(parts, entry.folder, entry.incident);
  if (!ctx) return undefined;
  const shared = await sharedPeople(entry.folder);
  try {
    const run = (fresh: Incident) => operation({ incident: fresh, ctx, people: resolvePeople(fresh, shared) });
    // A record open with unsaved changes: the change goes into that buffer (undoable, no save
    // conflict); writing the file behind it would leave the person two versions to choose from.
    const dirty = vscode.workspace.textDocuments.find((d) => d.isDirty && d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === path.resolve(entry.record.file));
    const updated = dirty ? await applyToBuffer(dirty, run) : await entry.store.update(entry.record.file, run);
    await parts.model.reload();
    const message = typeof done === 'function' ? done(updated) : done;
    if (message) void vscode.window.showInformationMessage(message);
    return updated;
  } catch (err) {
    showOperationError(entry, err);
    return undefined;
  }
}

/** Applies the operation to an unsaved document through a WorkspaceEdit of just the changed span. */
async function applyToBuffer(document: vscode.TextDocument, run: (fresh: Incident) => RecordEdit[]): Promise<Incident> {
  const before = document.getText();
  const version = document.version;
  const { text, incident } = updateText(document.uri.fsPath, before, run);
  if (text === before) return incident;
  let start = 0;
  while (start < before.length && start < text.length && before[start] === text[start]) start++;
  let endBefore = before.length;
  let endAfter = text.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === text[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  if (document.version !== version) throw new Error(`${path.basename(document.uri.fsPath)} changed while the change was being made; nothing was changed. Try again.`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(endBefore)), text.slice(start, endAfter));
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`the change could not be applied to the unsaved editor of ${path.basename(document.uri.fsPath)}; nothing was changed`);
  void vscode.window.showInformationMessage(`${path.basename(document.uri.fsPath)} has unsaved changes: the change was made in the editor. Save it to keep both.`);
  return incident;
}

export function showOperationError(entry: IncidentEntry, err: unknown): void {
  if (err instanceof RuleViolation) {
    showRefusal(err.message);
  } else if (err instanceof RecordBrokenError) {
    void vscode.window.showErrorMessage(`${path.basename(entry.record.file)} is broken and is not written: ${err.message}`);
  } else {
    void vscode.window.showErrorMessage(`Incident Room: ${(err as Error).message}`);
  }
}

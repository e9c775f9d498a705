// Runs a domain operation against a record through the store, and tells the person what happened.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RuleViolation, type ActionContext, type RecordEdit } from '../model/edits';
import { resolvePeople } from '../model/people';
import type { Incident, Person } from '../model/record';
import { RecordBrokenError } from '../store/incidentStore';
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
    const updated = await entry.store.update(entry.record.file, (fresh) => operation({ incident: fresh, ctx, people: resolvePeople(fresh, shared) }));
    await parts.model.reload();
    const message = typeof done === 'function' ? done(updated) : done;
    if (message) void vscode.window.showInformationMessage(message);
    return updated;
  } catch (err) {
    showOperationError(entry, err);
    return undefined;
  }
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

// Choosing the incident a command acts on: the tree node it was run from, an id, or a quick pick.
import * as vscode from 'vscode';
import type { ExtensionParts } from './context';
import type { IncidentEntry } from './incidentsModel';
import { isOpen } from '../model/lifecycle';
import type { IncidentTreeNode } from './tree';

export type IncidentTarget = IncidentTreeNode | string | undefined;

/** The incident a node belongs to (broken records have none). */
export function incidentOfNode(node: IncidentTreeNode): IncidentEntry | undefined {
  return node.kind === 'incident' || node.kind === 'section' || node.kind === 'leaf' ? node.entry : undefined;
}

/**
 * The argument object a caller (a test, another command, a reminder) passes to skip a command's
 * questions; it names the incident by id. Tree nodes and ids are not argument objects.
 */
export function argumentsOf<T extends { incident: string }>(value: unknown): T | undefined {
  return typeof value === 'object' && value !== null && !('kind' in value) && typeof (value as T).incident === 'string' ? (value as T) : undefined;
}

/** The incident a command acts on: from a tree node, an id, an argument object, or a quick pick. */
export async function pickIncident(parts: ExtensionParts, target: unknown, purpose: string, opts: { openOnly?: boolean } = { openOnly: true }): Promise<IncidentEntry | undefined> {
  const args = argumentsOf(target);
  if (args) target = args.incident;
  if (typeof target === 'string') {
    const found = await parts.model.loadIncident(target);
    if (!found) void vscode.window.showErrorMessage(`No incident with id "${target}".`);
    return found;
  }
  if (target && typeof target === 'object' && 'kind' in target) {
    const found = incidentOfNode(target as IncidentTreeNode);
    // The node may be older than the last reload: act on the current record.
    return found && (await parts.model.loadIncident(found.incident.id));
  }
  const candidates = parts.model.incidents().filter((e) => !opts.openOnly || isOpen(e.incident));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(opts.openOnly ? 'There is no open incident.' : 'There are no incidents.');
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((e) => ({ label: e.incident.title, description: `SEV${e.incident.severity} · ${e.incident.status}`, detail: e.incident.id, entry: e })),
    { title: purpose, placeHolder: 'Which incident?', matchOnDetail: true },
  );
  return picked?.entry;
}

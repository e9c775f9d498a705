// Choosing the incident a command acts on: the tree node it was run from, an id, or a quick pick.
import * as vscode from 'vscode';
import type { ExtensionParts } from './context';
import type { IncidentEntry } from './incidentsModel';
import { isOpen, type IncidentTreeNode } from './tree';

export type IncidentTarget = IncidentTreeNode | string | undefined;

/** The incident a node belongs to (broken records have none). */
export function incidentOfNode(node: IncidentTreeNode): IncidentEntry | undefined {
  return node.kind === 'incident' || node.kind === 'section' || node.kind === 'leaf' ? node.entry : undefined;
}

export async function pickIncident(parts: ExtensionParts, target: IncidentTarget, purpose: string, opts: { openOnly?: boolean } = { openOnly: true }): Promise<IncidentEntry | undefined> {
  if (typeof target === 'string') {
    const found = parts.model.findIncident(target);
    if (!found) void vscode.window.showErrorMessage(`No incident with id "${target}".`);
    return found;
  }
  if (target && typeof target === 'object' && 'kind' in target) {
    const found = incidentOfNode(target);
    // The node may be older than the last reload: act on the current record.
    return found && parts.model.findIncident(found.incident.id);
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

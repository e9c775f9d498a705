// Opening, revealing and refreshing records.
import * as vscode from 'vscode';
import type { ExtensionParts } from '../context';
import type { IncidentTreeNode } from '../tree';

/** Opens a record; with a tree node or id as argument, that one, else asks. */
export async function openRecord(parts: ExtensionParts, target?: IncidentTreeNode | string): Promise<vscode.TextEditor | undefined> {
  const file = await pickRecordFile(parts, target);
  if (!file) return undefined;
  return vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
}

export async function openProblem(file: string, line: number, col: number): Promise<void> {
  const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, col - 1));
  await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), preview: false });
}

/** Reveals the record of the active editor (or the given id) in the tree. */
export async function revealInTree(parts: ExtensionParts, id?: string): Promise<void> {
  const node = typeof id === 'string' ? parts.tree.incidentNode(id) : activeRecordNode(parts);
  if (!node) {
    void vscode.window.showInformationMessage('Open an incident record first: the active editor is not one.');
    return;
  }
  await parts.treeView.reveal(node, { select: true, focus: true, expand: true });
}

export async function refresh(parts: ExtensionParts): Promise<void> {
  await parts.model.reload();
}

function activeRecordNode(parts: ExtensionParts): IncidentTreeNode | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? parts.tree.nodeForFile(uri.fsPath) : undefined;
}

async function pickRecordFile(parts: ExtensionParts, target?: IncidentTreeNode | string): Promise<string | undefined> {
  if (typeof target === 'string') return parts.model.findSummary(target)?.summary.file;
  if (target && target.kind === 'incident') return target.summary.summary.file;
  if (target && 'entry' in target) return target.entry.record.file;
  // Every incident by its summary: listing years of records reads none of them.
  await parts.model.completeSummaries();
  const incidents = parts.model
    .summaries()
    .filter((e) => e.summary.kind === 'ok')
    .map((e) => ({ incident: { title: e.summary.title!, severity: e.summary.severity!, status: e.summary.status!, id: e.summary.id! }, record: { file: e.summary.file } }));
  if (incidents.length === 0) {
    void vscode.window.showInformationMessage('There are no incident records in this workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    incidents.map((e) => ({
      label: e.incident.title,
      description: `SEV${e.incident.severity} · ${e.incident.status}`,
      detail: e.incident.id,
      file: e.record.file,
      open: e.incident.status !== 'closed',
    })).sort((a, b) => Number(b.open) - Number(a.open)),
    { title: 'Open Incident Record', placeHolder: 'Choose an incident', matchOnDetail: true },
  );
  return picked?.file;
}

// Choosing the incident a command acts on: the tree node it was run from, an id, an argument
// object; else what the context names (the active editor's record, the tree's selection, the
// only open incident); and only then a quick pick, most severe and most recent first.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionParts } from './context';
import type { IncidentEntry } from './incidentsModel';
import { compareForChoice, implicitIncident, type ChoiceContext, type ChoiceFacts } from '../model/incidentChoice';
import { levelRules } from '../model/levels';
import { isOpen } from '../model/lifecycle';
import { formatTimeRelative } from '../model/timeDisplay';
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

/** What the workbench says about the incident in view: the active editor's record, the tree's selection. */
export function choiceContext(parts: ExtensionParts): ChoiceContext {
  const context: ChoiceContext = {};
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme === 'file') {
    const wanted = path.resolve(uri.fsPath);
    // A closed record in the editor may not be held in full yet: its summary names it.
    const id =
      parts.model.incidents().find((e) => path.resolve(e.record.file) === wanted)?.incident.id ??
      parts.model.summaries().find((s) => s.summary.kind === 'ok' && path.resolve(s.summary.file) === wanted)?.summary.id;
    if (id) context.editorIncidentId = id;
  }
  const selected = parts.treeView.selection[0];
  const fromTree = selected && incidentOfNode(selected);
  if (fromTree) context.selectedIncidentId = fromTree.incident.id;
  return context;
}

/** "Level 1 · active · declared 14:05 CET (3 h ago)": what tells incidents apart in a pick. */
function choiceDescription(i: ChoiceFacts, now: number): string {
  let declared = i.declared_at;
  try {
    declared = formatTimeRelative(i.declared_at, undefined, now);
  } catch {
    // A timestamp the model could not read still names the incident.
  }
  return `${levelRules(i.severity).name} · ${i.status} · declared ${declared}`;
}

export interface PickIncidentOptions {
  /** Only open incidents may be chosen (the default). */
  openOnly?: boolean;
}

/** The incident a command acts on: from a tree node, an id, an argument object, the context, or a quick pick. */
export async function pickIncident(parts: ExtensionParts, target: unknown, purpose: string, opts: PickIncidentOptions = { openOnly: true }): Promise<IncidentEntry | undefined> {
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
  const openOnly = opts.openOnly !== false;
  // Closed incidents are offered by their summaries, read from the cache's closed part on first need.
  if (!openOnly) await parts.model.completeSummaries();
  const candidates = candidatesOf(parts, openOnly);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(openOnly ? 'There is no open incident.' : 'There are no incidents.');
    return undefined;
  }
  const implicit = implicitIncident(candidates, choiceContext(parts));
  if (implicit) return implicit.entry.load();
  const now = Date.now();
  const sorted = [...candidates].sort((a, b) => compareForChoice(a.incident, b.incident));
  const picked = await vscode.window.showQuickPick(
    sorted.map((c) => ({ label: c.incident.title, description: choiceDescription(c.incident, now), detail: c.incident.id, candidate: c })),
    { title: purpose, placeHolder: 'Which incident? (Open its record or select it in the sidebar to skip this question.)', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.candidate.load();
}

/** An incident that may be chosen, and how to get it in full once chosen. */
interface Candidate {
  incident: ChoiceFacts;
  load(): Promise<IncidentEntry | undefined>;
}

/**
 * Every open incident is held in full; a closed one only once something opened it. Commands that
 * act after close offer every closed incident too, from its summary, and read the chosen one.
 */
function candidatesOf(parts: ExtensionParts, openOnly: boolean): Candidate[] {
  const held = parts.model.incidents().filter((e) => !openOnly || isOpen(e.incident));
  const candidates: Candidate[] = held.map((e) => ({ incident: e.incident, load: async () => e }));
  if (openOnly) return candidates;
  const seen = new Set(held.map((e) => e.incident.id));
  for (const { summary } of parts.model.summaries()) {
    if (summary.kind !== 'ok' || summary.status !== 'closed' || summary.id === undefined || seen.has(summary.id)) continue;
    if (summary.title === undefined || summary.severity === undefined || summary.declaredAt === undefined) continue;
    seen.add(summary.id);
    const file = summary.file;
    candidates.push({
      incident: { id: summary.id, title: summary.title, severity: summary.severity, status: summary.status, declared_at: summary.declaredAt },
      load: () => parts.model.loadIncident(file),
    });
  }
  return candidates;
}

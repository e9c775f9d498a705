// Maps the records onto tree items. No decisions here: text and ordering come from the model.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { nextUpdate } from '../model/cadence';
import { dueHeadline, incidentDescription, incidentLabel, levelLine } from '../model/labels';
import { incidentAgeMs, isOpen } from '../model/lifecycle';
import { personLabel } from '../model/people';
import type { Incident } from '../model/record';
import { compareTimestamps, formatDuration } from '../model/time';
import { formatTime, formatTimeRelative } from '../model/timeDisplay';
import { personClock } from '../model/waking';
import type { RecordProblem } from '../store/recordFile';
import { DisposableStore } from './disposables';
import { COMMANDS, CONTEXT, VIEW_INCIDENTS } from './ids';
import type { ExtensionParts } from './context';
import { escapeMarkdown } from './markdown';
import type { IncidentEntry, IncidentsModel, RecordEntry } from './incidentsModel';
import type { LeafItem, SectionHeader, TreeSection } from './sections/section';
import { TREE_SECTIONS } from './sections/registry';

export type IncidentTreeNode =
  | { kind: 'incident'; id: string; entry: IncidentEntry }
  | { kind: 'broken'; id: string; entry: RecordEntry; problems: RecordProblem[] }
  | { kind: 'problem'; id: string; parent: IncidentTreeNode; entry: RecordEntry; problem: RecordProblem }
  | { kind: 'section'; id: string; parent: IncidentTreeNode; entry: IncidentEntry; section: TreeSection; header: SectionHeader }
  | { kind: 'leaf'; id: string; parent: IncidentTreeNode; entry: IncidentEntry; item: LeafItem };

const LEVEL_COLOURS: Record<number, string> = { 1: 'charts.red', 2: 'charts.orange', 3: 'charts.yellow' };

/** Open incidents first, most severe first, then oldest first; closed ones after, newest first. */
export function compareIncidents(a: Incident, b: Incident): number {
  if (isOpen(a) !== isOpen(b)) return isOpen(a) ? -1 : 1;
  if (isOpen(a)) {
    return a.severity - b.severity || compareTimestamps(a.declared_at, b.declared_at) || a.id.localeCompare(b.id);
  }
  return compareTimestamps(b.declared_at, a.declared_at) || a.id.localeCompare(b.id);
}

export function incidentAge(incident: Incident, now: number): string {
  return formatDuration(incidentAgeMs(incident, now));
}


export class IncidentTreeProvider implements vscode.TreeDataProvider<IncidentTreeNode>, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<IncidentTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private roots: IncidentTreeNode[] = [];

  constructor(
    private readonly model: IncidentsModel,
    private readonly parts: () => ExtensionParts,
    private readonly clock: () => number = Date.now,
  ) {
    this.disposables.add(model.onDidChange(() => this.rebuild()));
    // Ages move on with the clock; the records do not need re-reading for that.
    const minute = setInterval(() => {
      if (this.roots.some((n) => n.kind === 'incident' && isOpen(n.entry.incident))) this.changeEmitter.fire(undefined);
    }, 60_000);
    this.disposables.add({ dispose: () => clearInterval(minute) });
    this.rebuild();
  }

  private rebuild(): void {
    const broken: IncidentTreeNode[] = this.model.broken().map((entry) => ({
      kind: 'broken',
      id: `broken:${entry.record.file}`,
      entry,
      problems: entry.record.kind === 'broken' ? entry.record.problems : [],
    }));
    const incidents: IncidentTreeNode[] = this.model
      .incidents()
      .sort((a, b) => compareIncidents(a.incident, b.incident))
      .map((entry) => ({ kind: 'incident', id: `incident:${entry.record.file}`, entry }));
    this.roots = [...incidents, ...broken];
    void vscode.commands.executeCommand('setContext', CONTEXT.hasIncidents, this.model.all().length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT.hasBrokenRecords, broken.length > 0);
    this.changeEmitter.fire(undefined);
  }

  /** Redraws from the records in memory: for facts that live outside them (git, test runs). */
  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /** The incident nodes and broken-record nodes at the top of the tree. */
  rootNodes(): readonly IncidentTreeNode[] {
    return this.roots;
  }

  incidentNode(id: string): IncidentTreeNode | undefined {
    return this.roots.find((n) => n.kind === 'incident' && n.entry.incident.id === id);
  }

  nodeForFile(file: string): IncidentTreeNode | undefined {
    const wanted = path.resolve(file);
    return this.roots.find((n) => (n.kind === 'incident' || n.kind === 'broken') && path.resolve(n.entry.record.file) === wanted);
  }

  getParent(node: IncidentTreeNode): IncidentTreeNode | undefined {
    return node.kind === 'incident' || node.kind === 'broken' ? undefined : node.parent;
  }

  getChildren(node?: IncidentTreeNode): IncidentTreeNode[] {
    if (!node) return this.roots;
    const now = this.clock();
    switch (node.kind) {
      case 'incident':
        return this.sectionsOf(node, now);
      case 'broken':
        return node.problems.map((problem, i) => ({ kind: 'problem', id: `${node.id}#${i}`, parent: node, entry: node.entry, problem }));
      case 'section':
        return this.leaves(node, node.section.children(node.entry, this.parts(), now));
      case 'leaf':
        return this.leaves(node, node.item.children ?? []);
      default:
        return [];
    }
  }

  private sectionsOf(node: Extract<IncidentTreeNode, { kind: 'incident' }>, now: number): IncidentTreeNode[] {
    const nodes: IncidentTreeNode[] = [];
    for (const section of TREE_SECTIONS) {
      const header = section.header(node.entry, this.parts(), now);
      if (header) nodes.push({ kind: 'section', id: `${node.id}#${section.id}`, parent: node, entry: node.entry, section, header });
    }
    return nodes;
  }

  private leaves(parent: Extract<IncidentTreeNode, { kind: 'section' | 'leaf' }>, items: LeafItem[]): IncidentTreeNode[] {
    return items.map((item, i) => ({ kind: 'leaf', id: `${parent.id}/${item.key ?? i}`, parent, entry: parent.entry, item }));
  }

  /** The section node of an incident, e.g. to reveal it. */
  sectionNode(incidentId: string, sectionId: string): IncidentTreeNode | undefined {
    const incident = this.incidentNode(incidentId);
    return incident && this.getChildren(incident).find((n) => n.kind === 'section' && n.section.id === sectionId);
  }

  getTreeItem(node: IncidentTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'incident':
        return this.incidentItem(node.entry);
      case 'broken':
        return this.brokenItem(node.entry, node.problems);
      case 'problem': {
        const item = new vscode.TreeItem(node.problem.message);
        item.description = `${node.problem.line}:${node.problem.col}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.command = openProblemCommand(node.entry.record.file, node.problem);
        item.id = node.id;
        return item;
      }
      case 'section': {
        const h = node.header;
        const item = new vscode.TreeItem(h.label, h.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = h.description;
        item.tooltip = h.tooltip;
        item.iconPath = h.icon;
        item.contextValue = `section:${node.section.id}`;
        return item;
      }
      case 'leaf': {
        const leaf = node.item;
        const collapsible = leaf.children?.length
          ? leaf.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None;
        const item = new vscode.TreeItem(leaf.label, collapsible);
        item.id = node.id;
        item.description = leaf.description;
        item.tooltip = leaf.tooltip;
        item.iconPath = leaf.icon;
        item.contextValue = leaf.contextValue;
        item.command = leaf.command;
        return item;
      }
    }
  }

  private incidentItem(entry: IncidentEntry): vscode.TreeItem {
    const incident = entry.incident;
    const now = this.clock();
    // The decisive part first: at 300 px only the start of the label shows.
    const item = new vscode.TreeItem(incidentLabel(incident, now), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `incident:${entry.record.file}`;
    const open = isOpen(incident);
    item.description = incidentDescription(incident, now);
    item.iconPath = open ? new vscode.ThemeIcon('flame', new vscode.ThemeColor(LEVEL_COLOURS[incident.severity])) : new vscode.ThemeIcon('pass');
    item.contextValue = `incident:${open ? 'open' : 'closed'}:level${incident.severity}`;
    item.resourceUri = vscode.Uri.file(entry.record.file);
    item.tooltip = incidentTooltip(incident, now);
    return item;
  }

  private brokenItem(entry: RecordEntry, problems: RecordProblem[]): vscode.TreeItem {
    const record = entry.record;
    const reason = record.kind === 'broken' ? record.reason : '';
    const first = problems[0];
    const item = new vscode.TreeItem(path.basename(record.file), problems.length > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `broken:${record.file}`;
    item.description = first ? `broken (${reason}) ${first.line}:${first.col} ${first.message}` : `broken (${reason})`;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('errorForeground'));
    item.contextValue = 'record:broken';
    item.tooltip = new vscode.MarkdownString(
      `**${escapeMarkdown(path.basename(record.file))}** cannot be used and is never written by Incident Room.\n\n` +
        problems.map((p) => `- ${p.line}:${p.col} ${escapeMarkdown(p.message)}`).join('\n'),
    );
    item.resourceUri = vscode.Uri.file(record.file);
    if (first) item.command = openProblemCommand(record.file, first);
    return item;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

/** Everything the row leaves out: title, level, status, when declared and due, the IM and the impact. */
function incidentTooltip(incident: Incident, now: number): vscode.MarkdownString {
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMarkdown(incident.title)}**\n\n`);
  if (incident.public_title) tip.appendMarkdown(`Public title: ${escapeMarkdown(incident.public_title)}\n\n`);
  tip.appendMarkdown(`${escapeMarkdown(levelLine(incident))} · ${incident.status}\n\n`);
  try {
    tip.appendMarkdown(`Declared ${escapeMarkdown(formatTimeRelative(incident.declared_at, undefined, now))}\n\n`);
    if (isOpen(incident)) {
      const next = nextUpdate(incident, now);
      tip.appendMarkdown(`${escapeMarkdown(dueHeadline(next, undefined, now))}: next update due ${escapeMarkdown(formatTime(next.dueAt, undefined, now))}\n\n`);
    }
  } catch {
    tip.appendMarkdown(`Declared ${escapeMarkdown(incident.declared_at)}\n\n`);
  }
  const im = incident.roles.incident_manager;
  const imPerson = (incident.people ?? []).find((p) => p.id === im);
  tip.appendMarkdown(`Incident Manager: ${escapeMarkdown(personLabel(incident.people ?? [], im))}${imPerson ? escapeMarkdown(` (${safeClock(imPerson.timezone, now)})`) : ''}\n\n`);
  tip.appendText(incident.impact);
  return tip;
}

function safeClock(zone: string, now: number): string {
  try {
    return personClock(zone, now);
  } catch {
    return zone;
  }
}

function openProblemCommand(file: string, problem: RecordProblem): vscode.Command {
  return { command: COMMANDS.openProblem, title: 'Open at Error', arguments: [file, problem.line, problem.col] };
}


export function createIncidentTreeView(provider: IncidentTreeProvider): vscode.TreeView<IncidentTreeNode> {
  return vscode.window.createTreeView(VIEW_INCIDENTS, { treeDataProvider: provider, showCollapseAll: true });
}

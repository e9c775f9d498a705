// Maps the records onto tree items. No decisions here: text and ordering come from the model.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { levelRules } from '../model/levels';
import type { ChecklistStep, Incident, Person, TimelineEntry } from '../model/record';
import { compareTimestamps, formatDuration, instantOf } from '../model/time';
import type { RecordProblem } from '../store/recordFile';
import { DisposableStore } from './disposables';
import { COMMANDS, CONTEXT, VIEW_INCIDENTS } from './ids';
import type { IncidentEntry, IncidentsModel, RecordEntry } from './incidentsModel';

type GroupKind = 'roles' | 'start' | 'end' | 'timeline';

export type IncidentTreeNode =
  | { kind: 'incident'; id: string; entry: IncidentEntry }
  | { kind: 'broken'; id: string; entry: RecordEntry; problems: RecordProblem[] }
  | { kind: 'problem'; id: string; parent: IncidentTreeNode; entry: RecordEntry; problem: RecordProblem }
  | { kind: 'group'; id: string; parent: IncidentTreeNode; entry: IncidentEntry; group: GroupKind }
  | { kind: 'leaf'; id: string; parent: IncidentTreeNode; item: LeafItem };

interface LeafItem {
  label: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  icon?: vscode.ThemeIcon;
  contextValue?: string;
  command?: vscode.Command;
}

const LEVEL_COLOURS: Record<number, string> = { 1: 'charts.red', 2: 'charts.orange', 3: 'charts.yellow' };

export function isOpen(incident: Incident): boolean {
  return incident.status !== 'closed';
}

/** Open incidents first, most severe first, then oldest first; closed ones after, newest first. */
export function compareIncidents(a: Incident, b: Incident): number {
  if (isOpen(a) !== isOpen(b)) return isOpen(a) ? -1 : 1;
  if (isOpen(a)) {
    return a.severity - b.severity || compareTimestamps(a.declared_at, b.declared_at) || a.id.localeCompare(b.id);
  }
  return compareTimestamps(b.declared_at, a.declared_at) || a.id.localeCompare(b.id);
}

export function incidentAge(incident: Incident, now: number): string {
  const end = incident.closed_at ? instantOf(incident.closed_at) : now;
  return formatDuration(end - instantOf(incident.declared_at));
}

function personName(incident: Incident, id: string): string {
  return incident.people?.find((p: Person) => p.id === id)?.name ?? id;
}

export class IncidentTreeProvider implements vscode.TreeDataProvider<IncidentTreeNode>, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<IncidentTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private roots: IncidentTreeNode[] = [];

  constructor(
    private readonly model: IncidentsModel,
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
    switch (node.kind) {
      case 'incident':
        return (['roles', 'start', 'end', 'timeline'] as GroupKind[]).map((group) => ({
          kind: 'group',
          id: `${node.id}#${group}`,
          parent: node,
          entry: node.entry,
          group,
        }));
      case 'broken':
        return node.problems.map((problem, i) => ({ kind: 'problem', id: `${node.id}#${i}`, parent: node, entry: node.entry, problem }));
      case 'group':
        return this.groupChildren(node).map((item, i) => ({ kind: 'leaf', id: `${node.id}#${i}`, parent: node, item }));
      default:
        return [];
    }
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
      case 'group':
        return this.groupItem(node.entry.incident, node.group, node.id);
      case 'leaf': {
        const item = new vscode.TreeItem(node.item.label);
        item.id = node.id;
        item.description = node.item.description;
        item.tooltip = node.item.tooltip;
        item.iconPath = node.item.icon;
        item.contextValue = node.item.contextValue;
        item.command = node.item.command;
        return item;
      }
    }
  }

  private incidentItem(entry: IncidentEntry): vscode.TreeItem {
    const incident = entry.incident;
    const rules = levelRules(incident.severity);
    const item = new vscode.TreeItem(incident.title, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `incident:${entry.record.file}`;
    const open = isOpen(incident);
    item.description = `SEV${incident.severity} · ${incident.status} · ${incidentAge(incident, this.clock())}`;
    item.iconPath = open ? new vscode.ThemeIcon('flame', new vscode.ThemeColor(LEVEL_COLOURS[incident.severity])) : new vscode.ThemeIcon('pass');
    item.contextValue = `incident:${open ? 'open' : 'closed'}:level${incident.severity}`;
    item.resourceUri = vscode.Uri.file(entry.record.file);
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${escapeMarkdown(incident.title)}**\n\n`);
    tip.appendMarkdown(`${rules.name} · ${incident.status} · declared ${incident.declared_at}\n\n`);
    tip.appendMarkdown(`Incident Manager: ${escapeMarkdown(personName(incident, incident.roles.incident_manager))}\n\n`);
    tip.appendText(incident.impact);
    item.tooltip = tip;
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

  private groupItem(incident: Incident, group: GroupKind, id: string): vscode.TreeItem {
    const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    let item: vscode.TreeItem;
    switch (group) {
      case 'roles':
        item = new vscode.TreeItem('Roles', collapsed);
        item.iconPath = new vscode.ThemeIcon('organization');
        item.description = personName(incident, incident.roles.incident_manager);
        break;
      case 'start':
      case 'end': {
        const steps = incident.checklists[group];
        item = new vscode.TreeItem(group === 'start' ? 'Start checklist' : 'End checklist', collapsed);
        item.iconPath = new vscode.ThemeIcon('checklist');
        item.description = `${steps.filter((s) => s.done_at).length}/${steps.length}`;
        break;
      }
      case 'timeline':
        item = new vscode.TreeItem('Timeline', collapsed);
        item.iconPath = new vscode.ThemeIcon('history');
        item.description = `${incident.timeline.length} entries`;
        break;
    }
    item.id = id;
    item.contextValue = `group:${group}`;
    return item;
  }

  private groupChildren(node: Extract<IncidentTreeNode, { kind: 'group' }>): LeafItem[] {
    const incident = node.entry.incident;
    switch (node.group) {
      case 'roles':
        return roleItems(incident);
      case 'start':
      case 'end': {
        const list = node.group;
        return incident.checklists[list].map((step) => checklistItem(incident, step, list));
      }
      case 'timeline':
        return [...incident.timeline]
          .sort((a, b) => compareTimestamps(a.at, b.at))
          .map((entry) => timelineItem(incident, entry));
    }
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

function roleItems(incident: Incident): LeafItem[] {
  const roles = incident.roles;
  const items: LeafItem[] = [
    { label: personName(incident, roles.incident_manager), description: 'Incident Manager', icon: new vscode.ThemeIcon('star-full'), contextValue: 'role:incident_manager' },
  ];
  for (const sme of roles.sme ?? []) items.push({ label: personName(incident, sme), description: 'SME', icon: new vscode.ThemeIcon('mortar-board'), contextValue: 'role:sme' });
  for (const w of roles.workers ?? []) {
    const released = Boolean(w.released_at);
    items.push({
      label: personName(incident, w.person),
      description: released ? `worker, released ${w.released_at}` : `worker since ${w.since}`,
      icon: new vscode.ThemeIcon(released ? 'person' : 'tools'),
      contextValue: released ? 'role:worker:released' : 'role:worker',
    });
  }
  for (const o of roles.observers ?? []) items.push({ label: personName(incident, o), description: 'observer', icon: new vscode.ThemeIcon('eye'), contextValue: 'role:observer' });
  if (roles.prm) items.push({ label: personName(incident, roles.prm), description: 'PR manager', icon: new vscode.ThemeIcon('megaphone'), contextValue: 'role:prm' });
  return items;
}

function checklistItem(incident: Incident, step: ChecklistStep, list: 'start' | 'end'): LeafItem {
  const done = Boolean(step.done_at);
  return {
    label: step.text,
    description: done ? `done ${step.done_at}${step.done_by ? ` by ${personName(incident, step.done_by)}` : ''}` : undefined,
    icon: new vscode.ThemeIcon(done ? 'pass-filled' : 'circle-large-outline', done ? new vscode.ThemeColor('testing.iconPassed') : undefined),
    contextValue: `checklist:${list}:${done ? 'done' : 'todo'}`,
  };
}

function timelineItem(incident: Incident, entry: TimelineEntry): LeafItem {
  return {
    label: entry.text,
    description: `${entry.at} · ${personName(incident, entry.by)}`,
    tooltip: `${entry.kind} at ${entry.at} by ${personName(incident, entry.by)}\n\n${entry.text}`,
    icon: new vscode.ThemeIcon('circle-small-filled'),
    contextValue: `timeline:${entry.kind}`,
  };
}

function openProblemCommand(file: string, problem: RecordProblem): vscode.Command {
  return { command: COMMANDS.openProblem, title: 'Open at Error', arguments: [file, problem.line, problem.col] };
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export function createIncidentTreeView(provider: IncidentTreeProvider): vscode.TreeView<IncidentTreeNode> {
  return vscode.window.createTreeView(VIEW_INCIDENTS, { treeDataProvider: provider, showCollapseAll: true });
}

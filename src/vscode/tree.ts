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
import type { IncidentEntry, IncidentsModel, RecordEntry, SummaryEntry } from './incidentsModel';
import { monthOf, type RecordSummary } from '../store/summaryCache';
import type { LeafItem, SectionHeader, TreeSection } from './sections/section';
import { TREE_SECTIONS } from './sections/registry';

export type IncidentTreeNode =
  /** An incident. Closed ones sit under their month and read their record only when `entry` is first used (expanded, picked). */
  | { kind: 'incident'; id: string; entry: IncidentEntry; summary: SummaryEntry; parent?: IncidentTreeNode }
  /** Closed incidents, grouped by the year and month they were declared; `period` is "", "2024" or "2024-03". */
  | { kind: 'closedGroup'; id: string; period: string; parent?: IncidentTreeNode; count: number }
  | { kind: 'broken'; id: string; entry: RecordEntry; problems: RecordProblem[] }
  | { kind: 'problem'; id: string; parent: IncidentTreeNode; entry: RecordEntry; problem: RecordProblem }
  | { kind: 'section'; id: string; parent: IncidentTreeNode; entry: IncidentEntry; section: TreeSection; header: SectionHeader }
  | { kind: 'leaf'; id: string; parent: IncidentTreeNode; entry: IncidentEntry; item: LeafItem };

const LEVEL_COLOURS: Record<number, string> = { 1: 'charts.red', 2: 'charts.orange', 3: 'charts.yellow' };

/** Open incidents: most severe first, then oldest first (instants precomputed, no parsing per comparison). */
function compareOpenSummaries(a: RecordSummary, b: RecordSummary): number {
  return a.severity! - b.severity! || (a.declaredMs ?? 0) - (b.declaredMs ?? 0) || (a.id! < b.id! ? -1 : a.id! > b.id! ? 1 : 0);
}

/** Closed incidents: newest first. */
function compareClosedSummaries(a: RecordSummary, b: RecordSummary): number {
  return (b.declaredMs ?? 0) - (a.declaredMs ?? 0) || (a.id! < b.id! ? -1 : a.id! > b.id! ? 1 : 0);
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
  return formatDuration(incidentAgeMs(incident, now));
}


export class IncidentTreeProvider implements vscode.TreeDataProvider<IncidentTreeNode>, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<IncidentTreeNode | IncidentTreeNode[] | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private roots: IncidentTreeNode[] = [];
  /** Open incident nodes, redrawn each minute as their ages move on. */
  private openNodes: IncidentTreeNode[] = [];
  /** Closed incidents by group id ("closed", "closed:2024", "closed:2024-03"), built when the model changes. */
  private groups = new Map<string, IncidentTreeNode[]>();
  /** Closed incidents by month group id; their nodes are made when the month is expanded. */
  private monthEntries = new Map<string, SummaryEntry[]>();
  /** Closed incidents by file, made when first asked for (revealing, or keeping nodes across a change). */
  private closedByFileIndex: Map<string, SummaryEntry> | undefined;
  /** Closed incidents as the model listed them; grouped only once someone looks inside the group. */
  private closedList: SummaryEntry[] = [];
  private grouped = false;
  /** Closed incident nodes made so far, so a node keeps its identity (and its loaded record) across calls. */
  private closedNodes = new Map<string, IncidentTreeNode>();
  private groupNodes = new Map<string, IncidentTreeNode>();

  constructor(
    private readonly model: IncidentsModel,
    private readonly parts: () => ExtensionParts,
    private readonly clock: () => number = Date.now,
  ) {
    this.disposables.add(model.onDidChange(() => this.rebuild()));
    // Ages move on with the clock; only the open incidents' rows change, and the records need no re-reading.
    const minute = setInterval(() => {
      if (this.openNodes.length > 0) this.changeEmitter.fire(this.openNodes);
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
    const held = new Map(this.model.incidents().map((e) => [e.record.file, e]));
    const open: SummaryEntry[] = [];
    const closed: SummaryEntry[] = [];
    for (const e of this.model.summaries()) {
      if (e.summary.kind !== 'ok') continue;
      if (e.summary.status === 'closed') closed.push(e);
      // An open incident is listed once its record is held (it is read right after its summary).
      else if (held.has(e.summary.file)) open.push(e);
    }
    open.sort((a, b) => compareOpenSummaries(a.summary, b.summary));
    this.openNodes = open.map((s) => ({ kind: 'incident', id: `incident:${s.summary.file}`, entry: held.get(s.summary.file)!, summary: s }));
    // The closed group starts collapsed: thousands of closed incidents cost a count until it is opened.
    this.closedList = closed;
    this.closedByFileIndex = undefined;
    this.grouped = false;
    this.groups = new Map();
    this.groupNodes = new Map();
    this.monthEntries = new Map();
    const closedRoot = closed.length > 0 ? [this.groupNode('closed', '', undefined, closed.length)] : [];
    this.roots = [...this.openNodes, ...broken, ...closedRoot];
    void vscode.commands.executeCommand('setContext', CONTEXT.hasIncidents, this.model.summaries().length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT.hasBrokenRecords, broken.length > 0);
    this.changeEmitter.fire(undefined);
  }

  /**
   * Groups the closed incidents, the first time since the model changed that they are needed. By
   * the month of their declaration only, which their partial summaries give: a month's incidents
   * are read (their summaries, from the cache) and sorted when the month is opened.
   */
  private ensureGrouped(): void {
    if (this.grouped) return;
    this.grouped = true;
    this.groupClosed(this.closedList);
  }

  /** Files the closed incidents under years and months, newest first; nodes are made when shown. */
  private groupClosed(closed: SummaryEntry[]): void {
    // By month first: one look-up per incident, its key as the summary holds it (thousands of them).
    const byMonth = new Map<string, SummaryEntry[]>();
    for (const e of closed) {
      // The date as written in the declaration, which a partial summary holds too.
      const month = monthOf(e.summary);
      const list = byMonth.get(month);
      if (list) list.push(e);
      else byMonth.set(month, [e]);
    }
    const byGroup = new Map<string, SummaryEntry[]>();
    for (const [month, list] of byMonth) byGroup.set(`closed:${month}`, list);
    // Nodes of records that changed are made again; the others keep their identity.
    if (this.closedNodes.size > 0) {
      const byFile = this.closedByFile();
      for (const [file, node] of this.closedNodes) {
        if (node.kind !== 'incident' || byFile.get(file)?.summary !== node.summary.summary) this.closedNodes.delete(file);
      }
    }
    const years = new Map<string, string[]>();
    for (const key of [...byGroup.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))) {
      const year = key.slice('closed:'.length, 'closed:'.length + 4);
      const months = years.get(year);
      if (months) months.push(key);
      else years.set(year, [key]);
    }
    this.groups.set('closed', [...years.keys()].map((y) => this.groupNode(`closed:${y}`, y, 'closed', years.get(y)!.reduce((n, k) => n + byGroup.get(k)!.length, 0))));
    for (const [year, months] of years) {
      this.groups.set(`closed:${year}`, months.map((k) => this.groupNode(k, k.slice('closed:'.length), `closed:${year}`, byGroup.get(k)!.length)));
    }
    this.monthEntries = byGroup;
  }

  private closedByFile(): Map<string, SummaryEntry> {
    this.closedByFileIndex ??= new Map(this.closedList.map((e) => [e.summary.file, e]));
    return this.closedByFileIndex;
  }

  private groupNode(id: string, period: string, parentId: string | undefined, count: number): IncidentTreeNode {
    const parent = parentId === undefined ? undefined : this.groupNodes.get(parentId);
    const node: IncidentTreeNode = { kind: 'closedGroup', id, period, count, ...(parent ? { parent } : {}) };
    this.groupNodes.set(id, node);
    return node;
  }

  /** A closed incident's node; its record is read (a few milliseconds) the first time `entry` is used. */
  private closedNode(summary: SummaryEntry, groupId: string): IncidentTreeNode {
    const existing = this.closedNodes.get(summary.summary.file);
    if (existing && existing.kind === 'incident') {
      existing.parent = this.groupNodes.get(groupId);
      return existing;
    }
    const model = this.model;
    let entry: IncidentEntry | undefined;
    const node = {
      kind: 'incident' as const,
      id: `incident:${summary.summary.file}`,
      summary,
      parent: this.groupNodes.get(groupId),
      get entry(): IncidentEntry {
        entry ??= model.loadIncidentSync(summary);
        if (!entry) throw new Error(`${path.basename(summary.summary.file)} changed and cannot be read as an incident now`);
        return entry;
      },
    };
    this.closedNodes.set(summary.summary.file, node);
    return node;
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
    const open = this.openNodes.find((n) => n.kind === 'incident' && n.summary.summary.id === id);
    if (open) return open;
    this.ensureGrouped();
    const closed = this.closedList.find((e) => e.summary.id === id);
    return closed && this.closedNodeFor(closed);
  }

  nodeForFile(file: string): IncidentTreeNode | undefined {
    const wanted = path.resolve(file);
    const root = this.roots.find((n) => (n.kind === 'incident' ? path.resolve(n.summary.summary.file) : n.kind === 'broken' ? path.resolve(n.entry.record.file) : '') === wanted);
    if (root) return root;
    this.ensureGrouped();
    const closed = this.closedByFile().get(wanted);
    return closed && this.closedNodeFor(closed);
  }

  /** The node of a closed incident, with its group nodes, so it can be revealed. */
  private closedNodeFor(e: SummaryEntry): IncidentTreeNode {
    return this.closedNode(e, `closed:${monthOf(e.summary)}`);
  }

  getParent(node: IncidentTreeNode): IncidentTreeNode | undefined {
    return node.kind === 'broken' ? undefined : node.parent;
  }

  getChildren(node?: IncidentTreeNode): IncidentTreeNode[] {
    if (!node) return this.roots;
    const now = this.clock();
    switch (node.kind) {
      case 'closedGroup': {
        this.ensureGrouped();
        const month = this.monthEntries.get(node.id);
        if (!month) return this.groups.get(node.id) ?? [];
        // A month's summaries, from the cache's closed part (a few milliseconds), then newest first.
        this.model.completeSummariesSync(month);
        return month.sort((a, b) => compareClosedSummaries(a.summary, b.summary)).map((e) => this.closedNode(e, node.id));
      }
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
        return this.incidentItem(node);
      case 'closedGroup': {
        const item = new vscode.TreeItem(groupLabel(node.period), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = String(node.count);
        item.iconPath = new vscode.ThemeIcon(node.period ? 'calendar' : 'archive');
        item.contextValue = 'closedGroup';
        return item;
      }
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

  /**
   * The incident's row, the decisive part first (at 300 px only the start of the label shows). An
   * open incident's record is held, so its row and tooltip cost nothing; a closed one's row comes
   * from its summary and its tooltip waits for resolveTreeItem.
   */
  private incidentItem(node: Extract<IncidentTreeNode, { kind: 'incident' }>): vscode.TreeItem {
    // A closed incident revealed before its month was opened: its summary is read now.
    if (node.summary.summary.partial) this.model.completeSummariesSync([node.summary]);
    const s = node.summary.summary;
    const open = s.status !== 'closed';
    const now = this.clock();
    const label = open ? incidentLabel(node.entry.incident, now) : `Closed · SEV${s.severity} ${s.title}`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    const ageMs = (!open && s.closedMs !== undefined ? s.closedMs : now) - (s.declaredMs ?? now);
    item.description = open ? incidentDescription(node.entry.incident, now) : `${s.status} · ${formatDuration(ageMs)}`;
    item.iconPath = open ? new vscode.ThemeIcon('flame', new vscode.ThemeColor(LEVEL_COLOURS[s.severity!]!)) : new vscode.ThemeIcon('pass');
    item.contextValue = `incident:${open ? 'open' : 'closed'}:level${s.severity}`;
    item.resourceUri = vscode.Uri.file(s.file);
    if (open) item.tooltip = incidentTooltip(node.entry.incident, now);
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: IncidentTreeNode): vscode.TreeItem {
    if (node.kind === 'incident' && !item.tooltip) {
      try {
        item.tooltip = incidentTooltip(node.entry.incident, this.clock());
      } catch {
        // The record changed under us; the watcher's reload redraws the row.
      }
    }
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

/** "Closed incidents", "2024", "March 2024". */
function groupLabel(period: string): string {
  if (period === '') return 'Closed incidents';
  if (period.length === 4) return period;
  const [year, month] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 1, 1)).toLocaleString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
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

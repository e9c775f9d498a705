// A section is one child of an incident in the tree (roles, checklists, timeline, ...).
// Feature modules add sections to TREE_SECTIONS; the tree provider maps them to items.
import type * as vscode from 'vscode';
import type { ExtensionParts } from '../context';
import type { IncidentEntry } from '../incidentsModel';

export interface LeafItem {
  label: string;
  /** Stable within its parent; defaults to the position. */
  key?: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  icon?: vscode.ThemeIcon;
  /** A small grammar matched by `when` clauses, e.g. `checklist:start:todo`. */
  contextValue?: string;
  command?: vscode.Command;
  children?: LeafItem[];
  /** Opens the children at first; sections stay collapsed unless they ask. */
  expanded?: boolean;
  /** What a command run from this node acts on (e.g. a checklist step id). */
  data?: Record<string, unknown>;
}

export interface SectionHeader {
  label: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  icon?: vscode.ThemeIcon;
  expanded?: boolean;
}

export interface TreeSection {
  id: string;
  /** The section's own row, or undefined when it has nothing to show for this incident. */
  header(entry: IncidentEntry, parts: ExtensionParts, now: number): SectionHeader | undefined;
  children(entry: IncidentEntry, parts: ExtensionParts, now: number): LeafItem[];
}

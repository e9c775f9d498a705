// Reminders at the top of each open incident: what the runbook says to do about it now (keep
// trying a SME, bring more workers, hand off, hand over the IM role, escalate, email a customer),
// each with the command that does it. While everyone is sent home, one entry says until when.
import * as vscode from 'vscode';
import { resolvePeople } from '../../model/people';
import type { Reminder, ReminderAction } from '../../model/reminder';
import { reminderRow } from '../../model/labels';
import { imCommitReminder, remindersFor } from '../../model/reminders';
import type { ExtensionParts } from '../context';
import { reminderSettings } from '../commands/runbookSettings';
import { COMMANDS } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import type { LeafItem, TreeSection } from './section';

/**
 * Everything to nudge about now: the runbook's reminders and the IM's own commits on the fix
 * branch (from the git facts already read). Shared by the tree, the notifications and the
 * status bar's tooltip.
 */
export function incidentReminders(entry: IncidentEntry, parts: ExtensionParts, now: number): Reminder[] {
  // Closed incidents get none (remindersFor decides). Names come from the record's own people:
  // the shared people file is read by commands, not on every repaint.
  const people = resolvePeople(entry.incident, []);
  const found = remindersFor(entry.incident, people, new Date(now), reminderSettings(entry.folder));
  if (found[0]?.id === 'paused') return found;
  const commits = parts.testing.factsFor(entry.incident.id)?.branch?.imCommits ?? [];
  const imCommits = imCommitReminder(entry.incident, people, commits);
  return imCommits ? [...found, imCommits] : found;
}

/** The command for a reminder's action; arguments carry `ask` so missing details are asked. */
export function reminderCommand(entry: IncidentEntry, action: ReminderAction): vscode.Command {
  const incident = entry.incident.id;
  const base = { incident, ask: true };
  switch (action.kind) {
    case 'log-contact':
      return { title: action.label, command: COMMANDS.logContact, arguments: [{ ...base, who: action.who, channel: action.channel, purpose: action.purpose }] };
    case 'add-worker':
      return { title: action.label, command: COMMANDS.assignRole, arguments: [{ ...base, role: 'worker' }] };
    case 'hand-off-worker':
      return { title: action.label, command: COMMANDS.handOffWorker, arguments: [{ ...base, from: action.person }] };
    case 'hand-over-im':
      return { title: action.label, command: COMMANDS.handOverIm, arguments: [base] };
    case 'change-severity':
      return { title: action.label, command: COMMANDS.changeSeverity, arguments: [{ ...base, level: action.level }] };
    case 'resume':
      return { title: action.label, command: COMMANDS.resumeWork, arguments: [base] };
    case 'write-postmortem':
      return { title: action.label, command: COMMANDS.writePostMortem, arguments: [base] };
    case 'postmortem-ready':
      return { title: action.label, command: COMMANDS.postMortemReady, arguments: [base] };
  }
}

function reminderItem(entry: IncidentEntry, r: Reminder): LeafItem {
  const tooltip = new vscode.MarkdownString();
  tooltip.appendText(r.message);
  if (r.action) tooltip.appendMarkdown(`\n\n*Click: ${r.action.label}*`);
  // The action first, the reason after: at sidebar width the start of the row is what shows.
  const row = reminderRow(r);
  return {
    key: r.id,
    label: row.label,
    description: row.description,
    tooltip,
    icon: r.id === 'paused' ? new vscode.ThemeIcon('debug-pause') : new vscode.ThemeIcon(r.severity === 'warning' ? 'warning' : 'info', r.severity === 'warning' ? new vscode.ThemeColor('list.warningForeground') : undefined),
    contextValue: `reminder:${r.id.split(':')[0]}:${r.severity}`,
    command: r.action ? reminderCommand(entry, r.action) : undefined,
  };
}

export const remindersSection: TreeSection = {
  id: 'reminders',
  header: (entry, parts, now) => {
    const found = incidentReminders(entry, parts, now);
    if (found.length === 0) return undefined;
    const warnings = found.filter((r) => r.severity === 'warning').length;
    return {
      label: 'Reminders',
      description: found[0].id === 'paused' ? 'paused' : warnings ? `${warnings} to act on${found.length > warnings ? ` (${found.length} in all)` : ''}` : `${found.length}`,
      icon: new vscode.ThemeIcon('bell', warnings ? new vscode.ThemeColor('list.warningForeground') : undefined),
      expanded: true,
    };
  },
  children: (entry, parts, now) => incidentReminders(entry, parts, now).map((r) => reminderItem(entry, r)),
};

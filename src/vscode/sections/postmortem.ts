// The Post-mortem section: after close, what is left of the runbook — the post-mortem (written,
// ready), its action items, the review meeting and the post-post-mortem — each with the command
// that does the next step.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LEVEL_TABLE } from '../../model/levels';
import { personLabel } from '../../model/people';
import { DEFAULT_POSTMORTEM_FOLDER, postMortemPath } from '../../model/postmortem';
import { COMMANDS, SETTINGS, SETTINGS_SECTION } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import type { LeafItem, TreeSection } from './section';

function fileOf(entry: IncidentEntry): string {
  const folder = vscode.workspace.getConfiguration(SETTINGS_SECTION, entry.folder).get<string>(SETTINGS.postmortemFolder)?.trim() || DEFAULT_POSTMORTEM_FOLDER;
  return postMortemPath(entry.incident, folder);
}

const command = (id: string, title: string, incident: string): vscode.Command => ({ command: id, title, arguments: [incident] });

export const postMortemSection: TreeSection = {
  id: 'postmortem',
  header: (entry) => {
    const incident = entry.incident;
    const pm = incident.postmortem;
    if (incident.status !== 'closed' && !pm) return undefined;
    const description = pm?.ready_at ? `ready ${pm.ready_at}` : pm?.written_at ? 'draft, not ready' : 'not written';
    const waiting = !pm?.ready_at;
    return {
      label: 'Post-mortem',
      description,
      icon: new vscode.ThemeIcon(waiting ? 'notebook' : 'pass', waiting ? new vscode.ThemeColor('list.warningForeground') : new vscode.ThemeColor('testing.iconPassed')),
      expanded: incident.status === 'closed' && waiting,
    };
  },
  children: (entry) => {
    const incident = entry.incident;
    const id = incident.id;
    const pm = incident.postmortem;
    const people = incident.people ?? [];
    const items: LeafItem[] = [];
    const file = fileOf(entry);
    if (!pm?.written_at) {
      items.push({ key: 'write', label: 'Write post-mortem…', description: file, icon: new vscode.ThemeIcon('new-file'), contextValue: 'postmortem:write', command: command(COMMANDS.writePostMortem, 'Write Post-Mortem', id) });
    } else {
      items.push({
        key: 'file',
        label: file,
        description: `written ${pm.written_at}`,
        icon: new vscode.ThemeIcon('markdown'),
        contextValue: 'postmortem:file',
        command: { command: 'vscode.open', title: 'Open Post-Mortem', arguments: [vscode.Uri.file(path.resolve(entry.folder.uri.fsPath, file))] },
      });
      items.push({ key: 'regenerate', label: 'Update generated parts', description: 'keeps what people wrote', icon: new vscode.ThemeIcon('refresh'), contextValue: 'postmortem:write', command: command(COMMANDS.writePostMortem, 'Write Post-Mortem', id) });
    }
    if (pm?.ready_at) {
      items.push({ key: 'ready', label: 'Ready', description: `${pm.ready_at}${pm.ready_by ? ` by ${personLabel(people, pm.ready_by)}` : ''}`, icon: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')), contextValue: 'postmortem:ready' });
      const actions = pm.action_items ?? [];
      const open = actions.filter((a) => !a.done);
      items.push({
        key: 'actions',
        label: 'Action items',
        description: `${open.length} open of ${actions.length}`,
        icon: new vscode.ThemeIcon('tasklist'),
        children: actions.map((a, i) => ({ key: `a${i}`, label: a.text, description: `${a.owner} · due ${a.due}${a.done ? ' · done' : ''}`, tooltip: a.ticket, icon: new vscode.ThemeIcon(a.done ? 'check' : 'circle-large-outline') })),
      });
    } else if (pm?.written_at) {
      items.push({ key: 'ready', label: 'Mark ready…', description: 'written sections filled, action items owned and dated', icon: new vscode.ThemeIcon('checklist'), contextValue: 'postmortem:notReady', command: command(COMMANDS.postMortemReady, 'Post-Mortem Ready', id) });
    }
    const meeting = pm?.meeting;
    items.push(
      meeting
        ? { key: 'meeting', label: 'Review meeting', description: `${meeting.start}${meeting.file ? ` · ${meeting.file}` : ''}`, icon: new vscode.ThemeIcon('calendar'), contextValue: 'postmortem:meeting', tooltip: `Required: ${meeting.required.map((p) => personLabel(people, p)).join(', ')}` }
        : pm?.ready_at
          ? { key: 'meeting', label: 'Schedule review meeting…', description: 'observers and PR manager', icon: new vscode.ThemeIcon('calendar'), contextValue: 'postmortem:noMeeting', command: command(COMMANDS.schedulePostMortemMeeting, 'Schedule Post-Mortem Meeting', id) }
          : { key: 'meeting', label: 'Review meeting', description: 'once the post-mortem is ready', icon: new vscode.ThemeIcon('calendar'), contextValue: 'postmortem:meetingLater', tooltip: 'The runbook schedules the meeting with the observers and the PR manager once the post-mortem is ready.' },
    );
    if (LEVEL_TABLE[incident.severity].postPostMortem) {
      const sent = incident.post_post_mortem;
      items.push(
        sent
          ? { key: 'ppm', label: 'Post-post-mortem sent', description: `${sent.sent_at} by ${personLabel(people, sent.by)}`, icon: new vscode.ThemeIcon('megaphone'), contextValue: 'postmortem:ppmSent', tooltip: sent.text }
          : { key: 'ppm', label: 'Draft post-post-mortem…', description: 'for all customers', icon: new vscode.ThemeIcon('megaphone'), contextValue: 'postmortem:ppm', command: command(COMMANDS.draftPostPostMortem, 'Draft Post-Post-Mortem', id) },
      );
    }
    return items;
  },
};

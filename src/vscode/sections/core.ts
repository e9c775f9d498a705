// The sections every record has from its declaration: roles, the checklists and the timeline.
import * as vscode from 'vscode';
import { requiredSteps } from '../../model/checklists';
import { personLabel } from '../../model/people';
import type { ChecklistStep, Incident, NoteKind } from '../../model/record';
import { workerTimes } from '../../model/staffing';
import { formatDuration } from '../../model/time';
import { entryKindLabel, isNote, orderedTimeline, TIMELINE_ORDERS, type TimelineOrder } from '../../model/timelineNotes';
import { COMMANDS, SETTINGS, SETTINGS_SECTION } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import type { LeafItem, TreeSection } from './section';

const name = (incident: Incident, id: string) => personLabel(incident.people ?? [], id);

export const rolesSection: TreeSection = {
  id: 'roles',
  header: (entry) => ({ label: 'Roles', icon: new vscode.ThemeIcon('organization'), description: `IM ${name(entry.incident, entry.incident.roles.incident_manager)}` }),
  children: (entry, _parts, now) => roleItems(entry.incident, now),
};

function checklistSection(list: 'start' | 'end'): TreeSection {
  return {
    id: `${list}-checklist`,
    header: (entry) => {
      // Steps the current level does not ask for (kept after a severity change) do not count.
      const steps = requiredSteps(entry.incident.checklists[list]);
      return {
        label: list === 'start' ? 'Start checklist' : 'End checklist',
        icon: new vscode.ThemeIcon('checklist'),
        description: `${steps.filter((s) => s.done_at).length}/${steps.length}`,
      };
    },
    children: (entry) => entry.incident.checklists[list].map((step) => checklistItem(entry.incident, step, list)),
  };
}

export const startChecklistSection = checklistSection('start');
export const endChecklistSection = checklistSection('end');

/** The story, in the order the `timelineOrder` setting asks; people's notes stand out. */
export const timelineSection: TreeSection = {
  id: 'timeline',
  header: (entry) => {
    const notes = entry.incident.timeline.filter(isNote).length;
    return { label: 'Timeline', icon: new vscode.ThemeIcon('history'), description: `${entry.incident.timeline.length} entries${notes ? `, ${notes} notes` : ''} · ${timelineOrder(entry)}` };
  },
  children: (entry) => [
    { key: 'add-note', label: 'Add note…', icon: new vscode.ThemeIcon('add'), command: { command: COMMANDS.addTimelineNote, title: 'Add Timeline Note', arguments: [entry.incident.id] } },
    ...orderedTimeline(entry.incident, timelineOrder(entry)).map((t) => ({
      label: t.text,
      description: `${t.at} · ${name(entry.incident, t.by)}${isNote(t) ? ` · ${t.note_kind ?? 'other'}` : ''}`,
      tooltip: `${entryKindLabel(t)} at ${t.at} by ${name(entry.incident, t.by)}${t.recorded_by || t.recorded_at ? ` (written${t.recorded_by ? ` by ${name(entry.incident, t.recorded_by)}` : ''}${t.recorded_at ? ` at ${t.recorded_at}` : ''})` : ''}\n\n${t.text}`,
      icon: new vscode.ThemeIcon(isNote(t) ? NOTE_ICONS[t.note_kind ?? 'other'] : 'circle-small-filled'),
      contextValue: isNote(t) ? `timeline:note:${t.note_kind ?? 'other'}` : `timeline:${t.kind}`,
    })),
  ],
};

const NOTE_ICONS: Record<NoteKind, string> = { detection: 'eye', mitigation: 'shield', resolution: 'pass', decision: 'law', other: 'note' };

function timelineOrder(entry: IncidentEntry): TimelineOrder {
  const value = vscode.workspace.getConfiguration(SETTINGS_SECTION, entry.folder).get<string>(SETTINGS.timelineOrder);
  return (TIMELINE_ORDERS as readonly string[]).includes(value ?? '') ? (value as TimelineOrder) : 'oldest-first';
}

function roleItems(incident: Incident, now: number): LeafItem[] {
  // A worker's time is shown because long stretches call for a hand-off (regroup pauses excluded).
  const times = new Map(workerTimes(incident, new Date(now)).map((t) => [t.person, t]));
  const roles = incident.roles;
  const items: LeafItem[] = [
    { label: name(incident, roles.incident_manager), description: 'Incident Manager', icon: new vscode.ThemeIcon('star-full'), contextValue: 'role:incident_manager', data: { person: roles.incident_manager, role: 'incident_manager' } },
  ];
  for (const sme of roles.sme ?? []) items.push({ label: name(incident, sme), description: 'SME', icon: new vscode.ThemeIcon('mortar-board'), contextValue: 'role:sme', data: { person: sme, role: 'sme' } });
  for (const w of roles.workers ?? []) {
    const released = Boolean(w.released_at);
    items.push({
      label: name(incident, w.person),
      description: released ? `worker, released ${w.released_at}` : `worker for ${formatDuration(times.get(w.person)?.stretchMs ?? 0)} (total ${formatDuration(times.get(w.person)?.totalMs ?? 0)}), since ${w.since}`,
      icon: new vscode.ThemeIcon(released ? 'person' : 'tools'),
      contextValue: released ? 'role:worker:released' : 'role:worker',
      data: { person: w.person, role: 'worker' },
    });
  }
  for (const o of roles.observers ?? []) items.push({ label: name(incident, o), description: 'observer', icon: new vscode.ThemeIcon('eye'), contextValue: 'role:observer', data: { person: o, role: 'observer' } });
  if (roles.prm) items.push({ label: name(incident, roles.prm), description: 'PR manager', icon: new vscode.ThemeIcon('megaphone'), contextValue: 'role:prm', data: { person: roles.prm, role: 'prm' } });
  return items;
}

function checklistItem(incident: Incident, step: ChecklistStep, list: 'start' | 'end'): LeafItem {
  const done = Boolean(step.done_at);
  return {
    key: step.id,
    label: step.text,
    description: done ? `done ${step.done_at}${step.done_by ? ` by ${name(incident, step.done_by)}` : ''}` : undefined,
    icon: new vscode.ThemeIcon(done ? 'pass-filled' : 'circle-large-outline', done ? new vscode.ThemeColor('testing.iconPassed') : undefined),
    contextValue: `checklist:${list}:${done ? 'done' : 'todo'}`,
    data: { list, step: step.id },
  };
}

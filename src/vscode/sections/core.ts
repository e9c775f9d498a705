// The sections every record has from its declaration: roles, the checklists and the timeline.
import * as vscode from 'vscode';
import { requiredSteps } from '../../model/checklists';
import { countOf } from '../../model/plural';
import { findPerson, personLabel } from '../../model/people';
import type { ChecklistStep, Incident, NoteKind, PersonId } from '../../model/record';
import { workerTimes } from '../../model/staffing';
import { formatDuration } from '../../model/time';
import { formatTime, formatTimeRelative, viewerZone } from '../../model/timeDisplay';
import { checklistStepRow } from '../../model/labels';
import { entryKindLabel, isNote, orderedTimeline, TIMELINE_ORDERS, type TimelineOrder } from '../../model/timelineNotes';
import { personClock } from '../../model/waking';
import type { QuietHours } from '../../model/waking';
import { quietHoursSetting } from '../commands/runbookSettings';
import { COMMANDS, SETTINGS, SETTINGS_SECTION } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import type { LeafItem, TreeSection } from './section';

/** "14:05 CET", or the text as written when it is not a readable timestamp. */
function when(ts: string, now: number): string {
  try {
    return formatTime(ts, undefined, now);
  } catch {
    return ts;
  }
}

function whenRelative(ts: string, now: number): string {
  try {
    return formatTimeRelative(ts, undefined, now);
  } catch {
    return ts;
  }
}

/** "Kolkata, 04:01 now, asleep": what an IM covering several zones needs beside each name. */
function clockOf(incident: Incident, id: PersonId, now: number, quiet: QuietHours): string | undefined {
  const person = findPerson(incident.people ?? [], id);
  if (!person) return undefined;
  try {
    return personClock(person.timezone, now, quiet);
  } catch {
    return person.timezone;
  }
}

const name = (incident: Incident, id: string) => personLabel(incident.people ?? [], id);

export const rolesSection: TreeSection = {
  id: 'roles',
  header: (entry) => ({ label: 'Roles', icon: new vscode.ThemeIcon('organization'), description: `IM ${name(entry.incident, entry.incident.roles.incident_manager)}` }),
  children: (entry, _parts, now) => roleItems(entry.incident, now, quietHoursSetting(entry.folder)),
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
    children: (entry, _parts, now) => entry.incident.checklists[list].map((step) => checklistItem(entry.incident, step, list, now)),
  };
}

export const startChecklistSection = checklistSection('start');
export const endChecklistSection = checklistSection('end');

/** The story, in the order the `timelineOrder` setting asks; people's notes stand out. */
export const timelineSection: TreeSection = {
  id: 'timeline',
  header: (entry) => {
    const notes = entry.incident.timeline.filter(isNote).length;
    return { label: 'Timeline', icon: new vscode.ThemeIcon('history'), description: `${countOf(entry.incident.timeline.length, 'entry', 'entries')}${notes ? `, ${countOf(notes, 'note')}` : ''} · ${timelineOrder(entry)}` };
  },
  children: (entry, _parts, now) => [
    { key: 'add-note', label: 'Add note…', icon: new vscode.ThemeIcon('add'), command: { command: COMMANDS.addTimelineNote, title: 'Add Timeline Note', arguments: [entry.incident.id] } },
    ...orderedTimeline(entry.incident, timelineOrder(entry)).map((t) => ({
      label: t.text,
      description: `${when(t.at, now)} · ${name(entry.incident, t.by)}${isNote(t) ? ` · ${t.note_kind ?? 'other'}` : ''}`,
      tooltip: `${t.text}\n\n${entryKindLabel(t)} · ${whenRelative(t.at, now)} · ${name(entry.incident, t.by)}${t.recorded_by || t.recorded_at ? ` (written${t.recorded_by ? ` by ${name(entry.incident, t.recorded_by)}` : ''}${t.recorded_at ? ` ${whenRelative(t.recorded_at, now)}` : ''})` : ''}`,
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

function roleItems(incident: Incident, now: number, quiet: QuietHours): LeafItem[] {
  // A worker's time is shown because long stretches call for a hand-off (regroup pauses excluded).
  const times = new Map(workerTimes(incident, new Date(now)).map((t) => [t.person, t]));
  const roles = incident.roles;
  // Each row: the name, then the person's clock now (an IM covering several zones must know who
  // is asleep before calling), then the role, which the icon also shows.
  const row = (id: PersonId, role: string, rest: Omit<LeafItem, 'label'>): LeafItem => {
    const clock = clockOf(incident, id, now, quiet);
    const person = findPerson(incident.people ?? [], id);
    const tooltip = [`${name(incident, id)} · ${role}`, clock, person && !person.phone ? 'No phone number in the record: Edit Person adds one.' : undefined].filter(Boolean).join('\n\n');
    return { label: name(incident, id), tooltip, ...rest, description: [clock, rest.description ?? role].filter(Boolean).join(' · ') };
  };
  const items: LeafItem[] = [
    row(roles.incident_manager, 'Incident Manager', { icon: new vscode.ThemeIcon('star-full'), contextValue: 'role:incident_manager', data: { person: roles.incident_manager, role: 'incident_manager' } }),
  ];
  for (const sme of roles.sme ?? []) items.push(row(sme, 'SME', { icon: new vscode.ThemeIcon('mortar-board'), contextValue: 'role:sme', data: { person: sme, role: 'sme' } }));
  for (const w of roles.workers ?? []) {
    const released = Boolean(w.released_at);
    const stretch = formatDuration(times.get(w.person)?.stretchMs ?? 0);
    const total = formatDuration(times.get(w.person)?.totalMs ?? 0);
    items.push({
      ...row(w.person, 'worker', {
        description: released ? `released ${when(w.released_at as string, now)}` : `worker for ${stretch}`,
        icon: new vscode.ThemeIcon(released ? 'person' : 'tools'),
        contextValue: released ? 'role:worker:released' : 'role:worker',
        data: { person: w.person, role: 'worker' },
      }),
      tooltip: released
        ? `${name(incident, w.person)}: worker from ${when(w.since, now)}, released ${whenRelative(w.released_at as string, now)} (${total} in all)`
        : `${name(incident, w.person)}: worker for ${stretch} at a stretch (${total} in all), since ${whenRelative(w.since, now)}`,
    });
  }
  for (const o of roles.observers ?? []) items.push(row(o, 'observer', { icon: new vscode.ThemeIcon('eye'), contextValue: 'role:observer', data: { person: o, role: 'observer' } }));
  if (roles.prm) items.push(row(roles.prm, 'PR manager', { icon: new vscode.ThemeIcon('megaphone'), contextValue: 'role:prm', data: { person: roles.prm, role: 'prm' } }));
  return items;
}

function checklistItem(incident: Incident, step: ChecklistStep, list: 'start' | 'end', now: number): LeafItem {
  const row = checklistStepRow(incident, step, viewerZone(), now);
  // A step the level no longer asks for is drawn apart: it counts toward nothing.
  const icon = row.done ? 'pass-filled' : row.required ? 'circle-large-outline' : 'circle-slash';
  return {
    key: step.id,
    label: row.label,
    description: row.description,
    tooltip: row.tooltip,
    icon: new vscode.ThemeIcon(icon, row.done && row.required ? new vscode.ThemeColor('testing.iconPassed') : row.required ? undefined : new vscode.ThemeColor('disabledForeground')),
    contextValue: `checklist:${list}:${row.done ? 'done' : 'todo'}`,
    data: { list, step: step.id },
  };
}

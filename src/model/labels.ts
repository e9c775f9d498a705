// The words of the sidebar and the status bar, in one place. At the default 300 px sidebar only
// the first 30-odd characters of a row show, so every label puts the decisive part first
// ("Overdue 0:14 · SEV1 GitLab DB"); long text goes to descriptions and tooltips.
import { clockText, nextUpdate, type NextUpdate } from './cadence';
import { levelRules } from './levels';
import { incidentAgeMs, isOpen } from './lifecycle';
import { personLabel } from './people';
import type { ChecklistStep, Incident } from './record';
import type { Reminder } from './reminder';
import { formatDuration } from './time';
import { formatTime, formatTimeRelative, viewerZone } from './timeDisplay';

/** "Overdue 0:14", "Update in 1:42", "Paused until 07:00 WET": what the next update needs, first. */
export function dueHeadline(next: NextUpdate, zone: string = viewerZone(), now: number = Date.now()): string {
  switch (next.state) {
    case 'paused':
      return `Paused until ${formatTime(next.pausedUntil ?? next.dueAt, zone, now)}`;
    case 'overdue':
      return `Overdue ${clockText(next.overdueMs)}`;
    default:
      return `Update in ${clockText(next.remainingMs)}`;
  }
}

/**
 * An incident's row: "Overdue 0:14 · SEV1 GitLab DB" while open; "Closed · SEV2 Checkout 500s"
 * after. A record whose times cannot be read still shows its level and title.
 */
export function incidentLabel(incident: Incident, now: number, zone: string = viewerZone()): string {
  const name = `SEV${incident.severity} ${incident.title}`;
  if (!isOpen(incident)) return `Closed · ${name}`;
  try {
    return `${dueHeadline(nextUpdate(incident, now), zone, now)} · ${name}`;
  } catch {
    return name;
  }
}

/** The row's description: status and age, "active · 3h 05m". */
export function incidentDescription(incident: Incident, now: number): string {
  let age = '';
  try {
    age = ` · ${formatDuration(incidentAgeMs(incident, now))}`;
  } catch {
    // The age needs the declaration's time; the status alone still helps.
  }
  return `${incident.status}${age}`;
}

/** "Level 1 · updates every 1 h": the level in words, for tooltips. */
export function levelLine(incident: Incident): string {
  const rules = levelRules(incident.severity);
  return `${rules.name} · updates every ${rules.updateCadenceMinutes / 60} h`;
}

/** The first clause of a sentence, for a description: "Bruno Costa has been at it for 6h 12m". */
export function firstClause(text: string): string {
  const cut = text.search(/[:.](\s|$)/);
  return (cut > 0 ? text.slice(0, cut) : text).trim();
}

/**
 * A reminder's row: the action first ("Hand off Bruno Costa"), the reason after; a reminder
 * without an action, or the pause, reads as its message.
 */
export function reminderRow(reminder: Reminder): { label: string; description?: string } {
  if (!reminder.action || reminder.id === 'paused') return { label: firstClause(reminder.message), description: reminder.action?.label };
  return { label: reminder.action.label, description: firstClause(reminder.message) };
}

/** What a checklist step's row shows; `state` picks the icon. */
export interface ChecklistStepRow {
  label: string;
  description?: string;
  tooltip: string;
  done: boolean;
  /** False for a step the current level does not ask for (kept after a severity change). */
  required: boolean;
}

function readableTime(ts: string, relative: boolean, zone: string, now: number): string {
  try {
    return relative ? formatTimeRelative(ts, zone, now) : formatTime(ts, zone, now);
  } catch {
    // A timestamp the model could not read is shown as written.
    return ts;
  }
}

/** "not required at Level 3": why a kept step no longer counts. */
export function notRequiredText(incident: Pick<Incident, 'severity'>): string {
  return `not required at ${levelRules(incident.severity).name}`;
}

/**
 * A checklist step as a row: done with who and when, or to do. A step a severity change marked
 * `required: false` says so, first in the description (it stays, with whatever was done, but
 * counts toward nothing: not the checklist's count, no reminder, not the close gate).
 */
export function checklistStepRow(incident: Incident, step: ChecklistStep, zone: string = viewerZone(), now: number = Date.now()): ChecklistStepRow {
  const done = Boolean(step.done_at);
  const required = step.required !== false;
  const by = step.done_by ? ` by ${personLabel(incident.people ?? [], step.done_by)}` : '';
  const doneShort = done ? `done ${readableTime(step.done_at as string, false, zone, now)}${by}` : undefined;
  const doneLong = done ? `Done ${readableTime(step.done_at as string, true, zone, now)}${by}` : undefined;
  const notRequired = notRequiredText(incident);
  const description = required ? doneShort : [capitalized(notRequired), doneShort].filter(Boolean).join(' · ');
  const why = `${capitalized(notRequired)}: the incident's level changed and this step was kept, ${done ? 'with when it was done' : 'not done'}; it no longer counts toward the checklist or the close.`;
  const tooltip = [step.text, doneLong, required ? undefined : why].filter(Boolean).join('\n\n');
  return { label: step.text, ...(description ? { description } : {}), tooltip, done, required };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

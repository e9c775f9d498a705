// What a reminder is: a nudge the runbook gives about an incident now, and what the UI may do
// about it. Its own module because the rule modules (roles, severity, staffing) produce
// reminders and reminders.ts gathers them from those modules: the type sits below both.
import type { Level, PersonId } from './record';

export type ReminderSeverity = 'info' | 'warning';

/** What the UI may offer to do about a reminder; the UI maps kinds to its commands. */
export interface ReminderAction {
  kind: 'log-contact' | 'add-worker' | 'hand-off-worker' | 'hand-over-im' | 'change-severity' | 'resume' | 'write-postmortem' | 'postmortem-ready';
  label: string;
  person?: PersonId;
  /** For log-contact: who, as a person id or "customer:<id>". */
  who?: string;
  channel?: 'phone' | 'email';
  purpose?: string;
  level?: Level;
}

export interface Reminder {
  /** Stable, so the UI can keep a node's state across refreshes. */
  id: string;
  severity: ReminderSeverity;
  message: string;
  action?: ReminderAction;
  /**
   * Which threshold of the same reminder this is (e.g. the IM's 7th hour, then past the 8th, of
   * one IM's stretch): a notification is raised once per id and threshold. Reminders about a
   * stretch of work name the stretch's start, so a new stretch is announced again.
   */
  threshold?: string;
}

/** The key a reminder is announced once under, for one incident (kept across window reloads). */
export function notificationKey(incidentId: string, r: Reminder): string {
  return `${incidentId}|${r.id}|${r.severity}|${r.threshold ?? ''}`;
}

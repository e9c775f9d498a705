// Reminders that reach the person who must act: each reminder with an action (hand over the IM
// role in the 7th hour and past the 8th, an IM-authored commit, a SME still unreached, …) raises
// one notification per threshold, remembered across window reloads, with the action as its
// button. An IM who never expands the incident still sees them.
import * as vscode from 'vscode';
import { shortIncidentId } from '../model/cadence';
import { isOpen } from '../model/lifecycle';
import { notificationKey, type Reminder } from '../model/reminder';
import type { ExtensionParts } from './context';
import { DisposableStore } from './disposables';
import type { IncidentEntry } from './incidentsModel';
import { NotifiedOnce } from './notifiedOnce';
import { incidentReminders, reminderCommand } from './sections/reminders';

const CHECK_MS = 60_000;
const MEMORY_KEY = 'incidentRoom.remindersNotified';

export class ReminderNotifications implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly once: NotifiedOnce;
  private shown = 0;

  constructor(
    private readonly parts: ExtensionParts,
    memory: vscode.Memento,
    private readonly clock: () => number = Date.now,
  ) {
    this.once = new NotifiedOnce(memory, MEMORY_KEY);
    this.disposables.add(parts.model.onDidChange(() => this.check()));
    // Git facts (the IM's commits) arrive after the records.
    this.disposables.add(parts.testing.onDidChange(() => this.check()));
    const timer = setInterval(() => this.check(), CHECK_MS);
    this.disposables.add({ dispose: () => clearInterval(timer) });
    this.check();
  }

  /** The key a reminder is announced once under. */
  static keyOf(incidentId: string, r: Reminder): string {
    return notificationKey(incidentId, r);
  }

  /** Every open incident's reminders that ask someone to act. */
  actionable(): { entry: IncidentEntry; reminder: Reminder }[] {
    const now = this.clock();
    return this.parts.model
      .incidents()
      .filter((e) => isOpen(e.incident))
      .flatMap((entry) => incidentReminders(entry, this.parts, now).map((reminder) => ({ entry, reminder })))
      .filter(({ reminder }) => reminder.action && reminder.id !== 'paused');
  }

  /** Public for tests: one pass. */
  check(): void {
    for (const { entry, reminder } of this.actionable()) {
      if (!this.once.add(ReminderNotifications.keyOf(entry.incident.id, reminder))) continue;
      this.shown++;
      const command = reminderCommand(entry, reminder.action!);
      const show = reminder.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(`SEV${entry.incident.severity} ${shortIncidentId(entry.incident.id)}: ${reminder.message}`, command.title).then((choice) => {
        if (choice) void vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
      });
    }
  }

  /** For tests: what was announced, and how many notifications this instance raised. */
  snapshot(): { announced: string[]; shown: number } {
    return { announced: this.once.all(), shown: this.shown };
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

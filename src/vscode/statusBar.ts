// The countdown to the next update of the most urgent open incident. One item, one timer; the
// deadlines are worked out when the records change, so each tick is arithmetic on a few numbers
// (no file reads, no time-zone work, no walk over closed incidents).
import * as vscode from 'vscode';
import { clockText, countdownLabel, DEFAULT_NEAR_THRESHOLD_MINUTES, mostUrgentDeadline, updateDeadlines, type NextUpdate, type UpdateDeadline } from '../model/cadence';
import { levelRules } from '../model/levels';
import { personLabel } from '../model/people';
import type { Incident } from '../model/record';
import { DisposableStore } from './disposables';
import { COMMANDS, SETTINGS, SETTINGS_SECTION, STATUS_BAR_ITEM } from './ids';
import type { IncidentsModel } from './incidentsModel';
import { escapeMarkdown } from './markdown';
import { firstClause } from '../model/labels';
import type { Reminder } from '../model/reminder';
import { NotifiedOnce } from './notifiedOnce';
import { formatTimeRelative, viewerZone } from '../model/timeDisplay';
import { isOpen } from '../model/lifecycle';

const TICK_MS = 1000;

/** The zone the person at this editor reads times in; asked once, when a time is first shown (not while the extension loads: the first Intl call costs tens of milliseconds). */
let localZone: string | undefined;
const viewerLocalZone = () => (localZone ??= viewerZone());

/** "14:05 CET (3 h ago)": the one rule for times, in the viewer's zone. */
function localTime(ms: number, now: number): string {
  return formatTimeRelative(ms, viewerLocalZone(), now);
}

export class UpdateCountdown implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly item: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  /** `<id>@<due instant>` of cycles already announced, so each falls due once, across reloads too. */
  private readonly notified: NotifiedOnce;
  private notificationsShown = 0;
  private lastText = '';
  private deadlines: UpdateDeadline[] = [];
  private near = DEFAULT_NEAR_THRESHOLD_MINUTES;

  constructor(
    private readonly model: IncidentsModel,
    private readonly clock: () => number = Date.now,
    memory?: vscode.Memento,
    /** The reminders asking someone to act, listed in the tooltip. */
    private readonly remindersOf: (incidentId: string) => readonly Reminder[] = () => [],
  ) {
    this.notified = new NotifiedOnce(memory, 'incidentRoom.updatesNotified');
    this.item = this.disposables.add(vscode.window.createStatusBarItem(STATUS_BAR_ITEM, vscode.StatusBarAlignment.Left, 100));
    this.item.name = 'Incident Room: next update';
    this.disposables.add(model.onDidChange(() => this.restart()));
    this.disposables.add({ dispose: () => clearInterval(this.timer) });
    this.disposables.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.${SETTINGS.updateWarningMinutes}`)) {
          this.near = this.nearMinutes();
          this.lastText = '';
          this.render();
        }
      }),
    );
    this.restart();
  }

  private nearMinutes(): number {
    return vscode.workspace.getConfiguration(SETTINGS_SECTION).get<number>(SETTINGS.updateWarningMinutes) ?? DEFAULT_NEAR_THRESHOLD_MINUTES;
  }

  /** Runs the timer only while something is open. */
  private restart(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.lastText = '';
    this.near = this.nearMinutes();
    this.deadlines = updateDeadlines(
      this.model.incidents().flatMap((e) => (isOpen(e.incident) ? [e.incident] : [])),
      this.clock(),
    );
    const open = this.deadlines.length > 0;
    if (open) this.timer = setInterval(() => this.render(), TICK_MS);
    this.render();
  }

  /** Public for tests: one tick. */
  render(): void {
    const { urgent, openCount, overdue } = mostUrgentDeadline(this.deadlines, this.clock(), this.near);
    if (!urgent) {
      this.item.hide();
      return;
    }
    const { incident, next } = urgent;
    const text = countdownLabel(incident, next, openCount, viewerLocalZone());
    if (text !== this.lastText) {
      this.lastText = text;
      this.item.text = text;
      this.item.backgroundColor =
        next.state === 'overdue' ? new vscode.ThemeColor('statusBarItem.errorBackground') : next.state === 'near' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      this.item.tooltip = this.tooltip(incident, next, openCount);
      this.item.command = { command: COMMANDS.recordUpdates, title: 'Record Updates', arguments: [incident.id] };
      this.item.accessibilityInformation = { label: text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
      this.item.show();
    }
    this.notifyDue(overdue);
  }

  private tooltip(incident: Incident, next: NextUpdate, openCount: number): vscode.MarkdownString {
    const rules = levelRules(incident.severity);
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${escapeMarkdown(incident.title)}**  \n`);
    tip.appendMarkdown(`${rules.name} · updates every ${rules.updateCadenceMinutes / 60} h  \n`);
    tip.appendMarkdown(`Incident Manager: ${escapeMarkdown(personLabel(incident.people ?? [], incident.roles.incident_manager))}  \n`);
    const now = this.clock();
    tip.appendMarkdown(`Last update: ${next.lastAt ? localTime(next.lastAt, now) : 'none yet (counting from the declaration)'}  \n`);
    if (next.state === 'paused') tip.appendMarkdown(`Paused: everyone was sent home; resumes ${localTime(next.pausedUntil ?? next.dueAt, now)}  \n`);
    tip.appendMarkdown(`Next update due: ${localTime(next.dueAt, now)}${next.state === 'overdue' ? ` (overdue by ${clockText(next.overdueMs)})` : ''}  \n`);
    if (openCount > 1) tip.appendMarkdown(`${openCount} incidents open  \n`);
    // What someone must act on, so an IM who never expands the incident sees it here too.
    const reminders = this.remindersOf(incident.id);
    if (reminders.length > 0) {
      tip.appendMarkdown(`\n**Reminders**  \n`);
      for (const r of reminders) tip.appendMarkdown(`$(${r.severity === 'warning' ? 'warning' : 'info'}) ${escapeMarkdown(r.action?.label ?? '')}${r.action ? ': ' : ''}${escapeMarkdown(firstClause(r.message))}  \n`);
    }
    tip.appendMarkdown(`\n$(edit) Click to record the updates`);
    return tip;
  }

  private notifyDue(overdue: readonly { incident: Incident; next: NextUpdate }[]): void {
    for (const { incident, next } of overdue) {
      const key = `${incident.id}@${next.dueAt}`;
      if (!this.notified.add(key)) continue;
      this.notificationsShown++;
      void vscode.window
        .showWarningMessage(`Update due for ${levelRules(incident.severity).name} "${incident.title}": ask each worker for an update.`, 'Record Updates')
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand(COMMANDS.recordUpdates, incident.id);
        });
    }
  }

  /** For tests: what the item shows now. */
  snapshot(): { text: string; background?: string; visible: boolean; announced: string[]; notificationsShown: number } {
    const bg = this.item.backgroundColor as vscode.ThemeColor | undefined;
    return { text: this.item.text, background: bg?.id, visible: this.lastText !== '', announced: this.notified.all(), notificationsShown: this.notificationsShown };
  }

  dispose(): void {
    this.disposables.dispose();
  }
}


// Reminders that need someone to act raise one notification per threshold, remembered in the
// workspace's state: a window reload (a new instance reading the same state) raises none again.
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { IncidentRoomApi } from '../../src/extension';
import { ReminderNotifications } from '../../src/vscode/reminderNotifications';
import { UpdateCountdown } from '../../src/vscode/statusBar';
import { activateExtension } from './helpers';

// The Level 2 fixture incident: two workers at it for days, so each has a hand-off reminder.
const ID = '2026-11-26-checkout-5xx';

/** A fresh state, as a workspace opened for the first time has. */
function emptyMemento(): vscode.Memento {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback) as T,
    update: async (key: string, value: unknown) => {
      values.set(key, value);
    },
  };
}

describe('Reminder notifications, once per threshold across reloads', () => {
  let api: IncidentRoomApi;

  before(async () => {
    api = await activateExtension();
  });

  it('announced each actionable reminder once at start, with its action as the button', async () => {
    const announced = api.reminderNotifications.snapshot().announced;
    assert.ok(announced.some((k) => k.startsWith(`${ID}|hand-off:bruno|warning|`)), announced.join('\n'));
    api.reminderNotifications.check();
    api.reminderNotifications.check();
    const again = api.reminderNotifications.snapshot();
    assert.deepEqual(again.announced, announced, 'a second pass announced something again');
  });

  it('raises none of them again after a reload, and all of them in a workspace that never saw them', () => {
    const reloaded = new ReminderNotifications(api, api.extension.workspaceState);
    const fresh = new ReminderNotifications(api, emptyMemento());
    try {
      assert.equal(reloaded.snapshot().shown, 0, 'reminders announced again after a reload');
      assert.ok(fresh.snapshot().shown >= 2, `a fresh workspace raised ${fresh.snapshot().shown}`);
      assert.ok(fresh.snapshot().announced.some((k) => k.startsWith(`${ID}|hand-off:dmitri|`)));
    } finally {
      reloaded.dispose();
      fresh.dispose();
    }
  });

  it('announces an overdue update cycle once across a reload of the status bar', () => {
    // The fixture's incidents are overdue; the running countdown announced them at start.
    const before = api.countdown.snapshot().announced;
    assert.ok(before.some((k) => k.startsWith(`${ID}@`)), before.join('\n'));
    const reloaded = new UpdateCountdown(api.model, Date.now, api.extension.workspaceState);
    try {
      reloaded.render();
      assert.equal(reloaded.snapshot().notificationsShown, 0);
    } finally {
      reloaded.dispose();
    }
  });

  it('lists the reminders to act on in the status bar tooltip', () => {
    const withReminders = new UpdateCountdown(api.model, Date.now, emptyMemento(), (id) => api.reminderNotifications.actionable().filter((r) => r.entry.incident.id === id).map((r) => r.reminder));
    try {
      withReminders.render();
      const tooltip = (withReminders as unknown as { item: vscode.StatusBarItem }).item.tooltip as vscode.MarkdownString;
      // The incident shown is the most severe open one; its reminders to act on are listed.
      const shown = api.model.incidents().find((e) => tooltip.value.includes(`**${e.incident.title}**`));
      assert.ok(shown, tooltip.value);
      const expected = api.reminderNotifications.actionable().filter((r) => r.entry.incident.id === shown.incident.id);
      assert.ok(expected.length > 0, 'the shown incident has no reminders to act on');
      assert.match(tooltip.value, /\*\*Reminders\*\*/);
      for (const { reminder } of expected) assert.ok(tooltip.value.includes(reminder.action!.label), `${reminder.action!.label} is not listed: ${tooltip.value}`);
    } finally {
      withReminders.dispose();
    }
  });
});

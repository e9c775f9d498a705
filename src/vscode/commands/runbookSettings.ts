// The runbook's tunable numbers, read from the settings of the record's workspace folder.
// A value the settings editor would flag falls back to the default, so a typo never stops a command.
import * as vscode from 'vscode';
import type { ReminderSettings } from '../../model/reminders';
import { DEFAULT_ESCALATION_MINUTES } from '../../model/severity';
import { DEFAULT_HANDOFF_MINUTES } from '../../model/staffing';
import { DEFAULT_QUIET_HOURS, parseClock, type QuietHours } from '../../model/waking';
import { SETTINGS, SETTINGS_SECTION } from '../ids';

function clockOr(text: string | undefined, fallback: string): string {
  if (!text) return fallback;
  try {
    parseClock(text);
    return text.trim();
  } catch {
    return fallback;
  }
}

function minutesOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function quietHoursSetting(folder: vscode.WorkspaceFolder): QuietHours {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder);
  return {
    start: clockOr(config.get<string>(SETTINGS.quietHoursStart), DEFAULT_QUIET_HOURS.start),
    end: clockOr(config.get<string>(SETTINGS.quietHoursEnd), DEFAULT_QUIET_HOURS.end),
  };
}

export function reminderSettings(folder: vscode.WorkspaceFolder): Partial<ReminderSettings> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder);
  return {
    escalateAfterMinutes: minutesOr(config.get<number>(SETTINGS.escalateAfterMinutes), DEFAULT_ESCALATION_MINUTES),
    handOffAfterMinutes: minutesOr(config.get<number>(SETTINGS.handOffAfterMinutes), DEFAULT_HANDOFF_MINUTES),
  };
}

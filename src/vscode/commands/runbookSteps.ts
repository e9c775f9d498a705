// Checklists, the announcement, severity changes and sending everyone home.
import * as vscode from 'vscode';
import { ANNOUNCE_STEP_ID, announcementText, closingAnnouncementText, DECLARE_OVER_STEP_ID } from '../../model/announce';
import { tickStep, untickStep, type ChecklistName } from '../../model/checklists';
import { notRequiredText } from '../../model/labels';
import { LEVEL_TABLE } from '../../model/levels';
import { findPerson } from '../../model/people';
import { LEVELS, type Incident, type Level, type Timestamp } from '../../model/record';
import { regroupUntilMorning, resume, DEFAULT_MORNING_START } from '../../model/regroup';
import { changeSeverity } from '../../model/severity';
import { instantOf, isTimestamp } from '../../model/time';
import { formatTimeRelative } from '../../model/timeDisplay';
import { countOf } from '../../model/plural';
import { nextLocalTime } from '../../model/waking';
import { peopleOf } from '../actor';
import type { ExtensionParts } from '../context';
import { pickIncident } from '../pick';
import type { IncidentEntry } from '../incidentsModel';
import { CANCELLED, commandInput, failNow, runRunbook, type IncidentArgs, type RunbookResult } from './runbookShared';
import { postMortemFile } from './story';

// ---- Tick / Untick Checklist Step

export interface StepArgs extends IncidentArgs {
  list: ChecklistName;
  step: string;
  /** After ticking the announce step (or, on a closed incident, the declare-over step), copy the text for the chat room without asking. */
  copyAnnouncement?: boolean;
}

/** Steps to tick or untick: several at once from a multi-select pick (Space marks, Enter accepts). */
async function pickSteps(entry: IncidentEntry, done: boolean, title: string): Promise<{ list: ChecklistName; step: string }[] | undefined> {
  const lists: ChecklistName[] = ['start', 'end'];
  const now = Date.now();
  const items = lists.flatMap((list) =>
    entry.incident.checklists[list]
      .filter((s) => Boolean(s.done_at) === done)
      .map((s) => ({
        label: s.text,
        description: `${list === 'start' ? 'Start checklist' : 'End checklist'}${s.required === false ? ` · ${notRequiredText(entry.incident)}` : ''}`,
        detail: s.done_at ? `done ${doneWhen(s.done_at, now)}` : undefined,
        list,
        step: s.id,
      })),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage(done ? 'No step is ticked.' : 'Every step is ticked.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: done ? 'Which steps are not done after all? (Space marks several)' : 'Which steps are done? (Space marks several)',
    ignoreFocusOut: true,
    matchOnDescription: true,
    canPickMany: true,
  });
  return picked && picked.length > 0 ? picked.map((p) => ({ list: p.list, step: p.step })) : undefined;
}

function doneWhen(ts: string, now: number): string {
  try {
    return formatTimeRelative(ts, undefined, now);
  } catch {
    return ts;
  }
}

export async function tickStepCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  return changeStep(parts, arg, true);
}

export async function untickStepCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  return changeStep(parts, arg, false);
}

async function changeStep(parts: ExtensionParts, arg: unknown, tick: boolean): Promise<RunbookResult> {
  const title = tick ? 'Tick Checklist Steps' : 'Untick Checklist Steps';
  const { target, args, interactive } = commandInput<StepArgs>(arg);
  // End-checklist steps go on after close (release the workers, celebrate).
  const entry = await pickIncident(parts, target, title, { openOnly: false });
  if (!entry) return CANCELLED;
  const chosen = args.list && args.step ? [{ list: args.list, step: args.step }] : await pickSteps(entry, !tick, title);
  if (!chosen) return CANCELLED;
  const change = tick ? tickStep : untickStep;
  // Every chosen step in one write, so the timeline and the file change once.
  const result = await runRunbook(
    parts,
    entry,
    ({ incident, ctx }) => chosen.flatMap((c) => change(incident, c.list, c.step, ctx)),
    chosen.length > 1 ? `${countOf(chosen.length, 'step')} ${tick ? 'ticked' : 'unticked'}.` : undefined,
  );
  const announce = chosen.some((c) => c.list === 'start' && c.step === ANNOUNCE_STEP_ID);
  // Declaring it over in the room comes after the close: only a closed incident has that text.
  const declareOver = result.outcome === 'done' && result.incident.status === 'closed' && chosen.some((c) => c.list === 'end' && c.step === DECLARE_OVER_STEP_ID);
  if (result.outcome !== 'done' || !tick || !(announce || declareOver)) return result;
  // The announce and declare-over steps are the moments the room needs a text: offer it right there.
  if (args.copyAnnouncement) {
    const text = await copyAnnouncementOf(entry, result.incident);
    return { ...result, detail: { announcement: text } };
  }
  if (interactive) {
    const copy = declareOver ? 'Copy Closing Text' : 'Copy Announcement';
    const question = declareOver ? 'Declare-over step ticked. Copy the text that declares the incident over in the chat room?' : 'Announce step ticked. Copy the announcement for the chat room?';
    void vscode.window.showInformationMessage(question, copy).then((choice) => {
      if (choice === copy) void copyAnnouncementOf(entry, result.incident);
    });
  }
  return result;
}

/** The text for the chat room: the declaration's announcement while the incident is open; once closed, the text that declares it over. */
async function copyAnnouncementOf(entry: IncidentEntry, incident: Incident): Promise<string> {
  const people = await peopleOf(entry.folder, incident);
  const closing = incident.status === 'closed';
  const text = closing ? closingAnnouncementText(incident, people, postMortemFile({ ...entry, incident }).relative) : announcementText(incident, people);
  await vscode.env.clipboard.writeText(text);
  void vscode.window.showInformationMessage(`${closing ? 'Closing text' : 'Announcement'} copied: ${text.split('\n')[0]}`);
  return text;
}

export async function copyAnnouncementCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target } = commandInput<IncidentArgs>(arg);
  const entry = await pickIncident(parts, target, 'Copy Announcement Text');
  if (!entry) return CANCELLED;
  const text = await copyAnnouncementOf(entry, entry.incident);
  return { outcome: 'done', incident: entry.incident, detail: { announcement: text } };
}

// ---- Change Severity

export interface SeverityArgs extends IncidentArgs {
  level: Level;
  reason: string;
}

const hours = (minutes: number): string => (minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`);

export async function changeSeverityCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args } = commandInput<SeverityArgs>(arg);
  const entry = await pickIncident(parts, target, 'Change Severity');
  if (!entry) return CANCELLED;
  const from = entry.incident.severity;
  let level = args.level;
  if (level === undefined) {
    const picked = await vscode.window.showQuickPick(
      LEVELS.filter((l) => l !== from).map((l) => ({
        label: `${l < from ? 'Escalate' : 'De-escalate'} to ${LEVEL_TABLE[l].name}`,
        description: `updates every ${hours(LEVEL_TABLE[l].updateCadenceMinutes)}`,
        detail: LEVEL_TABLE[l].summary,
        level: l,
      })),
      { title: `Change Severity (now ${LEVEL_TABLE[from].name})`, placeHolder: 'To which level?', ignoreFocusOut: true },
    );
    if (!picked) return CANCELLED;
    level = picked.level;
  }
  const to = level;
  const reason =
    args.reason ??
    (await vscode.window.showInputBox({
      title: `Change Severity to ${LEVEL_TABLE[to]?.name ?? to}`,
      prompt: 'Why? The reason is kept in the timeline.',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'A severity change needs a reason.'),
    }));
  if (reason === undefined) return CANCELLED;
  return runRunbook(
    parts,
    entry,
    ({ incident, ctx }) => changeSeverity(incident, to, reason, ctx),
    (incident) => `${LEVEL_TABLE[incident.severity].name} now: updates every ${hours(LEVEL_TABLE[incident.severity].updateCadenceMinutes)}; the checklists follow the level.`,
  );
}

// ---- Send Everyone Home / Resume Work

export interface RegroupArgs extends IncidentArgs {
  /** When everyone is back; defaults to the IM's next morning. */
  until?: Timestamp;
}

export async function sendEveryoneHomeCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args, interactive } = commandInput<RegroupArgs>(arg);
  const entry = await pickIncident(parts, target, 'Send Everyone Home');
  if (!entry) return CANCELLED;
  const people = await peopleOf(entry.folder, entry.incident);
  let until = args.until;
  // At a level that forbids it the operation refuses, quoting the runbook; nothing to ask first.
  if (until === undefined && interactive && LEVEL_TABLE[entry.incident.severity].regroupAllowed) {
    const zone = findPerson(people, entry.incident.roles.incident_manager)?.timezone;
    const morning = zone ? nextLocalTime(new Date(), zone, DEFAULT_MORNING_START) : undefined;
    const other = { label: 'Another time…', until: undefined as Timestamp | undefined };
    const picked = await vscode.window.showQuickPick(
      [...(morning ? [{ label: `Regroup at ${doneWhen(morning, Date.now())}`, description: "the IM's morning", detail: morning, until: morning as Timestamp | undefined }] : []), other],
      { title: 'Send Everyone Home', placeHolder: 'Everyone sleeps; reminders wait until you regroup. When?', ignoreFocusOut: true },
    );
    if (!picked) return CANCELLED;
    until = picked.until;
    if (!until) {
      until = await vscode.window.showInputBox({
        title: 'Send Everyone Home',
        prompt: 'Regroup at (a timestamp with its offset)',
        value: morning,
        ignoreFocusOut: true,
        validateInput: (v) => (isTimestamp(v.trim()) && instantOf(v.trim()) > Date.now() ? undefined : 'A future time such as 2026-11-27T07:00:00+00:00.'),
      });
      if (until === undefined) return CANCELLED;
      until = until.trim();
    }
  }
  if (until !== undefined && !isTimestamp(until)) return failNow(`"${until}" is not a timestamp with an offset.`);
  const options = until === undefined ? {} : { until };
  return runRunbook(parts, entry, ({ incident, people: known, ctx }) => regroupUntilMorning(incident, known, options, ctx), (incident) => {
    const last = (incident.regroup ?? [])[(incident.regroup ?? []).length - 1];
    return `Everyone sent home; regroup at ${last?.until ? doneWhen(last.until, Date.now()) : 'the morning'}. Reminders wait until then.`;
  });
}

export async function resumeWorkCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target } = commandInput<IncidentArgs>(arg);
  const entry = await pickIncident(parts, target, 'Resume Work');
  if (!entry) return CANCELLED;
  return runRunbook(parts, entry, ({ incident, ctx }) => resume(incident, ctx), 'Work resumed.');
}

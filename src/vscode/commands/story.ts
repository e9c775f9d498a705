// The story and the end of an incident: timeline notes, the post-mortem, its review meeting,
// the post-post-mortem and the report over every record. These act after close too, so they
// offer closed incidents.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { git } from '../../git/fixBranch';
import { LEVEL_TABLE } from '../../model/levels';
import { invitationIcs, meetingPeople, meetingRefusal, proposeSlots, recordMeeting, RULE_MEETING, slotLabel } from '../../model/meeting';
import { findPerson } from '../../model/people';
import { DEFAULT_POSTMORTEM_FOLDER, postMortemPath, PostMortemFormatError, recordPostMortemWritten, writePostMortemText, type FixCommit } from '../../model/postmortem';
import { markPostMortemReady } from '../../model/postmortemReadiness';
import { draftPostPostMortem, postPostMortemRecipients, recordPostPostMortem } from '../../model/postPostMortem';
import { countOf } from '../../model/plural';
import { NOTE_KINDS, type NoteKind, type Timestamp } from '../../model/record';
import { buildReport, reportMarkdown, type IncidentReport } from '../../model/report';
import { addTimelineNote, parseNoteTime, storyZone, timelineMarkdown } from '../../model/timelineNotes';
import { peopleOf } from '../actor';
import type { ExtensionParts } from '../context';
import { COMMANDS, CONTEXT, SETTINGS, SETTINGS_SECTION } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import { pickIncident } from '../pick';
import { writePublicLog } from '../publicLog';
import { knownCustomers } from './customers';
import { postPostMortemDrafts } from './drafts';
import { CANCELLED, commandInput, failNow, refuseNow, runRunbook, type IncidentArgs, type RunbookResult } from './runbookShared';
import type { CommandTable } from './table';

const AFTER_CLOSE = { openOnly: false };

function folderSetting(entry: IncidentEntry): string {
  const value = vscode.workspace.getConfiguration(SETTINGS_SECTION, entry.folder).get<string>(SETTINGS.postmortemFolder);
  return value?.trim() || DEFAULT_POSTMORTEM_FOLDER;
}

/** The post-mortem's path relative to the workspace folder, and absolute. */
export function postMortemFile(entry: IncidentEntry): { relative: string; absolute: string } {
  const relative = postMortemPath(entry.incident, folderSetting(entry));
  return { relative, absolute: path.resolve(entry.folder.uri.fsPath, relative) };
}

/** An open editor with unsaved changes to the file: writing under it would lose them. */
function dirtyDocument(file: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.isDirty && d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === path.resolve(file));
}

// ---- Add Timeline Note / Export Timeline

export interface NoteArgs extends IncidentArgs {
  text: string;
  /** A timestamp with offset, "HH:mm" or "YYYY-MM-DD HH:mm" in the acting person's zone. */
  at?: string;
  by?: string;
  kind?: NoteKind;
}

const KIND_HELP: Record<NoteKind, string> = {
  detection: 'when and how the problem was noticed',
  mitigation: 'the harm was stopped or reduced',
  resolution: 'the problem was fixed',
  decision: 'a call that was made',
  other: 'anything else in the story (the deploy, a finding)',
};

export async function addTimelineNoteCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args, interactive } = commandInput<NoteArgs>(arg);
  const entry = await pickIncident(parts, target, 'Add Timeline Note', AFTER_CLOSE);
  if (!entry) return CANCELLED;
  let kind = args.kind;
  if (!kind && interactive) {
    const picked = await vscode.window.showQuickPick(
      NOTE_KINDS.map((k) => ({ label: k, description: KIND_HELP[k], noteKind: k })),
      { title: 'Add Timeline Note', placeHolder: 'What part of the story is it?', ignoreFocusOut: true },
    );
    if (!picked) return CANCELLED;
    kind = picked.noteKind;
  }
  const text =
    args.text ??
    (await vscode.window.showInputBox({ title: `Add Timeline Note (${kind ?? 'other'})`, prompt: 'What happened?', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Say what happened.') }));
  if (text === undefined) return CANCELLED;
  const people = await peopleOf(entry.folder, entry.incident);
  const zone = storyZone(entry.incident, people);
  let when = args.at;
  if (when === undefined && interactive) {
    when = await vscode.window.showInputBox({
      title: 'Add Timeline Note',
      prompt: `When did it happen? Empty for now; HH:mm or YYYY-MM-DD HH:mm in ${zone}, or a timestamp with its offset. It may be before the declaration.`,
      ignoreFocusOut: true,
      validateInput: (v) => {
        if (!v.trim()) return undefined;
        try {
          parseNoteTime(v, new Date(), zone);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    });
    if (when === undefined) return CANCELLED;
  }
  let at: Timestamp | undefined;
  try {
    at = when?.trim() ? parseNoteTime(when, new Date(), zone) : undefined;
  } catch (err) {
    return failNow((err as Error).message);
  }
  return runRunbook(parts, entry, ({ incident, ctx }) => addTimelineNote(incident, { text, at, by: args.by, kind }, ctx), 'Note added to the timeline.');
}

export async function exportTimelineCommand(parts: ExtensionParts, arg: unknown): Promise<string | undefined> {
  const { target, interactive } = commandInput<IncidentArgs>(arg);
  const entry = await pickIncident(parts, target, 'Export Timeline', AFTER_CLOSE);
  if (!entry) return undefined;
  const text = timelineMarkdown(entry.incident, await peopleOf(entry.folder, entry.incident));
  if (interactive) {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(doc, { preview: false });
  }
  return text;
}

// ---- Write Post-Mortem / Post-Mortem Ready

export interface WriteResult {
  file: string;
  updated: string[];
  keptEdited: string[];
  added: string[];
}

/** The fix branch's commits since its base, when git can say; the draft does without them otherwise. */
async function fixCommits(entry: IncidentEntry): Promise<FixCommit[] | undefined> {
  const fix = entry.incident.fix;
  if (!fix) return undefined;
  try {
    const log = await git(entry.folder.uri.fsPath).log({ from: fix.base, to: fix.branch });
    return log.all.map((c) => ({ sha: c.hash, subject: c.message, author: c.author_name }));
  } catch {
    return undefined;
  }
}

export async function writePostMortemCommand(parts: ExtensionParts, arg: unknown): Promise<WriteResult | undefined> {
  const { target, interactive } = commandInput<IncidentArgs>(arg);
  const entry = await pickIncident(parts, target, 'Write Post-Mortem', AFTER_CLOSE);
  if (!entry) return undefined;
  const { relative, absolute } = postMortemFile(entry);
  if (dirtyDocument(absolute)) {
    void vscode.window.showErrorMessage(`${relative} has unsaved changes; save it first, so nothing you wrote is lost.`);
    return undefined;
  }
  const existing = await fs.readFile(absolute, 'utf8').catch(() => undefined);
  const people = await peopleOf(entry.folder, entry.incident);
  let merged;
  try {
    merged = writePostMortemText({ incident: entry.incident, people, commits: await fixCommits(entry) }, existing);
  } catch (err) {
    if (err instanceof PostMortemFormatError) {
      void vscode.window.showErrorMessage(`${relative} was not changed: ${err.message}. Fix the marker and run Write Post-Mortem again.`);
      if (interactive) await vscode.window.showTextDocument(vscode.Uri.file(absolute), { selection: new vscode.Range(err.line - 1, 0, err.line - 1, 0) });
      return undefined;
    }
    throw err;
  }
  if (merged.text !== existing) {
    await fs.mkdir(path.dirname(absolute), { recursive: true });
    await fs.writeFile(absolute, merged.text);
  }
  const recorded = await runRunbook(parts, entry, ({ incident, ctx }) => recordPostMortemWritten(incident, relative, ctx));
  if (recorded.outcome !== 'done') return undefined;
  if (merged.keptEdited.length) {
    void vscode.window.showWarningMessage(`Edited by hand, so not regenerated: ${merged.keptEdited.join(', ')}. Delete a region to have it written afresh.`);
  }
  if (interactive) {
    await vscode.window.showTextDocument(vscode.Uri.file(absolute), { preview: false });
    void vscode.window.showInformationMessage(existing === undefined ? `Post-mortem drafted in ${relative}: write its sections, then run Post-Mortem Ready.` : `Post-mortem updated; everything you wrote is kept.`);
  }
  return { file: absolute, updated: merged.updated, keptEdited: merged.keptEdited, added: merged.added };
}

export async function postMortemReadyCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, interactive } = commandInput<IncidentArgs>(arg);
  const entry = await pickIncident(parts, target, 'Post-Mortem Ready', AFTER_CLOSE);
  if (!entry) return CANCELLED;
  const { relative, absolute } = postMortemFile(entry);
  // Judge what the person sees: save first.
  await dirtyDocument(absolute)?.save();
  const text = await fs.readFile(absolute, 'utf8').catch(() => undefined);
  if (text === undefined) return failNow(`There is no post-mortem at ${relative} yet: run Write Post-Mortem first.`);
  const result = await runRunbook(parts, entry, ({ incident, ctx }) => markPostMortemReady(incident, text, ctx), 'Post-mortem ready; the end checklist step is met.');
  if (result.outcome === 'done' && interactive && LEVEL_TABLE[result.incident.severity].postPostMortem && !result.incident.postmortem?.meeting) {
    const schedule = 'Schedule Meeting';
    void vscode.window.showInformationMessage('Schedule the review with the observers and the PR manager as soon as possible.', schedule).then((c) => {
      if (c === schedule) void vscode.commands.executeCommand(COMMANDS.schedulePostMortemMeeting, entry.incident.id);
    });
  }
  return result;
}

// ---- Schedule Post-Mortem Meeting

export interface MeetingArgs extends IncidentArgs {
  /** Which of the proposed slots (0 = the earliest); asked when missing. */
  slot?: number;
  /** Proposals start after this time (default now). */
  from?: string;
  durationMinutes?: number;
}

export async function scheduleMeetingCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { target, args, interactive } = commandInput<MeetingArgs>(arg);
  const entry = await pickIncident(parts, target, 'Schedule Post-Mortem Meeting', AFTER_CLOSE);
  if (!entry) return CANCELLED;
  // Refused before any slot is offered: picking a time for a meeting that cannot be held yet wastes the IM's.
  const refusal = meetingRefusal(entry.incident);
  if (refusal) return refuseNow(RULE_MEETING, refusal);
  const people = await peopleOf(entry.folder, entry.incident);
  const { attendees, unknown } = meetingPeople(entry.incident, people);
  if (unknown.length) void vscode.window.showWarningMessage(`Not placed in a time zone (not a known person): ${unknown.join(', ')}.`);
  const zone = storyZone(entry.incident, people);
  let slots;
  try {
    slots = proposeSlots(
      attendees.map((a) => a.person),
      { from: args.from ? new Date(args.from) : new Date(), zone, durationMinutes: args.durationMinutes ?? 60 },
    );
  } catch (err) {
    return failNow((err as Error).message);
  }
  if (!slots.length) return failNow('No time in the coming business days falls inside everyone\'s waking hours; schedule it by hand.');
  let slot = args.slot !== undefined ? slots[args.slot] : undefined;
  if (!slot && interactive) {
    const picked = await vscode.window.showQuickPick(
      slots.map((s) => ({ label: slotLabel(s, zone), detail: s.local.map((l) => `${findPerson(people, l.person)?.name ?? l.person} ${l.time}`).join(' · '), slot: s })),
      { title: 'Schedule Post-Mortem Meeting', placeHolder: `Inside everyone's waking hours: ${attendees.filter((a) => a.required).map((a) => a.person.name).join(', ')} required`, ignoreFocusOut: true },
    );
    if (!picked) return CANCELLED;
    slot = picked.slot;
  }
  if (!slot) return failNow('No slot chosen.');
  const chosen = slot;
  const ics = invitationIcs({ incident: entry.incident, people, attendees, start: chosen.start, end: chosen.end, organizer: entry.incident.roles.incident_manager, postmortemFile: postMortemFile(entry).relative, now: new Date() });
  const pm = postMortemFile(entry);
  const relative = pm.relative.replace(/\.md$/i, '') + '.ics';
  const absolute = path.resolve(entry.folder.uri.fsPath, relative);
  const result = await runRunbook(parts, entry, ({ incident, ctx, people: known }) => recordMeeting(incident, chosen, attendees, relative, ctx, known));
  if (result.outcome !== 'done') return result;
  await fs.mkdir(path.dirname(absolute), { recursive: true });
  await fs.writeFile(absolute, ics);
  if (interactive) {
    const open = 'Open Invitation';
    void vscode.window.showInformationMessage(`Meeting ${slotLabel(chosen, zone)}; invitation written to ${relative}.`, open).then((c) => {
      if (c === open) void vscode.env.openExternal(vscode.Uri.file(absolute));
    });
  }
  return { ...result, detail: { file: absolute, ics } };
}

// ---- Draft Post-Post-Mortem / Record Post-Post-Mortem as Sent

export async function draftPostPostMortemCommand(parts: ExtensionParts, arg: unknown): Promise<string | undefined> {
  const { target, interactive } = commandInput<IncidentArgs>(arg);
  const entry = await pickIncident(parts, target, 'Draft Post-Post-Mortem', AFTER_CLOSE);
  if (!entry) return undefined;
  const rules = LEVEL_TABLE[entry.incident.severity];
  if (!rules.postPostMortem) {
    void vscode.window.showInformationMessage(`${rules.name} has no post-post-mortem: customers hear of it through the public log.`);
    return undefined;
  }
  const text = draftPostPostMortem(entry.incident, await peopleOf(entry.folder, entry.incident));
  if (interactive) {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    postPostMortemDrafts.set(doc.uri.toString(), entry.incident.id);
    await vscode.window.showTextDocument(doc, { preview: false });
    void vscode.commands.executeCommand('setContext', CONTEXT.postPostMortemDraftActive, true);
    // It goes to every customer, not only the affected ones: say to whom, and hand over the addresses.
    const to = postPostMortemRecipients(entry.incident, await knownCustomers(entry.folder));
    const unreached = to.withoutEmail.length > 0 ? ` No email address for ${to.withoutEmail.join(', ')}: reach them another way.` : '';
    const copy = 'Copy Addresses';
    void vscode.window
      .showInformationMessage(
        `Edit the summary for all customers, then Record Post-Post-Mortem as Sent. It goes to every customer (${countOf(to.customers, 'customer')}, ${countOf(to.addresses.length, 'address', 'addresses')}), not only the affected ones.${unreached}`,
        ...(to.addresses.length > 0 ? [copy] : []),
      )
      .then(async (choice) => {
        if (choice !== copy) return;
        await vscode.env.clipboard.writeText(to.addresses.join(', '));
        void vscode.window.showInformationMessage(`${countOf(to.addresses.length, 'address', 'addresses')} copied, to send the post-post-mortem to every customer (use Bcc).`);
      });
  }
  return text;
}

export async function sendPostPostMortemCommand(parts: ExtensionParts, arg: unknown): Promise<RunbookResult> {
  const { args } = commandInput<IncidentArgs & { text: string }>(arg);
  const editor = vscode.window.activeTextEditor;
  const fromEditor = editor ? postPostMortemDrafts.get(editor.document.uri.toString()) : undefined;
  const id = args.incident ?? fromEditor;
  const text = args.text ?? (fromEditor ? editor?.document.getText() : undefined);
  if (!id || text === undefined) return failNow('Open a post-post-mortem draft (Draft Post-Post-Mortem) first.');
  const entry = await pickIncident(parts, id, 'Record Post-Post-Mortem as Sent', AFTER_CLOSE);
  if (!entry) return CANCELLED;
  const result = await runRunbook(parts, entry, ({ incident, ctx, people }) => recordPostPostMortem(incident, text, ctx, people), 'Post-post-mortem recorded as sent and added to the public log.');
  if (result.outcome === 'done') {
    await writePublicLog(parts, entry.folder);
    if (editor && fromEditor) postPostMortemDrafts.delete(editor.document.uri.toString());
  }
  return result;
}

// ---- Incident Report

export async function incidentReportCommand(parts: ExtensionParts, arg?: { since?: string; show?: boolean }): Promise<{ report: IncidentReport; markdown: string }> {
  const report = buildReport(
    parts.model.incidents().map((e) => e.incident),
    { since: arg?.since },
  );
  const markdown = reportMarkdown(report);
  if (arg?.show !== false) {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  }
  return { report, markdown };
}

export function storyCommands(parts: ExtensionParts): CommandTable {
  return {
    [COMMANDS.addTimelineNote]: (arg?) => addTimelineNoteCommand(parts, arg),
    [COMMANDS.exportTimeline]: (arg?) => exportTimelineCommand(parts, arg),
    [COMMANDS.writePostMortem]: (arg?) => writePostMortemCommand(parts, arg),
    [COMMANDS.postMortemReady]: (arg?) => postMortemReadyCommand(parts, arg),
    [COMMANDS.schedulePostMortemMeeting]: (arg?) => scheduleMeetingCommand(parts, arg),
    [COMMANDS.draftPostPostMortem]: (arg?) => draftPostPostMortemCommand(parts, arg),
    [COMMANDS.sendPostPostMortem]: (arg?) => sendPostPostMortemCommand(parts, arg),
    [COMMANDS.incidentReport]: (arg?) => incidentReportCommand(parts, arg),
  };
}

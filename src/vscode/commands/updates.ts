// The update cycle: Record Updates, the observer summary, the customer update, the public log.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addQuestion, customerUpdateText, prmCallNotes, recordCustomerUpdate } from '../../model/customerText';
import { personLabel } from '../../model/people';
import type { Incident, UpdateCycle, UpdateDecision, WorkerUpdate } from '../../model/record';
import { observerSummary } from '../../model/summaries';
import { activeWorkers, decisionText, NO_UPDATE, recordUpdateCycle, UPDATE_DECISIONS, type UpdateCycleInput } from '../../model/updates';
import { peopleOf } from '../actor';
import type { ExtensionParts } from '../context';
import { COMMANDS } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import { runOperation } from '../operations';
import { writePublicLog } from '../publicLog';
import { showReadOnly } from '../readOnlyDocs';
import { countOf } from '../../model/plural';
import { argumentsOf, pickIncident, type IncidentTarget } from '../pick';
import type { CommandTable } from './table';
import { quietHoursSetting } from './runbookSettings';
import { customerDraftFile, draftOf } from './drafts';

/** Arguments that skip the questions (tests, other commands). */
export interface RecordUpdatesArgs extends Partial<UpdateCycleInput> {
  incident: string;
  /** Open the observer summary in an editor (default true). */
  showSummary?: boolean;
}

export interface RecordUpdatesResult {
  incident: Incident;
  cycle: UpdateCycle;
  summary: string;
}

const TITLE = 'Record Updates';

export async function recordUpdates(parts: ExtensionParts, target?: IncidentTarget | RecordUpdatesArgs): Promise<RecordUpdatesResult | undefined> {
  const args = argumentsOf<RecordUpdatesArgs>(target);
  const entry = await pickIncident(parts, target, TITLE);
  if (!entry) return undefined;
  const input = args?.workers && args.decision ? (args as UpdateCycleInput) : await askCycle(entry);
  if (!input) return undefined;
  const updated = await runOperation(parts, entry, ({ incident, ctx }) => recordUpdateCycle(incident, input, ctx), 'Update cycle recorded; the countdown restarts.');
  if (!updated?.updates?.length) return undefined;
  const cycle = latestCycle(updated)!;
  const summary = observerSummary(updated, cycle, await peopleOf(entry.folder, updated), Date.now());
  await vscode.env.clipboard.writeText(summary);
  if (args?.showSummary !== false) {
    // Read-only: it is regenerated from the record at will, and a copy is on the clipboard.
    await showReadOnly(`${updated.id} observer summary.md`, summary);
    void vscode.window
      .showInformationMessage('The observer summary is on the clipboard.', 'Draft Customer Update')
      .then((choice) => choice && vscode.commands.executeCommand(COMMANDS.draftCustomerUpdate, updated.id));
  }
  return { incident: updated, cycle, summary };
}

async function askCycle(entry: IncidentEntry): Promise<UpdateCycleInput | undefined> {
  const incident = entry.incident;
  const people = await peopleOf(entry.folder, incident);
  const workers: WorkerUpdate[] = [];
  const active = activeWorkers(incident);
  for (const [i, w] of active.entries()) {
    const name = personLabel(people, w.person);
    const step = `${TITLE}: ${name} (${i + 1}/${active.length})`;
    const found = await vscode.window.showInputBox({ title: step, prompt: `What has ${name} found? Leave empty if ${name} gave no update.`, ignoreFocusOut: true });
    if (found === undefined) return undefined;
    if (!found.trim()) {
      workers.push({ person: w.person, found: NO_UPDATE, next: NO_UPDATE, needs_help: false });
      continue;
    }
    const next = await vscode.window.showInputBox({ title: step, prompt: `What is ${name} doing next?`, ignoreFocusOut: true });
    if (next === undefined) return undefined;
    const help = await vscode.window.showQuickPick(['No help needed', 'Needs help'], { title: step, placeHolder: `Does ${name} need help?`, ignoreFocusOut: true });
    if (!help) return undefined;
    const needsHelp = help === 'Needs help';
    // "Needs help" is only actionable with what help: the IM decides on more people from it.
    let wanted: string | undefined;
    if (needsHelp) {
      wanted = await vscode.window.showInputBox({
        title: step,
        prompt: `What help does ${name} need? (Who or what: a database expert, access to production, a second pair of eyes…)`,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Say what help, so the Incident Manager can find it.'),
      });
      if (wanted === undefined) return undefined;
    }
    workers.push({ person: w.person, found: found.trim(), next: next.trim() || NO_UPDATE, needs_help: needsHelp, ...(wanted ? { help_wanted: wanted.trim() } : {}) });
  }
  const decision = await vscode.window.showQuickPick(
    UPDATE_DECISIONS.map((d) => ({ label: decisionText(d), decision: d as UpdateDecision })),
    { title: `${TITLE}: the Incident Manager's decision`, placeHolder: 'Based on the updates, how do we proceed?', ignoreFocusOut: true },
  );
  if (!decision) return undefined;
  const decisionNote = await vscode.window.showInputBox({ title: `${TITLE}: decision`, prompt: 'A note on the decision (optional)', ignoreFocusOut: true });
  if (decisionNote === undefined) return undefined;
  const notable = await vscode.window.showInputBox({
    title: `${TITLE}: for customers`,
    prompt: 'Notable discoveries or setbacks customers may hear about (optional; empty means "unchanged")',
    ignoreFocusOut: true,
  });
  if (notable === undefined) return undefined;
  return { workers, decision: decision.decision, decisionNote: decisionNote.trim() || undefined, notable: notable.trim() || undefined };
}

function latestCycle(incident: Incident): UpdateCycle | undefined {
  const cycles = incident.updates ?? [];
  return cycles[cycles.length - 1];
}

export async function copyObserverSummary(parts: ExtensionParts, target?: IncidentTarget): Promise<string | undefined> {
  const entry = await pickIncident(parts, target, 'Copy Observer Summary');
  if (!entry) return undefined;
  const cycle = latestCycle(entry.incident);
  if (!cycle) {
    void vscode.window.showInformationMessage('No update cycle is recorded yet. Record the updates first.');
    return undefined;
  }
  const summary = observerSummary(entry.incident, cycle, await peopleOf(entry.folder, entry.incident), Date.now());
  await vscode.env.clipboard.writeText(summary);
  void vscode.window.showInformationMessage('Observer summary copied to the clipboard.');
  return summary;
}

export async function draftCustomerUpdate(parts: ExtensionParts, target?: IncidentTarget): Promise<vscode.TextDocument | undefined> {
  const entry = await pickIncident(parts, target, 'Draft Customer Update');
  if (!entry) return undefined;
  const cycles = entry.incident.updates ?? [];
  if (cycles.length === 0) {
    void vscode.window.showInformationMessage('No update cycle is recorded yet. Record the updates first.');
    return undefined;
  }
  const cycleIndex = cycles.length - 1;
  const file = customerDraftFile(entry, cycleIndex);
  // A draft already started keeps the PRM's edits; a new one starts from the generated text.
  let existed = true;
  try {
    await fs.access(file);
  } catch {
    existed = false;
    const text = customerUpdateText(entry.incident, cycles[cycleIndex], await peopleOf(entry.folder, entry.incident));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text, { flag: 'wx' });
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc, { preview: false });
  const where = path.relative(entry.folder.uri.fsPath, file);
  void vscode.window.showInformationMessage(
    `${existed ? 'Your draft' : 'Draft'} saved as ${where}. Edit it, then run "Incident: Record Customer Update as Sent" (the editor title has the button).`,
  );
  return doc;
}

/** Records the active draft (or the given text) as sent, then refreshes the public log. */
export async function sendCustomerUpdate(parts: ExtensionParts, args?: { incident: string; cycleIndex: number; text: string }): Promise<boolean> {
  let target = args;
  const editor = vscode.window.activeTextEditor;
  if (!target && editor) {
    const draft = draftOf(editor.document.uri);
    if (draft) {
      if (editor.document.isDirty) await editor.document.save();
      target = { incident: draft.incidentId, cycleIndex: draft.cycleIndex, text: editor.document.getText() };
    }
  }
  if (!target) {
    void vscode.window.showInformationMessage('Open a customer update draft first ("Incident: Draft Customer Update").');
    return false;
  }
  const entry = parts.model.findIncident(target.incident);
  if (!entry) return false;
  const { cycleIndex, text } = target;
  const updated = await runOperation(parts, entry, ({ incident, ctx, people }) => recordCustomerUpdate(incident, cycleIndex, text, ctx, people), 'Customer update recorded as sent.');
  if (!updated) return false;
  await writePublicLog(parts, entry.folder);
  return true;
}

/** The IM's questions for affected users, which the PR manager asks on each call. */
export async function addCustomerQuestion(parts: ExtensionParts, target?: IncidentTarget | { incident: string; question: string }): Promise<Incident | undefined> {
  const args = argumentsOf<{ incident: string; question: string }>(target);
  const entry = await pickIncident(parts, target, 'Add Question for Customers');
  if (!entry) return undefined;
  const question =
    args?.question ??
    (await vscode.window.showInputBox({
      title: 'Add Question for Customers',
      prompt: 'What should the PR manager ask affected users?',
      placeHolder: 'Since when do you see the error?',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'A question, please.'),
    }));
  if (question === undefined) return undefined;
  return runOperation(parts, entry, ({ incident, ctx }) => addQuestion(incident, question, ctx), 'Question added to the PR manager\'s call notes.');
}

/** The PR manager's call notes: the customers to call and the questions to ask them. */
export async function copyPrmCallNotes(parts: ExtensionParts, target?: IncidentTarget): Promise<string | undefined> {
  const entry = await pickIncident(parts, target, 'Copy PR Manager Call Notes');
  if (!entry) return undefined;
  const notes = prmCallNotes(entry.incident, entry.incident.customers ?? [], await peopleOf(entry.folder, entry.incident), Date.now(), quietHoursSetting(entry.folder));
  await vscode.env.clipboard.writeText(notes);
  await showReadOnly(`${entry.incident.id} call notes.md`, notes);
  const customers = entry.incident.customers?.length ?? 0;
  void vscode.window.showInformationMessage(`PR Manager call notes copied: ${countOf(customers, 'customer')} with their local time now, ${countOf(entry.incident.questions?.length ?? 0, 'question')}.`);
  return notes;
}

export async function exportPublicLog(parts: ExtensionParts): Promise<string | undefined> {
  const folders = parts.model.storeFolders();
  if (folders.length === 0) return undefined;
  let last: string | undefined;
  for (const f of folders) last = await writePublicLog(parts, f.folder);
  if (last) await vscode.window.showTextDocument(vscode.Uri.file(last), { preview: false });
  return last;
}

export function updateCommands(parts: ExtensionParts): CommandTable {
  return {
    [COMMANDS.recordUpdates]: (target?) => recordUpdates(parts, target),
    [COMMANDS.copyObserverSummary]: (target?) => copyObserverSummary(parts, target),
    [COMMANDS.draftCustomerUpdate]: (target?) => draftCustomerUpdate(parts, target),
    [COMMANDS.sendCustomerUpdate]: (args?) => sendCustomerUpdate(parts, args),
    [COMMANDS.exportPublicLog]: () => exportPublicLog(parts),
    [COMMANDS.addCustomerQuestion]: (target?) => addCustomerQuestion(parts, target),
    [COMMANDS.copyPrmCallNotes]: (target?) => copyPrmCallNotes(parts, target),
  };
}

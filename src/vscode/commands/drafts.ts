// Which editor holds a draft the editor title offers to record as sent: a customer update or a
// post-post-mortem. Kept apart from the commands that write the drafts, so that activation can
// follow the active editor without loading the commands (see "A light start" in esbuild.mjs).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONTEXT } from '../ids';
import type { IncidentEntry } from '../incidentsModel';

/** Untitled post-post-mortem drafts (by document URI) and their incident, until sent or closed. */
export const postPostMortemDrafts = new Map<string, string>();

export function trackPostPostMortemDrafts(): vscode.Disposable {
  const update = (editor: vscode.TextEditor | undefined) =>
    void vscode.commands.executeCommand('setContext', CONTEXT.postPostMortemDraftActive, Boolean(editor && postPostMortemDrafts.has(editor.document.uri.toString())));
  update(vscode.window.activeTextEditor);
  return vscode.Disposable.from(vscode.window.onDidChangeActiveTextEditor(update), vscode.workspace.onDidCloseTextDocument((doc) => postPostMortemDrafts.delete(doc.uri.toString())));
}

/**
 * Customer drafts are files in the records folder's `drafts/` folder, named after the incident
 * and the cycle, so an edit is saved like any file (no "Save changes?" on close), survives a
 * reload, and Record Customer Update as Sent knows which cycle it belongs to from the name.
 */
const DRAFT_NAME = /^(.+)\.cycle-(\d+)\.customer-update\.txt$/;

export function customerDraftFile(entry: IncidentEntry, cycleIndex: number): string {
  return path.join(entry.store.folderPath, 'drafts', `${entry.incident.id}.cycle-${cycleIndex + 1}.customer-update.txt`);
}

/** The incident and cycle a draft file belongs to, from its name and place. */
export function draftOf(uri: vscode.Uri): { incidentId: string; cycleIndex: number } | undefined {
  if (uri.scheme !== 'file' || path.basename(path.dirname(uri.fsPath)) !== 'drafts') return undefined;
  const m = DRAFT_NAME.exec(path.basename(uri.fsPath));
  return m ? { incidentId: m[1], cycleIndex: Number(m[2]) - 1 } : undefined;
}

export function trackDraftContext(): vscode.Disposable {
  const update = (editor: vscode.TextEditor | undefined) =>
    void vscode.commands.executeCommand('setContext', CONTEXT.customerDraftActive, Boolean(editor && draftOf(editor.document.uri)));
  update(vscode.window.activeTextEditor);
  return vscode.window.onDidChangeActiveTextEditor(update);
}

// A refusal stops what the person meant to do, so it is a modal message with the whole rule,
// not a toast cut to one line: the first sentence as the message, the full text as its detail.
import * as vscode from 'vscode';
import { firstClause } from '../model/labels';

export function showRefusal(message: string): void {
  const text = message.replace(/^Refused:\s*/, '');
  const sentence = /^(.+?[.!?])(\s|$)/.exec(text)?.[1] ?? firstClause(text);
  // A workbench that shows no dialogs (an automated test run) gets the whole text as a toast.
  vscode.window.showErrorMessage(`Refused: ${sentence}`, { modal: true, detail: text }).then(undefined, () => {
    void vscode.window.showErrorMessage(`Refused: ${text}`);
  });
}

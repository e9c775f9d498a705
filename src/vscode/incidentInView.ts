// Context keys for the incident a palette command would act on without asking (the active
// editor's record, the tree's selection, the only open one), so `when` clauses can hide what
// does not apply to it: "Send Everyone Home" is not offered on a Level 1 incident.
import * as vscode from 'vscode';
import { implicitIncident } from '../model/incidentChoice';
import { isOpen } from '../model/lifecycle';
import type { ExtensionParts } from './context';
import { DisposableStore } from './disposables';
import { CONTEXT } from './ids';
import { choiceContext } from './pick';

export class IncidentInViewContext implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private last: string | undefined;

  constructor(private readonly parts: ExtensionParts) {
    this.disposables.add(parts.model.onDidChange(() => this.update()));
    this.disposables.add(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this.disposables.add(parts.treeView.onDidChangeSelection(() => this.update()));
    this.update();
  }

  /** The level of the incident in view, or 0 when there is none (a person would be asked). */
  level(): number {
    const open = this.parts.model.incidents().filter((e) => isOpen(e.incident));
    return implicitIncident(open, choiceContext(this.parts))?.entry.incident.severity ?? 0;
  }

  private update(): void {
    const level = this.level();
    const key = String(level);
    if (key === this.last) return;
    this.last = key;
    void vscode.commands.executeCommand('setContext', CONTEXT.incidentInViewLevel, level);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

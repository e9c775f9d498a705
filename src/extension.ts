// Thin activate: builds the parts and hands them to the registration functions.
import * as vscode from 'vscode';
import { registerCommands } from './vscode/commands/table';
import { trackDraftContext, trackPostPostMortemDrafts } from './vscode/commands/drafts';
import type { ExtensionParts } from './vscode/context';
import { IncidentInViewContext } from './vscode/incidentInView';
import { IncidentsModel } from './vscode/incidentsModel';
import { offerPeopleFile } from './vscode/peopleFileSetup';
import { registerReadOnlyDocuments } from './vscode/readOnlyDocs';
import { ReminderNotifications } from './vscode/reminderNotifications';
import { UpdateCountdown } from './vscode/statusBar';
import { IncidentTestController } from './vscode/testing/controller';
import { IncidentTesting } from './vscode/testing/incidentTesting';
import { createIncidentTreeView, IncidentTreeProvider } from './vscode/tree';
import { TestPlanPanels } from './vscode/webview/testPlanPanel';

/** What activate returns: the parts, so integration tests can read the tree's and status bar's data. */
export type IncidentRoomApi = ExtensionParts & {
  countdown: UpdateCountdown;
  reminderNotifications: ReminderNotifications;
  /** How long activate() took in this host, in ms (the host-load measurement reports it). */
  activateMs: number;
};

export function activate(context: vscode.ExtensionContext): IncidentRoomApi | undefined {
  const started = performance.now();
  try {
    // Summaries of records outside a git repository are cached in the extension's storage.
    const model = new IncidentsModel((context.storageUri ?? context.globalStorageUri).fsPath);
    context.subscriptions.push(model);
    const tree = new IncidentTreeProvider(model, () => parts);
    context.subscriptions.push(tree);
    const treeView = createIncidentTreeView(tree);
    context.subscriptions.push(treeView);
    const testing = new IncidentTesting(model, () => parts);
    context.subscriptions.push(testing);
    // Git facts and run evidence change without the records changing.
    context.subscriptions.push(testing.onDidChange(() => tree.refresh()));
    const testController = new IncidentTestController(model, testing);
    context.subscriptions.push(testController);
    const testPlanPanels = new TestPlanPanels(() => parts);
    context.subscriptions.push(testPlanPanels);
    const parts: ExtensionParts = { extension: context, model, tree, treeView, testing, testController, testPlanPanels };
    context.subscriptions.push(...registerCommands(parts));
    context.subscriptions.push(trackPostPostMortemDrafts());
    const reminderNotifications = new ReminderNotifications(parts, context.workspaceState);
    const countdown = new UpdateCountdown(model, Date.now, context.workspaceState, (id) => reminderNotifications.actionable().filter((r) => r.entry.incident.id === id).map((r) => r.reminder));
    context.subscriptions.push(countdown, reminderNotifications, trackDraftContext());
    context.subscriptions.push(new IncidentInViewContext(parts), registerReadOnlyDocuments());
    void offerPeopleFile(parts);
    return { ...parts, countdown, reminderNotifications, activateMs: performance.now() - started };
  } catch (err) {
    // VS Code shows nothing when activation fails; say what happened.
    void vscode.window.showErrorMessage(`Incident Room failed to start: ${(err as Error).message}`);
    throw err;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}

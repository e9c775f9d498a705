// The test-plan panel: one per incident. It sends the page the whole view (built by the domain's
// testPlanView) whenever the record, the evidence or the branch changes, and turns each
// validated message from the page into the same operation the commands run.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { resolvePeople } from '../../model/people';
import type { Person } from '../../model/record';
import { editPlanItem, removePlanItem } from '../../model/testPlanItems';
import { buildTestPlanView, type RunProgressView, type TestPlanView } from '../../webview/testPlanView';
import { unlinkTest } from '../../model/testPlan';
import { readPeopleFile } from '../../store/incidentStore';
import { formatTestRef } from '../../model/testId';
import { testPlanPageHtml } from '../../webview/testPlanHtml';
import { validatePageMessage } from '../../webview/testPlanValidation';
import { VIEW_TYPE_TEST_PLAN, type ActionOutcome, type HostMessage, type PageMessage, type TestPlanPageState } from '../../webview/testPlanMessages';
import { knownActor } from '../actor';
import { closeIncidentCommand } from '../commands/close';
import { runRunbook } from '../commands/runbookShared';
import {
  addPlanItemCommand,
  linkAutomatedTestCommand,
  recordNoAutomatedTestCommand,
  recordTestResultCommand,
  signNoAutomatedTestCommand,
  signOffCommand,
} from '../commands/testPlan';
import type { ExtensionParts } from '../context';
import { DisposableStore } from '../disposables';
import { COMMANDS, SETTINGS, SETTINGS_SECTION } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import { peopleFilePath } from '../people';
import { RunRefused } from '../testing/incidentTesting';

/** Coalesces the record's reload and the gate's re-evaluation into one redraw. */
const REDRAW_DEBOUNCE_MS = 60;
/** Output is streamed to the page at most this often while a run lasts. */
const PROGRESS_INTERVAL_MS = 250;
/** A commit writes several refs and logs; one re-read of the git facts covers them. */
const FACTS_DEBOUNCE_MS = 300;

/** Gate actions that are commands rather than forms on the page. */
const GATE_COMMANDS: Partial<Record<string, { command: string; args: (id: string) => unknown[] }>> = {
  'link-branch': { command: COMMANDS.linkFixBranch, args: (id) => [id] },
  'checkout-branch': { command: COMMANDS.checkoutFixBranch, args: (id) => [id] },
  // Committing is the Source Control view's job.
  'commit-changes': { command: 'workbench.view.scm', args: () => [] },
  'tick-checklist': { command: COMMANDS.tickStep, args: (id) => [id] },
};

export function testPlanWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The page's HTML: a nonce for the one script, nothing inline, resources only from dist/ and media/. */
export function testPlanHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce = randomBytes(16).toString('base64')): string {
  return testPlanPageHtml({ cspSource: webview.cspSource, nonce, resource: (...p) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString() });
}

export class TestPlanPanel implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private redrawTimer: NodeJS.Timeout | undefined;
  private lastSent = '';
  private run: RunProgressView = { running: false };
  private runCancel: vscode.CancellationTokenSource | undefined;
  private lastProgressAt = 0;
  private disposed = false;
  /** Messages the page sent that failed validation; kept for tests and the log. */
  readonly rejected: string[] = [];
  private readonly disposeEmitter = this.disposables.add(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;
  private readonly postEmitter = this.disposables.add(new vscode.EventEmitter<HostMessage>());
  /** Fires with each message sent to the page (integration tests read what the page was told). */
  readonly onDidPost = this.postEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly incidentId: string,
    private readonly parts: () => ExtensionParts,
    private readonly log: vscode.OutputChannel,
  ) {
    const { extension, model, testing } = parts();
    panel.webview.options = testPlanWebviewOptions(extension.extensionUri);
    panel.webview.html = testPlanHtml(panel.webview, extension.extensionUri);
    this.disposables.add(panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.disposables.add(model.onDidChange(() => this.scheduleRedraw()));
    this.disposables.add(testing.onDidChange(() => this.scheduleRedraw()));
    this.disposables.add(vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleRedraw()));
    // Who signs follows the actor setting.
    this.disposables.add(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SETTINGS_SECTION}.${SETTINGS.actor}`) && this.scheduleRedraw()));
    this.disposables.add(panel.onDidChangeViewState(() => panel.visible && this.scheduleRedraw()));
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
  }

  /** The incident's record: held when open, read from disk once it is closed. */
  private entry(): Promise<IncidentEntry | undefined> {
    return this.parts().model.loadIncident(this.incidentId);
  }

  scheduleRedraw(): void {
    clearTimeout(this.redrawTimer);
    this.redrawTimer = setTimeout(() => void this.redraw(), REDRAW_DEBOUNCE_MS);
  }

  /** Builds the view from the record and the cached gate facts and sends it when it changed. */
  async redraw(force = false): Promise<TestPlanView | undefined> {
    const entry = await this.entry();
    if (!entry) {
      this.panel.title = `Test plan: ${this.incidentId} (record not found)`;
      return undefined;
    }
    const view = await this.buildView(entry);
    this.panel.title = `Test plan: ${entry.incident.title}`;
    const text = JSON.stringify(view);
    // Nothing changed: the page's DOM stays as it is.
    if (!force && text === this.lastSent) return view;
    this.lastSent = text;
    await this.post({ type: 'view', view });
    return view;
  }

  private async buildView(entry: IncidentEntry): Promise<TestPlanView> {
    const parts = this.parts();
    const people = await quietPeople(entry);
    const facts = parts.testing.factsFor(entry.incident.id) ?? {};
    const lastReport = parts.testing.lastReport(entry.folder);
    return buildTestPlanView({
      incident: entry.incident,
      people,
      facts,
      now: new Date(),
      actor: await knownActor(parts, entry.folder, people),
      trusted: vscode.workspace.isTrusted,
      run: this.run,
      discovered: lastReport?.tests ?? [],
      ...(lastReport ? { lastReport } : {}),
    });
  }

  private async post(message: HostMessage): Promise<void> {
    this.postEmitter.fire(message);
    await this.panel.webview.postMessage(message);
  }

  private tell(outcome: ActionOutcome): Promise<void> {
    return this.post({ type: 'outcome', outcome });
  }

  /** Every message is validated first; one that fails is logged and dropped, never acted on. */
  async receive(raw: unknown): Promise<void> {
    const checked = validatePageMessage(raw);
    if (!checked.ok) {
      this.rejected.push(checked.reason);
      this.log.appendLine(`[test plan ${this.incidentId}] ignored a message from the page: ${checked.reason}`);
      return;
    }
    try {
      await this.handle(checked.message);
    } catch (err) {
      const message = err instanceof RunRefused ? `Refused: ${err.message}` : (err as Error).message;
      await this.tell({ action: checked.message.type, ok: false, message });
    }
  }

  private async handle(m: PageMessage): Promise<void> {
    const parts = this.parts();
    const id = this.incidentId;
    const entry = await this.entry();
    if (m.type === 'ready') {
      await this.redraw(true);
      return;
    }
    if (!entry) {
      await this.tell({ action: m.type, ok: false, message: `No incident with id "${id}" in this workspace.` });
      return;
    }
    const changed = (ok: unknown, done: string) =>
      this.tell(ok ? { action: m.type, ok: true, message: done } : { action: m.type, ok: false, message: 'Nothing was changed (the notification says why).' });
    switch (m.type) {
      case 'recordResult':
        return changed(await recordTestResultCommand(parts, { incident: id, item: m.item, env: m.env, outcome: m.outcome, note: m.note ?? '' }), `Result recorded for ${m.env}.`);
      case 'linkTest':
        return changed(await linkAutomatedTestCommand(parts, { incident: id, item: m.item, test: m.test }), `Linked ${typeof m.test === 'string' ? m.test : formatTestRef(m.test)}.`);
      case 'unlinkTest':
        return this.runbook(m.type, entry, (s) => unlinkTest(s.incident, m.item, m.test, s.ctx), `Unlinked ${formatTestRef(m.test)}.`);
      case 'addItem':
        return changed(
          await addPlanItemCommand(parts, { incident: id, title: m.title, mutatesCustomerData: m.mutatesCustomerData, ...(m.manualSteps ? { manualSteps: m.manualSteps } : {}) }),
          `Added “${m.title}”.`,
        );
      case 'editItem':
        return this.runbook(m.type, entry, (s) => editPlanItem(s.incident, m.item, { title: m.title, manual_steps: m.manualSteps, mutates_customer_data: m.mutatesCustomerData }, s.ctx), `Saved “${m.title}”.`);
      case 'removeItem':
        return this.runbook(m.type, entry, (s) => removePlanItem(s.incident, m.item, s.ctx), 'Item removed.');
      case 'signOff':
        // The page asked for the confirmation itself, showing who signs.
        return changed(await signOffCommand(parts, { incident: id, confirmed: true }), 'Signed off.');
      case 'recordNoAutomatedTest':
        return changed(await recordNoAutomatedTestCommand(parts, { incident: id, reason: m.reason }), 'Recorded that no automated test is possible; it needs the IM\'s and a SME\'s signatures.');
      case 'signNoAutomatedTest':
        // The page asked for the confirmation itself, showing who signs and as what.
        return changed(await signNoAutomatedTestCommand(parts, { incident: id, confirmed: true }), 'Signed that no automated test is possible.');
      case 'close':
        return this.close();
      case 'runTests':
        return this.runTests();
      case 'cancelRun':
        this.runCancel?.cancel();
        return;
      case 'gateAction': {
        const target = GATE_COMMANDS[m.action];
        if (target) await vscode.commands.executeCommand(target.command, ...target.args(id));
        return;
      }
      case 'openOutput':
        await vscode.commands.executeCommand('testing.showMostRecentOutput');
        return;
      case 'openRecord':
        await vscode.commands.executeCommand(COMMANDS.openRecord, id);
        return;
    }
  }

  private async runbook(action: PageMessage['type'], entry: IncidentEntry, op: Parameters<typeof runRunbook>[2], done: string): Promise<void> {
    const result = await runRunbook(this.parts(), entry, op, done);
    await this.tell(
      result.outcome === 'done'
        ? { action, ok: true, message: done }
        : { action, ok: false, message: result.outcome === 'cancelled' ? 'Cancelled.' : result.message },
    );
  }

  /** Close through the command's own path: the gate read fresh, every unmet reason returned in full. */
  private async close(): Promise<void> {
    const result = await closeIncidentCommand(this.parts(), { incident: this.incidentId, interactive: false });
    if (!result) return;
    if (result.closed) {
      await this.tell({ action: 'close', ok: true, message: 'The incident is closed.' });
      return;
    }
    const unmet = result.verdict.conditions.filter((c) => !c.met);
    await this.tell({
      action: 'close',
      ok: false,
      message: unmet.length
        ? `Close refused: ${unmet.length} condition${unmet.length === 1 ? '' : 's'} unmet.`
        : 'Close refused: the record could not be written (the notification says why).',
      reasons: unmet.map((c) => c.message),
    });
  }

  /** Runs through the Test Explorer like the command, with progress and a cancel button on the page. */
  private async runTests(): Promise<void> {
    if (this.run.running) return;
    // The same rule as the command: the test command comes from the workspace.
    if (!vscode.workspace.isTrusted) {
      await this.tell({ action: 'runTests', ok: false, message: 'Refused: tests run only in a trusted workspace: the test command comes from this workspace\'s settings and records.' });
      return;
    }
    const cancel = new vscode.CancellationTokenSource();
    this.runCancel = cancel;
    this.run = { running: true, startedAt: new Date().toISOString() };
    await this.post({ type: 'progress', run: this.run });
    try {
      const result = await this.parts().testController.runIncident(this.incidentId, {
        token: cancel.token,
        onOutput: (chunk) => this.progress(chunk),
      });
      if (result) {
        const failing = result.run.linked.filter((l) => l.outcome !== 'passed');
        const how = result.run.endedBy === 'cancelled' ? 'The run was cancelled.' : result.run.endedBy === 'timeout' ? 'The run timed out.' : '';
        await this.tell({
          action: 'runTests',
          ok: failing.length === 0 && result.run.endedBy === 'exit',
          message: `${how ? `${how} ` : ''}${failing.length === 0 ? 'Every linked test passed.' : `${failing.length} linked test(s) did not pass.`}`,
          reasons: failing.map((l) => `${formatTestRef(l.test)}: ${l.outcome}`),
        });
      } else {
        await this.tell({ action: 'runTests', ok: false, message: 'The tests were not run.' });
      }
    } finally {
      cancel.dispose();
      this.runCancel = undefined;
      this.run = { running: false };
      await this.redraw(true);
    }
  }

  private progress(chunk: string): void {
    const lines = chunk.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) return;
    this.run = { ...this.run, lastLine: lines[lines.length - 1]!.slice(0, 300) };
    const now = Date.now();
    if (now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    void this.post({ type: 'progress', run: this.run });
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.redrawTimer);
    this.runCancel?.cancel();
    this.disposeEmitter.fire();
    this.disposables.dispose();
    this.panel.dispose();
  }
}

/** Everyone the record names, and the people file's entries, read without warning the person on each redraw. */
async function quietPeople(entry: IncidentEntry): Promise<Person[]> {
  const file = peopleFilePath(entry.folder);
  const shared = file ? (await readPeopleFile(file)).people : [];
  return resolvePeople(entry.incident, shared);
}

/** Opens, reveals and restores test-plan panels, one per incident, and watches the fix branches they show. */
export class TestPlanPanels implements vscode.Disposable, vscode.WebviewPanelSerializer<TestPlanPageState> {
  private readonly disposables = new DisposableStore();
  private readonly panels = new Map<string, TestPlanPanel>();
  private readonly log: vscode.OutputChannel;

  constructor(private readonly parts: () => ExtensionParts) {
    this.log = this.disposables.add(vscode.window.createOutputChannel('Incident Room: Test Plan'));
    this.disposables.add(vscode.window.registerWebviewPanelSerializer(VIEW_TYPE_TEST_PLAN, this));
    // A commit or a checkout (HEAD, branch refs) and a saved file (clean or dirty) change what the
    // page shows without touching the record. Not the index: reading the status may rewrite it.
    const git = this.disposables.add(vscode.workspace.createFileSystemWatcher('**/.git/{HEAD,refs/heads/**}'));
    const onChange = () => this.scheduleFacts();
    this.disposables.add(git.onDidChange(onChange));
    this.disposables.add(git.onDidCreate(onChange));
    this.disposables.add(git.onDidDelete(onChange));
    this.disposables.add(vscode.workspace.onDidSaveTextDocument(onChange));
  }

  private factsTimer: NodeJS.Timeout | undefined;

  /** Reads the git facts again for the incidents on show, once a burst of changes settles. */
  private scheduleFacts(): void {
    if (this.panels.size === 0) return;
    clearTimeout(this.factsTimer);
    this.factsTimer = setTimeout(() => {
      for (const id of this.panels.keys()) void this.parts().testing.invalidate(id);
    }, FACTS_DEBOUNCE_MS);
  }

  get(incidentId: string): TestPlanPanel | undefined {
    return this.panels.get(incidentId);
  }

  open(incidentId: string): TestPlanPanel {
    const existing = this.panels.get(incidentId);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const { extension } = this.parts();
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE_TEST_PLAN, 'Test plan', vscode.ViewColumn.Active, testPlanWebviewOptions(extension.extensionUri));
    return this.adopt(panel, incidentId);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: TestPlanPageState | undefined): Promise<void> {
    await this.parts().model.whenLoaded();
    const id = typeof state?.incidentId === 'string' ? state.incidentId : undefined;
    if (!id || this.panels.has(id)) {
      panel.dispose();
      return;
    }
    this.adopt(panel, id);
  }

  private adopt(panel: vscode.WebviewPanel, incidentId: string): TestPlanPanel {
    const view = new TestPlanPanel(panel, incidentId, this.parts, this.log);
    this.panels.set(incidentId, view);
    view.onDidDispose(() => {
      if (this.panels.get(incidentId) === view) this.panels.delete(incidentId);
    });
    // The gate's facts may not have been read yet for this incident.
    if (!this.parts().testing.factsFor(incidentId)) void this.parts().testing.invalidate(incidentId);
    return view;
  }

  dispose(): void {
    clearTimeout(this.factsTimer);
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
    this.disposables.dispose();
  }
}

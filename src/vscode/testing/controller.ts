// The Test Explorer's view of the incidents: one controller, an item per open incident, its
// test-plan items as children and the linked tests (id = testKey) below them. Running runs
// the incident's whole suite through the runner, because the gate counts only whole runs.
import * as vscode from 'vscode';
import type { Incident } from '../../model/record';
import { linkedTests } from '../../model/testPlan';
import type { LinkedResult } from '../../testing/evidence';
import { runSummary } from '../../testing/gate';
import { lookupTest, type ParsedReport } from '../../testing/reports/report';
import { formatTestRef, testKey } from '../../model/testId';
import { DisposableStore } from '../disposables';
import { COMMANDS, TEST_CONTROLLER } from '../ids';
import type { IncidentEntry, IncidentsModel } from '../incidentsModel';
import type { IncidentRunResult, IncidentTesting, RunRequestOptions } from './incidentTesting';

const INCIDENT_PREFIX = 'incident:';
const PLAN_PREFIX = 'plan:';

export class IncidentTestController implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  readonly controller: vscode.TestController;
  readonly runProfile: vscode.TestRunProfile;
  /** The notifications raised for finished Test Explorer runs, oldest first (for the integration tests). */
  private readonly announced: string[] = [];

  constructor(
    private readonly model: IncidentsModel,
    private readonly testing: IncidentTesting,
  ) {
    this.controller = this.disposables.add(vscode.tests.createTestController(TEST_CONTROLLER, 'Incident Room'));
    this.runProfile = this.disposables.add(
      this.controller.createRunProfile('Run linked tests', vscode.TestRunProfileKind.Run, (request, token) => this.runRequest(request, token), true),
    );
    this.controller.refreshHandler = async () => {
      await this.model.reload();
      await this.testing.invalidate();
    };
    this.disposables.add(model.onDidChange(() => this.rebuild()));
    this.disposables.add(testing.onDidChange(() => this.rebuild()));
    this.rebuild();
  }

  private rebuild(): void {
    const items: vscode.TestItem[] = [];
    for (const entry of this.model.incidents()) {
      const incident = entry.incident;
      if (incident.status === 'closed' || linkedTests(incident).length === 0) continue;
      const root = this.controller.createTestItem(`${INCIDENT_PREFIX}${incident.id}`, incident.title, vscode.Uri.file(entry.record.file));
      root.description = incident.fix ? `on ${incident.fix.branch}` : 'no fix branch linked';
      const last = lastOutcomes(this.testing, incident);
      for (const planItem of incident.test_plan?.items ?? []) {
        if (!(planItem.automated ?? []).length) continue;
        const child = this.controller.createTestItem(`${PLAN_PREFIX}${incident.id}:${planItem.id}`, planItem.title);
        for (const ref of planItem.automated ?? []) {
          const test = this.controller.createTestItem(testKey(ref), ref.title.join(' › '), vscode.Uri.joinPath(entry.folder.uri, ref.file));
          test.description = last.get(testKey(ref)) ?? 'not run yet';
          child.children.add(test);
        }
        root.children.add(child);
      }
      items.push(root);
    }
    this.controller.items.replace(items);
  }

  /** Runs one incident's linked tests as a Test Explorer run (the command and the profile share it). */
  async runIncident(
    incidentId: string,
    opts: Pick<RunRequestOptions, 'checkout' | 'onOutput'> & { token?: vscode.CancellationToken } = {},
  ): Promise<IncidentRunResult | undefined> {
    const root = this.controller.items.get(`${INCIDENT_PREFIX}${incidentId}`);
    const entry = this.model.findIncident(incidentId);
    if (!entry) throw new Error(`no incident with id "${incidentId}"`);
    const request = new vscode.TestRunRequest(root ? [root] : undefined, undefined, undefined);
    const source = new vscode.CancellationTokenSource();
    // A caller that shows its own progress (the test-plan page) may cancel the run too.
    const onCallerCancel = opts.token?.onCancellationRequested(() => source.cancel());
    try {
      return await this.runEntry(request, entry, source.token, { ...(opts.checkout !== undefined ? { checkout: opts.checkout } : {}) }, opts.onOutput);
    } finally {
      onCallerCancel?.dispose();
      source.dispose();
    }
  }

  private async runRequest(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const ids = new Set<string>();
    for (const item of request.include ?? []) ids.add(incidentIdOf(item));
    if (!request.include) this.controller.items.forEach((item) => ids.add(incidentIdOf(item)));
    for (const id of ids) {
      if (token.isCancellationRequested) break;
      const entry = this.model.findIncident(id);
      if (!entry) continue;
      try {
        const result = await this.runEntry(request, entry, token, {});
        // A run from the Test Explorer says what it changed for Close, not only per test.
        if (result) void this.announce(entry, result);
      } catch {
        // Reported on the incident's items and in the output; the other incidents still run.
      }
    }
  }

  private async runEntry(
    request: vscode.TestRunRequest,
    entry: IncidentEntry,
    token: vscode.CancellationToken,
    opts: Pick<RunRequestOptions, 'checkout'>,
    onOutput?: (chunk: string) => void,
  ): Promise<IncidentRunResult | undefined> {
    const run = this.controller.createTestRun(request, `Incident ${entry.incident.id}`, true);
    const tests = this.testItems(entry.incident.id);
    for (const item of tests.values()) run.enqueued(item);
    const abort = new AbortController();
    const onCancel = token.onCancellationRequested(() => abort.abort());
    try {
      for (const item of tests.values()) run.started(item);
      const result = await this.testing.run(entry, {
        ...opts,
        signal: abort.signal,
        // The Test Results terminal wants CRLF line ends.
        onOutput: (chunk) => {
          run.appendOutput(chunk.replace(/\r?\n/g, '\r\n'));
          onOutput?.(chunk);
        },
      });
      if (!result) {
        for (const item of tests.values()) run.skipped(item);
        return undefined;
      }
      const why = result.run.endedBy === 'exit' ? '' : ` (the run ${result.run.endedBy === 'timeout' ? 'timed out' : 'was cancelled'})`;
      if (result.run.reportError) run.appendOutput(`\r\nIncident Room: ${result.run.reportError}\r\n`);
      for (const linked of result.run.linked) {
        const item = tests.get(testKey(linked.test));
        if (item) report(run, item, linked, result.outcome.report, why);
      }
      return result;
    } catch (err) {
      const message = new vscode.TestMessage((err as Error).message);
      for (const item of tests.values()) run.errored(item, message);
      run.appendOutput(`Incident Room: ${(err as Error).message}\r\n`);
      throw err;
    } finally {
      onCancel.dispose();
      run.end();
    }
  }

  private async announce(entry: IncidentEntry, result: IncidentRunResult): Promise<void> {
    // The run has just read the facts again (IncidentTesting.run invalidates them): no second verdict.
    const verdict = this.testing.factsFor(entry.incident.id)?.verdict ?? (await this.testing.verdict(entry));
    const message = `Incident ${entry.incident.id}: ${runSummary(result.run.linked, verdict)}`;
    this.announced.push(message);
    const choice = await vscode.window.showInformationMessage(message, 'Close Incident', 'Show Test Results');
    if (choice === 'Close Incident') void vscode.commands.executeCommand(COMMANDS.closeIncident, entry.incident.id);
    if (choice === 'Show Test Results') void vscode.commands.executeCommand('testing.showMostRecentOutput');
  }

  snapshot(): { announced: string[] } {
    return { announced: [...this.announced] };
  }

  /** The linked-test items of an incident by testKey (one per test, however many plan items link it). */
  private testItems(incidentId: string): Map<string, vscode.TestItem> {
    const found = new Map<string, vscode.TestItem>();
    this.controller.items.get(`${INCIDENT_PREFIX}${incidentId}`)?.children.forEach((planItem) =>
      planItem.children.forEach((test) => {
        if (!found.has(test.id)) found.set(test.id, test);
      }),
    );
    return found;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

function incidentIdOf(item: vscode.TestItem): string {
  let top = item;
  while (top.parent) top = top.parent;
  return top.id.slice(INCIDENT_PREFIX.length);
}

function report(run: vscode.TestRun, item: vscode.TestItem, linked: LinkedResult, parsed: ParsedReport | undefined, why: string): void {
  const found = parsed ? lookupTest(parsed, linked.test) : undefined;
  const tests = found && found.kind === 'found' ? found.tests : [];
  const duration = tests.reduce((sum, t) => sum + (t.durationMs ?? 0), 0) || undefined;
  switch (linked.outcome) {
    case 'passed':
      run.passed(item, duration);
      break;
    case 'failed':
      run.failed(item, new vscode.TestMessage(tests.map((t) => t.message).filter(Boolean).join('\n') || `${formatTestRef(linked.test)} failed`), duration);
      break;
    case 'skipped':
      run.skipped(item);
      break;
    case 'missing':
      run.errored(item, new vscode.TestMessage(`not executed by the run${why}${linked.note ? `: ${linked.note}` : ''}`));
      break;
  }
}

/** "passed on 1a2b3c4", with "stale" when the branch moved on since. */
function lastOutcomes(testing: IncidentTesting, incident: Incident): Map<string, string> {
  const facts = testing.factsFor(incident.id);
  const run = facts?.evidence?.run;
  const out = new Map<string, string>();
  if (!run) return out;
  const stale = facts?.branch?.head && facts.branch.head !== run.sha ? ', stale' : '';
  for (const l of run.linked) out.set(testKey(l.test), `last run: ${l.outcome} on ${run.sha.slice(0, 7)}${stale}`);
  return out;
}

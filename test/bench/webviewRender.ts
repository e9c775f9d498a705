// How fast the test-plan page draws a large plan: 50 items × 5 linked tests × 2 environments,
// every test with an outcome (failures with their first lines), beside a one-item plan as the
// baseline, and a redraw after one result changed. The page the panel serves (its HTML, CSP,
// bundle and stylesheet) runs in Debian's Chromium, given the same messages the extension sends;
// the time is the page's in-page timer (document.body.dataset.renderMs): from the message's
// arrival to the DOM built, the components updated and layout done, in a 1400×900 viewport (rows
// below it skip layout until scrolled to, as in the editor). Numbers only, no asserts: machines differ.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { Incident, TestRef } from '../../src/model/record';
import { buildTestPlanView, type TestPlanView } from '../../src/webview/testPlanView';
import type { EvidenceRun } from '../../src/testing/evidence';
import type { ParsedReport } from '../../src/testing/reports/report';
import type { GateVerdict } from '../../src/testing/gate';
import { testPlanPageHtml } from '../../src/webview/testPlanHtml';
import { launchChromium, projectRoot } from '../tools/codeServer';

const REPEATS = 15;
const HEAD = 'c0ffee'.padEnd(40, '0');

const REPORT_SHA = 'b'.repeat(64);

function plan(items: number, testsPerItem: number): { incident: Incident; run: EvidenceRun; report: ParsedReport } {
  const outcomes = ['passed', 'failed', 'skipped', 'missing'] as const;
  const linked: EvidenceRun['linked'] = [];
  const reportTests: ParsedReport['tests'] = [];
  const planItems = Array.from({ length: items }, (_, i) => {
    const automated: TestRef[] = Array.from({ length: testsPerItem }, (_, k) => ({ file: `test/area-${i}.test.js`, title: [`Area ${i}`, `case ${k} keeps working`] }));
    automated.forEach((ref, k) => {
      const outcome = outcomes[(i + k) % outcomes.length]!;
      linked.push({ test: ref, outcome });
      if (outcome !== 'missing') reportTests.push({ ref, outcome: outcome, ...(outcome === 'failed' ? { message: `AssertionError: expected 200\n  got 500\n  at test/area-${i}.test.js:${k + 10}:5\n  at more` } : {}) });
    });
    return {
      id: `item-${i}`,
      title: `Plan item ${i}: the checkout answers 200 for country ${i}`,
      manual_steps: `Pay for one item from country ${i} and check the receipt.`,
      mutates_customer_data: i % 7 === 0,
      automated,
      results: [
        { env: 'staging' as const, outcome: 'pass' as const, by: 'bruno', at: '2026-11-28T10:00:00Z', note: 'fine' },
        { env: 'production' as const, outcome: (i % 7 === 0 ? 'skipped' : 'fail') as 'skipped' | 'fail', by: 'ana', at: '2026-11-28T11:00:00Z' },
      ],
    };
  });
  const incident: Incident = {
    schema: 'incident-room/v1',
    id: '2026-11-28-bench',
    title: 'Benchmark incident',
    severity: 2,
    status: 'active',
    declared_at: '2026-11-28T09:00:00Z',
    impact: 'Benchmark.',
    people: [
      { id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon' },
      { id: 'bruno', name: 'Bruno Costa', timezone: 'Europe/Lisbon' },
    ],
    roles: { incident_manager: 'ana', workers: [{ person: 'bruno', since: '2026-11-28T09:00:00Z' }] },
    checklists: { start: [], end: [] },
    fix: { branch: 'fix/bench', base: 'main' },
    test_plan: { items: planItems, signoffs: [{ person: 'ana', role: 'incident_manager', at: '2026-11-28T10:30:00Z' }] },
    timeline: [],
  };
  const run: EvidenceRun = {
    v: 2, id: 'bench-run', incidentId: incident.id, sha: HEAD, shaAfter: HEAD, branch: 'fix/bench', clean: true, dirtyFiles: [], command: ['node', '--test'],
    untrackedFiles: [], moved: [], excluded: [], excludedRefused: [], runner: 'node', commandSource: 'bench',
    startedAt: '2026-11-28T11:30:00Z', endedAt: '2026-11-28T11:31:00Z', exitCode: 1, signal: null, endedBy: 'exit',
    report: { sha256: REPORT_SHA, tests: reportTests.length, passed: 0, failed: 0, skipped: 0, failing: [] }, linked,
  };
  return { incident, run, report: { format: 'node-test', sha256: REPORT_SHA, tests: reportTests } };
}

function viewOf(items: number, tests: number, mutate?: (incident: Incident) => void): TestPlanView {
  const { incident, run, report } = plan(items, tests);
  mutate?.(incident);
  const verdict: GateVerdict = {
    mayClose: false,
    conditions: [
      { id: 'fix-branch', met: true, message: 'fix branch fix/bench at c0ffee0' },
      { id: 'tests-passed', met: false, message: linked(run), action: 'run-tests' },
      { id: 'plan-production', met: false, message: 'not yet passed in production: …', action: 'record-result' },
    ],
    notes: [],
  };
  return buildTestPlanView({
    incident,
    people: incident.people ?? [],
    facts: {
      verdict,
      branch: { branch: 'fix/bench', base: 'main', defaultBranch: 'main', exists: true, baseExists: true, currentBranch: 'fix/bench', checkedOut: true, head: HEAD, shortHead: HEAD.slice(0, 7), ahead: 1, behind: 0, dirty: false, dirtyFiles: [], untrackedFiles: [], imCommits: [] },
      evidence: { run, verified: [run], rejected: [], rejectedAfterLatest: false },
    },
    now: new Date('2026-11-28T12:00:00Z'),
    actor: 'ana',
    trusted: true,
    lastReport: report,
  });
}

function linked(run: EvidenceRun): string {
  return run.linked.filter((l) => l.outcome !== 'passed').map((l) => `${l.test.file} > ${l.test.title.join(' > ')} ${l.outcome}`).join('; ');
}

/** Posts a view as the extension would and returns the page's own measurement of the render. */
async function render(page: Page, view: TestPlanView): Promise<number> {
  const before = await page.evaluate(() => Number(document.body.dataset.renders ?? '0'));
  await page.evaluate((v) => window.postMessage({ type: 'view', view: v }, '*'), view);
  await page.waitForFunction((n) => Number(document.body.dataset.renders ?? '0') > n, before);
  return page.evaluate(() => Number(document.body.dataset.renderMs));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** "median 41.2 ms (min 30.5, max 88.0)". */
const spread = (xs: number[]) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;

async function main(): Promise<void> {
  const root = projectRoot();
  // The page's bundle, as shipped.
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'incident-room-bench-'));
  const file = (p: string) => pathToFileURL(join(root, p)).toString();
  // The page exactly as the panel serves it (its CSP included), its files loaded from the project.
  writeFileSync(join(dir, 'page.html'), testPlanPageHtml({ cspSource: 'file:', nonce: 'bench-nonce-0123456789', resource: (...p) => file(join(...p)) }));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // What the webview host provides; the page posts "ready" and keeps its state here.
    await page.addInitScript(() => {
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => undefined, setState: () => undefined });
    });
    await page.goto(pathToFileURL(join(dir, 'page.html')).toString());
    const cases: [string, TestPlanView, TestPlanView][] = [
      ['baseline: 1 item × 1 test × 2 envs', viewOf(1, 1), viewOf(1, 1, (i) => (i.test_plan!.items[0]!.results![0]!.outcome = 'fail'))],
      ['50 items × 5 tests × 2 envs', viewOf(50, 5), viewOf(50, 5, (i) => (i.test_plan!.items[17]!.results![0]!.outcome = 'fail'))],
    ];
    // The figures scale with how busy the machine is; say how busy it was.
    let largest = 0;
    console.log(`test-plan page render (Chromium, in-page timer, ${REPEATS} runs each; load average ${loadavg()[0]!.toFixed(1)}):`);
    for (const [name, first, changed] of cases) {
      const full: number[] = [];
      const redraw: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        // A fresh page each time, so the first render is measured, then one result changes.
        await page.reload();
        full.push(await render(page, first));
        redraw.push(await render(page, changed));
      }
      const bytes = JSON.stringify({ type: 'view', view: first }).length;
      const nodes = await page.evaluate(() => document.getElementById('app')!.getElementsByTagName('*').length);
      console.log(
        `  ${name.padEnd(38)} first render ${spread(full)}, redraw after one result changed ${spread(redraw)}; message ${(bytes / 1024).toFixed(0)} KiB, ${nodes} elements`,
      );
      largest = nodes;
    }
    // How fast this machine is right now: as many bare text elements as the large plan has,
    // created and laid out the same way. The page cannot draw its elements faster than this.
    const floor: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      floor.push(
        await page.evaluate((n) => {
          const app = document.getElementById('app')!;
          app.replaceChildren();
          const started = performance.now();
          const els: HTMLElement[] = [];
          for (let i = 0; i < n; i++) {
            const d = document.createElement('div');
            d.textContent = `cell ${i}`;
            els.push(d);
          }
          app.replaceChildren(...els);
          void document.body.offsetHeight;
          return performance.now() - started;
        }, largest),
      );
    }
    console.log(`  ${`reference: ${largest} bare <div>s`.padEnd(38)} ${spread(floor)}`);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

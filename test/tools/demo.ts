// `npm run demo`: a demo repository with incidents in several states, opened in the real
// VS Code (code-server) with the extension loaded, for a person to try in their browser.
// The records are declared through the extension's own domain code, with times relative to
// now, so the countdowns, the overdue update and the close gate look as they would live.
//
// Usage: node out/test/tools/demo.js [--dir <folder>]   (PORT picks the port, default 8080)
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderNewRecord } from '../../src/store/incidentStore';
import { newIncident } from '../../src/model/declare';
import { levelRules } from '../../src/model/levels';
import type { Incident, Level, Person } from '../../src/model/record';
import { toTimestamp } from '../../src/model/time';
import { validateIncident } from '../../src/model/validate';
import { copyFixtureWorkspace, findFreePort, git, gitCommitAll, gitInit, projectRoot, startCodeServer, workbenchUrl } from './codeServer';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const PEOPLE: Record<string, Person> = {
  ana: { id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon', email: 'ana@example.com', git_emails: ['ana@example.com'] },
  bruno: { id: 'bruno', name: 'Bruno Costa', timezone: 'Europe/Lisbon', email: 'bruno@example.com', git_emails: ['bruno@example.com'] },
  carla: { id: 'carla', name: 'Carla Weber', timezone: 'Europe/Berlin', email: 'carla@example.com' },
  dmitri: { id: 'dmitri', name: 'Dmitri Volkov', timezone: 'Europe/Warsaw', email: 'dmitri@example.com' },
  erin: { id: 'erin', name: 'Erin Walsh', timezone: 'America/New_York', email: 'erin@example.com' },
  farah: { id: 'farah', name: 'Farah Khan', timezone: 'Europe/London', email: 'farah@example.com' },
  goran: { id: 'goran', name: 'Goran Petrovic', timezone: 'Europe/Belgrade', email: 'goran@example.com' },
};

interface Draft {
  incident: Incident;
  /** The instant of declaration, from which the helpers below count. */
  t0: number;
}

function declare(title: string, level: Level, impact: string, im: string, ago: number, now: number): Draft {
  const t0 = now - ago;
  const incident = newIncident({ title, level, impact, incidentManager: PEOPLE[im]!, ticket: `https://tickets.example.com/OPS-${4600 + Math.round(ago / HOUR)}` }, new Date(t0));
  return { incident, t0 };
}

const at = (draft: Draft, after: number): string => toTimestamp(draft.t0 + after, PEOPLE[draft.incident.roles.incident_manager]?.timezone);

/** Adds people and roles the way the IM would, with the timeline entries that go with them. */
function staff(draft: Draft, roles: { sme: string[]; workers: [string, number][]; observers: string[]; prm?: string }): void {
  const { incident } = draft;
  const ids = new Set([...roles.sme, ...roles.workers.map(([id]) => id), ...roles.observers, ...(roles.prm ? [roles.prm] : [])]);
  for (const id of ids) if (!incident.people?.some((p) => p.id === id)) incident.people?.push(PEOPLE[id]!);
  incident.roles.sme = roles.sme;
  incident.roles.workers = roles.workers.map(([person, after]) => ({ person, since: at(draft, after), released_at: null }));
  incident.roles.observers = roles.observers;
  incident.roles.prm = roles.prm ?? null;
  for (const [person, after] of roles.workers) {
    incident.timeline.push({ at: at(draft, after), by: incident.roles.incident_manager, kind: 'role-assigned', text: `${PEOPLE[person]!.name} is a worker` });
  }
}

/** Ticks the first `count` steps of a checklist, a few minutes apart. */
function tick(draft: Draft, list: 'start' | 'end', count: number, after: number): void {
  draft.incident.checklists[list].slice(0, count).forEach((step, index) => {
    step.done_at = at(draft, after + index * 3 * MINUTE);
    step.done_by = draft.incident.roles.incident_manager;
  });
}

function recordUpdate(draft: Draft, after: number, workers: { person: string; found: string; next: string }[], customerText?: string): void {
  const { incident } = draft;
  const by = incident.roles.incident_manager;
  (incident.updates ??= []).push({
    at: at(draft, after),
    by,
    workers: workers.map((w) => ({ ...w, needs_help: false })),
    decision: 'no-change',
    ...(customerText ? { customer_update: { text: customerText, sent_at: at(draft, after + 10 * MINUTE), by: incident.roles.prm ?? by } } : {}),
  });
  incident.timeline.push({ at: at(draft, after), by, kind: 'update-recorded', text: 'Update cycle recorded; no change' });
}

/** The four incidents of the demo, in the states the product distinguishes. */
function demoIncidents(now: number): Incident[] {
  // Level 1, active, declared 48 minutes ago: the next hourly update is due in 12 minutes, near its
  // deadline (warning colours) when the demo opens, not yet overdue. The status bar shows it first.
  const payments = declare('Card payments are charged twice', 1, 'Every card payment since 09:10 is charged twice; support lines are flooded.', 'ana', 48 * MINUTE, now);
  staff(payments, { sme: ['dmitri'], workers: [['dmitri', 8 * MINUTE], ['goran', 12 * MINUTE]], observers: ['erin'], prm: 'carla' });
  tick(payments, 'start', 4, 2 * MINUTE);

  // Level 2, active: the last update was 50 minutes ago, so the 2-hourly one is due in 1 h 10 min: calm.
  const checkout = declare('Checkout returns 500 for EU customers', 2, 'EU customers cannot pay; orders from the EU dropped by 40%.', 'ana', 3 * HOUR + 10 * MINUTE, now);
  staff(checkout, { sme: ['bruno'], workers: [['bruno', 15 * MINUTE], ['dmitri', 30 * MINUTE]], observers: ['erin'], prm: 'carla' });
  tick(checkout, 'start', 6, 5 * MINUTE);
  recordUpdate(checkout, 3 * HOUR + 10 * MINUTE - 50 * MINUTE, [
    { person: 'bruno', found: 'The VAT table has no rate for the new EU countries.', next: 'Add the missing rates behind a test.' },
    { person: 'dmitri', found: 'Errors started with the 13:30 deploy.', next: 'Prepare a rollback in case the fix is late.' },
  ], 'Some EU customers cannot complete checkout. We have found the cause and are preparing a fix.');
  checkout.incident.fix = { branch: 'fix/checkout-eu-vat', base: 'main' };
  checkout.incident.test_plan = {
    items: [
      { id: 'eu-checkout-200', title: 'EU checkout returns 200', manual_steps: 'Pay for one item with a Portuguese address.', mutates_customer_data: false, automated: [{ file: 'test/checkout.test.js', title: ['EU VAT', 'returns 200'] }] },
      { id: 'eu-order-created', title: 'An EU order is created and invoiced', manual_steps: 'Place an order with a German address and check the invoice.', mutates_customer_data: true },
    ],
    signoffs: [],
  };

  // Level 3, fix released before its automated tests existed: open until they exist and pass.
  const search = declare('Search is slow for large catalogues', 3, 'Shops with more than 50,000 products wait 8 to 12 seconds for search results.', 'farah', 2 * DAY, now);
  staff(search, { sme: ['goran'], workers: [['goran', 30 * MINUTE]], observers: ['ana'] });
  tick(search, 'start', levelRules(3).start.length, 10 * MINUTE);
  tick(search, 'end', 2, DAY);
  search.incident.status = 'fix-released-awaiting-tests';
  // The fix was released: its branch is merged into main, and both exist in the demo repository,
  // so the gate reads real branches (a showcase shows a working state, not "branch does not exist").
  search.incident.fix = { branch: 'fix/search-limit', base: 'main' };
  search.incident.released_without_tests = { at: at(search, DAY), by: 'farah', note: 'Released to stop the timeouts; the test for the limit is still to be written.' };
  search.incident.test_plan = {
    items: [{ id: 'search-under-1s', title: 'Search answers in under a second for 100,000 products', mutates_customer_data: false, results: [{ env: 'staging', outcome: 'pass', by: 'goran', at: at(search, DAY - HOUR) }] }],
  };
  search.incident.timeline.push({ at: at(search, DAY), by: 'farah', kind: 'released-without-tests', text: 'Fix released without automated tests; stays open until they exist and pass' });
  // Updated two hours ago: its 4-hourly update is not the most urgent, so the status bar shows the Level 2 one.
  recordUpdate(search, 2 * DAY - 2 * HOUR, [{ person: 'goran', found: 'The limit holds in production; searches answer in 600 ms.', next: 'Write the test for the limit.' }]);

  // Closed a week ago, every step done.
  const login = declare('Login emails arrive an hour late', 2, 'Customers wait up to an hour for sign-in links.', 'farah', 8 * DAY, now);
  staff(login, { sme: ['bruno'], workers: [['bruno', 20 * MINUTE]], observers: ['erin'], prm: 'carla' });
  tick(login, 'start', levelRules(2).start.length, 5 * MINUTE);
  tick(login, 'end', levelRules(2).end.length, 6 * HOUR);
  login.incident.roles.workers![0]!.released_at = at(login, 7 * HOUR);
  login.incident.status = 'closed';
  login.incident.closed_at = at(login, 7 * HOUR);
  login.incident.timeline.push({ at: at(login, 7 * HOUR), by: 'farah', kind: 'closed', text: 'Incident closed' });

  return [payments, checkout, search, login].map((draft) => draft.incident);
}

/** A git repository with the fixture shop, a fix branch with one commit, and the demo's records. */
async function makeDemoRepository(dir: string, now: number): Promise<Incident[]> {
  await mkdir(dir, { recursive: true });
  await copyFixtureWorkspace(dir, { withoutIncidents: true });
  await gitInit(dir);
  const iso = (ago: number): string => new Date(now - ago).toISOString();
  await gitCommitAll(dir, 'Shop: checkout with VAT, product search', { date: iso(10 * DAY) });

  // The Level 2 incident's fix, by a worker, on its own branch.
  await git(dir, ['checkout', '-q', '-b', 'fix/checkout-eu-vat']);
  const checkoutFile = join(dir, 'src', 'checkout.js');
  const source = await readFile(checkoutFile, 'utf8');
  await writeFile(checkoutFile, source.replace('US: 0 };', 'US: 0, ES: 0.21, IT: 0.22, NL: 0.21 };'));
  await gitCommitAll(dir, 'Add VAT rates for ES, IT and NL', { date: iso(HOUR), author: { name: 'Bruno Costa', email: 'bruno@example.com' } });
  await git(dir, ['checkout', '-q', 'main']);
  // The Level 3 incident's fix, released: merged into main, where its branch still points.
  await git(dir, ['branch', 'fix/search-limit', 'main']);

  const incidents = demoIncidents(now);
  await mkdir(join(dir, '.incidents'), { recursive: true });
  for (const incident of incidents) {
    // A demo of broken records would be a poor demo: stop if the domain code disagrees.
    const problems = validateIncident(incident);
    if (problems.length > 0) throw new Error(`Demo record ${incident.id} is invalid: ${problems.map((p) => p.message).join('; ')}`);
    // Written as the extension writes records: timestamps and ids quoted, the same style everywhere.
    await writeFile(join(dir, '.incidents', `${incident.id}.yaml`), renderNewRecord(incident));
  }
  await gitCommitAll(dir, 'Incident records', { date: iso(30 * MINUTE) });
  return incidents;
}

async function main(): Promise<void> {
  const root = projectRoot();
  if (!existsSync(join(root, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing; run: npm run build');
  const now = Date.now();
  const dirIndex = process.argv.indexOf('--dir');
  const chosenDir = dirIndex >= 0 ? process.argv[dirIndex + 1] : undefined;
  // The default folder is the demo's own and is made anew each run (its times are relative to
  // now); a folder the user names is never deleted.
  const dir = resolve(chosenDir ?? join(root, '.vscode-test', 'demo'));
  if (chosenDir === undefined) await rm(dir, { recursive: true, force: true });
  else if (existsSync(dir)) throw new Error(`${dir} exists; choose a new folder with --dir`);

  const started = Date.now();
  const incidents = await makeDemoRepository(dir, now);
  console.log(`Demo repository: ${dir}`);
  for (const incident of incidents) console.log(`  Level ${incident.severity}  ${incident.status.padEnd(27)} ${incident.title}`);

  const port = await findFreePort(Number(process.env.PORT ?? 8080));
  const server = await startCodeServer({ port });
  const url = workbenchUrl(server, { folder: dir, extensionDevelopmentPath: root });
  console.log(`\nReady in ${((Date.now() - started) / 1000).toFixed(1)} s. Open:\n\n  ${url}\n`);
  console.log('The server listens on 127.0.0.1 only; from another machine use: ssh -L ' + `${port}:127.0.0.1:${port} <this host>. Ctrl+C stops it.`);

  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', resolveStop);
    process.once('SIGTERM', resolveStop);
  });
  console.log('\nStopping code-server...');
  await server.stop();
  console.log(`Stopped. The demo repository stays in ${dir}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

// The test-plan page. It draws what the extension sends (the whole view, each time) and turns
// clicks into messages; the record and the evidence stay the truth, so the only state here is
// which form is open and what is typed into it. Built with the DOM API, never from HTML
// strings, so nothing from a record can become markup.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type {
  ConditionView,
  EnvCellView,
  PlanItemView,
  RunView,
  SignoffView,
  TestCellView,
  TestPlanView,
  WaiverView,
} from '../testPlanView';
import type { ActionOutcome, HostMessage, PageMessage, TestPlanPageState } from '../testPlanMessages';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): TestPlanPageState | undefined;
  setState(state: TestPlanPageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

/** The form that is open, and what has been typed into it: the page's only state. */
type Form =
  | { kind: 'none' }
  | { kind: 'add'; title: string; steps: string; mutates: boolean }
  | { kind: 'edit'; item: string; title: string; steps: string; mutates: boolean }
  | { kind: 'result'; item: string; env: 'staging' | 'production'; note: string }
  | { kind: 'link'; item: string; filter: string }
  | { kind: 'signoff' }
  | { kind: 'remove'; item: string }
  | { kind: 'waiver-record'; reason: string }
  | { kind: 'waiver-sign' };

let view: TestPlanView | undefined;
let form: Form = { kind: 'none' };
let outcome: ActionOutcome | undefined;

// ---- DOM helpers -------------------------------------------------------------------------

type Attrs = Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const icon = (name: string, label?: string) => h('span', { class: `codicon codicon-${name}`, 'aria-hidden': label ? undefined : 'true', role: label ? 'img' : undefined, 'aria-label': label });

/**
 * A native button: light enough for the hundreds a large plan needs, styled like the toolkit's.
 * With a label it is text only (a plan of 50 items has hundreds); without, an icon named for
 * screen readers by its title.
 */
function smallButton(label: string, action: string, data: Attrs, iconName?: string, title?: string): HTMLElement {
  const attrs: Attrs = { type: 'button', class: 'small-button', 'data-action': action, title: title ?? label, 'aria-label': title ?? label };
  for (const [k, v] of Object.entries(data)) attrs[`data-${k}`] = v;
  return h('button', attrs, label || !iconName ? label : icon(iconName));
}

function button(label: string, action: string, data: Attrs = {}, opts: { secondary?: boolean; icon?: string; disabled?: boolean; id?: string } = {}): HTMLElement {
  const attrs: Attrs = { 'data-action': action, secondary: opts.secondary, icon: opts.icon, disabled: opts.disabled, id: opts.id };
  for (const [k, v] of Object.entries(data)) attrs[`data-${k}`] = v;
  return h('vscode-button', attrs, label);
}

// ---- Rendering ----------------------------------------------------------------------------

const TEST_ICONS: Record<TestCellView['state'], string> = {
  passed: 'pass',
  failed: 'error',
  skipped: 'debug-step-over',
  missing: 'question',
  'not-run': 'circle-large-outline',
  stale: 'history',
};

const ENV_ICONS: Record<EnvCellView['state'], string> = {
  none: 'circle-large-outline',
  pass: 'pass',
  fail: 'error',
  skipped: 'debug-step-over',
  protected: 'shield',
  'protected-skipped': 'shield',
};

function header(v: TestPlanView): HTMLElement {
  const b = v.branch;
  return h(
    'header',
    { class: 'incident' },
    h('h1', { id: 'title' }, v.incident.title),
    h(
      'p',
      { class: 'meta' },
      h('span', { class: 'level' }, `Level ${v.incident.level}`),
      ' · ',
      h('span', { class: 'status', 'data-test': 'status' }, v.incident.status),
      ' · ',
      h('span', { class: `branch branch-${b.state}`, 'data-test': 'branch' }, icon('git-branch'), ' ', b.summary),
    ),
  );
}

function conditionRow(c: ConditionView, v: TestPlanView): HTMLElement {
  const act = c.action;
  const disabled = act?.action === 'run-tests' && (!v.trusted || v.run.running);
  return h(
    'li',
    { class: `condition ${c.met ? 'met' : 'unmet'}`, 'data-condition': c.id },
    icon(c.met ? 'pass' : 'error', c.met ? 'met' : 'unmet'),
    h('div', { class: 'condition-text' }, h('strong', {}, c.title), h('p', { class: 'reason' }, c.message)),
    act ? button(act.label, 'gate', { gate: act.action }, { secondary: true, disabled, id: `gate-${c.id}` }) : null,
  );
}

function verdictSection(v: TestPlanView): HTMLElement {
  const vd = v.verdict;
  const iconName = vd.state === 'may-close' ? 'unlock' : vd.state === 'closed' ? 'archive' : vd.state === 'unmet' ? 'lock' : 'sync';
  const list = h('ul', { class: 'conditions', 'aria-label': 'Close conditions' }, ...vd.conditions.map((c) => conditionRow(c, v)));
  const notes = vd.notes.length ? h('ul', { class: 'notes', 'aria-label': 'Notes' }, ...vd.notes.map((n) => h('li', {}, icon('info'), ' ', n))) : null;
  return h(
    'section',
    { class: `verdict verdict-${vd.state}`, 'aria-labelledby': 'verdict-headline' },
    h('h2', { id: 'verdict-headline', 'data-test': 'verdict' }, icon(iconName), ' ', vd.headline),
    vd.conditions.length ? list : null,
    notes,
  );
}

function toolbar(v: TestPlanView): HTMLElement {
  const open = v.incident.open;
  const runTitle = v.trusted ? undefined : 'Tests run only in a trusted workspace';
  const running = v.run.running
    ? h(
        'div',
        { class: 'run-progress', role: 'status', 'aria-live': 'polite' },
        h('vscode-progress-ring', { 'aria-label': 'Running the linked tests' }),
        h('span', {}, `Running the linked tests since ${v.run.startedAt ?? ''}`),
        v.run.lastLine ? h('code', { class: 'last-line' }, v.run.lastLine) : null,
        button('Cancel run', 'cancelRun', {}, { secondary: true, icon: 'debug-stop', id: 'cancel-run' }),
      )
    : null;
  const bar = h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Incident actions' },
    button('Run linked tests', 'runTests', {}, { icon: 'run-all', disabled: !open || !v.trusted || v.run.running, id: 'run-tests' }),
    button('Sign off…', 'signOff', {}, { secondary: true, icon: 'check-all', disabled: !open || v.items.length === 0, id: 'sign-off' }),
    button('Close incident', 'close', {}, { secondary: true, icon: 'lock', disabled: !open, id: 'close-incident' }),
    button('Open record', 'openRecord', {}, { secondary: true, icon: 'go-to-file', id: 'open-record' }),
    !v.trusted ? h('span', { class: 'untrusted', title: runTitle }, icon('shield'), ' Restricted mode: tests run only once the workspace is trusted.') : null,
  );
  return h('div', {}, bar, running, signoffForm(v), outcomeBox());
}

function signoffForm(v: TestPlanView): HTMLElement | null {
  if (form.kind !== 'signoff') return null;
  return h(
    'div',
    { class: 'inline-form', role: 'group', 'aria-labelledby': 'signoff-question' },
    h('p', { id: 'signoff-question' }, 'Sign off the test plan as ', h('strong', { 'data-test': 'signing-as' }, v.actor.summary), '? The sign-off counts until a later result is recorded.'),
    button('Confirm sign-off', 'confirmSignOff', {}, { id: 'confirm-sign-off', icon: 'check' }),
    button('Cancel', 'cancelForm', {}, { secondary: true }),
  );
}

function outcomeBox(): HTMLElement {
  const box = h('div', { id: 'outcome', role: 'status', 'aria-live': 'polite', class: outcome ? `outcome ${outcome.ok ? 'ok' : 'refused'}` : 'outcome empty' });
  if (outcome) {
    box.append(icon(outcome.ok ? 'pass' : 'error'), ' ', h('span', { 'data-test': 'outcome-message' }, outcome.message));
    if (outcome.reasons?.length) box.append(h('ul', { class: 'reasons' }, ...outcome.reasons.map((r) => h('li', {}, r))));
  }
  return box;
}

/**
 * A linked test's cell, cloned from a prototype and filled in: a large plan has hundreds, and a
 * clone with a few text and attribute writes costs far less than building each node anew.
 */
let testPrototype: HTMLElement | undefined;
let unlinkPrototype: HTMLElement | undefined;

function testCell(item: PlanItemView, t: TestCellView, open: boolean): HTMLElement {
  testPrototype ??= h('li', { class: 'test' }, icon('pass', 'passed'), ' ', h('span', { class: 'test-label' }), ' ', h('span', { class: 'test-summary' }));
  const li = testPrototype.cloneNode(true) as HTMLElement;
  li.className = `test test-${t.state}`;
  li.setAttribute('data-test-key', t.key);
  const [state, label, summary] = li.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
  state.className = `codicon codicon-${TEST_ICONS[t.state]}`;
  state.setAttribute('aria-label', t.state);
  label.textContent = t.label;
  summary.textContent = t.summary;
  if (open) {
    unlinkPrototype ??= smallButton('', 'unlink', {}, 'close', 'Unlink');
    const unlink = unlinkPrototype.cloneNode(true) as HTMLElement;
    const name = `Unlink ${t.label}`;
    unlink.title = name;
    unlink.setAttribute('aria-label', name);
    unlink.dataset.item = item.id;
    unlink.dataset.key = t.key;
    li.append(unlink);
  }
  if (t.failure) li.append(h('pre', { class: 'failure' }, t.failure));
  return li;
}

let envPrototype: HTMLElement | undefined;
let recordPrototype: HTMLElement | undefined;

function envCell(item: PlanItemView, c: EnvCellView, open: boolean): HTMLElement {
  const label = c.state === 'none' ? 'no result' : c.state === 'protected' ? 'skip in production' : c.state === 'protected-skipped' ? 'skipped' : c.state;
  envPrototype ??= h('div', { role: 'cell' }, h('div', { class: 'env-state' }, icon('pass'), ' ', ''));
  const cell = envPrototype.cloneNode(true) as HTMLElement;
  cell.className = `env env-${c.state}${c.done ? ' done' : ''}`;
  cell.setAttribute('data-env', c.env);
  cell.setAttribute('aria-label', `${c.env}: ${c.summary}`);
  const state = cell.firstElementChild!;
  state.firstElementChild!.className = `codicon codicon-${ENV_ICONS[c.state]}`;
  state.lastChild!.textContent = label;
  if (c.by) cell.append(h('div', { class: 'who' }, `${c.by} · ${c.at}`));
  if (c.reason) cell.append(h('div', { class: 'env-reason' }, c.reason));
  if (c.note) cell.append(h('div', { class: 'note' }, c.note));
  if (open) {
    recordPrototype ??= smallButton('Record…', 'openResult', {}, 'edit');
    const record = recordPrototype.cloneNode(true) as HTMLElement;
    const name = `Record the ${c.env} result of “${item.title}”`;
    record.title = name;
    record.setAttribute('aria-label', name);
    record.dataset.item = item.id;
    record.dataset.env = c.env;
    cell.append(record);
  }
  return cell;
}

function itemRow(item: PlanItemView, open: boolean): HTMLElement {
  const titleCell = h(
    'div',
    { role: 'rowheader', class: 'item' },
    h('div', { class: 'item-title' }, item.title),
    item.mutatesCustomerData ? h('span', { class: 'badge customer-data', title: 'Creates or changes customer data: skipped in production' }, 'customer data') : null,
    item.manualSteps ? h('p', { class: 'steps' }, item.manualSteps) : null,
    open
      ? h(
          'div',
          { class: 'row-actions' },
          smallButton('Edit', 'openEdit', { item: item.id }, 'edit', `Edit “${item.title}”`),
          smallButton('Remove', 'openRemove', { item: item.id }, 'trash', `Remove “${item.title}”`),
        )
      : null,
  );
  const tests = h(
    'div',
    { role: 'cell', class: 'tests' },
    item.tests.length ? h('ul', { class: 'test-list' }, ...item.tests.map((t) => testCell(item, t, open))) : h('span', { class: 'none' }, 'no automated test linked'),
    open ? smallButton('Link test…', 'openLink', { item: item.id }, 'link', `Link an automated test to “${item.title}”`) : null,
  );
  return h('div', { role: 'row', class: 'matrix-row', 'data-item': item.id }, titleCell, tests, envCell(item, item.staging, open), envCell(item, item.production, open));
}

/** The form row under an item, when one is open for it. */
function formRow(item: PlanItemView, v: TestPlanView): HTMLElement | null {
  const cell = (...children: Child[]) =>
    h('div', { role: 'row', class: 'matrix-row form-row' }, h('div', { role: 'cell', class: 'form-cell', 'aria-colspan': '4' }, h('div', { class: 'inline-form', role: 'group' }, ...children)));
  if (form.kind === 'result' && form.item === item.id) {
    const env = form.env;
    const protectedEnv = env === 'production' && item.mutatesCustomerData;
    return cell(
      h('p', {}, `Result of “${item.title}” in ${env}`, protectedEnv ? ' — this item changes customer data, so it is recorded as skipped in production.' : ''),
      h('vscode-textfield', { id: 'result-note', placeholder: 'Note (optional)', 'aria-label': 'Note', 'data-field': 'note', value: form.note }),
      ...(protectedEnv ? (['skipped'] as const) : (['pass', 'fail', 'skipped'] as const)).map((o) =>
        button(o === 'pass' ? 'Passed' : o === 'fail' ? 'Failed' : 'Skipped', 'recordResult', { item: item.id, env, outcome: o }, { id: `record-${o}`, secondary: o !== 'pass' }),
      ),
      button('Cancel', 'cancelForm', {}, { secondary: true }),
    );
  }
  if (form.kind === 'link' && form.item === item.id) {
    return cell(
      h('p', {}, `Link an automated test to “${item.title}”`),
      h('vscode-textfield', { id: 'link-filter', placeholder: 'Filter the tests the last run reported, or type file > suite > title', 'aria-label': 'Filter or test', 'data-field': 'filter', value: form.filter }),
      button('Link typed test', 'linkTyped', { item: item.id }, { secondary: true, id: 'link-typed' }),
      button('Cancel', 'cancelForm', {}, { secondary: true }),
      discoveredList(item, v, form.filter),
    );
  }
  if (form.kind === 'edit' && form.item === item.id) return cell(...itemFields(form, 'Save', 'saveEdit'));
  if (form.kind === 'remove' && form.item === item.id) {
    return cell(
      h('p', {}, `Remove “${item.title}” from the plan, with its ${item.tests.length} linked test(s)?`),
      button('Remove item', 'removeItem', { item: item.id }, { id: 'confirm-remove' }),
      button('Cancel', 'cancelForm', {}, { secondary: true }),
    );
  }
  return null;
}

/** The reported tests not yet linked to the item that match the filter; redrawn alone as the filter changes. */
function discoveredList(item: PlanItemView, v: TestPlanView, filterText: string): HTMLElement {
  const filter = filterText.trim().toLowerCase();
  const linked = new Set(item.tests.map((t) => t.key));
  const choices = v.discovered.filter((d) => !linked.has(d.key) && d.label.toLowerCase().includes(filter)).slice(0, 50);
  return h(
    'ul',
    { class: 'discovered', id: 'discovered', 'aria-label': 'Tests the last run reported' },
    ...(choices.length
      ? choices.map((d) => h('li', {}, smallButton(d.label, d.fileUnknown ? 'linkUnknownFile' : 'linkDiscovered', { item: item.id, key: d.key }, 'beaker')))
      : [h('li', { class: 'none' }, v.discovered.length ? 'No reported test matches.' : 'No run in this workspace yet: type the test in.')]),
  );
}

function itemFields(f: { title: string; steps: string; mutates: boolean }, label: string, action: string): Child[] {
  return [
    h('vscode-textfield', { id: 'item-title', placeholder: 'What is checked, e.g. “EU checkout returns 200”', 'aria-label': 'Title', 'data-field': 'title', value: f.title }),
    h('vscode-textarea', { id: 'item-steps', placeholder: 'Manual steps (optional)', 'aria-label': 'Manual steps', 'data-field': 'steps', rows: '2', value: f.steps }),
    h('vscode-checkbox', { id: 'item-mutates', 'data-field': 'mutates', checked: f.mutates, label: 'Creates or changes customer data (skipped in production)' }),
    button(label, action, {}, { id: 'save-item' }),
    button('Cancel', 'cancelForm', {}, { secondary: true }),
  ];
}

/**
 * Rows drawn for the last view, by item id with the data they were drawn from: a redraw builds
 * only the rows whose item changed, and moves the others over as they are.
 */
let rowCache = new Map<string, { data: string; row: HTMLElement }>();

function cachedItemRow(item: PlanItemView, open: boolean, next: Map<string, { data: string; row: HTMLElement }>): HTMLElement {
  const data = JSON.stringify([item, open]);
  const cached = rowCache.get(item.id);
  const row = cached && cached.data === data ? cached.row : itemRow(item, open);
  next.set(item.id, { data, row });
  return row;
}

/** The matrix stays in the page across redraws; only its changed rows are replaced in it. */
let matrix: { table: HTMLElement; body: HTMLElement } | undefined;

function matrixTable(): { table: HTMLElement; body: HTMLElement } {
  if (!matrix) {
    // An ARIA table of grid rows rather than a <table>: each row lays out on its own, so rows
    // outside the viewport can skip layout (content-visibility) and a large plan draws fast.
    const body = h('div', { role: 'rowgroup', class: 'matrix-body' });
    const column = (text: string) => h('div', { role: 'columnheader' }, text);
    const table = h(
      'div',
      { role: 'table', class: 'matrix', 'aria-labelledby': 'plan-heading' },
      h('div', { role: 'rowgroup', class: 'matrix-head' }, h('div', { role: 'row', class: 'matrix-row' }, column('Item'), column('Automated tests on the current commit'), column('Staging'), column('Production'))),
      body,
    );
    matrix = { table, body };
  }
  return matrix;
}

function planSection(v: TestPlanView): HTMLElement {
  const open = v.incident.open;
  const rows: HTMLElement[] = [];
  const nextCache = new Map<string, { data: string; row: HTMLElement }>();
  for (const item of v.items) {
    rows.push(cachedItemRow(item, open, nextCache));
    const f = formRow(item, v);
    if (f) rows.push(f);
  }
  rowCache = nextCache;
  const { table, body } = matrixTable();
  reconcile(body, rows);
  const add = form.kind === 'add' ? h('div', { class: 'inline-form', role: 'group', 'aria-label': 'New plan item' }, ...itemFields(form, 'Add item', 'addItem')) : null;
  const section = planElement ?? (planElement = h('section', { class: 'plan', 'aria-labelledby': 'plan-heading' }));
  const children: Child[] = [
    planHeading ?? (planHeading = h('h2', { id: 'plan-heading' }, 'Test plan')),
    v.items.length ? table : h('p', { class: 'none' }, 'The plan has no items yet.'),
    open && form.kind !== 'add' ? button('Add plan item…', 'openAdd', {}, { secondary: true, icon: 'add', id: 'add-item' }) : null,
    add,
  ];
  reconcile(section, children.filter((c): c is HTMLElement => c instanceof HTMLElement));
  return section;
}

let planElement: HTMLElement | undefined;
let planHeading: HTMLElement | undefined;

/**
 * Makes `parent`'s children exactly `wanted`, touching only what differs: a node that stays
 * keeps its place (and its layout, and its focus); only new nodes go in and stale ones out.
 */
function reconcile(parent: HTMLElement, wanted: readonly HTMLElement[]): void {
  const keep = new Set<Element>(wanted);
  for (const child of Array.from(parent.children)) if (!keep.has(child)) child.remove();
  wanted.forEach((node, i) => {
    const at = parent.children[i];
    if (at !== node) parent.insertBefore(node, at ?? null);
  });
}

/** Sections built for the last view, with what they were built from, reused when that is unchanged. */
const sectionCache = new Map<string, { key: string; el: HTMLElement }>();

function cachedSection(name: string, key: unknown, build: () => HTMLElement | null): HTMLElement | null {
  const k = JSON.stringify(key);
  const cached = sectionCache.get(name);
  if (cached && cached.key === k) return cached.el;
  const el = build();
  if (el) sectionCache.set(name, { key: k, el });
  else sectionCache.delete(name);
  return el;
}

function signoffRow(s: SignoffView): HTMLElement {
  const state = s.counts ? 'counts' : s.future ? 'dated in the future: not counted' : `stale${s.staleBecause ? `: ${s.staleBecause} came later` : ''}`;
  const role = s.signedAs === s.roleLabel ? s.roleLabel : `${s.signedAs} (now ${s.roleLabel})`;
  return h('tr', { class: s.counts ? 'counts' : 'stale' }, h('td', {}, s.name), h('td', {}, role), h('td', {}, s.at), h('td', {}, icon(s.counts ? 'check' : 'warning'), ' ', state));
}

function signoffSection(v: TestPlanView): HTMLElement {
  return h(
    'section',
    { class: 'signoffs', 'aria-labelledby': 'signoff-heading' },
    h('h2', { id: 'signoff-heading' }, 'Sign-offs'),
    h('p', {}, `Incident Manager: ${v.signedByIm ? 'signed' : 'not yet'} · a worker: ${v.signedByWorker ? 'signed' : 'not yet'} · you sign as ${v.actor.summary}`),
    v.signoffs.length
      ? h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ...['Who', 'Signed as', 'When', 'Counts?'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...v.signoffs.map(signoffRow)))
      : h('p', { class: 'none' }, 'Nobody has signed off yet.'),
  );
}

function waiverSignatureRows(w: WaiverView): HTMLElement[] {
  const rows = w.required.map((r) =>
    h(
      'tr',
      { class: r.state === 'signed' ? 'counts' : 'missing', 'data-waiver-role': r.role },
      h('td', {}, r.roleLabel),
      h('td', {}, r.name ?? '—'),
      h('td', {}, r.at ?? '—'),
      h('td', {}, icon(r.state === 'signed' ? 'check' : 'circle-large-outline'), ' ', r.state === 'signed' ? `signed${r.flagged ? ` (by the git identity ${r.flagged}, not one of ${r.name}'s known emails)` : ''}` : r.summary),
    ),
  );
  for (const s of w.stale) {
    rows.push(h('tr', { class: 'stale' }, h('td', {}, `${s.signedAs} (then)`), h('td', {}, s.name), h('td', {}, s.at), h('td', {}, icon('warning'), ' ', `does not count: ${s.name} is ${s.why}`)));
  }
  return rows;
}

/** The runbook's waiver, when the IM recorded one; otherwise, while open, the way to record it. */
function waiverSection(v: TestPlanView): HTMLElement | null {
  const open = v.incident.open;
  const w = v.waiver;
  if (w) {
    const signing =
      form.kind === 'waiver-sign'
        ? h(
            'div',
            { class: 'inline-form', role: 'group', 'aria-labelledby': 'waiver-sign-question' },
            h('p', { id: 'waiver-sign-question' }, `Sign that no automated test is possible (“${w.reason}”) as `, h('strong', { 'data-test': 'waiver-signing-as' }, w.signer.summary), '?'),
            button('Confirm signature', 'confirmSignWaiver', {}, { id: 'confirm-sign-waiver', icon: 'check' }),
            button('Cancel', 'cancelForm', {}, { secondary: true }),
          )
        : null;
    return h(
      'section',
      { class: `waiver waiver-${w.state}`, 'aria-labelledby': 'waiver-heading' },
      h('h2', { id: 'waiver-heading' }, icon('circle-slash'), ' No automated test possible'),
      h('p', { class: 'waiver-state', 'data-test': 'waiver-state' }, icon(w.state === 'signed' ? 'pass' : w.state === 'awaiting' ? 'watch' : 'warning'), ' ', w.headline),
      w.notApplicable ? h('p', { class: 'reason' }, w.notApplicable) : null,
      h('p', { class: 'reason', 'data-test': 'waiver-reason' }, h('strong', {}, 'Why: '), w.reason),
      h('p', { class: 'who' }, `Recorded by ${w.recordedBy} at ${w.recordedAt}`),
      h(
        'table',
        { class: 'list', 'aria-label': 'Signatures of the waiver' },
        h('thead', {}, h('tr', {}, ...['Signature', 'Who', 'When', 'State'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...waiverSignatureRows(w)),
      ),
      open
        ? h(
            'div',
            { class: 'toolbar' },
            button('Sign waiver…', 'signWaiver', {}, { secondary: true, icon: 'verified', id: 'sign-waiver', disabled: !w.signer.canSign }),
            h('span', { class: 'who' }, w.signer.signed ? `You signed it as ${w.signer.summary}.` : `You sign as ${w.signer.summary}.`),
          )
        : null,
      signing,
    );
  }
  const offer = v.waiverOffer;
  if (!open || !offer) return null;
  const recording =
    form.kind === 'waiver-record'
      ? h(
          'div',
          { class: 'inline-form', role: 'group', 'aria-label': 'Record that no automated test is possible' },
          h('vscode-textfield', { id: 'waiver-reason', placeholder: 'Why, e.g. “restored the database from a snapshot”', 'aria-label': 'Why no automated test is possible', 'data-field': 'reason', value: form.reason }),
          button('Record', 'recordWaiver', {}, { id: 'confirm-record-waiver' }),
          button('Cancel', 'cancelForm', {}, { secondary: true }),
        )
      : null;
  return h(
    'section',
    { class: 'waiver waiver-none', 'aria-labelledby': 'waiver-heading' },
    h('h2', { id: 'waiver-heading' }, icon('circle-slash'), ' No automated test possible?'),
    h(
      'p',
      { class: 'who' },
      'For an operational fix with no code on the fix branch (a restore from a snapshot, a configuration change outside the repository), the Incident Manager records why, and the IM and a SME sign it; the executed, signed-off manual plan then decides. ',
      offer.summary,
    ),
    form.kind !== 'waiver-record' ? button('Record: no automated test possible…', 'openWaiver', {}, { secondary: true, icon: 'circle-slash', id: 'record-waiver', disabled: !offer.canRecord }) : null,
    recording,
  );
}

function runRow(r: RunView): HTMLElement {
  const t = r.totals;
  return h(
    'tr',
    { class: r.current ? 'current' : undefined },
    h('td', {}, r.at),
    h('td', {}, h('code', {}, r.shortSha), r.current ? ' (counts for the verdict)' : ''),
    h('td', {}, r.branch),
    h('td', {}, h('code', {}, r.command), h('div', { class: 'who' }, r.commandSource)),
    h('td', {}, `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped, ${t.missing} missing`),
    h('td', {}, r.ended),
  );
}

function runsSection(v: TestPlanView): HTMLElement {
  return h(
    'section',
    { class: 'runs', 'aria-labelledby': 'runs-heading' },
    h('h2', { id: 'runs-heading' }, 'Latest runs'),
    v.runs.length
      ? h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ...['Ended', 'Commit', 'Branch', 'Command', 'Linked tests', 'Ended by'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...v.runs.map(runRow)))
      : h('p', { class: 'none' }, 'No signed run of the linked tests on this machine yet.'),
    v.runs.length ? smallButton('Open test output', 'openOutput', {}, 'output', 'Open test output: the most recent run, in Test Results') : null,
  );
}

function releasedSection(v: TestPlanView): HTMLElement | null {
  const r = v.releasedWithoutTests;
  if (!r) return null;
  return h('section', { class: 'released', 'aria-labelledby': 'released-heading' }, h('h2', { id: 'released-heading' }, 'Released without automated tests'), h('p', {}, `${r.by} at ${r.at}: ${r.note}`));
}

/** The element that had focus, named so the same control gets it back after a redraw. */
function focusKey(el: Element | null): string | undefined {
  const target = el?.closest('[id],[data-action]');
  if (!target) return undefined;
  if (target.id) return `#${target.id}`;
  const d = (target as HTMLElement).dataset;
  return `[data-action="${d.action}"]${d.item ? `[data-item="${CSS.escape(d.item)}"]` : ''}${d.env ? `[data-env="${d.env}"]` : ''}${d.key ? `[data-key="${CSS.escape(d.key)}"]` : ''}`;
}

let pageElement: HTMLElement | undefined;

function render(): void {
  const app = document.getElementById('app')!;
  if (!view) return;
  const v = view;
  const keep = focusKey(document.activeElement);
  // The form and the outcome are page state too: sections that show them are keyed on them.
  const sections = [
    cachedSection('header', [v.incident, v.branch], () => header(v)),
    cachedSection('verdict', [v.verdict, v.trusted, v.run.running], () => verdictSection(v)),
    cachedSection('toolbar', [v.incident.open, v.trusted, v.run, v.items.length, v.actor, form.kind === 'signoff', outcome], () => toolbar(v)),
    planSection(v),
    cachedSection('signoffs', [v.signoffs, v.signedByIm, v.signedByWorker, v.actor], () => signoffSection(v)),
    cachedSection('waiver', [v.waiver ?? null, v.waiverOffer ?? null, v.incident.open, form.kind === 'waiver-sign' || form.kind === 'waiver-record'], () => waiverSection(v)),
    cachedSection('runs', v.runs, () => runsSection(v)),
    cachedSection('released', v.releasedWithoutTests ?? null, () => releasedSection(v)),
  ].filter((el): el is HTMLElement => el !== null);
  if (!pageElement || pageElement.parentElement !== app) {
    pageElement = h('div', { class: 'page' });
    app.replaceChildren(pageElement);
  }
  reconcile(pageElement, sections);
  app.setAttribute('aria-busy', 'false');
  // A control that was rebuilt gets the focus back.
  if (keep && !app.contains(document.activeElement)) (app.querySelector(keep) as HTMLElement | null)?.focus();
}

// ---- Events --------------------------------------------------------------------------------

function post(message: PageMessage): void {
  // The last action's outcome gives way to the next one's.
  if (outcome && message.type !== 'ready') {
    outcome = undefined;
    document.getElementById('outcome')?.replaceWith(outcomeBox());
  }
  vscode.postMessage(message);
}

function openForm(next: Form, focusId?: string): void {
  form = next;
  render();
  if (focusId) (document.getElementById(focusId) as HTMLElement | null)?.focus();
}

function discoveredByKey(key: string) {
  return view?.discovered.find((d) => d.key === key);
}

function onAction(action: string, data: DOMStringMap): void {
  const item = data.item ?? '';
  switch (action) {
    case 'runTests':
      return post({ type: 'runTests' });
    case 'cancelRun':
      return post({ type: 'cancelRun' });
    case 'close':
      return post({ type: 'close' });
    case 'openRecord':
      return post({ type: 'openRecord' });
    case 'openOutput':
      return post({ type: 'openOutput' });
    case 'signOff':
      return openForm({ kind: 'signoff' }, 'confirm-sign-off');
    case 'confirmSignOff':
      form = { kind: 'none' };
      post({ type: 'signOff' });
      return render();
    case 'signWaiver':
      return openForm({ kind: 'waiver-sign' }, 'confirm-sign-waiver');
    case 'confirmSignWaiver':
      form = { kind: 'none' };
      post({ type: 'signNoAutomatedTest' });
      return render();
    case 'openWaiver':
      return openForm({ kind: 'waiver-record', reason: '' }, 'waiver-reason');
    case 'recordWaiver': {
      const reason = form.kind === 'waiver-record' ? form.reason.trim() : '';
      if (!reason) {
        (document.getElementById('waiver-reason') as HTMLElement | null)?.focus();
        return;
      }
      form = { kind: 'none' };
      post({ type: 'recordNoAutomatedTest', reason });
      return render();
    }
    case 'cancelForm':
      return openForm({ kind: 'none' });
    case 'gate':
      return onGate(data.gate ?? '');
    case 'openAdd':
      return openForm({ kind: 'add', title: '', steps: '', mutates: false }, 'item-title');
    case 'openEdit': {
      const it = view?.items.find((i) => i.id === item);
      if (it) openForm({ kind: 'edit', item, title: it.title, steps: it.manualSteps, mutates: it.mutatesCustomerData }, 'item-title');
      return;
    }
    case 'openRemove':
      return openForm({ kind: 'remove', item }, 'confirm-remove');
    case 'openResult':
      return openForm({ kind: 'result', item, env: data.env === 'production' ? 'production' : 'staging', note: '' }, 'result-note');
    case 'openLink':
      return openForm({ kind: 'link', item, filter: '' }, 'link-filter');
    case 'recordResult': {
      const note = form.kind === 'result' ? form.note.trim() : '';
      form = { kind: 'none' };
      post({ type: 'recordResult', item, env: data.env === 'production' ? 'production' : 'staging', outcome: (data.outcome as 'pass' | 'fail' | 'skipped') ?? 'pass', ...(note ? { note } : {}) });
      return render();
    }
    case 'linkDiscovered': {
      const d = discoveredByKey(data.key ?? '');
      if (!d) return;
      form = { kind: 'none' };
      post({ type: 'linkTest', item, test: d.ref });
      return render();
    }
    case 'linkUnknownFile': {
      // The report does not name the file: start the typed form with the title path, file first to fill in.
      const d = discoveredByKey(data.key ?? '');
      if (d) openForm({ kind: 'link', item, filter: ` > ${d.ref.title.join(' > ')}` }, 'link-filter');
      return;
    }
    case 'linkTyped': {
      const typed = form.kind === 'link' ? form.filter.trim() : '';
      if (!typed) return;
      form = { kind: 'none' };
      post({ type: 'linkTest', item, test: typed });
      return render();
    }
    case 'unlink': {
      const t = view?.items.find((i) => i.id === item)?.tests.find((x) => x.key === data.key);
      if (t) post({ type: 'unlinkTest', item, test: t.ref });
      return;
    }
    case 'addItem':
    case 'saveEdit': {
      if (form.kind !== 'add' && form.kind !== 'edit') return;
      const f = form;
      if (!f.title.trim()) {
        (document.getElementById('item-title') as HTMLElement | null)?.focus();
        return;
      }
      form = { kind: 'none' };
      post(
        f.kind === 'add'
          ? { type: 'addItem', title: f.title.trim(), mutatesCustomerData: f.mutates, ...(f.steps.trim() ? { manualSteps: f.steps.trim() } : {}) }
          : { type: 'editItem', item: f.item, title: f.title.trim(), manualSteps: f.steps.trim(), mutatesCustomerData: f.mutates },
      );
      return render();
    }
    case 'removeItem':
      form = { kind: 'none' };
      post({ type: 'removeItem', item });
      return render();
  }
}

/** A condition's button: the page's own forms for what it can do, a command for the rest. */
function onGate(gate: string): void {
  const firstPending = view?.items.find((i) => !i.staging.done || !i.production.done);
  switch (gate) {
    case 'run-tests':
      return post({ type: 'runTests' });
    case 'sign-off':
      return openForm({ kind: 'signoff' }, 'confirm-sign-off');
    case 'sign-waiver':
      return openForm({ kind: 'waiver-sign' }, 'confirm-sign-waiver');
    case 'open-plan':
      return openForm({ kind: 'add', title: '', steps: '', mutates: false }, 'item-title');
    case 'record-result':
      if (firstPending) openForm({ kind: 'result', item: firstPending.id, env: firstPending.staging.done ? 'production' : 'staging', note: '' }, 'result-note');
      return;
    case 'link-test': {
      const first = view?.items[0];
      if (first) openForm({ kind: 'link', item: first.id, filter: '' }, 'link-filter');
      else openForm({ kind: 'add', title: '', steps: '', mutates: false }, 'item-title');
      return;
    }
    case 'link-branch':
    case 'checkout-branch':
    case 'commit-changes':
    case 'tick-checklist':
      return post({ type: 'gateAction', action: gate });
  }
}

function onInput(event: Event): void {
  const target = event.target as HTMLElement & { value?: string; checked?: boolean };
  const field = target.dataset?.field;
  if (!field) return;
  if ((form.kind === 'add' || form.kind === 'edit') && (field === 'title' || field === 'steps')) form[field] = target.value ?? '';
  else if ((form.kind === 'add' || form.kind === 'edit') && field === 'mutates') form.mutates = target.checked === true;
  else if (form.kind === 'result' && field === 'note') form.note = target.value ?? '';
  else if (form.kind === 'waiver-record' && field === 'reason') form.reason = target.value ?? '';
  else if (form.kind === 'link' && field === 'filter') {
    form.filter = target.value ?? '';
    // Only the list under the filter is redrawn, so the text field keeps its caret.
    const item = view?.items.find((i) => i.id === (form as { item: string }).item);
    if (view && item) document.getElementById('discovered')?.replaceWith(discoveredList(item, view, form.filter));
  }
}

/**
 * The in-page timer the render benchmark reads: from the message's arrival until the DOM is
 * built, every component has finished its own update, and layout is done.
 */
async function measured(started: number): Promise<void> {
  const components = Array.from(document.querySelectorAll('vscode-button, vscode-textfield, vscode-textarea, vscode-checkbox, vscode-progress-ring'));
  await Promise.all(components.map((el) => (el as Element & { updateComplete?: Promise<unknown> }).updateComplete));
  void document.body.offsetHeight;
  document.body.dataset.renderMs = (performance.now() - started).toFixed(1);
  document.body.dataset.renders = String(Number(document.body.dataset.renders ?? '0') + 1);
}

function receive(message: HostMessage): void {
  switch (message.type) {
    case 'view': {
      const started = performance.now();
      const incidentChanged = view?.incident.id !== message.view.incident.id;
      view = message.view;
      if (incidentChanged) form = { kind: 'none' };
      vscode.setState({ incidentId: view.incident.id });
      document.title = `Test plan: ${view.incident.title}`;
      render();
      void measured(started);
      return;
    }
    case 'progress':
      if (view) {
        view = { ...view, run: message.run };
        render();
      }
      return;
    case 'outcome':
      outcome = message.outcome;
      render();
      if (!message.outcome.ok) document.getElementById('outcome')?.scrollIntoView({ block: 'nearest' });
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const data = event.data;
  if (data && typeof data === 'object' && typeof data.type === 'string') receive(data);
});

document.addEventListener('click', (event) => {
  const target = (event.target as Element | null)?.closest('[data-action]') as HTMLElement | null;
  if (!target || target.hasAttribute('disabled')) return;
  onAction(target.dataset.action ?? '', target.dataset);
});

document.addEventListener('input', onInput);
document.addEventListener('change', onInput);
document.addEventListener('keydown', (event) => {
  // Escape closes the open form, Enter in a form's text field submits it.
  if (event.key === 'Escape' && form.kind !== 'none') openForm({ kind: 'none' });
  const field = (event.target as HTMLElement | null)?.dataset?.field;
  if (event.key === 'Enter' && field === 'title') onAction(form.kind === 'edit' ? 'saveEdit' : 'addItem', {});
  if (event.key === 'Enter' && field === 'filter' && form.kind === 'link') onAction('linkTyped', { item: form.item });
  if (event.key === 'Enter' && field === 'reason' && form.kind === 'waiver-record') onAction('recordWaiver', {});
});

post({ type: 'ready' });

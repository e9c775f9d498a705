// Helpers for end-to-end tests: Playwright drives the real VS Code workbench (code-server) in
// headless Chromium, opened as a person sees it, with the extension loaded but no test suite.
// Selectors were observed on VS Code 1.100.3.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  makeFixtureWorkspace,
  projectRoot,
  startCodeServer,
  workbenchUrl,
  type CodeServer,
} from '../tools/codeServer';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} input`;
const QUICK_ROW = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

export interface OpenWorkbenchOptions {
  /** The folder to open; defaults to a fresh copy of the fixture workspace (removed on close). */
  workspace?: string;
  /** Defaults to the project root (build it first). */
  extensionDevelopmentPath?: string;
  /** Keep workspace trust on, so the folder opens untrusted (default: trust disabled). */
  workspaceTrust?: boolean;
  /** Extra environment for code-server and so the extension host. */
  env?: Record<string, string>;
  /** Browser viewport (default 1400x900). */
  viewport?: { width: number; height: number };
}

export interface Workbench {
  page: Page;
  browser: Browser;
  server: CodeServer;
  workspace: string;
  close(): Promise<void>;
}

/** Starts code-server and Chromium and resolves once the workbench shows its status bar. */
export async function openWorkbench(opts: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const ownWorkspace = opts.workspace === undefined;
  const workspace = opts.workspace ?? (await makeFixtureWorkspace());
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (ownWorkspace) await rm(workspace, { recursive: true, force: true });
  };
  try {
    server = await startCodeServer({ env: opts.env, workspaceTrust: opts.workspaceTrust });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const extensionDevelopmentPath = opts.extensionDevelopmentPath ?? projectRoot();
    await page.goto(workbenchUrl(server, { folder: workspace, extensionDevelopmentPath }));
    await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 120_000 });
    return { page, browser, server, workspace, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits for the quick input (palette, input box or pick) to be open and returns its text box. */
async function quickInputBox(page: Page) {
  const box = page.locator(QUICK_INPUT_BOX);
  await box.waitFor({ state: 'visible', timeout: 30_000 });
  return box;
}

/** Runs a command from the palette by its title as shown there, e.g. "Incident: Declare Incident". */
export async function runCommand(page: Page, title: string, opts: { escapeFirst?: boolean } = {}): Promise<void> {
  // Focus back on the workbench, so F1 reaches its keybinding and not an input box. Escape also
  // clears a tree's selection: keep it when the command should act on the selected incident.
  if (opts.escapeFirst !== false) await page.keyboard.press('Escape');
  // Fuzzy matching lists look-alikes too; run the row whose label is this title.
  const row = page.locator(QUICK_ROW).filter({ has: page.locator('.label-name', { hasText: exactly(title) }) });
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      const box = await quickInputBox(page);
      await box.fill(`>${title}`, { timeout: 5_000 });
      await row.first().waitFor({ state: 'visible', timeout: 15_000 });
      break;
    } catch (error) {
      // The palette closes when something takes the focus as it opens (a notification, a view
      // revealing itself after an expand): open it again, a few times at most.
      if (attempt >= 3) throw error;
    }
  }
  await row.first().click();
}

/** The open quick input's title (a multi-step input counts its steps there), or undefined when none is shown. */
function quickInputTitle(page: Page): Promise<string | undefined> {
  return page.evaluate((selector) => {
    const widget = document.querySelector<HTMLElement>(selector);
    return widget && widget.offsetParent !== null ? (widget.querySelector('.quick-input-title')?.textContent ?? '') : undefined;
  }, QUICK_INPUT);
}

/**
 * After answering one step, waits (briefly) until the input moved on: its title changed or it
 * closed. The next step can take a moment to show (the extension may load code on first use);
 * typing at once would land in the step just answered.
 */
async function settled(page: Page, before: string | undefined): Promise<void> {
  await page
    .waitForFunction(
      ([selector, title]) => {
        const widget = document.querySelector<HTMLElement>(selector!);
        return !widget || widget.offsetParent === null || (widget.querySelector('.quick-input-title')?.textContent ?? '') !== title;
      },
      [QUICK_INPUT, before] as const,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
}

/** Types into the extension's open input box and accepts it. */
export async function answerInput(page: Page, text: string): Promise<void> {
  const box = await quickInputBox(page);
  const before = await quickInputTitle(page);
  await box.fill(text);
  await box.press('Enter');
  await settled(page, before);
}

/** Chooses the item with this label in the extension's open quick pick. */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  await quickInputBox(page);
  const row = page.locator(QUICK_ROW).filter({ has: page.locator('.label-name', { hasText: exactly(label) }) });
  await row.first().waitFor({ state: 'visible', timeout: 30_000 });
  const before = await quickInputTitle(page);
  await row.first().click();
  await settled(page, before);
}

/** Marks the items with these labels in the extension's open multi-select pick and accepts it. */
export async function pickQuickItems(page: Page, labels: readonly string[]): Promise<void> {
  await page.locator(`${QUICK_INPUT} .quick-input-box input`).waitFor({ state: 'visible', timeout: 30_000 });
  for (const label of labels) {
    const row = page.locator(QUICK_ROW).filter({ has: page.locator('.label-name', { hasText: exactly(label) }) });
    await row.first().waitFor({ state: 'visible', timeout: 30_000 });
    // In a multi-select pick a click marks the row's checkbox; Enter accepts the marked ones.
    await row.first().click();
  }
  await page.locator(`${QUICK_INPUT} .quick-input-box input`).press('Enter');
}

/** Shows a view container of the activity bar (Explorer, Testing, the extension's own), leaving it open if it is. */
export async function openViewContainer(page: Page, title: string): Promise<void> {
  const item = page.locator('.activitybar li.action-item').filter({ has: page.locator(`a[aria-label*="${title}"]`) });
  await item.first().waitFor({ state: 'visible', timeout: 30_000 });
  // Clicking the active container would hide the side bar instead.
  const active = ((await item.first().getAttribute('class')) ?? '').split(/\s+/).includes('checked');
  if (!active) await item.first().click();
  await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * The visible tree rows of the side bar as "label description"; within one view when `view`
 * names its title (as in its header), else of every expanded view.
 */
export async function treeRows(page: Page, view?: string): Promise<string[]> {
  const scope = view
    ? page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header', { hasText: view }) })
    : page.locator('.part.sidebar');
  // Label and description are separate spans without whitespace between them.
  const texts = await scope.locator('.pane-body .monaco-list-row').evaluateAll((rows) =>
    rows.map((row) => {
      const parts = [row.querySelector('.label-name'), row.querySelector('.label-description')]
        .map((part) => part?.textContent?.trim() ?? '')
        .filter((part) => part.length > 0);
      return parts.length > 0 ? parts.join(' ') : (row.textContent ?? '');
    }),
  );
  return texts.map((text) => text.replace(/\s+/g, ' ').trim()).filter((text) => text.length > 0);
}

/** Writes a PNG of the page to test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(projectRoot(), 'test-results');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path });
  return path;
}

function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

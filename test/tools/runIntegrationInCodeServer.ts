// Runs the integration suite (out/test/integration/index.js) inside the real VS Code extension
// host: code-server serves the workbench, headless Chromium opens it as an Extension
// Development Host with `extensionTestsPath`, and the workbench reports the suite's output
// and exit code back through two functions this page exposes. Build first (npm test does).
//
// Usage: node out/test/tools/runIntegrationInCodeServer.js [--grep <regexp>] [--extension-development-path <dir>]
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium, makeFixtureWorkspace, projectRoot, startCodeServer, workbenchUrl, type CodeServer } from './codeServer';

const OVERALL_TIMEOUT_MS = 10 * 60_000;

/** Harmless offline: the workbench fetches vsda (Microsoft-only signing) and queries the extension gallery. */
const NOISE = [/vsda/i, /ENOTFOUND\s+open-vsx\.org/i, /open-vsx\.org/i];

const isNoise = (text: string): boolean => NOISE.some((pattern) => pattern.test(text));

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** The workbench hands over console arguments unformatted, e.g. mocha's `["  %d passing (%s)", 2, "95ms"]`. */
function formatLog(args: unknown): string {
  return Array.isArray(args) ? format(...(args as unknown[])) : format(args);
}

async function main(): Promise<number> {
  const started = Date.now();
  const root = projectRoot();
  const extensionDevelopmentPath = resolve(argValue('--extension-development-path') ?? root);
  const extensionTestsPath = join(root, 'out', 'test', 'integration', 'index');
  const manifestPath = join(extensionDevelopmentPath, 'package.json');
  const main = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { main?: string }).main : undefined;
  const required: [string, string][] = [
    [manifestPath, 'not an extension folder'],
    [join(extensionDevelopmentPath, main ?? 'package.json'), 'run: npm run build'],
    [`${extensionTestsPath}.js`, 'run: npm run build:tests'],
  ];
  for (const [file, hint] of required) {
    if (!existsSync(file)) {
      console.error(`Missing ${file} (${hint}).`);
      return 1;
    }
  }

  const workspace = await makeFixtureWorkspace();
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const env: Record<string, string> = { INCIDENT_ROOM_TEST_WORKSPACE: workspace };
    if (process.stdout.isTTY) env.MOCHA_COLORS = '1';
    const grep = argValue('--grep');
    if (grep) env.INCIDENT_ROOM_TEST_GREP = grep;
    server = await startCodeServer({ env });
    console.log(`code-server on ${server.url}, workspace ${workspace} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    browser = await launchChromium();
    const page = await browser.newPage();

    // The suite's end: the exit code the workbench reports, or why it never reported one.
    type Outcome = { code: number } | { failure: string };
    let settle: (outcome: Outcome) => void = () => undefined;
    const outcome = new Promise<Outcome>((resolveOutcome) => {
      settle = resolveOutcome;
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => settle({ code }));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const text = formatLog(args);
      if (!isNoise(text)) console.log(text);
    });
    // The workbench's own errors repeat the suite's and are mostly offline noise; they are
    // kept to explain a run that never finishes, or shown at once with INCIDENT_ROOM_VERBOSE=1.
    const verbose = Boolean(process.env.INCIDENT_ROOM_VERBOSE);
    const workbenchErrors: string[] = [];
    const workbenchError = (text: string): void => {
      if (isNoise(text)) return;
      if (verbose) console.error(`[workbench] ${text}`);
      else workbenchErrors.push(text);
    };
    page.on('pageerror', (error) => workbenchError(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') workbenchError(`${message.text()} ${message.location().url}`);
    });
    page.on('crash', () => settle({ failure: 'The workbench page crashed.' }));
    timer = setTimeout(
      () => settle({ failure: `Integration tests did not finish within ${OVERALL_TIMEOUT_MS / 60_000} minutes; stopped.` }),
      OVERALL_TIMEOUT_MS,
    );

    await page.goto(workbenchUrl(server, { folder: workspace, extensionDevelopmentPath, extensionTestsPath }));
    const result = await outcome;
    if ('failure' in result) {
      for (const text of workbenchErrors) console.error(`[workbench] ${text}`);
      console.error(result.failure);
    }
    const code = 'code' in result ? result.code : 1;
    console.log(`Integration tests ${code === 0 ? 'passed' : 'failed'} (exit ${code}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code;
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await rm(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(1);
  },
);

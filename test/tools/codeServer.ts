// Runs the real VS Code (code-server's server and web workbench) and Debian's Chromium for
// the integration runner, the end-to-end tests and the demo. See install-code-server.mjs for
// how code-server gets into .vscode-test/.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

const execFileAsync = promisify(execFile);

export const CODE_SERVER_VERSION = '4.100.3';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  // VS Code for the web saves after a 1 s delay by default; suites that hold unsaved buffers
  // would see them saved behind their back on a slow machine, as desktop VS Code never does.
  'files.autoSave': 'off',
};

/** The project root: the nearest folder above this file whose package.json is the extension's. */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'incident-room') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No incident-room package.json above ${__dirname}`);
    dir = parent;
  }
}

export function codeServerBinary(): string {
  return join(projectRoot(), '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** `preferred` when it is free, else the next free port above it; any free port when omitted. */
export async function findFreePort(preferred?: number): Promise<number> {
  if (preferred !== undefined) {
    for (let port = preferred; port < preferred + 100; port++) {
      if (await portIsFree(port)) return port;
    }
    throw new Error(`No free port in ${preferred}..${preferred + 99}`);
  }
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function answersHttp(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(true);
    });
    request.setTimeout(2_000, () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface StartCodeServerOptions {
  /** Defaults to a free port. */
  port?: number;
  /** Defaults to a fresh temp folder, removed on stop, so runs stay independent. */
  userDataDir?: string;
  /** Defaults to a fresh temp folder, removed on stop. */
  extensionsDir?: string;
  /** Extra environment for the server; it reaches the extension host. */
  env?: Record<string, string>;
  /**
   * Keep workspace trust on (default false: trust is disabled so every folder is trusted).
   * With it on, a freshly opened folder is untrusted until someone trusts it.
   */
  workspaceTrust?: boolean;
  /** User settings written before start, over quiet defaults (no welcome page, no gallery checks). */
  settings?: Record<string, unknown>;
  /** Receives every line the server prints; by default they are kept only for error messages. */
  onOutput?: (line: string) => void;
  /** How long to wait for the first HTTP answer (default 60 s). */
  startTimeoutMs?: number;
}

export interface CodeServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts code-server on 127.0.0.1 without authentication and resolves once it answers HTTP. */
export async function startCodeServer(opts: StartCodeServerOptions = {}): Promise<CodeServer> {
  const binary = codeServerBinary();
  if (!existsSync(binary)) {
    throw new Error(`code-server is not installed at ${binary}. Run: npm run host:install`);
  }
  const port = opts.port ?? (await findFreePort());
  const scratch = await realpath(await mkdtemp(join(tmpdir(), 'incident-room-code-server-')));
  const userDataDir = opts.userDataDir ?? join(scratch, 'user-data');
  const extensionsDir = opts.extensionsDir ?? join(scratch, 'extensions');
  // Without --config, code-server writes a config with a password into the user's home.
  const config = join(scratch, 'config.yaml');
  await writeFile(config, 'auth: none\n');
  // A welcome walkthrough over the editor and gallery checks that fail offline only get in the way.
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  const settings = join(userDataDir, 'User', 'settings.json');
  if (opts.settings || !existsSync(settings)) {
    await writeFile(settings, `${JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2)}\n`);
  }

  const args = [
    '--config', config,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  // Its logs and caches go to the scratch folder too, so a run leaves nothing in the user's home.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: join(scratch, 'data'), XDG_CACHE_HOME: join(scratch, 'cache'), ...opts.env };
  // Inside a VS Code terminal this makes code-server hand its arguments to that window instead.
  delete env.VSCODE_IPC_HOOK_CLI;

  // Its own process group, so stop() also ends the extension host and other children.
  const child: ChildProcess = spawn(binary, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const onLine = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (!line) continue;
      output.push(line);
      if (output.length > 200) output.shift();
      opts.onOutput?.(line);
    }
  };
  child.stdout?.on('data', onLine);
  child.stderr?.on('data', onLine);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));

  /** Signals the server's process group; once the server has exited, only its children that outlived it are left in it. */
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const killGroup = (signal: NodeJS.Signals): void => {
    if (!exited) signalGroup(signal);
  };
  // A crashed or interrupted test process must not leave a server behind.
  const onProcessExit = (): void => signalGroup('SIGKILL');
  process.once('exit', onProcessExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', onProcessExit);
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
      // Children that outlive the server's own exit (the extension host, which would otherwise
      // wait hours for its window to reconnect) go too.
      signalGroup('SIGKILL');
      await rm(scratch, { recursive: true, force: true });
    })();
    return stopped;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (!(await answersHttp(`${url}/healthz`))) {
    if (exited || Date.now() > deadline) {
      await stop();
      const why = exited ? `exited with code ${child.exitCode}` : 'did not answer HTTP in time';
      throw new Error(`code-server ${why} (port ${port}). Its output:\n${output.join('\n')}`);
    }
    await sleep(250);
  }
  return { url, port, stop };
}

export interface WorkbenchUrlOptions {
  /** Absolute path of the folder to open. */
  folder: string;
  /** Absolute path of the extension to load as in an Extension Development Host. */
  extensionDevelopmentPath: string;
  /** Absolute path of the compiled suite index, without `.js`; omit to open the workbench for people. */
  extensionTestsPath?: string;
}

/** The workbench address with the `payload` VS Code uses for an Extension Development Host in the browser. */
export function workbenchUrl(server: Pick<CodeServer, 'url' | 'port'>, opts: WorkbenchUrlOptions): string {
  const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)]];
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
  return `${server.url}/?folder=${encodeURIComponent(opts.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Debian's Chromium (or CHROMIUM_PATH) through playwright-core, headless. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. Install it with: sudo apt-get install -y chromium ` +
        '(or set CHROMIUM_PATH to a Chromium binary).',
    );
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** Runs git in `cwd` and returns its standard output. */
export async function git(cwd: string, args: string[], env?: Record<string, string>): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, env: { ...process.env, ...env } });
  return stdout;
}

/** Makes `dir` a git repository on `main` with a local identity, so commits do not depend on the machine's git config. */
export async function gitInit(dir: string): Promise<void> {
  await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['config', 'user.name', 'Ana Pereira']);
  await git(dir, ['config', 'user.email', 'ana@example.com']);
  await git(dir, ['config', 'commit.gpgsign', 'false']);
}

export interface CommitOptions {
  /** Author and committer date, e.g. "2026-11-26T09:00:00+01:00"; defaults to now. */
  date?: string;
  author?: { name: string; email: string };
}

/** Stages everything in `dir` and commits it. */
export async function gitCommitAll(dir: string, message: string, opts: CommitOptions = {}): Promise<void> {
  const env: Record<string, string> = {};
  if (opts.date) Object.assign(env, { GIT_AUTHOR_DATE: opts.date, GIT_COMMITTER_DATE: opts.date });
  if (opts.author) Object.assign(env, { GIT_AUTHOR_NAME: opts.author.name, GIT_AUTHOR_EMAIL: opts.author.email });
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '--allow-empty', '-m', message], env);
}

/** Copies test/fixtures/workspace/ into `dir` (created when missing), leaving out parts the caller replaces. */
export async function copyFixtureWorkspace(dir: string, opts: { withoutIncidents?: boolean } = {}): Promise<void> {
  const source = join(projectRoot(), 'test', 'fixtures', 'workspace');
  const incidents = join(source, '.incidents');
  await cp(source, dir, {
    recursive: true,
    filter: (path) => !(opts.withoutIncidents && (path === incidents || path.startsWith(`${incidents}/`))),
  });
}

/** A fresh git repository holding the fixture workspace (one commit on main); the caller removes it. */
export async function makeFixtureWorkspace(): Promise<string> {
  // realpath: the workspace folder VS Code reports is compared with this path.
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'incident-room-workspace-')));
  await copyFixtureWorkspace(dir);
  await gitInit(dir);
  await gitCommitAll(dir, 'Fixture workspace with two incidents');
  return dir;
}

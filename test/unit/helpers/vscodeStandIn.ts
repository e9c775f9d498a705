// A stand-in for the `vscode` module, for loading and activating a built bundle in plain Node:
// the start-cost bench and the bundle tests measure and inspect what our code does when the
// extension host loads it, without the host. It answers the calls activation makes: any
// property, call or `new` yields another stand-in (events never fire, pickers are dismissed),
// except where our code needs real values: the workspace folder, settings (their defaults),
// URIs, and the command registry, so a registered command can be run. Not a test of VS Code
// behaviour: the integration tier runs the same bundle in the real extension host.
import { readdirSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

/** Every `vscode.<Name>` the sources use: a bundle copies the module's own properties when it loads it. */
function vscodeNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/\bvscode\.([A-Za-z]+)/g)) names.add(m[1]!);
    }
  };
  walk(path.resolve(__dirname, '../../../../src'));
  return [...names];
}

type AnyFunction = (...args: unknown[]) => unknown;

/** A value that is every API at once: callable, constructible, with every property; it keeps what is assigned to it. */
function anything(): unknown {
  const target = function () {} as unknown as AnyFunction;
  const assigned = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get: (_t, key) => {
      if (assigned.has(key)) return assigned.get(key);
      // Not a promise (awaiting it yields it); converts to an empty string; iterates as empty.
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return () => '';
      if (key === Symbol.iterator) return function* () {};
      return anything();
    },
    set: (_t, key, value) => {
      assigned.set(key, value);
      return true;
    },
    apply: () => anything(),
    construct: () => anything() as object,
  });
}

/** Properties given real values; everything else is `anything()`. */
function partly<T extends object>(known: T): T {
  return new Proxy(known, { get: (t, key) => (key in t ? (t as Record<PropertyKey, unknown>)[key] : key === 'then' ? undefined : anything()) });
}

class Uri {
  private constructor(readonly scheme: string, readonly fsPath: string) {}
  static file(fsPath: string): Uri {
    return new Uri('file', path.resolve(fsPath));
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, path.join(base.fsPath, ...segments));
  }
  get path(): string {
    return this.fsPath;
  }
  with(): Uri {
    return this;
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export interface StandIn {
  /** Runs a registered command as VS Code would (its handler, with these arguments). */
  executeCommand(id: string, ...args: unknown[]): Promise<unknown>;
  /** Messages our code showed with showErrorMessage. */
  errors: string[];
  /** What activate() takes. */
  context(storageDir: string): unknown;
}

/** Makes `require('vscode')` return the stand-in, with workspaceFolder (if any) open. */
export function installVscodeStandIn(workspaceFolder?: string): StandIn {
  const commands = new Map<string, AnyFunction>();
  const errors: string[] = [];
  const executeCommand = async (id: string, ...args: unknown[]) => commands.get(id)?.(...args);
  const memento = () => {
    const values = new Map<string, unknown>();
    return { get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback), update: async (key: string, value: unknown) => void values.set(key, value), keys: () => [...values.keys()] };
  };
  const api = {
    ...Object.fromEntries(vscodeNames().map((name) => [name, anything()])),
    Uri,
    version: '1.100.3',
    commands: partly({
      registerCommand: (id: string, handler: AnyFunction) => {
        commands.set(id, handler);
        return { dispose: () => commands.delete(id) };
      },
      executeCommand,
    }),
    workspace: partly({
      workspaceFolders: workspaceFolder ? [{ uri: Uri.file(workspaceFolder), name: path.basename(workspaceFolder), index: 0 }] : undefined,
      isTrusted: true,
      getConfiguration: () => partly({ get: (_key: string, fallback?: unknown) => fallback, has: () => false, inspect: () => undefined, update: async () => undefined }),
      getWorkspaceFolder: (uri: Uri) => (workspaceFolder && uri.fsPath.startsWith(path.resolve(workspaceFolder)) ? { uri: Uri.file(workspaceFolder), name: path.basename(workspaceFolder), index: 0 } : undefined),
      textDocuments: [],
    }),
    window: partly({
      activeTextEditor: undefined,
      visibleTextEditors: [],
      showErrorMessage: async (message: string) => void errors.push(message),
      showQuickPick: async () => undefined,
      showInputBox: async () => undefined,
    }),
  };
  const load = (Module as unknown as { _load: AnyFunction })._load;
  (Module as unknown as { _load: AnyFunction })._load = function (this: unknown, request: unknown, ...rest: unknown[]) {
    return request === 'vscode' ? api : load.call(this, request, ...rest);
  };
  return {
    executeCommand,
    errors,
    context: (storageDir: string) =>
      partly({
        subscriptions: [],
        storageUri: Uri.file(storageDir),
        globalStorageUri: Uri.file(storageDir),
        extensionUri: Uri.file(storageDir),
        extensionPath: storageDir,
        workspaceState: memento(),
        globalState: memento(),
      }),
  };
}

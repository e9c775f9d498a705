// V8's code cache for the command line's own bundles. Every `incident-room` call is a fresh Node
// process, and compiling the bundle and the libraries a command loads (simple-git, yaml) is a
// large part of what a short command costs: `gate` spends more time compiling than judging.
// Node 20 has no compile cache of its own (module.enableCompileCache is Node 22), so the command
// line's entry loads its bundles through vm.Script with the code V8 produced for them in an
// earlier run of the same command, written after that run so that it holds the functions the
// command actually ran, not only the top level.
// A cache entry is keyed by the file's identity (size, modification and change times, inode: a
// rebuilt or reinstalled bundle never meets an old entry; V8 itself checks only the length), the
// V8 version, and the command's shape (its name and option names), since `status` and
// `gate --run` run different code. V8 refuses data made by another version or with other flags;
// a refused or missing entry is written again when the process exits. Entries live in the
// user's private state folder, as trusted as the signing key beside them.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { Script } from 'node:vm';

/** `import(` anywhere in a file, comments and strings included: such a file is not cached. */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

/** Entries kept per folder; past this, the oldest written go (other builds', other commands'). */
const MAX_ENTRIES = 24;

export interface CompileCacheStats {
  /** Files compiled with a cache entry V8 accepted. */
  accepted: string[];
  /** Files compiled without one (missing, refused, or unreadable): written again at exit. */
  compiled: string[];
}

/** The part of a command line that decides which code runs: the command's name and its option names. */
export function commandShape(argv: readonly string[]): string {
  const [name = '', ...rest] = argv;
  const options = [...new Set(rest.filter((a) => /^--?[A-Za-z]/.test(a)).map((a) => a.replace(/^-+/, '').replace(/=.*$/, '')))].sort();
  const shape = [name, ...options].join('_').replace(/[^A-Za-z0-9_-]/g, '');
  return shape.slice(0, 64) || 'none';
}

interface ModuleInternals {
  _extensions: Record<string, (module: Module, filename: string) => void>;
}

/**
 * Compiles every `.js` file under codeDir that this process loads from now on with the code
 * cache in cacheDir, and writes the entries it lacked when the process exits. Files elsewhere
 * load as before. Caching is an optimisation only: any failure to read or write an entry is
 * ignored and the file is compiled as Node would.
 */
export function installCompileCache(codeDir: string, cacheDir: string, shape: string): CompileCacheStats {
  const stats: CompileCacheStats = { accepted: [], compiled: [] };
  const prefix = codeDir.endsWith(sep) ? codeDir : codeDir + sep;
  const extensions = (Module as unknown as ModuleInternals)._extensions;
  const plainJs = extensions['.js']!;
  const toWrite: { entry: string; script: Script }[] = [];
  extensions['.js'] = (module, filename) => {
    if (!filename.startsWith(prefix)) return plainJs(module, filename);
    // The same wrapper Node puts around a CommonJS file, without a shebang line (which is not JavaScript).
    const source = readFileSync(filename, 'utf8').replace(/^#!.*/, '');
    // A dynamic import fails in code V8 takes from a cache (Node 20 loses the script's loader
    // with it), so a file that may hold one is left to Node.
    if (DYNAMIC_IMPORT.test(source)) return plainJs(module, filename);
    let entry: string | undefined;
    let cachedData: Buffer | undefined;
    try {
      const s = statSync(filename, { bigint: true });
      entry = join(cacheDir, `${basename(filename, '.js')}-${s.size}-${s.mtimeNs}-${s.ctimeNs}-${s.ino}-${process.versions.v8}-${shape}.bin`);
      cachedData = readFileSync(entry);
    } catch {
      // No entry yet (or no folder): compiled below, written at exit.
    }
    const script = new Script(Module.wrap(source), { filename, cachedData });
    if (cachedData && !script.cachedDataRejected) stats.accepted.push(filename);
    else {
      stats.compiled.push(filename);
      if (entry) toWrite.push({ entry, script });
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
  };
  process.once('exit', () => {
    if (toWrite.length > 0) writeEntries(cacheDir, toWrite);
  });
  return stats;
}

/** Writes each entry whole (a temporary file renamed over it), then keeps the newest MAX_ENTRIES. */
function writeEntries(cacheDir: string, toWrite: { entry: string; script: Script }[]): void {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    for (const { entry, script } of toWrite) {
      const temporary = `${entry}.${process.pid}.tmp`;
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, script.createCachedData());
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, entry);
    }
    const entries = readdirSync(cacheDir)
      .map((name) => {
        try {
          return { name, at: statSync(join(cacheDir, name)).mtimeMs };
        } catch {
          return { name, at: 0 };
        }
      })
      .sort((a, b) => b.at - a.at);
    for (const { name } of entries.slice(MAX_ENTRIES)) rmSync(join(cacheDir, name), { force: true });
  } catch {
    // A read-only or full disk: the next run compiles again.
  }
}

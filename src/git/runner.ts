// One git runner for the whole process. Every git command of the extension and the command
// line goes through it, and at most GIT_CONCURRENCY of them run at once, whatever asks: no code
// path can start a process per record again.
import { statSync } from 'node:fs';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

export const GIT_CONCURRENCY = 4;

let running = 0;
const waiting: (() => void)[] = [];
const counts = { started: 0, peak: 0 };

async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= GIT_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  counts.started++;
  counts.peak = Math.max(counts.peak, running);
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Variables for programs git would start interactively or for remotes; this code runs neither. */
const UNUSED_PROGRAM_VARIABLES = new Set([
  'editor', 'git_editor', 'git_sequence_editor', 'pager', 'git_pager', 'git_askpass', 'ssh_askpass',
  'git_ssh', 'git_ssh_command', 'git_proxy_command', 'git_external_diff', 'git_template_dir',
]);
const CONFIG_PATH_VARIABLES = new Set(['git_config_global', 'git_config_system', 'git_config', 'git_exec_path', 'prefix']);
/**
 * Variables that point git at a repository, index or object store other than the one the folder
 * is in: with GIT_DIR naming a clone where the fix is committed on the same branch, the tree on
 * disk reads as that clone's clean commit. A git hook sets some of them for its own repository,
 * which the folder finds as well.
 */
const REPOSITORY_LOCATION_VARIABLES = new Set([
  'git_dir', 'git_work_tree', 'git_common_dir', 'git_index_file', 'git_object_directory', 'git_alternate_object_directories', 'git_namespace',
]);

/**
 * The environment of every git this runner starts: the process's own, without the variables
 * that locate the repository elsewhere than the folder it is asked about, with
 * GIT_OPTIONAL_LOCKS=0 so a background `git status` never takes index.lock to refresh the index
 * (the user's own `git commit` would then fail with "index.lock: File exists"), and without
 * replace refs or grafts. simple-git refuses an explicit environment that names an editor, pager
 * or askpass program; those are left out, and the configuration variables the user set are kept
 * and allowed.
 */
export function gitEnvironment(source: NodeJS.ProcessEnv): { vars: Record<string, string>; unsafe: { allowUnsafeConfigPaths?: true; allowUnsafeConfigEnvCount?: true } } {
  const vars: Record<string, string> = {};
  const unsafe: { allowUnsafeConfigPaths?: true; allowUnsafeConfigEnvCount?: true } = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const key = name.toLowerCase().trim();
    if (UNUSED_PROGRAM_VARIABLES.has(key) || REPOSITORY_LOCATION_VARIABLES.has(key)) continue;
    if (CONFIG_PATH_VARIABLES.has(key)) unsafe.allowUnsafeConfigPaths = true;
    if (key === 'git_config_count') unsafe.allowUnsafeConfigEnvCount = true;
    vars[name] = value;
  }
  vars.GIT_OPTIONAL_LOCKS = '0';
  // Objects and history as committed: this machine's replace refs (`git replace`, which can stand a
  // commit with the fix in for HEAD while HEAD's id stays the same) and grafts (.git/info/grafts,
  // which can make a fix branch's commits look like the base's) are carried by no commit.
  vars.GIT_NO_REPLACE_OBJECTS = '1';
  vars.GIT_GRAFT_FILE = devNull;
  return { vars, unsafe };
}

/** Instances per repository; a few repositories at most in practice, bounded so tests' temp repos do not pile up. */
const instances = new Map<string, SimpleGit>();
const MAX_INSTANCES = 32;

/**
 * A simple-git for the repository whose every command waits for a free slot. Calls return
 * plain promises (no chaining), which is how this code base uses git.
 */
export function sharedGit(repoDir: string): SimpleGit {
  let g = instances.get(repoDir);
  if (!g) {
    const env = gitEnvironment(process.env);
    g = slotted(simpleGit({ baseDir: repoDir, maxConcurrentProcesses: GIT_CONCURRENCY, unsafe: env.unsafe }).env(env.vars));
    remember(repoDir, g);
  }
  return g;
}

/** The instance with every command waiting for a free slot of the process's runner. */
function slotted(real: SimpleGit): SimpleGit {
  return new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => inSlot(() => Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)));
    },
  });
}

function remember(key: string, g: SimpleGit): void {
  if (instances.size >= MAX_INSTANCES) instances.delete(instances.keys().next().value!);
  instances.set(key, g);
}

/**
 * Configuration that a repository's own .git/config (this machine's, carried by no commit) could
 * set to make git report a working tree other than the one on disk: a file-system monitor hook
 * that answers "nothing changed" (and is a program git would run); ctime not trusted, or only
 * part of a file's stat compared, so that an edit of the same size with its mtime put back looks
 * unchanged; an untracked cache (in the index, which whoever runs the tests can write) that
 * vouches for folders whose mtime was put back. Set for the code state's reads through the
 * environment, which outranks every config file; simple-git refuses it as a -c option.
 */
const TREE_AS_ON_DISK: readonly [string, string][] = [
  ['core.fsmonitor', 'false'],
  ['core.trustctime', 'true'],
  ['core.checkStat', 'default'],
  ['core.untrackedCache', 'false'],
];

/** Whether names that differ only by case are different files in this folder (its .git is not also found as .GIT). */
function caseSensitiveAt(dir: string): boolean {
  try {
    const lower = statSync(join(dir, '.git'));
    const upper = statSync(join(dir, '.GIT'), { throwIfNoEntry: false });
    return !upper || upper.ino !== lower.ino || upper.dev !== lower.dev;
  } catch {
    return true;
  }
}

/**
 * A simple-git like sharedGit's, in the same slots, for reading the working tree as it is on disk
 * (see TREE_AS_ON_DISK): the close gate's code state before and after a run.
 */
export function treeAsOnDiskGit(repoDir: string): SimpleGit {
  const key = `${repoDir}\0as-on-disk`;
  let g = instances.get(key);
  if (!g) {
    g = asOnDiskInstance(repoDir, {});
    remember(key, g);
  }
  return g;
}

/**
 * As treeAsOnDiskGit, with git's index in another file (GIT_INDEX_FILE): one made from HEAD by
 * read-tree has no file's stat, so git compares every file's content with the commit. Not kept:
 * the index file is the caller's, for one use.
 */
export function separateIndexGit(repoDir: string, indexFile: string): SimpleGit {
  return asOnDiskInstance(repoDir, { GIT_INDEX_FILE: indexFile });
}

function asOnDiskInstance(repoDir: string, extra: Record<string, string>): SimpleGit {
  const env = gitEnvironment(process.env);
  const count = Number(env.vars.GIT_CONFIG_COUNT ?? 0) || 0;
  // On a file system where names differ by case, core.ignoreCase=true would take an untracked
  // test/Checkout.test.js for the tracked test/checkout.test.js and list neither.
  const settings = caseSensitiveAt(repoDir) ? [...TREE_AS_ON_DISK, ['core.ignoreCase', 'false'] as const] : TREE_AS_ON_DISK;
  settings.forEach(([k, v], i) => {
    env.vars[`GIT_CONFIG_KEY_${count + i}`] = k;
    env.vars[`GIT_CONFIG_VALUE_${count + i}`] = v;
  });
  env.vars.GIT_CONFIG_COUNT = String(count + settings.length);
  // The system's gitattributes file is this machine's, and could set a conversion that hides a change (see hidingAttributes in codeState.ts).
  env.vars.GIT_ATTR_NOSYSTEM = '1';
  // simple-git refuses any setting of core.fsmonitor unless told; this one only turns it off, and this instance's commands are the code state's own.
  return slotted(
    simpleGit({ baseDir: repoDir, maxConcurrentProcesses: GIT_CONCURRENCY, unsafe: { ...env.unsafe, allowUnsafeConfigEnvCount: true, allowUnsafeFsMonitor: true } }).env({ ...env.vars, ...extra }),
  );
}

/** Commands started through the runner so far, and the most that ran at once (for benchmarks and tests). */
export function gitRunnerCounts(): { started: number; peak: number; running: number } {
  return { ...counts, running };
}

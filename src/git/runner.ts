// One git runner for the whole process. Every git command of the extension and the command
// line goes through it, and at most GIT_CONCURRENCY of them run at once, whatever asks: no code
// path can start a process per record again.
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
 * The environment of every git this runner starts: the process's own, with
 * GIT_OPTIONAL_LOCKS=0 so a background `git status` never takes index.lock to refresh the index
 * (the user's own `git commit` would then fail with "index.lock: File exists"). simple-git
 * refuses an explicit environment that names an editor, pager or askpass program; those are
 * left out, and the configuration variables the user set are kept and allowed.
 */
export function gitEnvironment(source: NodeJS.ProcessEnv): { vars: Record<string, string>; unsafe: { allowUnsafeConfigPaths?: true; allowUnsafeConfigEnvCount?: true } } {
  const vars: Record<string, string> = {};
  const unsafe: { allowUnsafeConfigPaths?: true; allowUnsafeConfigEnvCount?: true } = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const key = name.toLowerCase().trim();
    if (UNUSED_PROGRAM_VARIABLES.has(key)) continue;
    if (CONFIG_PATH_VARIABLES.has(key)) unsafe.allowUnsafeConfigPaths = true;
    if (key === 'git_config_count') unsafe.allowUnsafeConfigEnvCount = true;
    vars[name] = value;
  }
  vars.GIT_OPTIONAL_LOCKS = '0';
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
    const real = simpleGit({ baseDir: repoDir, maxConcurrentProcesses: GIT_CONCURRENCY, unsafe: env.unsafe }).env(env.vars);
    g = new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => inSlot(() => Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)));
      },
    });
    if (instances.size >= MAX_INSTANCES) instances.delete(instances.keys().next().value!);
    instances.set(repoDir, g);
  }
  return g;
}

/** Commands started through the runner so far, and the most that ran at once (for benchmarks and tests). */
export function gitRunnerCounts(): { started: number; peak: number; running: number } {
  return { ...counts, running };
}

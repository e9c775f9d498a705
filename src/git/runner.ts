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
    const real = simpleGit({ baseDir: repoDir, maxConcurrentProcesses: GIT_CONCURRENCY });
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

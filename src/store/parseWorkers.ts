// The worker threads that parse records off the caller's thread (the editor's event loop): a
// cold load's summaries, and the public log's sections when none are kept. One script
// (parseWorker.ts), one way of starting and ending its threads.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { ParseJob, ParseReply, ParseRequest, ResultOf } from './parseWorker';
import { yieldToEventLoop } from './slices';

/** The worker's script: beside this module, in the bundle (dist/) as in the tests' output (out/). */
const WORKER_FILE = path.join(__dirname, 'parseWorker.js');

/** Files per worker below which another worker is not worth starting. */
const FILES_PER_WORKER = 200;
const MAX_WORKERS = 4;
/** Results per worker message: few messages, steady progress. */
const WORKER_BATCH = 50;

/** Files to parse up to which starting a worker is not worth it: they are parsed on the caller's thread, a slice at a time. */
export const FEW_FILES_FOR_WORKERS = 16;

/** Whether this many files are worth parsing in workers, and this build ships the workers' script (a test run from sources may not). */
export function worthParseWorkers(files: number): boolean {
  return files > FEW_FILES_FOR_WORKERS && existsSync(WORKER_FILE);
}

/**
 * Does a job over files in worker threads, handing back results in batches; the workers end with
 * the job. One per core: the caller's thread only takes the batches in (and the system shares
 * the cores between threads), so its event loop stays free while the work takes half the time on two cores.
 */
export async function inParseWorkers<J extends ParseJob>(job: J, files: string[], maxBytes: number, accept: (results: ResultOf<J>[]) => void): Promise<void> {
  const count = Math.max(1, Math.min(MAX_WORKERS, availableParallelism(), Math.floor(files.length / FILES_PER_WORKER)));
  const share = Math.ceil(files.length / count);
  // Loaded here, not with the module: a warm start (and the command line) never starts a worker.
  // A require, not import(): the command line's compile cache cannot keep code with a dynamic import (see compileCache.ts).
  const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
  // Starting a thread holds the caller for about ten milliseconds: one per turn of the event loop.
  const jobs: Promise<void>[] = [];
  for (let k = 0; k < count; k++) {
    await yieldToEventLoop();
    const running = inParseWorker(WorkerThread, { job, files: files.slice(k * share, (k + 1) * share), batch: WORKER_BATCH, maxBytes }, accept);
    // Handled now (Promise.all below reports it): a thread failing while the next one starts is not an unhandled rejection.
    running.catch(() => undefined);
    jobs.push(running);
  }
  await Promise.all(jobs);
}

function inParseWorker<J extends ParseJob>(WorkerThread: typeof Worker, request: ParseRequest & { job: J }, accept: (results: ResultOf<J>[]) => void): Promise<void> {
  if (request.files.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const worker = new WorkerThread(WORKER_FILE);
    let finished = false;
    worker.on('message', (reply: ParseReply) => {
      if (reply.kind === 'batch') accept(reply.results as ResultOf<J>[]);
      else {
        finished = true;
        void worker.terminate();
        resolve();
      }
    });
    worker.on('error', (err) => {
      if (!finished) reject(err);
    });
    worker.on('exit', (code) => {
      if (!finished) reject(new Error(`the parsing worker stopped (exit ${code})`));
    });
    worker.postMessage(request);
  });
}

// Runs in a worker thread: parses record files in full and sends back, in batches, their
// summaries (a cold load) or their public-log sections (the log's first write), so work over
// thousands of records never blocks the editor's event loop. Started by parseWorkers.ts.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { renderSection, type RenderedSection } from './publicLogFile';
import { summarizeFileSync, type SummarizedFile } from './summaryCache';

/** The nice value of a parsing thread: below the editor's thread, which then gets a core as soon as it wants one. */
export const PARSE_WORKER_NICE = 10;

/**
 * One worker per core keeps every core busy, and the editor's event loop (this process's main
 * thread) then waited behind them for a core: turns of 50 ms and more in which it ran for less
 * than 20. On Linux a thread has a nice value of its own, and setpriority on a thread's id sets
 * only that thread's, so this thread steps down. Elsewhere, or where it is not permitted, it
 * keeps the process's priority.
 */
function stepDownForTheEditor(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, PARSE_WORKER_NICE);
  } catch {
    // No /proc, or not permitted: the work is the same, only shared less kindly.
  }
}

if (parentPort) stepDownForTheEditor();

export type ParseJob = 'summaries' | 'sections';
export type ResultOf<J extends ParseJob> = J extends 'summaries' ? SummarizedFile : RenderedSection;

export interface ParseRequest {
  job: ParseJob;
  files: string[];
  /** Results per message: small enough for steady progress, large enough to keep messages few. */
  batch: number;
  /** Records larger than this are refused unread. */
  maxBytes: number;
}

export type ParseReply = { kind: 'batch'; results: SummarizedFile[] | RenderedSection[] } | { kind: 'done' };

parentPort?.on('message', async (request: ParseRequest) => {
  let results: (SummarizedFile | RenderedSection)[] = [];
  for (const file of request.files) {
    // Open incidents come back in full from a load: the editor holds them, and would otherwise parse them again.
    results.push(request.job === 'summaries' ? summarizeFileSync(file, 'open', request.maxBytes) : await renderSection(file, request.maxBytes));
    if (results.length >= request.batch) {
      parentPort!.postMessage({ kind: 'batch', results } as ParseReply);
      results = [];
    }
  }
  if (results.length > 0) parentPort!.postMessage({ kind: 'batch', results } as ParseReply);
  parentPort!.postMessage({ kind: 'done' } satisfies ParseReply);
});

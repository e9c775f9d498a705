// Runs in a worker thread: parses record files in full and sends back their summaries in
// batches, so a cold load of thousands of records never blocks the editor's event loop.
import { parentPort } from 'node:worker_threads';
import { summarizeFileSync, type SummarizedFile } from './summaryCache';

export interface ParseRequest {
  files: string[];
  /** Summaries per message: small enough for steady progress, large enough to keep messages few. */
  batch: number;
  /** Records larger than this are refused unread. */
  maxBytes: number;
}

export type ParseReply = { kind: 'batch'; results: SummarizedFile[] } | { kind: 'done' };

parentPort?.on('message', (request: ParseRequest) => {
  let results: SummarizedFile[] = [];
  for (const file of request.files) {
    // Open incidents come back in full: the editor holds them, and would otherwise parse them again.
    results.push(summarizeFileSync(file, 'open', request.maxBytes));
    if (results.length >= request.batch) {
      parentPort!.postMessage({ kind: 'batch', results } satisfies ParseReply);
      results = [];
    }
  }
  if (results.length > 0) parentPort!.postMessage({ kind: 'batch', results } satisfies ParseReply);
  parentPort!.postMessage({ kind: 'done' } satisfies ParseReply);
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
// The module's own exports object (not a namespace copy), so a replaced Worker is what the store gets.
import workerThreads = require('node:worker_threads');
import { IncidentStore } from '../../src/store/incidentStore';
import { PARSE_WORKER_NICE } from '../../src/store/parseWorker';
import { inParseWorkers } from '../../src/store/parseWorkers';
import { writePublicLogFile } from '../../src/store/publicLogFile';
import { recordText } from '../bench/generateRecords';
import { fullRenderOf, publicLogFiles } from './helpers/publicLogFolder';

// Starting a worker thread holds its caller for about ten milliseconds (more on a busy machine);
// a cold load that starts one per core in the same turn of the event loop adds those up into one
// block of the editor's thread. Each start must have a turn of its own.

const COUNT = 420;

/**
 * Has the code under test start its workers through a Worker class that calls onStart first, until
 * the function returned is called, which puts the original back.
 */
function onWorkerStart(onStart: () => void): () => void {
  const original = workerThreads.Worker;
  (workerThreads as { Worker: typeof original }).Worker = class extends original {
    constructor(...args: ConstructorParameters<typeof original>) {
      onStart();
      super(...args);
    }
  };
  // Kept in step for an ES module import of it too, whose namespace follows the exports object only when told to.
  syncBuiltinESMExports();
  return () => {
    (workerThreads as { Worker: typeof original }).Worker = original;
    syncBuiltinESMExports();
  };
}

/** A temp folder of COUNT generated records for the suite it is called in, made before it and removed after; the Worker put back. */
function recordsFolder(prefix: string): { dir: string; folder: string } {
  const dir = path.join(os.tmpdir(), `${prefix}${process.pid}-${Math.random().toString(36).slice(2)}`);
  const { folder } = publicLogFiles(dir);
  const original = workerThreads.Worker;
  before(() => {
    fs.mkdirSync(folder, { recursive: true });
    for (let i = 0; i < COUNT; i++) {
      const { name, text } = recordText(i, COUNT, 3);
      fs.writeFileSync(path.join(folder, name), text);
    }
  });
  after(() => {
    (workerThreads as { Worker: typeof original }).Worker = original;
    syncBuiltinESMExports();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir, folder };
}

describe('Parse workers started one per turn of the event loop', () => {
  const { folder } = recordsFolder('ir-parse-workers-');

  it('starts each worker in its own turn, and the summaries are whole', async function () {
    if (os.availableParallelism() < 2) this.skip();
    // At each start: has a callback queued at the previous start run since? Only if a turn passed.
    let previous: { ran: boolean } | undefined;
    const aTurnPassed: boolean[] = [];
    // The store loads worker_threads when it starts its workers; each start is noted.
    const restore = onWorkerStart(() => {
      if (previous) aTurnPassed.push(previous.ran);
      const marker = { ran: false };
      setImmediate(() => (marker.ran = true));
      previous = marker;
    });
    try {
      const summaries = await new IncidentStore(folder, { offThread: true }).loadSummaries();
      assert.equal(summaries.length, COUNT);
      assert.equal(summaries.filter((s) => s.kind === 'ok').length, COUNT);
    } finally {
      restore();
    }
    assert.ok(aTurnPassed.length >= 1, `${aTurnPassed.length + 1} workers were started`);
    assert.deepEqual(aTurnPassed, aTurnPassed.map(() => true), 'each worker started in a turn of its own');
  });
});

describe('Parse workers give way to the editor', () => {
  const { folder } = recordsFolder('ir-parse-nice-');

  it("on Linux, the parsing threads run below the caller's thread's priority, which stays as it was", async function () {
    if (process.platform !== 'linux') this.skip();
    const niceOf = (tid: string) => Number(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const mainBefore = niceOf(String(process.pid));
    const seen = new Set<number>();
    const files = fs.readdirSync(folder).map((f) => path.join(folder, f));
    let batches = 0;
    // Looked at while the workers run: each batch arrives on this thread while they parse.
    await inParseWorkers('summaries', files, 1 << 20, () => {
      batches++;
      for (const tid of fs.readdirSync('/proc/self/task')) if (tid !== String(process.pid)) seen.add(niceOf(tid));
    });
    assert.ok(batches > 0);
    assert.ok(seen.has(PARSE_WORKER_NICE), `nice values of the other threads: ${[...seen].join(', ')}`);
    assert.equal(niceOf(String(process.pid)), mainBefore, "the caller's thread keeps its priority");
  });
});

describe("The public log's first write off the caller's thread", () => {
  const { dir, folder } = recordsFolder('ir-public-log-workers-');

  it('renders every section in worker threads for the editor, in the order a full render has; one changed record is rendered here', async () => {
    const { cacheFile, sectionsFile, logFile } = publicLogFiles(dir);
    const store = new IncidentStore(folder, { cacheFile, offThread: true });
    await store.loadSummaries();
    let started = 0;
    const restore = onWorkerStart(() => started++);
    try {
      const first = await writePublicLogFile(store, logFile, sectionsFile);
      assert.equal(first.read, COUNT);
      assert.ok(started >= 1, 'the sections of a folder with no kept sections are rendered in a worker');
      const truth = fullRenderOf(folder);
      assert.equal(fs.readFileSync(logFile, 'utf8'), truth);
      const workersForFirst = started;
      const name = fs.readdirSync(folder)[7]!;
      fs.appendFileSync(path.join(folder, name), '# a comment changes the bytes, not the section\n');
      const again = await writePublicLogFile(store, logFile, sectionsFile);
      assert.equal(again.read, 1);
      assert.equal(started, workersForFirst, 'one changed record is not worth a worker');
      assert.equal(fs.readFileSync(logFile, 'utf8'), truth);
    } finally {
      restore();
    }
  });
});

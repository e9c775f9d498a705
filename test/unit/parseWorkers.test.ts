import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// The module's own exports object (not a namespace copy), so a replaced Worker is what the store gets.
import workerThreads = require('node:worker_threads');
import { IncidentStore } from '../../src/store/incidentStore';
import { recordText } from '../bench/generateRecords';

// Starting a worker thread holds its caller for about ten milliseconds (more on a busy machine);
// a cold load that starts one per core in the same turn of the event loop adds those up into one
// block of the editor's thread. Each start must have a turn of its own.

const COUNT = 420;

describe('Parse workers started one per turn of the event loop', () => {
  let dir: string;
  let folder: string;
  const original = workerThreads.Worker;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-parse-workers-'));
    folder = path.join(dir, '.incidents');
    fs.mkdirSync(folder);
    for (let i = 0; i < COUNT; i++) {
      const { name, text } = recordText(i, COUNT, 3);
      fs.writeFileSync(path.join(folder, name), text);
    }
  });

  after(() => {
    (workerThreads as { Worker: typeof original }).Worker = original;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts each worker in its own turn, and the summaries are whole', async function () {
    if (os.availableParallelism() < 2) this.skip();
    // At each start: has a callback queued at the previous start run since? Only if a turn passed.
    let previous: { ran: boolean } | undefined;
    const aTurnPassed: boolean[] = [];
    // The store loads worker_threads when it starts its workers; each start is noted.
    (workerThreads as { Worker: typeof original }).Worker = class extends original {
      constructor(...args: ConstructorParameters<typeof original>) {
        if (previous) aTurnPassed.push(previous.ran);
        const marker = { ran: false };
        setImmediate(() => (marker.ran = true));
        previous = marker;
        super(...args);
      }
    };
    try {
      const summaries = await new IncidentStore(folder, { offThread: true }).loadSummaries();
      assert.equal(summaries.length, COUNT);
      assert.equal(summaries.filter((s) => s.kind === 'ok').length, COUNT);
    } finally {
      (workerThreads as { Worker: typeof original }).Worker = original;
    }
    assert.ok(aTurnPassed.length >= 1, `${aTurnPassed.length + 1} workers were started`);
    assert.deepEqual(aTurnPassed, aTurnPassed.map(() => true), 'each worker started in a turn of its own');
  });
});

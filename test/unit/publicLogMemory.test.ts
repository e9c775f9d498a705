import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { recordText } from '../bench/generateRecords';
import { fullRenderOf, publicLogFiles } from './helpers/publicLogFolder';

// The public log of thousands of records is tens of megabytes, and its kept sections as much
// again. Writing it must not hold several whole copies of them at once (the log as one string,
// its copy with the end trimmed, the file's current text to compare with, the kept sections'
// file as one string and as lines): that is what made the first write the largest use of memory.
// The write runs here in a thread whose heap is capped well below those copies, but above what
// one copy of the sections, which a write must hold to order them, needs.

const COUNT = 160;
/** Characters of public impact text per record: the log is about COUNT × this. */
const IMPACT_CHARS = 60_000;
/** The thread's old generation, in MB: the log is about 10 MB; several copies of it do not fit. */
const HEAP_LIMIT_MB = 48;

/** Runs one public-log write in a thread with a capped heap; resolves with how many records it read. */
function writeInSmallHeap(folder: string, cacheFile: string, sectionsFile: string, logFile: string): Promise<number> {
  const code = `
    const { parentPort, workerData: w } = require('node:worker_threads');
    const { IncidentStore } = require(w.storeModule);
    const { writePublicLogFile } = require(w.logModule);
    writePublicLogFile(new IncidentStore(w.folder, { cacheFile: w.cacheFile }), w.logFile, w.sectionsFile)
      .then((r) => parentPort.postMessage(r.read), (e) => parentPort.postMessage('error: ' + e.message));
  `;
  const workerData = {
    storeModule: path.join(__dirname, '../../src/store/incidentStore.js'),
    logModule: path.join(__dirname, '../../src/store/publicLogFile.js'),
    folder,
    cacheFile,
    sectionsFile,
    logFile,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData, resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB, maxYoungGenerationSizeMb: 8 } });
    let answered = false;
    worker.on('message', (m: number | string) => {
      answered = true;
      if (typeof m === 'number') resolve(m);
      else reject(new Error(m));
      void worker.terminate();
    });
    worker.on('error', (err) => reject(err));
    worker.on('exit', (code) => {
      if (!answered) reject(new Error(`the writing thread stopped (exit ${code}) before it answered`));
    });
  });
}

describe('The public log of many records in bounded memory', () => {
  let dir: string;
  let folder: string;
  let cacheFile: string;
  let sectionsFile: string;
  let logFile: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-public-log-memory-'));
    ({ folder, cacheFile, sectionsFile, logFile } = publicLogFiles(dir));
    fs.mkdirSync(folder);
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < COUNT; i++) {
      const { name, text } = recordText(i, COUNT, 2);
      // A long public impact (plain words: the record stays quick to parse).
      const words = `Orders from the EU were slow for record ${i}. `.repeat(Math.ceil(IMPACT_CHARS / 45)).slice(0, IMPACT_CHARS);
      fs.writeFileSync(path.join(folder, name), text.replace(/^impact: \|\n/m, `impact: |\n  ${words}\n`));
      fs.utimesSync(path.join(folder, name), hourAgo, hourAgo);
    }
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));


  it('writes the first log, and the log after one change, with a heap far smaller than a few copies of the log', async () => {
    assert.equal(await writeInSmallHeap(folder, cacheFile, sectionsFile, logFile), COUNT);
    const expected = fullRenderOf(folder);
    assert.ok(expected.length > COUNT * IMPACT_CHARS * 0.9, `the log is large (${expected.length} characters)`);
    assert.equal(fs.readFileSync(logFile, 'utf8'), expected);

    const changed = path.join(folder, fs.readdirSync(folder).sort()[5]!);
    fs.writeFileSync(changed, fs.readFileSync(changed, 'utf8').replace(/^impact: \|\n {2}/m, 'impact: |\n  Search was down for everyone. '));
    assert.equal(await writeInSmallHeap(folder, cacheFile, sectionsFile, logFile), 1);
    assert.equal(fs.readFileSync(logFile, 'utf8'), fullRenderOf(folder));
  });
});

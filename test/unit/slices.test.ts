import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { markDuplicateSummaries, readSummaryCache, writeSummaryCache, type CachedSummary, type RecordSummary } from '../../src/store/summaryCache';
import { IncidentStore } from '../../src/store/incidentStore';
import { SLICE_ITEMS, SLICE_MS, slicePacer } from '../../src/store/slices';

const MANY = 5000;

function summaries(folder: string): Map<string, CachedSummary> {
  const entries = new Map<string, CachedSummary>();
  for (let i = 0; i < MANY; i++) {
    const name = `r${String(i).padStart(5, '0')}.yaml`;
    const summary: RecordSummary = { file: path.join(folder, name), kind: 'ok', id: `r${i}`, title: `Incident ${i}`, severity: 2, status: 'closed', declaredAt: '2026-01-01T00:00:00Z', declaredMs: 0 };
    entries.set(name, { stamp: { size: 100, mtimeMs: 1, ctimeMs: 1, ino: i }, hash: 'h', checkedAt: 5000, summary });
  }
  return entries;
}

/**
 * Runs `work` while the event loop's turns are watched: at each turn, `progress()` says how far
 * the work has got. Turns that see it started but not finished prove it yielded part-way.
 */
async function turnsInTheMiddle(progress: () => number, total: number, work: () => Promise<unknown>): Promise<number> {
  let middle = 0;
  let running = true;
  const turn = () => {
    if (!running) return;
    const done = progress();
    if (done > 0 && done < total) middle++;
    setImmediate(turn);
  };
  setImmediate(turn);
  try {
    await work();
  } finally {
    running = false;
  }
  return middle;
}

/** Counts calls of JSON[name] with a string argument of the entries' shape while `work` runs. */
async function countingJson<T>(name: 'parse' | 'stringify', fn: (count: () => number) => Promise<T>): Promise<T> {
  const original = JSON[name] as (...args: unknown[]) => unknown;
  let calls = 0;
  (JSON as unknown as Record<string, unknown>)[name] = function (...args: unknown[]) {
    calls++;
    return original.apply(JSON, args);
  };
  try {
    return await fn(() => calls);
  } finally {
    (JSON as unknown as Record<string, unknown>)[name] = original;
  }
}

describe('Thousands of summaries on the main thread, a slice at a time', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-slices-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the cache a line of entries at a time, letting the event loop run between slices', async () => {
    const folder = path.join(dir, '.incidents');
    const cacheFile = path.join(dir, 'cache.json');
    const middle = await countingJson('stringify', (count) => turnsInTheMiddle(count, MANY + 1, () => writeSummaryCache(cacheFile, folder, summaries(folder))));
    assert.ok(middle >= 3, `the event loop ran ${middle} times while entries were being written`);
  });

  it('reads the cache a line of entries at a time, letting the event loop run between slices', async () => {
    const folder = path.join(dir, '.incidents');
    const cacheFile = path.join(dir, 'cache.json');
    await writeSummaryCache(cacheFile, folder, summaries(folder));
    let read: Awaited<ReturnType<typeof readSummaryCache>>;
    const middle = await countingJson('parse', (count) => turnsInTheMiddle(count, MANY + 1, async () => (read = await readSummaryCache(cacheFile, folder))));
    assert.ok(middle >= 3, `the event loop ran ${middle} times while entries were being read`);
    assert.equal(read!.entries.size, MANY);
  });

  it('marks duplicate ids in slices, and still finds every duplicate', async () => {
    const list = [...summaries(dir).values()].map((e) => e.summary);
    list[4321] = { ...list[4321]!, id: 'r7' };
    let seen = 0;
    const proxy = list.map((s, i) => new Proxy(s, { get: (t, k) => (k === 'id' && (seen = Math.max(seen, i + 1)), Reflect.get(t, k)) }));
    let marked: RecordSummary[] = [];
    const middle = await turnsInTheMiddle(() => seen, MANY, async () => (marked = await markDuplicateSummaries(proxy)));
    assert.ok(middle >= 3, `the event loop ran ${middle} times while ids were being compared`);
    assert.deepEqual(marked.flatMap((s, i) => (s.kind === 'broken' ? [i] : [])), [7, 4321]);
  });

  it('completes every closed record\'s summary from the cache in slices (what the public log and a full cache write need)', async () => {
    // Real files whose stamps the cache vouches for: a warm store knows them as closed, by id and month only.
    const folder = path.join(dir, '.incidents');
    const cacheFile = path.join(dir, 'cache.json');
    const entries = summaries(folder);
    fs.mkdirSync(folder);
    for (const [name, entry] of entries) {
      fs.writeFileSync(path.join(folder, name), 'x');
      const st = fs.statSync(path.join(folder, name));
      // Checked after the files last changed (past the racy window), so their stamps are trusted.
      Object.assign(entry, { stamp: { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino }, checkedAt: Date.now() + 60_000 });
    }
    await writeSummaryCache(cacheFile, folder, entries);
    const store = new IncidentStore(folder, { cacheFile });
    const partial = await store.loadSummaries();
    assert.equal(partial.filter((s) => s.partial).length, MANY, 'a warm start knows closed records by their stamps only');
    const whole = () => partial.filter((s) => !s.partial).length;
    const middle = await turnsInTheMiddle(whole, MANY, () => store.completeSummaries());
    assert.ok(middle >= 3, `the event loop ran ${middle} times while summaries were being completed`);
    assert.equal(whole(), MANY);
    assert.deepEqual(
      store.summaries().map((s) => s.title),
      [...entries.values()].map((e) => e.summary.title),
    );
  });
});

describe('The slice pacer', () => {
  /** Runs `items` through a pacer, each costing `itemMs` of busy time; counts the clock's reads and times each slice. */
  async function paced(items: number, itemMs: number): Promise<{ clockReads: number; slices: number[] }> {
    const realNow = Date.now;
    let clockReads = 0;
    Date.now = () => {
      clockReads++;
      return realNow();
    };
    const slices: number[] = [];
    try {
      const pace = slicePacer();
      let sliceStart = performance.now();
      for (let i = 0; i < items; i++) {
        const until = performance.now() + itemMs;
        while (itemMs > 0 && performance.now() < until) {
          // busy: an item of this cost
        }
        const pause = pace();
        if (pause) {
          slices.push(performance.now() - sliceStart);
          await pause;
          sliceStart = performance.now();
        }
      }
    } finally {
      Date.now = realNow;
    }
    return { clockReads, slices };
  }

  it('reads the clock about once a millisecond for cheap items, not once per item', async () => {
    const { clockReads, slices } = await paced(20_000, 0);
    assert.ok(clockReads < 20_000 / 10, `${clockReads} clock reads for 20,000 cheap items`);
    // The item count still ends slices, however fast the items go.
    assert.ok(slices.length >= 20_000 / SLICE_ITEMS - 1, `${slices.length} slices`);
  });

  it('still ends a slice of costly items about when its time is up', async () => {
    const { slices } = await paced(60, 2);
    assert.ok(slices.length >= 5, `${slices.length} slices`);
    // Each item costs 2 ms: a slice runs past SLICE_MS by an item or so (the median), and never by
    // many (the longest, with room for this machine's other work).
    const sorted = [...slices].sort((a, b) => a - b);
    assert.ok(sorted[sorted.length >> 1]! <= SLICE_MS + 2 * 2 + 1, `slices of ${sorted.map((ms) => ms.toFixed(1)).join(', ')} ms`);
    assert.ok(sorted[sorted.length - 1]! < 3 * SLICE_MS, `slices of ${sorted.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { markDuplicateSummaries, readSummaryCache, writeSummaryCache, type CachedSummary, type RecordSummary } from '../../src/store/summaryCache';

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
});

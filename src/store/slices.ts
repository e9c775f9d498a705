// Work over thousands of records on the caller's thread without holding its event loop: the
// loop yields after a few milliseconds of work, or after a fixed number of items, whichever
// comes first (the count makes the yields certain on a fast machine too).

/** How long one slice of work may run before it yields. */
export const SLICE_MS = 8;
/** Items per slice at most, however fast they go. */
export const SLICE_ITEMS = 1000;

/**
 * The clock a slice is timed by: `Date.now()`, read once per item. Not `performance.now()`, whose
 * first use loads the performance-timing modules (several milliseconds of a command line's
 * start), nor `process.hrtime()`, which allocates on every read. A jump of the wall clock can
 * only end one slice early or late, and the item count bounds a slice anyway.
 */
export function sliceClockMs(): number {
  return Date.now();
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A pacer for a loop: call it once per item; it returns a promise to await when the slice is
 * used up, and undefined otherwise (so the common case costs a clock read, not a promise).
 */
export function slicePacer(sliceMs: number = SLICE_MS, sliceItems: number = SLICE_ITEMS): () => Promise<void> | undefined {
  let start = sliceClockMs();
  let items = 0;
  // The item at which the clock is read next. Cheap items (a stat, a cache line) come many to a
  // millisecond, and reading the clock for each was a tenth of a warm load's loop; the next read
  // is therefore about a millisecond's worth of items away, as the slice so far measures them.
  let nextRead = 1;
  return () => {
    if (++items < sliceItems) {
      if (items < nextRead) return undefined;
      const elapsed = sliceClockMs() - start;
      if (elapsed < sliceMs) {
        nextRead = items + Math.max(1, Math.floor(items / Math.max(elapsed, 1)));
        return undefined;
      }
    }
    return yieldToEventLoop().then(() => {
      start = sliceClockMs();
      items = 0;
      nextRead = 1;
    });
  };
}

/** Runs `fn` over the items in slices, yielding to the event loop between them. */
export async function forEachInSlices<T>(items: Iterable<T>, fn: (item: T, index: number) => void): Promise<void> {
  const pace = slicePacer();
  let i = 0;
  for (const item of items) {
    fn(item, i++);
    const pause = pace();
    if (pause) await pause;
  }
}

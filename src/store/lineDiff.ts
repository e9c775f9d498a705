// A line diff (Myers, O((N+M)·D)) for splicing re-serialized YAML back into the original text.

export type LineOp = { kind: 'same'; a: number; b: number } | { kind: 'del'; a: number } | { kind: 'ins'; b: number };

/** The edit script turning a into b, or undefined when they differ in more than maxEdits lines. */
export function diffLines(a: readonly string[], b: readonly string[], maxEdits: number): LineOp[] | undefined {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a, b, start, endA, start, endB, maxEdits);
  if (!middle) return undefined;
  const ops: LineOp[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: 'same', a: i, b: i });
  ops.push(...middle);
  for (let i = 0; endA + i < a.length; i++) ops.push({ kind: 'same', a: endA + i, b: endB + i });
  return ops;
}

function myers(a: readonly string[], b: readonly string[], a0: number, a1: number, b0: number, b1: number, maxEdits: number): LineOp[] | undefined {
  const n = a1 - a0;
  const m = b1 - b0;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return undefined;
  // Walk back through the saved frontiers to recover the script.
  const ops: LineOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: 'same', a: a0 + x, b: b0 + y });
    }
    if (x === prevX) {
      y--;
      ops.push({ kind: 'ins', b: b0 + y });
    } else {
      x--;
      ops.push({ kind: 'del', a: a0 + x });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    ops.push({ kind: 'same', a: a0 + x, b: b0 + y });
  }
  return ops.reverse();
}

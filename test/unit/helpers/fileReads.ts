// Which files under a folder were opened or read while some code ran: every read of a record,
// whichever way it goes (promises, callbacks or sync; open or readFile), passes through one of
// these node:fs functions, so wrapping them counts reads without trusting the code under test.
// The module object itself (not a namespace copy), so the wrappers are what every caller gets.
import fs from 'node:fs';
import * as path from 'node:path';

type Target = Record<string, unknown>;

export async function filesReadDuring<T>(folder: string, fn: () => Promise<T>): Promise<{ result: T; files: string[] }> {
  const root = path.resolve(folder) + path.sep;
  const seen: string[] = [];
  const note = (p: unknown) => {
    const file = typeof p === 'string' ? p : p instanceof URL ? p.pathname : undefined;
    if (file && path.resolve(file).startsWith(root)) seen.push(path.resolve(file));
  };
  const wrapped: [Target, string, unknown][] = [];
  const wrap = (target: Target, name: string) => {
    const original = target[name] as (...args: unknown[]) => unknown;
    wrapped.push([target, name, original]);
    target[name] = function (this: unknown, ...args: unknown[]) {
      note(args[0]);
      return original.apply(this, args);
    };
  };
  for (const name of ['open', 'readFile', 'createReadStream', 'openSync', 'readFileSync']) wrap(fs as unknown as Target, name);
  for (const name of ['open', 'readFile']) wrap(fs.promises as unknown as Target, name);
  try {
    const result = await fn();
    return { result, files: [...new Set(seen)].sort() };
  } finally {
    for (const [target, name, original] of wrapped) target[name] = original;
  }
}

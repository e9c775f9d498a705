// A linked test is identified by its file and its full title path, never by its title alone:
// the same title in two suites or two files names two different tests.
import type { TestRef } from './record';

const SEPARATOR = ' > ';

export class TestRefError extends Error {}

/** Workspace-relative, forward slashes, no leading "./": the one spelling a file has in a TestRef. */
export function normalizeTestFile(file: string): string {
  let f = file.trim().replace(/\\/g, '/');
  while (f.startsWith('./')) f = f.slice(2);
  return f;
}

/** A stable string key for maps and sets; JSON keeps titles containing any separator distinct. */
export function testKey(ref: TestRef): string {
  return JSON.stringify([normalizeTestFile(ref.file), ...ref.title]);
}

export function sameTest(a: TestRef, b: TestRef): boolean {
  return testKey(a) === testKey(b);
}

/** `file > suite > title`, the form shown to people and typed back in. */
export function formatTestRef(ref: TestRef): string {
  return [normalizeTestFile(ref.file), ...ref.title].join(SEPARATOR);
}

/** Reads a typed-in link, e.g. "test/checkout.test.ts > EU VAT > returns 200". */
export function parseTestRef(text: string): TestRef {
  const parts = text.split(SEPARATOR).map((p) => p.trim());
  const file = normalizeTestFile(parts[0] ?? '');
  const title = parts.slice(1);
  if (!file) throw new TestRefError(`"${text}" does not start with a test file (e.g. "test/checkout.test.ts > EU VAT > returns 200")`);
  if (title.length === 0 || title.some((t) => t === '')) {
    throw new TestRefError(`"${text}" needs the test's title after the file, separated by " > " (e.g. "test/checkout.test.ts > EU VAT > returns 200")`);
  }
  return { file, title };
}

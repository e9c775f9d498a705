// Paths inside a repository's working tree, as git names them.
import { isAbsolute, relative, sep } from 'node:path';

/** `path` relative to the folder `top`, with forward slashes ('' for `top` itself); null when it lies outside it. */
export function relativeInside(top: string, path: string): string | null {
  const rel = relative(top, path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

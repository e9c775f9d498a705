// Registers the record merge driver in a repository: the driver command in .git/config (local
// to each clone) and the records folder's files in .gitattributes (committed, shared by the
// team). Idempotent: running it again changes nothing.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';

export const MERGE_DRIVER_NAME = 'incident-room';
/** Runs the package's command line, installed in the project (works without the extension). */
export const DEFAULT_DRIVER_COMMAND = 'npx --no-install incident-room';

export interface GitSetupResult {
  repoRoot: string;
  configChanged: boolean;
  attributesChanged: boolean;
  attributesFile: string;
}

/** The .gitattributes lines for a records folder (relative to the repository root, with forward slashes). */
export function attributeLines(recordsFolder: string): string[] {
  const folder = recordsFolder.split(path.sep).join('/').replace(/^\.\/|\/$/g, '');
  return [`${folder}/*.yaml merge=${MERGE_DRIVER_NAME}`, `${folder}/*.yml merge=${MERGE_DRIVER_NAME}`];
}

/**
 * Sets up the merge driver for the records folder (absolute, or relative to cwd) in the
 * repository that contains it. driverCommand runs the command line, e.g. `node /path/cli.js`.
 */
export async function setupGitMergeDriver(cwd: string, recordsFolder: string, driverCommand: string = DEFAULT_DRIVER_COMMAND): Promise<GitSetupResult> {
  // Writing a merge driver into the config is what this function is for; simple-git guards it by default.
  const git = simpleGit({ baseDir: cwd, unsafe: { allowUnsafeMergeDriver: true } } as Parameters<typeof simpleGit>[0]);
  const repoRoot = path.resolve((await git.revparse(['--show-toplevel'])).trim());
  const absFolder = path.resolve(cwd, recordsFolder);
  const relFolder = path.relative(await fs.realpath(repoRoot), await fs.realpath(absFolder).catch(() => absFolder));
  if (relFolder.startsWith('..') || path.isAbsolute(relFolder)) throw new Error(`${absFolder} is not inside the repository at ${repoRoot}`);

  const driver = `${driverCommand} merge-driver %O %A %B %P`;
  const name = 'Incident Room: merges incident records by meaning';
  const current = async (key: string) => (await git.raw(['config', '--local', '--get', key]).catch(() => '')).trim();
  let configChanged = false;
  if ((await current(`merge.${MERGE_DRIVER_NAME}.driver`)) !== driver) {
    await git.raw(['config', '--local', `merge.${MERGE_DRIVER_NAME}.driver`, driver]);
    configChanged = true;
  }
  if ((await current(`merge.${MERGE_DRIVER_NAME}.name`)) !== name) {
    await git.raw(['config', '--local', `merge.${MERGE_DRIVER_NAME}.name`, name]);
    configChanged = true;
  }

  const attributesFile = path.join(repoRoot, '.gitattributes');
  let existing = '';
  try {
    existing = await fs.readFile(attributesFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const have = new Set(existing.split(/\r?\n/).map((l) => l.trim()));
  const missing = attributeLines(relFolder || '.').filter((l) => !have.has(l));
  if (missing.length > 0) {
    const sep = existing === '' || existing.endsWith('\n') ? '' : '\n';
    await fs.writeFile(attributesFile, `${existing}${sep}${missing.join('\n')}\n`);
  }
  return { repoRoot, configChanged, attributesChanged: missing.length > 0, attributesFile };
}

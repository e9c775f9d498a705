// Facts about the fix branch, read through simple-git. Nothing here changes the record.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { sharedGit } from './runner';
import type { FixBranch, Person } from '../model/record';

export class GitFactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitFactError';
  }
}

export interface ImCommit {
  sha: string;
  subject: string;
  authorEmail: string;
}

export interface FixBranchStatus {
  branch: string;
  base: string;
  /** The repository's default branch (origin's HEAD, else the one of main and master that exists); null when git cannot name it. */
  defaultBranch: string | null;
  exists: boolean;
  baseExists: boolean;
  /** The checked-out branch, or null when HEAD is detached. */
  currentBranch: string | null;
  checkedOut: boolean;
  /** Full SHA of the branch's tip; "" when the branch does not exist. */
  head: string;
  shortHead: string;
  /** Commits on the branch not on the base, and on the base not on the branch; null without both. */
  ahead: number | null;
  behind: number | null;
  /** With the branch checked out: uncommitted changes to tracked files, or untracked files git does not ignore. */
  dirty: boolean;
  dirtyFiles: string[];
  /** Untracked files that are not git-ignored: they take part in a run as much as committed ones. */
  untrackedFiles: string[];
  /** Commits since the branch left its base authored by the IM, who must not fix the problem. */
  imCommits: ImCommit[];
}

/** The process-wide git runner for the repository (at most a few git processes at once). */
export function git(repoDir: string): SimpleGit {
  return sharedGit(repoDir);
}

/** Refuses names git would refuse, and names that would read as options. */
export function checkBranchName(branch: string): void {
  if (!branch || branch.startsWith('-') || /[\s~^:?*[\\]|\.\.|@\{|\/\/|\/$|\.lock$|^\/|\.$/.test(branch)) {
    throw new GitFactError(`"${branch}" is not a valid branch name`);
  }
}

async function resolveBranch(g: SimpleGit, branch: string): Promise<string | null> {
  try {
    const sha = (await g.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`])).trim();
    return sha || null;
  } catch {
    return null;
  }
}

/** Where incident records live by default; their YAML edits are not changes to the code under test. */
export const DEFAULT_IGNORED_PATHS: readonly string[] = ['.incidents/'];

/** Whether a repository-relative path is one of the checked exclusions: a record's YAML or the public log. */
export function isExcluded(path: string, exclusions: readonly string[]): boolean {
  return exclusions.some((e) => (e.endsWith('/') ? path.startsWith(e) && !path.slice(e.length).includes('/') && /\.ya?ml$/i.test(path) : path === e));
}

/** One changed path as git status reports it: the index and work-tree letters ("?" for untracked). */
export interface ChangedPath {
  path: string;
  index: string;
  working_dir: string;
}

/** The working tree as one `git status --porcelain=v2 --branch` reports it. */
export interface TreeStatus {
  /** HEAD's commit; null before the first commit. */
  head: string | null;
  /** The checked-out branch; null when HEAD is detached. */
  branch: string | null;
  files: ChangedPath[];
}

/**
 * HEAD's commit, the checked-out branch and every uncommitted or untracked file, in one git
 * process. Paths are relative to the repository's top level; a rename or copy lists both its
 * paths, so moving a file into an excluded place does not hide that it left its old one.
 */
export async function treeStatus(repoDir: string): Promise<TreeStatus> {
  const out = await git(repoDir).raw(['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all']);
  return parseTreeStatus(out);
}

export function parseTreeStatus(out: string): TreeStatus {
  const status: TreeStatus = { head: null, branch: null, files: [] };
  const fields = out.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.startsWith('# branch.oid ')) {
      const oid = entry.slice('# branch.oid '.length);
      status.head = oid === '(initial)' ? null : oid;
    } else if (entry.startsWith('# branch.head ')) {
      const head = entry.slice('# branch.head '.length);
      status.branch = head === '(detached)' ? null : head;
    } else if (entry.startsWith('? ')) {
      status.files.push({ path: entry.slice(2), index: '?', working_dir: '?' });
    } else if (entry.startsWith('! ')) {
      status.files.push({ path: entry.slice(2), index: '!', working_dir: '!' });
    } else if (/^[12u] /.test(entry)) {
      // Fields before the path: "1 XY sub mH mI mW hH hI", "2 … Xscore", "u XY sub m1 m2 m3 mW h1 h2 h3".
      const before = entry[0] === '1' ? 8 : entry[0] === '2' ? 9 : 10;
      const parts = entry.split(' ');
      const xy = parts[1] ?? '..';
      const change = { index: xy[0] ?? '.', working_dir: xy[1] ?? '.' };
      status.files.push({ path: parts.slice(before).join(' '), ...change });
      // A rename or copy: its original path is the next field.
      if (entry[0] === '2' && i + 1 < fields.length) status.files.push({ path: fields[++i]!, ...change });
    }
  }
  return status;
}

/** Uncommitted changes to tracked files, and untracked files git does not ignore, outside the exclusions. */
export function codeChanges(status: { files: readonly ChangedPath[] }, exclusions: readonly string[]): { dirtyFiles: string[]; untrackedFiles: string[] } {
  const dirtyFiles: string[] = [];
  const untrackedFiles: string[] = [];
  for (const f of status.files) {
    if (f.index === '!' || isExcluded(f.path, exclusions)) continue;
    if (f.index === '?' && f.working_dir === '?') untrackedFiles.push(f.path);
    else dirtyFiles.push(f.path);
  }
  return { dirtyFiles: [...new Set(dirtyFiles)].sort(), untrackedFiles: untrackedFiles.sort() };
}

/**
 * Tracked files with uncommitted changes, staged or not, outside the exclusions (a records
 * folder's YAML files, the public log: recording a run edits the record, which must not make the tree dirty).
 */
export function trackedChanges(status: { files: readonly ChangedPath[] }, ignore: readonly string[] = DEFAULT_IGNORED_PATHS): string[] {
  return codeChanges(status, ignore).dirtyFiles;
}

export async function currentBranchOf(repoDir: string): Promise<string | null> {
  try {
    return (await git(repoDir).raw(['symbolic-ref', '--short', '-q', 'HEAD'])).trim() || null;
  } catch {
    return null;
  }
}

/** Links a branch that already exists locally; returns its tip. */
export async function linkExistingBranch(repoDir: string, branch: string): Promise<{ branch: string; head: string }> {
  checkBranchName(branch);
  const head = await resolveBranch(git(repoDir), branch);
  if (!head) throw new GitFactError(`there is no local branch "${branch}"`);
  return { branch, head };
}

/** Creates the fix branch from its base; leaves the checkout alone unless asked. */
export async function createFixBranch(repoDir: string, branch: string, base: string, opts: { checkout?: boolean } = {}): Promise<{ branch: string; head: string }> {
  checkBranchName(branch);
  checkBranchName(base);
  const g = git(repoDir);
  if (await resolveBranch(g, branch)) throw new GitFactError(`a branch "${branch}" already exists; link it instead`);
  const baseHead = await resolveBranch(g, base);
  if (!baseHead) throw new GitFactError(`there is no local base branch "${base}"`);
  await g.raw(['branch', '--no-track', branch, baseHead]);
  if (opts.checkout) await checkoutBranch(repoDir, branch);
  return { branch, head: baseHead };
}

/** Checks a branch out, refusing when tracked files have uncommitted changes that would travel along or be lost. */
export async function checkoutBranch(repoDir: string, branch: string): Promise<void> {
  checkBranchName(branch);
  const g = git(repoDir);
  if (!(await resolveBranch(g, branch))) throw new GitFactError(`there is no local branch "${branch}"`);
  const dirty = trackedChanges(await g.status(), []);
  if (dirty.length > 0) {
    throw new GitFactError(`commit or stash the uncommitted changes first: ${dirty.join(', ')}`);
  }
  await g.raw(['checkout', branch, '--']);
}

/** The person whose email or git_emails match, ignoring case. */
export function personForEmail(people: readonly Person[], email: string): Person | undefined {
  const e = email.trim().toLowerCase();
  if (!e) return undefined;
  return people.find((p) => p.email?.trim().toLowerCase() === e || (p.git_emails ?? []).some((g) => g.trim().toLowerCase() === e));
}

export interface KnownTree {
  currentBranch: string | null;
  dirtyFiles: string[];
  untrackedFiles: string[];
}

export interface FixBranchStatusOptions {
  imEmails: string[];
  /** Repository-relative prefixes whose changes do not make the tree dirty; default the records folder. */
  ignorePaths?: readonly string[];
  /** The checked-out branch and the tree's changes (outside the same ignorePaths) as just read, or being read, e.g. right after a run: not asked of git again. */
  known?: KnownTree | Promise<KnownTree>;
  /** The repository's default branch (defaultBranchOf) when the caller has asked already: not asked again. */
  defaultBranch?: Promise<string | null>;
}

/** Commits since the branch left its base authored by any of the emails (the IM's). */
async function commitsBy(g: SimpleGit, baseHead: string, head: string, authorEmails: readonly string[]): Promise<ImCommit[]> {
  const emails = new Set(authorEmails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  if (emails.size === 0) return [];
  // base..head: the commits on the branch that the base does not have, in one git process (no merge-base first).
  const log = await g.log({ from: baseHead, to: head, symmetric: false });
  return log.all.filter((c) => emails.has(c.author_email.toLowerCase())).map((c) => ({ sha: c.hash, subject: c.message, authorEmail: c.author_email }));
}

/** Where the repository's default branch is looked for: origin's HEAD, else the usual names. */
const DEFAULT_BRANCH_REFS = ['refs/remotes/origin/HEAD', 'refs/heads/main', 'refs/heads/master'];

/**
 * Branches' tips (full and short), a branch that does not exist being absent, and the
 * repository's default branch: the branch origin's HEAD names, else whichever one of main and
 * master exists; null when neither tells (no origin HEAD, and both or none of the two). One git process.
 */
async function refFacts(g: SimpleGit, branches: readonly string[], withDefault = true): Promise<{ tips: Map<string, { sha: string; short: string }>; defaultBranch: string | null }> {
  const refs = branches.map((b) => `refs/heads/${b}`);
  const patterns = new Set([...refs, ...(withDefault ? DEFAULT_BRANCH_REFS : [])]);
  // for-each-ref takes patterns (whole path components from the start, and globs): keep the exact names only.
  const out = await g.raw(['for-each-ref', '--format=%(objectname) %(objectname:short) %(refname) %(symref)', ...patterns]);
  const tips = new Map<string, { sha: string; short: string }>();
  let originHead: string | null = null;
  const usual: string[] = [];
  for (const line of out.split('\n')) {
    const [sha, short, ref, symref] = line.split(' ');
    if (!sha || !short || !ref) continue;
    if (ref === DEFAULT_BRANCH_REFS[0]) {
      if (symref?.startsWith('refs/remotes/origin/')) originHead = symref.slice('refs/remotes/origin/'.length);
      continue;
    }
    if (refs.includes(ref)) tips.set(ref.slice('refs/heads/'.length), { sha, short });
    if (withDefault && DEFAULT_BRANCH_REFS.includes(ref)) usual.push(ref.slice('refs/heads/'.length));
  }
  return { tips, defaultBranch: withDefault ? (originHead ?? (usual.length === 1 ? usual[0]! : null)) : null };
}

/** The repository's default branch (see refFacts); null when git cannot name one. */
export async function defaultBranchOf(repoDir: string): Promise<string | null> {
  return (await refFacts(git(repoDir), [])).defaultBranch;
}

/** A promise's outcome without rejecting: read after the others it ran with. */
function settled<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

export async function fixBranchStatus(repoDir: string, fix: FixBranch, opts: FixBranchStatusOptions): Promise<FixBranchStatus> {
  const g = git(repoDir);
  const known = opts.known;
  const baseRef = `refs/heads/${fix.base}`;
  const branchRef = `refs/heads/${fix.branch}`;
  // Every read at once, the counts and the IM's commits by the branches' names: a verdict waits
  // on the slowest git process, not on a chain of them. One status names the checked-out branch
  // and lists the tree's changes.
  const [{ tips, defaultBranch: asked }, tree, counts, imCommits, knownDefault] = await Promise.all([
    refFacts(g, [fix.branch, fix.base], opts.defaultBranch === undefined),
    known ? Promise.resolve(known) : treeStatus(repoDir).then((t) => ({ currentBranch: t.branch, ...codeChanges(t, opts.ignorePaths ?? DEFAULT_IGNORED_PATHS) })),
    settled(g.raw(['rev-list', '--left-right', '--count', `${baseRef}...${branchRef}`, '--'])),
    settled(commitsBy(g, baseRef, branchRef, opts.imEmails)),
    opts.defaultBranch,
  ]);
  const defaultBranch = knownDefault === undefined ? asked : knownDefault;
  const head = tips.get(fix.branch)?.sha ?? null;
  const baseHead = tips.get(fix.base)?.sha ?? null;
  const bothExist = head !== null && baseHead !== null;
  // Without both branches these fail, and mean nothing; with both, a failure is real.
  if (bothExist && !counts.ok) throw counts.error;
  if (bothExist && !imCommits.ok) throw imCommits.error;
  const currentBranch = tree.currentBranch;
  const checkedOut = currentBranch === fix.branch;
  const changes = checkedOut ? tree : null;
  const status: FixBranchStatus = {
    branch: fix.branch,
    base: fix.base,
    defaultBranch,
    exists: head !== null,
    baseExists: baseHead !== null,
    currentBranch,
    checkedOut,
    head: head ?? '',
    shortHead: tips.get(fix.branch)?.short ?? '',
    ahead: null,
    behind: null,
    dirty: false,
    dirtyFiles: changes?.dirtyFiles ?? [],
    untrackedFiles: changes?.untrackedFiles ?? [],
    imCommits: bothExist && imCommits.ok ? imCommits.value : [],
  };
  status.dirty = status.dirtyFiles.length > 0 || status.untrackedFiles.length > 0;
  if (bothExist && counts.ok) {
    const [behind, ahead] = counts.value.trim().split(/\s+/).map(Number);
    status.ahead = ahead ?? 0;
    status.behind = behind ?? 0;
  }
  return status;
}

/** Git dirs by the folder asked about: a folder's git dir does not change while the process runs. */
const gitDirs = new Map<string, Promise<string>>();
const MAX_GIT_DIRS = 64;

function rememberGitDir(dir: string, gitDir: Promise<string>): Promise<string> {
  if (gitDirs.size >= MAX_GIT_DIRS) gitDirs.delete(gitDirs.keys().next().value!);
  gitDirs.set(dir, gitDir);
  // A folder that is not (yet) a repository is asked again next time.
  gitDir.catch(() => gitDirs.delete(dir));
  return gitDir;
}

/** The repository's git dir (where evidence lives, never committed); asked of git once per folder. */
export function gitDirOf(repoDir: string): Promise<string> {
  return gitDirs.get(repoDir) ?? rememberGitDir(repoDir, git(repoDir).raw(['rev-parse', '--absolute-git-dir']).then((s) => s.trim()));
}

/** The directory holding a repository's refs and shared files: the git dir itself, or the one its `commondir` names (a linked worktree's). */
export function commonDirOf(gitDir: string): string {
  try {
    return resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    return gitDir;
  }
}

/** The repository a folder is in (its top level) and its git dir, in one git process. */
export async function repositoryOf(dir: string): Promise<{ repoDir: string; gitDir: string }> {
  const [repoDir = '', gitDir = ''] = (await git(dir).raw(['rev-parse', '--show-toplevel', '--absolute-git-dir'])).split('\n').map((l) => l.trim());
  if (!gitDirs.has(repoDir)) rememberGitDir(repoDir, Promise.resolve(gitDir));
  return { repoDir, gitDir };
}

/** HEAD's commit, the checked-out branch and the tracked changes: what a test run ran on. */
export async function workingTreeFacts(repoDir: string, ignorePaths?: readonly string[]): Promise<{ sha: string; branch: string | null; dirtyFiles: string[] }> {
  const g = git(repoDir);
  const sha = (await g.raw(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  const [branch, status] = await Promise.all([currentBranchOf(repoDir), g.status()]);
  return { sha, branch, dirtyFiles: trackedChanges(status, ignorePaths) };
}

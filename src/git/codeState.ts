// What code a test run ran on, and whether it changed: the commit, every uncommitted or
// untracked file, and git's own traces of HEAD and the index moving. Only the records folder's
// YAML files and the one public log are not code; every exclusion is checked to be such.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { someOf } from '../model/plural';
import { WORK_DIR_NAME } from '../store/workDir';
import { codeChanges, commonDirOf, git, gitDirOf, isExcluded, parseTreeStatus } from './fixBranch';
import { relativeInside } from './repoPath';
import { separateIndexGit, treeAsOnDiskGit } from './runner';

/** The first line Incident Room writes into the public log; a file without it is not the log. */
export const PUBLIC_LOG_HEADING = '# Incident log';

export interface CodeExclusions {
  /** Repository-relative prefixes ("records/" for a folder, "LOG.md" for the log) that passed the checks. */
  paths: string[];
  /** Asked-for exclusions that are not a records folder or the public log, and why. */
  refused: string[];
}

/**
 * Checks what a caller asks to leave out of the clean-tree check: a folder (ending in "/")
 * excludes only its own YAML files; a file is excluded only when it is Markdown and, where it
 * exists, starts as Incident Room's public log does.
 */
export function checkExclusions(repoDir: string, asked: readonly string[]): CodeExclusions {
  const result: CodeExclusions = { paths: [], refused: [] };
  for (const raw of asked) {
    const p = raw.replace(/\\/g, '/').replace(/^\.\//, '');
    if (!p || p === '/' || p.startsWith('../') || p.startsWith('/')) {
      result.refused.push(`${raw}: outside the repository`);
    } else if (p.endsWith('/')) {
      result.paths.push(p);
    } else if (!/\.md$/i.test(p)) {
      result.refused.push(`${p} is not Markdown, so it is not the public log: its changes count as changes to the code`);
    } else if (!looksLikePublicLog(join(repoDir, p))) {
      result.refused.push(`${p} does not start with "${PUBLIC_LOG_HEADING}", so it is not the public log: its changes count as changes to the code`);
    } else {
      result.paths.push(p);
    }
  }
  return result;
}

function looksLikePublicLog(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
  } catch {
    return true; // Not written yet: nothing to hide.
  }
  return readFileSync(file, 'utf8').startsWith(PUBLIC_LOG_HEADING);
}

export interface CodeState {
  sha: string;
  branch: string | null;
  dirtyFiles: string[];
  untrackedFiles: string[];
  /** Lines in HEAD's reflog: every checkout, commit or reset adds one, even one that comes back. */
  headMoves: number;
  /** The index's entries (mode, object, path), hashed: staging anything changes it. */
  indexHash: string;
  /** Tracked files where an installed test runner lives (node_modules/mocha/, .bin/, …): the branch would ship its own judge. */
  trackedRunnerFiles: string[];
  /** Tracked symbolic links that lead out of what the commit carries, as "link → target" (see linksOutOfCommit); read on first call. */
  linksOutOfCommit(): readonly string[];
  /** Attribute lines through which git converts a file on check-in so that another file reads as the committed one (see hidingAttributes); read on first call. */
  hidingAttributes(): readonly string[];
  /** Whether git tracks this repository-relative path (a file in the index). */
  tracks(path: string): boolean;
  /** The index's paths. */
  trackedFiles(): readonly string[];
  /** Tracked files written while the run ran, even if they read as committed again (set by the run; see writtenSince). */
  writtenDuringRun: string[];
  /** Tracked files marked skip-worktree (a sparse checkout's): absent from the tree, they take no part in a run. */
  skipWorktree: string[];
  /** Changed and untracked files the exclusions left out, and those of them new in the index (not at HEAD): each must be a record, or the log (see leftOutThatCount). */
  leftOut: { dirty: string[]; untracked: string[]; added: string[] };
}

/** The standard Git LFS filter, as `git lfs install` configures it: its clean side stores the file, it does not rewrite it. */
const LFS_FILTER: Readonly<Record<string, string>> = { clean: 'git-lfs clean -- %f', process: 'git-lfs filter-process' };

/**
 * The clean and process filters in a `git config -z --get-regexp` listing, other than Git LFS's
 * own. git reads a file through its clean filter before comparing it with the index, so a filter
 * of this machine's config (carried by no commit, and applied to any file by .git/info/attributes)
 * can make a changed file look unchanged.
 */
function foreignFilters(listing: string): string[] {
  const found: string[] = [];
  for (const entry of listing.split('\0')) {
    const newline = entry.indexOf('\n');
    const key = newline < 0 ? entry : entry.slice(0, newline);
    const value = newline < 0 ? '' : entry.slice(newline + 1);
    const m = /^filter\.(.+)\.(clean|process)$/i.exec(key);
    if (!m || !value.trim()) continue;
    if (m[1] === 'lfs' && LFS_FILTER[m[2]!.toLowerCase()] === value.trim()) continue;
    found.push(key);
  }
  return found;
}

/**
 * Where the test runners Incident Room knows keep their installed files (their packages, the bin
 * links, a runner's bin in any package, as an npm alias installs it); a fix branch that commits
 * files there ships the runner that judges it.
 */
const RUNNER_PACKAGE_DIRS = /(^|\/)node_modules\/((\.bin|mocha|jest|jest-cli)\/|(@[^/]+\/)?[^/]+\/bin\/(_?mocha|jest)(\.c?js)?$)/;

/** The path of an `ls-files --stage -v -z` entry: all after the tab (a path may hold any other character). */
const pathOfEntry = (entry: string): string => entry.slice(entry.indexOf('\t') + 1);

/** Tracked paths among an `ls-files --stage -v -z` listing's entries that lie where an installed runner's files are. */
function runnerFilesIn(index: readonly string[]): string[] {
  const found: string[] = [];
  for (const entry of index) {
    if (!entry.includes('node_modules/')) continue;
    const path = pathOfEntry(entry);
    if (RUNNER_PACKAGE_DIRS.test(path)) found.push(path);
  }
  return found;
}

/** One `ls-files --stage -v -z` entry: its tag (H; S for skip-worktree; lower case for assume-unchanged), the index's object, the path. */
const INDEX_ENTRY = /^(\S) [0-7]{6} ([0-9a-f]+) \d\t([\s\S]*)$/;

/** The index's paths, and a lookup of them, built on first use. */
function trackedPaths(index: readonly string[]): Pick<CodeState, 'tracks' | 'trackedFiles'> {
  let list: string[] | undefined;
  let set: Set<string> | undefined;
  const trackedFiles = () => (list ??= index.map(pathOfEntry));
  return { trackedFiles, tracks: (path) => (set ??= new Set(trackedFiles())).has(path) };
}

/**
 * Tracked files whose inode changed (content written, renamed onto, chmod) at or after
 * `sinceMs`, outside the exclusions. A fix written into a file while the tests load it, and the
 * file put back before the run ends, reads as committed again, and git, which compares content
 * once the stat differs, then calls it unchanged; its ctime, which no one but the system sets,
 * still says when it was written. The file system's clock may lag by a tick, and a coarse one
 * rounds down: a write can only look earlier than it was, never later.
 */
export function writtenSince(repoDir: string, paths: readonly string[], sinceMs: number, exclusions: readonly string[]): string[] {
  const written: string[] = [];
  for (const path of paths) {
    if (isExcluded(path, exclusions)) continue;
    let ctimeMs: number;
    try {
      ctimeMs = lstatSync(join(repoDir, path)).ctimeMs;
    } catch {
      continue; // Not there (a sparse checkout's, or deleted: then status names it).
    }
    if (ctimeMs >= sinceMs) written.push(path);
  }
  return written;
}

/**
 * Lines of this repository's attribute files that set a conversion git applies when it reads a
 * file to compare it with the commit, other than line endings: `ident` collapses any
 * "$Id: … $" on a line to "$Id$", so `/* $Id: *\/ module.exports = 1.23; /* $ *\/` reads as the
 * committed `/* $Id$ *\/` while node runs the fix, and `git add` then makes the index agree;
 * `working-tree-encoding` re-encodes the file. Read from the tracked .gitattributes files as
 * they are on disk, .git/info/attributes and the user's attributes file where git looks for it by
 * default (one named by core.attributesFile is read by filtersOf, and the system's is
 * turned off for the code state's reads: see treeAsOnDiskGit). A macro that sets one is found
 * where it is defined.
 */
function hidingAttributes(repoDir: string, gitDir: string, trackedFiles: readonly string[]): string[] {
  const commonDir = commonDirOf(gitDir);
  const configHome = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const sources = [
    ...trackedFiles.filter((f) => f === '.gitattributes' || f.endsWith('/.gitattributes')).map((f) => ({ file: join(repoDir, f), shown: f })),
    { file: join(commonDir, 'info', 'attributes'), shown: '.git/info/attributes' },
    { file: join(configHome, 'git', 'attributes'), shown: join(configHome, 'git', 'attributes') },
  ];
  return sources.flatMap(({ file, shown }) => attributeLinesThatHide(file).map((line) => `${shown}: ${line}`));
}

/** The lines of an attributes file (none when it cannot be read) that set ident or working-tree-encoding. */
export function attributeLinesThatHide(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && /\s(?:ident|working-tree-encoding=\S+)(?=\s|$)/.test(l));
}

/**
 * Tracked symbolic links (mode 120000) that lead, every link followed, outside the repository or
 * to a file or folder git does not track: what runs through them (src/vat.js linked to a file in
 * an ignored build folder, or in /tmp) is carried by no commit. A link whose target is not there
 * leads nowhere, and is not listed.
 */
function linksOutOfCommit(repoDir: string, index: readonly string[], trackedFiles: readonly string[], exclusions: readonly string[]): string[] {
  // The records folder (or a record, or the log) kept elsewhere through a link is not code.
  const links = index
    .filter((e) => e.slice(2, 8) === '120000')
    .map(pathOfEntry)
    .filter((link) => !isExcluded(link, exclusions) && !exclusions.includes(`${link}/`));
  if (links.length === 0) return [];
  const top = realpathSync(repoDir);
  // The tracked files and the folders that hold them.
  const tracked = new Set<string>();
  for (const path of trackedFiles) {
    tracked.add(path);
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) tracked.add(path.slice(0, i));
  }
  const out: string[] = [];
  for (const link of links) {
    let target: string;
    try {
      target = realpathSync(join(repoDir, link));
    } catch {
      continue;
    }
    const rel = relativeInside(top, target);
    if (!rel || !tracked.has(rel)) out.push(`${link} → ${target}`);
  }
  return out;
}

/**
 * Tracked files whose changes git status does not show: marked assume-unchanged or
 * skip-worktree, present in the working tree, and with other contents than the index has. A
 * sparse checkout's files that are not checked out are not there, and take no part in a run.
 */
async function hiddenChanges(repoDir: string, index: readonly string[], exclusions: readonly string[]): Promise<string[]> {
  const flagged: { path: string; object: string }[] = [];
  for (const entry of index) {
    // Nearly every entry is a plain one (H): told by its first characters, not the pattern, which cost 100 ms over 100,000 entries.
    if (entry.startsWith('H ')) continue;
    const m = INDEX_ENTRY.exec(entry);
    if (!m || m[1] === 'H') continue;
    const path = m[3]!;
    if (isExcluded(path, exclusions) || !existsSync(join(repoDir, path))) continue;
    flagged.push({ path, object: m[2]! });
  }
  if (flagged.length === 0) return [];
  // Hashed as git would store them (the path's filters apply), in one process.
  const hashes = (await treeAsOnDiskGit(repoDir).raw(['hash-object', '--', ...flagged.map((f) => f.path)])).split('\n');
  return flagged.filter((f, i) => hashes[i]?.trim() !== f.object).map((f) => f.path);
}

/**
 * This machine's clean and process filters other than Git LFS's own (see foreignFilters), by
 * their config keys, and the lines of an attributes file named by core.attributesFile that set a
 * conversion which can hide a change (see hidingAttributes).
 */
export async function filtersOf(repoDir: string): Promise<{ filters: string[]; attributes: string[] }> {
  // Asked with a key every repository's config has, so that git prints something: simple-git waits
  // 50 ms more for a command that prints nothing. Exit 1 (no such key) is no error here.
  const listing = await treeAsOnDiskGit(repoDir).raw(['config', '-z', '--get-regexp', '^(core\\.repositoryformatversion|core\\.attributesfile|filter\\..*\\.(clean|process))$']).catch(() => '');
  const attributesFile = listing
    .split('\0')
    .filter((e) => e.toLowerCase().startsWith('core.attributesfile\n'))
    .map((e) => e.slice(e.indexOf('\n') + 1).replace(/^~(?=\/|$)/, homedir()));
  return { filters: foreignFilters(listing), attributes: attributesFile.flatMap((file) => attributeLinesThatHide(file).map((line) => `${file}: ${line}`)) };
}

/**
 * The code a run runs on, read just before and just after it. `gitDir`: the repository's git dir
 * when the caller is asking git for it already (else asked here, once per folder).
 */
export async function codeState(repoDir: string, exclusions: readonly string[], gitDir: Promise<string> = gitDirOf(repoDir)): Promise<CodeState> {
  // Two git processes at once; the git dir is known after the first call. The status names HEAD's
  // commit, the branch and the tracked changes. One listing gives the index's entries, tagged with
  // what status hides (skip-worktree, assume-unchanged), and the untracked files (tagged "?") as
  // the commit's own ignore rules see them: the repository's .gitignore files only, never this
  // machine's .git/info/exclude or global excludes file (a file they hide still takes part in a
  // run, and no commit carries those rules), with every untracked .gitignore itself among them
  // (one can ignore itself and its folder). A folder the repository ignores is not entered.
  // Both read the tree as it is on disk (treeAsOnDiskGit: no file-system monitor hook of this
  // machine's config), and the status counts a submodule's changes whatever .gitmodules says.
  const onDisk = treeAsOnDiskGit(repoDir);
  const [status, listing, gitDirPath] = await Promise.all([
    onDisk.raw(['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=no', '--ignore-submodules=none']).then(parseTreeStatus),
    onDisk.raw(['ls-files', '-z', '--stage', '-v', '--others', '--exclude-per-directory=.gitignore', '--exclude=!.gitignore']),
    gitDir,
  ]);
  const entries = listing.split('\0').filter(Boolean);
  const untracked = entries.filter((e) => e.startsWith('? ')).map((e) => e.slice(2));
  const index = entries.filter((e) => !e.startsWith('? '));
  if (status.head === null) throw new Error('the repository has no commit yet: commit the code before running its tests');
  const { head: sha, branch } = status;
  let headMoves = 0;
  try {
    headMoves = readFileSync(join(gitDirPath, 'logs', 'HEAD'), 'utf8').split('\n').filter(Boolean).length;
  } catch {
    // No reflog yet (or reflogs are off): the HEAD and index comparison still apply.
  }
  // The records folder's own work folder (locks, temp files) ignores itself: its .gitignore is Incident Room's, not the code's.
  const workIgnores = new Set(exclusions.filter((e) => e.endsWith('/')).map((e) => `${e}${WORK_DIR_NAME}/.gitignore`));
  const files = [...status.files, ...untracked.filter((p) => !workIgnores.has(p)).map((path) => ({ path, index: '?', working_dir: '?' }))];
  const changes = codeChanges({ files }, exclusions);
  const leftOutFiles = files.filter((f) => isExcluded(f.path, exclusions));
  const leftOut = codeChanges({ files: leftOutFiles }, []);
  const hidden = await hiddenChanges(repoDir, index, exclusions);
  const paths = trackedPaths(index);
  // Asked of the state before a run only: read when first asked, not for the state after it.
  let links: string[] | undefined;
  let attributes: string[] | undefined;
  return {
    sha,
    branch,
    dirtyFiles: [...new Set([...changes.dirtyFiles, ...hidden])].sort(),
    untrackedFiles: changes.untrackedFiles,
    headMoves,
    indexHash: createHash('sha256').update(index.join('\0')).digest('hex'),
    trackedRunnerFiles: runnerFilesIn(index),
    linksOutOfCommit: () => (links ??= linksOutOfCommit(repoDir, index, paths.trackedFiles(), exclusions)),
    hidingAttributes: () => (attributes ??= hidingAttributes(repoDir, gitDirPath, paths.trackedFiles())),
    ...paths,
    writtenDuringRun: [],
    skipWorktree: index.filter((e) => e[0] === 'S' || e[0] === 's').map(pathOfEntry),
    leftOut: { dirty: leftOut.dirtyFiles, untracked: leftOut.untrackedFiles, added: leftOutFiles.filter((f) => f.index === 'A').map((f) => f.path) },
  };
}

/**
 * Tracked files whose content on disk is not HEAD's, every file's content compared. git status
 * trusts the index's record of each file's stat: a file rewritten in the second the index was
 * written, at the same size and with its mtime put back, or an index whose stat data was written
 * by hand, looks unchanged. Here git reads the tree against an index made from HEAD in a private
 * temp file, which has no stat to trust. A skip-worktree file that is absent (a sparse
 * checkout's) is not a change.
 */
export async function contentChangedFromHead(repoDir: string, exclusions: readonly string[], skipWorktree: readonly string[] = []): Promise<{ changed: string[]; leftOut: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'incident-room-index-'));
  try {
    const g = separateIndexGit(repoDir, join(dir, 'index'));
    await g.raw(['read-tree', 'HEAD']);
    const status = parseTreeStatus(await g.raw(['status', '--porcelain=v2', '-z', '--untracked-files=no', '--ignore-submodules=none']));
    const sparse = new Set(skipWorktree);
    const files = status.files.filter((f) => !(f.working_dir === 'D' && sparse.has(f.path))).map((f) => f.path);
    return { changed: files.filter((p) => !isExcluded(p, exclusions)), leftOut: files.filter((p) => isExcluded(p, exclusions)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A .gitignore's patterns as git reads them: no blank lines or comments, trailing CR and unescaped trailing spaces trimmed. */
function ignorePatterns(text: string): Set<string> {
  const patterns = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/(?<!\\)\s+$/, '');
    if (line && !line.startsWith('#')) patterns.add(line);
  }
  return patterns;
}

/** At most this many ignored entries are asked about per git process (as arguments). */
const CHECK_IGNORE_BATCH = 500;

/**
 * Untracked files (or folders) that only the fix branch's own ignore rules hide. A branch that
 * adds a line to a .gitignore to hide an uncommitted hotfix still runs with it, and the run is
 * not the commit's: what counts as not being code is the base branch's rules. An ignored entry
 * counts when the .gitignore line that decides it (git check-ignore) is one the branch changed
 * and the base's version of that file lacks, or when it is a file that an exception ("!…") of the
 * base's, which the branch dropped, kept in. Empty when the branch changed no .gitignore since it
 * left `base`, or when git cannot tell (no such base: the gate refuses the branch for that).
 */
export async function hiddenByBranchRules(repoDir: string, base: string, exclusions: readonly string[]): Promise<string[]> {
  const g = git(repoDir);
  const onDisk = treeAsOnDiskGit(repoDir);
  let changed: string[];
  try {
    changed = (await g.raw(['diff', '--name-only', '-z', '--no-renames', `refs/heads/${base}...HEAD`, '--', ':(glob)**/.gitignore'])).split('\0').filter(Boolean);
  } catch {
    return [];
  }
  if (changed.length === 0) return [];
  const dirOf = (file: string) => (file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '');
  const rules = await Promise.all(
    changed.map(async (file) => {
      const [baseText, branchText] = await Promise.all([
        g.raw(['show', `refs/heads/${base}:${file}`]).catch(() => ''),
        g.raw(['show', `HEAD:${file}`]).catch(() => ''),
      ]);
      const inBase = ignorePatterns(baseText);
      const onBranch = ignorePatterns(branchText);
      return { file, dir: dirOf(file), inBase, droppedExceptions: [...inBase].filter((p) => p.startsWith('!') && !onBranch.has(p)).map((p) => p.slice(1)) };
    }),
  );
  // Ignored untracked entries under the changed files' folders; a wholly ignored folder is one entry.
  const folders = [...new Set(rules.map((r) => r.dir || '.'))];
  const ignored = (await onDisk.raw(['ls-files', '-z', '--others', '--ignored', '--exclude-per-directory=.gitignore', '--directory', '--', ...folders]))
    .split('\0')
    .filter((p) => p && !isExcluded(p, exclusions) && !exclusions.some((e) => e.endsWith('/') && p.startsWith(`${e}${WORK_DIR_NAME}/`)));
  const hidden: string[] = [];
  const ignoredNow = (file: string) => ignored.some((e) => e === file || (e.endsWith('/') && file.startsWith(e)));
  // The files a dropped exception kept in, ignored now: its pattern as a root-level one (a pattern
  // with a slash is relative to its .gitignore's folder), listed under that folder.
  const exceptions = rules.flatMap((r) => r.droppedExceptions.map((p) => ({ dir: r.dir, pattern: p.replace(/\/$/, '').includes('/') ? r.dir + p.replace(/^\//, '') : p })));
  if (exceptions.length > 0) {
    const excepted = await onDisk.raw(['ls-files', '-z', '--others', '--ignored', ...exceptions.map((e) => `--exclude=${e.pattern}`), '--', ...new Set(exceptions.map((e) => e.dir || '.'))]);
    for (const file of excepted.split('\0')) if (file && ignoredNow(file) && !isExcluded(file, exclusions)) hidden.push(file);
  }
  for (let i = 0; i < ignored.length; i += CHECK_IGNORE_BATCH) {
    const batch = ignored.slice(i, i + CHECK_IGNORE_BATCH);
    // One line per path, in order (-n): "<source>:<line>:<pattern>\t<path>", or "::\t<path>".
    const lines = (await onDisk.raw(['-c', 'core.quotePath=false', 'check-ignore', '-v', '-n', '--', ...batch])).split('\n');
    batch.forEach((path, j) => {
      const decided = (lines[j] ?? '').split('\t')[0]!;
      const rule = rules.find((r) => decided.startsWith(`${r.file}:`));
      if (rule && !rule.inBase.has(decided.slice(rule.file.length + 1).replace(/^\d+:/, ''))) hidden.push(path);
    });
  }
  return [...new Set(hidden)].sort();
}

/**
 * The line every incident record has: its schema, at the top level. A records folder is left out
 * of the clean check because recording a run edits a record; a YAML file without this line is no
 * record, and may be what the code reads (a folder of configuration named as the records folder).
 */
const RECORD_SCHEMA_LINE = String.raw`^["']?schema["']?:[[:space:]]*["']?incident-room/v1["']?[[:space:]]*(#.*)?$`;
const RECORD_SCHEMA_LINE_JS = /^["']?schema["']?:[ \t]*["']?incident-room\/v1["']?[ \t]*(#.*)?\r?$/m;

/**
 * Of these files, those that at each commit declare a record's schema line or start a line with
 * the log's heading, as "<commit>:<path>". Whoever runs the tests chooses the working tree, and
 * so whether a file there looks like a record or the log; a folder of configuration named as the
 * records folder, or a Markdown file the code reads named as the log, shows what it is as
 * committed. One git process; none for no files.
 */
export async function declaringAt(repoDir: string, commits: readonly string[], files: readonly string[]): Promise<Set<string>> {
  if (files.length === 0 || commits.length === 0) return new Set();
  // -l, not -L: the records and the log print their names, so a common answer is never empty
  // (simple-git waits 50 ms more for no output). Exit 1 (none of them matched) is no error while
  // stderr is empty: git's hint that grafts are deprecated (every command reads none, see
  // gitEnvironment) is turned off.
  const out = await git(repoDir).raw(['-c', 'advice.graftFileDeprecated=false', 'grep', '-l', '-z', '-E', '-e', RECORD_SCHEMA_LINE, '-e', `^${PUBLIC_LOG_HEADING}`, ...commits, '--', ...files.map((f) => `:(literal)${f}`)]);
  return new Set(out.split('\0').filter(Boolean));
}

/**
 * Of the files the exclusions left out, those that count as code: a file in the records folder
 * that is no record, or a log that does not start as the log does, on disk (where it is there) or
 * as HEAD has it (where HEAD has it: `declared` answers for those, from declaringAt).
 */
export function leftOutThatCount(repoDir: string, leftOut: readonly string[], atHead: { declared: ReadonlySet<string>; absent: ReadonlySet<string> }): string[] {
  return leftOut.filter((path) => {
    if (!atHead.absent.has(path) && !atHead.declared.has(`HEAD:${path}`)) return true;
    let text: string;
    try {
      text = readFileSync(join(repoDir, path), 'utf8');
    } catch {
      return false; // Deleted: judged as HEAD has it.
    }
    return /\.md$/i.test(path) ? !text.startsWith(PUBLIC_LOG_HEADING) : !RECORD_SCHEMA_LINE_JS.test(text);
  });
}

/** What moved between two reads of the code state, in words; empty when nothing did. */
export function movedDuring(before: CodeState, after: CodeState): string[] {
  const moved: string[] = [];
  if (before.sha !== after.sha) moved.push(`HEAD moved during the run (${before.sha.slice(0, 7)} to ${after.sha.slice(0, 7)})`);
  else if (before.headMoves !== after.headMoves) moved.push(`HEAD moved during the run and came back (${after.headMoves - before.headMoves} checkout(s) or reset(s) in the reflog)`);
  if (before.branch !== after.branch) moved.push(`the checked-out branch changed during the run (${before.branch ?? 'detached'} to ${after.branch ?? 'detached'})`);
  if (before.indexHash !== after.indexHash) moved.push('the index changed during the run');
  const written = after.writtenDuringRun;
  if (written.length > 0) {
    moved.push(
      `tracked files were written during the run (${someOf(written, 3)}): what the tests loaded may not be what is committed, even where the files read as committed again`,
    );
  }
  return moved;
}

/**
 * Files that differ between two commits other than the exclusions: empty when the only
 * changes are to the records and the public log, so evidence made at one still counts at the other.
 */
export async function codeChangedBetween(repoDir: string, from: string, to: string, exclusions: readonly string[], likelyLeftOut: readonly string[] = []): Promise<string[]> {
  if (from === to) return [];
  // The files the commits between likely change besides code (the incident's own record, the log)
  // are asked about at once, beside the diff; any other record it names, after it.
  const likely = likelyLeftOut.filter((p) => isExcluded(p, exclusions));
  const early = declaringAt(repoDir, [from, to], likely);
  early.catch(() => undefined);
  const fields = (await git(repoDir).raw(['diff', '--name-status', '--no-renames', '-z', from, to, '--'])).split('\0');
  const changed: { path: string; status: string }[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) changed.push({ status: fields[i]!, path: fields[i + 1]! });
  // A record or the log left out must be one at both commits it is at (one added is at `to` only, one deleted at `from` only).
  const leftOut = changed.filter((c) => isExcluded(c.path, exclusions));
  const declared = new Set((await Promise.all([early, declaringAt(repoDir, [from, to], leftOut.map((c) => c.path).filter((p) => !likely.includes(p)))])).flatMap((set) => [...set]));
  const isSuch = ({ path, status }: { path: string; status: string }) => (status === 'A' || declared.has(`${from}:${path}`)) && (status === 'D' || declared.has(`${to}:${path}`));
  return changed.filter((c) => !isExcluded(c.path, exclusions) || !isSuch(c)).map((c) => c.path);
}

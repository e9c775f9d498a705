// The record merge driver, through real `git merge` of real branches in temp repositories,
// registered by `incident-room setup-git` the way a teammate without the extension would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { main, type CliIo } from '../../src/cli';
import type { Incident } from '../../src/model/record';
import { IncidentStore } from '../../src/store/incidentStore';
import { mergeRecordTexts } from '../../src/store/recordMerge';

const CLI = path.resolve(__dirname, '../../src/cli.js');

const BASE = `# Incident record (incident-room/v1). Hand edits are kept.
schema: incident-room/v1
id: "2026-11-27-db"
title: Database failover
severity: 2
status: active
declared_at: "2026-11-27T14:00:00Z"
impact: Writes to the primary fail.
roles:
  incident_manager: ana
  workers: []
checklists:
  start:
    - id: announce
      text: Announce the incident
      done_at: null
      done_by: null
  end: []
timeline:
  - at: "2026-11-27T14:00:00Z"
    by: ana
    kind: declared
    text: Declared at Level 2
`;

function git(cwd: string, ...args: string[]): { status: number; out: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}`.trim() };
}

function io(cwd: string): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { cwd, lines, out: (l) => lines.push(l), err: (l) => lines.push(l), now: () => new Date() };
}

describe('store: the git merge driver merges records by meaning (real git merge)', function () {
  this.timeout(60_000);
  let repo: string;
  let file: string;

  beforeEach(async () => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-merge-'));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.email', 'ana@example.com');
    git(repo, 'config', 'user.name', 'Ana');
    fs.mkdirSync(path.join(repo, '.incidents'));
    file = path.join(repo, '.incidents', 'db.yaml');
    fs.writeFileSync(file, BASE);
    const setup = io(repo);
    assert.equal(await main(['setup-git', '.incidents', '--command', `"${process.execPath}" "${CLI}"`], setup), 0, setup.lines.join('\n'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'declare');
    git(repo, 'branch', 'theirs');
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  /** Commits an edit on a branch, through the store as the extension would. */
  async function onBranch(branch: string, edits: (inc: Incident) => import('../../src/model/edits').RecordEdit[]) {
    assert.equal(git(repo, 'checkout', '-q', branch).status, 0);
    await new IncidentStore(path.join(repo, '.incidents')).update(file, edits);
    git(repo, 'commit', '-q', '-am', `edit on ${branch}`);
  }

  function merge(): { status: number; out: string; text: string } {
    git(repo, 'checkout', '-q', 'main');
    const r = git(repo, 'merge', '--no-edit', 'theirs');
    return { ...r, text: fs.readFileSync(file, 'utf8') };
  }

  const entry = (text: string, at: string) => ({ op: 'append' as const, path: ['timeline'], value: { at, by: 'ana', kind: 'note', text } });

  it('setup-git is idempotent and registers the driver for the records folder', async () => {
    assert.match(fs.readFileSync(path.join(repo, '.gitattributes'), 'utf8'), /^\.incidents\/\*\.yaml merge=incident-room$/m);
    const again = io(repo);
    assert.equal(await main(['setup-git', '.incidents', '--command', `"${process.execPath}" "${CLI}"`], again), 0);
    assert.match(again.lines.join('\n'), /already in .git\/config; \.gitattributes already up to date/);
    assert.match(git(repo, 'config', 'merge.incident-room.driver').out, /merge-driver %O %A %B %P$/);
  });

  it('both sides append to the timeline: clean, both entries kept', async () => {
    await onBranch('main', () => [entry('ours: failover started', '2026-11-27T14:10:00Z')]);
    await onBranch('theirs', () => [entry('theirs: replica lag 40 s', '2026-11-27T14:12:00Z')]);
    const r = merge();
    console.log(`      git merge output:\n        ${r.out.split('\n').join('\n        ')}`);
    assert.equal(r.status, 0, r.out);
    const texts = (parseDocument(r.text).toJS() as Incident).timeline.map((t) => t.text);
    assert.deepEqual(texts, ['Declared at Level 2', 'ours: failover started', 'theirs: replica lag 40 s']);
  });

  it('one side ticks a step while the other changes severity: clean, the step stays ticked', async () => {
    await onBranch('main', () => [
      { op: 'set', path: ['checklists', 'start', 0, 'done_at'], value: '2026-11-27T14:20:00Z' },
      { op: 'set', path: ['checklists', 'start', 0, 'done_by'], value: 'ana' },
    ]);
    await onBranch('theirs', () => [{ op: 'set', path: ['severity'], value: 1 }, entry('escalated', '2026-11-27T14:21:00Z')]);
    const r = merge();
    console.log(`      git merge output:\n        ${r.out.split('\n').join('\n        ')}`);
    assert.equal(r.status, 0, r.out);
    const inc = parseDocument(r.text).toJS() as Incident;
    assert.equal(inc.severity, 1);
    assert.equal(inc.checklists.start[0]!.done_at, '2026-11-27T14:20:00Z');
    assert.equal(inc.timeline.length, 2);
  });

  it('both sides change status: a conflict, reported, with both values in markers at that line; the tree shows it broken there', async () => {
    await onBranch('main', () => [{ op: 'set', path: ['status'], value: 'fix-released-awaiting-tests' }]);
    await onBranch('theirs', () => [
      { op: 'set', path: ['status'], value: 'closed' },
      { op: 'set', path: ['closed_at'], value: '2026-11-27T18:00:00Z' },
    ]);
    const r = merge();
    console.log(`      git merge output:\n        ${r.out.split('\n').join('\n        ')}`);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /CONFLICT/);
    assert.match(r.out, /status changed on both sides/);
    const lines = r.text.split('\n');
    const open = lines.findIndex((l) => l.startsWith('<<<<<<< '));
    assert.deepEqual(lines.slice(open + 1, open + 4), ['status: fix-released-awaiting-tests', '=======', 'status: closed']);
    assert.match(lines[open + 4]!, /^>>>>>>> /);
    const loaded = await new IncidentStore(path.join(repo, '.incidents')).loadAll();
    assert.equal(loaded[0]!.kind, 'broken');
    const broken = loaded[0] as Extract<typeof loaded[0], { kind: 'broken' }>;
    assert.equal(broken.reason, 'conflict');
    assert.equal(broken.problems[0]!.line, open + 1);
  });

  it('a merge that would make an invalid record is a conflict, not a silent bad file', async () => {
    const worker = (since: string) => ({ op: 'append' as const, path: ['roles', 'workers'], value: { person: 'carla', since, released_at: null } });
    await onBranch('main', () => [worker('2026-11-27T14:30:00Z')]);
    await onBranch('theirs', () => [worker('2026-11-27T14:31:00Z')]);
    const r = merge();
    console.log(`      git merge output:\n        ${r.out.split('\n').join('\n        ')}`);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /would not be valid/);
    const loaded = await new IncidentStore(path.join(repo, '.incidents')).loadAll();
    assert.equal(loaded[0]!.kind, 'broken');
  });

  it('keeps our text byte for byte outside what their side changed', () => {
    const ours = BASE.replace('title: Database failover', 'title: Database failover   # the primary in eu-1');
    const theirs = BASE.replace('severity: 2', 'severity: 3');
    const out = mergeRecordTexts(BASE, ours, theirs);
    assert.ok(out.clean);
    assert.equal(out.text, ours.replace('severity: 2', 'severity: 3'));
  });
});

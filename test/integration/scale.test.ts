import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import * as vscode from 'vscode';
import type { IncidentRoomApi } from '../../src/extension';
import type { IncidentTreeNode } from '../../src/vscode/tree';
import { recordText } from '../bench/generateRecords';
import { activateExtension, waitFor, workspaceRoot } from './helpers';

const OPEN_ID = '2026-11-26-checkout-5xx';
const BRANCH = 'fix/checkout-eu-vat';

describe('Many records in the extension host', function () {
  this.timeout(120_000);
  let api: IncidentRoomApi;
  const folder = () => path.join(workspaceRoot(), '.incidents');
  const written: string[] = [];

  before(async () => {
    api = await activateExtension();
  });

  after(async () => {
    for (const f of written) await fs.rm(f, { force: true });
    await api.model.reload();
  });

  it('files closed incidents under one collapsed node by year and month, and reads one only when it is expanded', async () => {
    // Six closed records over several years (the generator spreads them from 2020 on).
    for (let i = 0; i < 6; i++) {
      const { name, text } = recordText(i * 150, 1000, 0);
      const file = path.join(folder(), name);
      await fs.writeFile(file, text);
      written.push(file);
    }
    const group = await waitFor('the closed incidents node', () => {
      const node = api.tree.rootNodes().find((n) => n.kind === 'closedGroup');
      return node && node.kind === 'closedGroup' && node.count === 6 ? node : undefined;
    });
    assert.equal(api.tree.getTreeItem(group).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.ok(!api.tree.rootNodes().some((n) => n.kind === 'incident' && n.summary.summary.status === 'closed'), 'no closed incident at the top');
    // Open incidents stay at the top, before the closed ones.
    assert.equal(api.tree.rootNodes()[0]!.kind, 'incident');

    const years = api.tree.getChildren(group);
    const yearLabels = years.map((y) => String(api.tree.getTreeItem(y).label));
    assert.deepEqual(yearLabels, [...yearLabels].sort().reverse(), 'newest year first');
    assert.ok(years.length >= 2, yearLabels.join(', '));
    const months = api.tree.getChildren(years[0]!);
    const incidents = api.tree.getChildren(months[0]!);
    const node = incidents[0] as Extract<IncidentTreeNode, { kind: 'incident' }>;
    assert.equal(node.kind, 'incident');
    assert.equal(api.tree.getParent(node), months[0]);
    assert.equal(api.tree.getParent(months[0]!), years[0]);
    assert.equal(api.tree.getParent(years[0]!), group);
    // Listed from its summary: not held in full until someone expands it.
    assert.equal(api.model.incidents().some((e) => e.record.file === node.summary.summary.file), false);
    const item = api.tree.getTreeItem(node);
    assert.equal(item.label, `Closed · SEV${node.summary.summary.severity} ${node.summary.summary.title}`);
    assert.match(String(item.description), /closed/);
    const sections = api.tree.getChildren(node);
    assert.ok(sections.some((s) => s.kind === 'section'), 'an expanded closed incident shows its sections');
    assert.ok(api.model.incidents().some((e) => e.record.file === node.summary.summary.file), 'expanding it read it');
    // Reveal finds a closed incident through its groups.
    assert.equal(api.tree.nodeForFile(node.summary.summary.file), node);
  });

  it('from a warm cache, lists closed incidents by month with their titles, read from the cache when the month is opened', async () => {
    const warmFolder = '.scale-warm-incidents';
    const setFolder = (value: string | undefined) => vscode.workspace.getConfiguration('incidentRoom').update('recordsFolder', value, vscode.ConfigurationTarget.Workspace);
    const dir = path.join(workspaceRoot(), warmFolder);
    await fs.mkdir(dir, { recursive: true });
    const titles = new Map<string, string>();
    try {
      for (let i = 0; i < 6; i++) {
        const { name, text } = recordText(i * 150, 1000, 0);
        await fs.writeFile(path.join(dir, name), text);
        titles.set(path.join(dir, name), /^title: "?(.*?)"?$/m.exec(text)![1]!);
      }
      // Older than the file system's timestamp granularity, so the next start trusts their stamps.
      await new Promise((r) => setTimeout(r, 2100));
      const closedGroup = () => {
        const node = api.tree.rootNodes().find((n) => n.kind === 'closedGroup');
        // Only closed records in this folder: the fixture's open incidents gone from the tree too (it is rebuilt after the model).
        const onlyThese = api.model.summaries().every((e) => e.summary.file.startsWith(dir)) && !api.tree.rootNodes().some((n) => n.kind === 'incident');
        return node && node.kind === 'closedGroup' && node.count === 6 && onlyThese ? node : undefined;
      };
      await setFolder(warmFolder);
      await waitFor('the records, read from their files', closedGroup);
      await api.model.storeFolders()[0]!.store.flushCache();
      await setFolder(undefined);
      await waitFor('the fixture records back', () => !closedGroup());
      await setFolder(warmFolder);
      const group = await waitFor('the records, from the cache', closedGroup);
      assert.ok(api.model.summaries().every((e) => e.summary.partial), 'a warm start knows closed records by their stamps part alone');
      const seen: string[] = [];
      for (const year of api.tree.getChildren(group)) {
        for (const month of api.tree.getChildren(year)) {
          for (const node of api.tree.getChildren(month)) {
            assert.equal(node.kind, 'incident');
            if (node.kind !== 'incident') continue;
            const file = node.summary.summary.file;
            assert.equal(api.tree.getTreeItem(node).label, `Closed · SEV${node.summary.summary.severity} ${titles.get(file)}`);
            seen.push(file);
          }
        }
      }
      assert.deepEqual(seen.sort(), [...titles.keys()].sort());
      assert.ok(!api.model.summaries().some((e) => e.summary.partial), 'each opened month read its summaries');
    } finally {
      await setFolder(undefined);
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the fix branch again when a commit moves it, with no record changing', async () => {
    const g = simpleGit(workspaceRoot());
    const branches = await g.branchLocal();
    if (!branches.all.includes(BRANCH)) await g.raw(['branch', BRANCH, 'main']);
    await api.testing.invalidate(OPEN_ID);
    const before = await waitFor('the fix branch facts', () => api.testing.factsFor(OPEN_ID)?.branch?.head);
    // A commit on the fix branch without checking it out: only the refs change.
    const tree = (await g.raw(['rev-parse', `${BRANCH}^{tree}`])).trim();
    const commit = (await g.raw(['-c', 'user.name=Bruno Costa', '-c', 'user.email=bruno@example.com', 'commit-tree', tree, '-p', BRANCH, '-m', 'An empty step of the fix'])).trim();
    await g.raw(['update-ref', `refs/heads/${BRANCH}`, commit, before]);
    try {
      await waitFor('the new head in the facts', () => api.testing.factsFor(OPEN_ID)?.branch?.head === commit, 5000);
    } finally {
      await g.raw(['update-ref', `refs/heads/${BRANCH}`, before, commit]);
    }
  });
});

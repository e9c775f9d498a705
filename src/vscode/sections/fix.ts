// The Fix branch section: what git says about the branch, read in the background and cached,
// so the tree shows "reading git…" rather than waiting.
import * as vscode from 'vscode';
import { countOf } from '../../model/plural';
import { COMMANDS } from '../ids';
import { isOpen } from '../../model/lifecycle';
import type { LeafItem, TreeSection } from './section';

export const fixSection: TreeSection = {
  id: 'fix',
  header: (entry, parts) => {
    const fix = entry.incident.fix;
    if (!fix) return isOpen(entry.incident) ? { label: 'Fix branch', description: 'none linked', icon: new vscode.ThemeIcon('git-branch') } : undefined;
    const facts = parts.testing.factsFor(entry.incident.id);
    const b = facts?.branch;
    let description = 'reading git…';
    if (facts?.error) description = `git: ${facts.error}`;
    else if (b && !b.exists) description = `${fix.branch} does not exist`;
    else if (b) description = `${fix.branch} · ${b.shortHead}${b.checkedOut ? (b.dirty ? ' · dirty' : ' · clean') : ''}`;
    const warn = (b?.imCommits.length ?? 0) > 0 || (b && !b.exists);
    return { label: 'Fix branch', description, icon: new vscode.ThemeIcon(warn ? 'warning' : 'git-branch') };
  },
  children: (entry, parts) => {
    const incident = entry.incident;
    const fix = incident.fix;
    if (!fix) {
      return [{ key: 'link', label: 'Link fix branch…', icon: new vscode.ThemeIcon('add'), command: { command: COMMANDS.linkFixBranch, title: 'Link Fix Branch', arguments: [incident.id] } }];
    }
    const facts = parts.testing.factsFor(incident.id);
    const b = facts?.branch;
    const items: LeafItem[] = [{ key: 'branch', label: fix.branch, description: `from ${fix.base}`, icon: new vscode.ThemeIcon('git-branch'), contextValue: 'fix:branch' }];
    if (!b) {
      items.push({ key: 'reading', label: facts?.error ? `git: ${facts.error}` : 'reading git…', icon: new vscode.ThemeIcon(facts?.error ? 'error' : 'loading~spin') });
      return items;
    }
    if (!b.exists) {
      items.push({ key: 'missing', label: `no local branch ${fix.branch}`, icon: new vscode.ThemeIcon('error'), command: { command: COMMANDS.linkFixBranch, title: 'Link Fix Branch', arguments: [incident.id] } });
      return items;
    }
    items.push({ key: 'head', label: `HEAD ${b.shortHead}`, icon: new vscode.ThemeIcon('git-commit') });
    if (b.ahead !== null && b.behind !== null) {
      items.push({ key: 'ahead', label: `${b.ahead} ahead, ${b.behind} behind ${fix.base}`, icon: new vscode.ThemeIcon('git-compare') });
    }
    if (!b.checkedOut) {
      items.push({
        key: 'checkout',
        label: `not checked out (${b.currentBranch ?? 'detached HEAD'} is)`,
        description: 'check out…',
        icon: new vscode.ThemeIcon('arrow-swap'),
        contextValue: 'fix:notCheckedOut',
        command: { command: COMMANDS.checkoutFixBranch, title: 'Check Out Fix Branch', arguments: [incident.id] },
      });
    } else if (b.dirty) {
      items.push({
        key: 'tree',
        label: `uncommitted changes (${b.dirtyFiles.length})`,
        icon: new vscode.ThemeIcon('diff-modified', new vscode.ThemeColor('problemsWarningIcon.foreground')),
        contextValue: 'fix:dirty',
        children: b.dirtyFiles.map((f) => ({ key: f, label: f, icon: new vscode.ThemeIcon('file') })),
      });
    } else {
      items.push({ key: 'tree', label: 'checked out, clean', icon: new vscode.ThemeIcon('check'), contextValue: 'fix:clean' });
    }
    if (b.imCommits.length > 0) {
      items.push({
        key: 'im-commits',
        label: `IM authored ${countOf(b.imCommits.length, 'commit')}`,
        description: 'the IM must not fix the problem',
        tooltip: b.imCommits.map((c) => `${c.sha.slice(0, 7)} ${c.subject}`).join('\n'),
        icon: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
        children: b.imCommits.map((c) => ({ key: c.sha, label: c.subject, description: c.sha.slice(0, 7), icon: new vscode.ThemeIcon('git-commit') })),
      });
    }
    return items;
  },
};

// The fix branch: link an existing local branch or create one from a base, and check it out.
import * as vscode from 'vscode';
import { checkBranchName, createFixBranch, defaultBranchOf, git, GitFactError, linkExistingBranch } from '../../git/fixBranch';
import { untrustedBase } from '../../testing/testCommandSource';
import { timelineEdit } from '../../model/edits';
import type { Incident } from '../../model/record';
import type { ExtensionParts } from '../context';
import { COMMANDS } from '../ids';
import type { IncidentEntry } from '../incidentsModel';
import { trustedBases } from '../testing/testCommand';
import { runOperation } from '../operations';
import { argumentsOf, pickIncident, type IncidentTarget } from '../pick';
import type { CommandTable } from './table';

/** Arguments that skip the questions. */
export interface LinkFixBranchArgs {
  incident: string;
  branch: string;
  base: string;
  /** Create the branch from the base (it must not exist yet); otherwise it must exist. */
  create?: boolean;
  checkout?: boolean;
}

const TITLE = 'Link Fix Branch';
const CREATE = '$(add) Create a new branch…';

export async function linkFixBranch(parts: ExtensionParts, target?: IncidentTarget | LinkFixBranchArgs): Promise<Incident | undefined> {
  const args = argumentsOf<LinkFixBranchArgs>(target);
  const entry = await pickIncident(parts, target, TITLE);
  if (!entry) return undefined;
  const choice = args ?? (await askBranch(parts, entry));
  if (!choice) return undefined;
  const repoDir = await parts.testing.repoDir(entry.folder);
  checkBranchName(choice.base);
  if (choice.branch === choice.base) throw new GitFactError(`the fix branch cannot be its own base (${choice.base}): none of its commits would count as the fix's`);
  const { branch } = choice.create
    ? await createFixBranch(repoDir, choice.branch, choice.base, { checkout: choice.checkout === true })
    : await linkExistingBranch(repoDir, choice.branch);
  const updated = await runOperation(
    parts,
    entry,
    ({ ctx }) => [
      // Key by key, so anything else written under fix (by hand or by another tool) is kept.
      { op: 'set', path: ['fix', 'branch'], value: branch },
      { op: 'set', path: ['fix', 'base'], value: choice.base },
      timelineEdit(ctx, 'fix-branch-linked', `Fix branch ${branch} (from ${choice.base}) linked${choice.create ? ', newly created' : ''}`),
    ],
    `Fix branch ${branch} linked.`,
  );
  await parts.testing.invalidate(entry.incident.id);
  // Linked as asked (the record is the team's), but said now rather than at Close.
  const untrusted = untrustedBase({ branch, base: choice.base }, await defaultBranchOf(repoDir), trustedBases());
  if (untrusted) void vscode.window.showWarningMessage(`The close gate will refuse this fix branch: ${untrusted}.`);
  return updated;
}

async function askBranch(parts: ExtensionParts, entry: IncidentEntry): Promise<Omit<LinkFixBranchArgs, 'incident'> | undefined> {
  const repoDir = await parts.testing.repoDir(entry.folder);
  const local = await git(repoDir).branchLocal();
  const picked = await vscode.window.showQuickPick([{ label: CREATE }, ...local.all.map((b) => ({ label: b, description: b === local.current ? 'checked out' : undefined }))], {
    title: TITLE,
    placeHolder: 'The branch the fix is made on',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  // The bases the close gate trusts first, said so; any other is offered, and the gate will refuse it.
  const defaultBranch = await defaultBranchOf(repoDir);
  const trusted = trustedBases().names;
  const why = (b: string) => (b === defaultBranch ? 'the default branch' : trusted.includes(b) ? 'a trusted base (your settings)' : undefined);
  const bases = local.all.filter((b) => b !== picked.label);
  const ordered = [...bases.filter((b) => why(b)), ...bases.filter((b) => !why(b))];
  const basePick = await vscode.window.showQuickPick(
    ordered.map((b) => ({ label: b, description: why(b) ?? 'the close gate does not trust this base' })),
    { title: TITLE, placeHolder: 'The branch it leaves from (its base)', ignoreFocusOut: true },
  );
  if (!basePick) return undefined;
  const base = basePick.label;
  if (picked.label !== CREATE) return { branch: picked.label, base };
  const branch = await vscode.window.showInputBox({
    title: TITLE,
    prompt: `New branch from ${base}`,
    value: `fix/${entry.incident.id.replace(/^\d{4}-\d{2}-\d{2}-/, '')}`,
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        checkBranchName(v.trim());
        return local.all.includes(v.trim()) ? `${v.trim()} exists; pick it from the list instead` : undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  if (!branch) return undefined;
  const checkout = await vscode.window.showQuickPick(['Check it out now', 'Leave the checkout as it is'], { title: TITLE, ignoreFocusOut: true });
  if (!checkout) return undefined;
  return { branch: branch.trim(), base, create: true, checkout: checkout === 'Check it out now' };
}

/** Checks the fix branch out; refused by git facts when tracked files have uncommitted changes. */
export async function checkoutFixBranch(parts: ExtensionParts, target?: IncidentTarget): Promise<boolean> {
  const entry = await pickIncident(parts, target, 'Check Out Fix Branch');
  if (!entry) return false;
  await parts.testing.checkoutFix(entry);
  void vscode.window.showInformationMessage(`Checked out ${entry.incident.fix?.branch}.`);
  return true;
}

export function fixCommands(parts: ExtensionParts): CommandTable {
  return {
    [COMMANDS.linkFixBranch]: (target?) => linkFixBranch(parts, target),
    [COMMANDS.checkoutFixBranch]: (target?) => checkoutFixBranch(parts, target),
  };
}

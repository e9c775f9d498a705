// Closing: the gate's verdict read fresh, every unmet condition offered with the action that
// meets it, and the release of a fix whose automated tests do not exist yet.
import * as vscode from 'vscode';
import { LEVEL_TABLE } from '../../model/levels';
import type { Incident } from '../../model/record';
import { closeIncident, GATE_CONDITION_TITLES, releaseWithoutTests, type GateCondition, type GateVerdict } from '../../testing/gate';
import type { ExtensionParts } from '../context';
import { COMMANDS } from '../ids';
import { GATE_ACTIONS as ACTIONS } from '../gateActions';
import { runOperation } from '../operations';
import { argumentsOf, pickIncident, type IncidentTarget } from '../pick';
import type { CommandTable } from './table';
import { writePublicLog } from '../publicLog';

export interface CloseArgs {
  incident: string;
  /** Show the refusal and the remaining steps (default true); tests read the verdict instead. */
  interactive?: boolean;
}

export interface CloseResult {
  verdict: GateVerdict;
  closed: boolean;
  incident?: Incident;
}

export interface ReleaseArgs {
  incident: string;
  note: string;
}


export async function closeIncidentCommand(parts: ExtensionParts, target?: IncidentTarget | CloseArgs): Promise<CloseResult | undefined> {
  const args = argumentsOf<CloseArgs>(target);
  const interactive = args?.interactive !== false;
  const entry = await pickIncident(parts, target, 'Close Incident');
  if (!entry) return undefined;
  const verdict = await parts.testing.verdict(entry);
  if (!verdict.mayClose) {
    if (interactive) void offerActions(entry.incident.id, verdict);
    return { verdict, closed: false };
  }
  const updated = await runOperation(parts, entry, ({ incident, ctx }) => closeIncident(incident, verdict, ctx));
  if (!updated) return { verdict, closed: false };
  await writePublicLog(parts, entry.folder);
  if (interactive) offerRemainingSteps(updated);
  return { verdict, closed: updated.status === 'closed', incident: updated };
}

/** One row per unmet condition; choosing it runs the action that meets it. */
async function offerActions(incidentId: string, verdict: GateVerdict): Promise<void> {
  const unmet = verdict.conditions.filter((c) => !c.met);
  const rows = unmet.map((c: GateCondition) => {
    const action = c.action ? ACTIONS[c.action] : undefined;
    // The short name fits the row; the whole reason, which can be long, goes on the detail line.
    return { label: `$(error) ${GATE_CONDITION_TITLES[c.id] ?? c.id}`, description: action ? `→ ${action.label}` : undefined, detail: c.message, action, condition: c.id };
  });
  const notes = verdict.notes.map((n) => ({ label: '$(info) Note', description: undefined, detail: n, action: undefined, condition: 'note' }));
  // The page shows every reason in full, each with its button.
  const page = { label: '$(beaker) Open Test Plan', description: 'every reason in full, each with the action that meets it', detail: undefined, action: { label: 'Open Test Plan', command: COMMANDS.openTestPlan, args: (id: string) => [id] }, condition: 'page' };
  const picked = await vscode.window.showQuickPick([...rows, ...notes, page], {
    title: `The incident cannot close: ${unmet.length} condition${unmet.length === 1 ? '' : 's'} unmet`,
    placeHolder: 'Choose a condition to act on it',
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (picked?.action) await vscode.commands.executeCommand(picked.action.command, ...picked.action.args(incidentId));
}

function offerRemainingSteps(incident: Incident): void {
  const done = new Set(incident.checklists.end.filter((s) => s.done_at).map((s) => s.id));
  const remaining = LEVEL_TABLE[incident.severity].end.filter((s) => !s.beforeClose && !done.has(s.id));
  const text = remaining.length ? ` Still to do: ${remaining.map((s) => s.text).join('; ')}.` : '';
  void vscode.window
    .showInformationMessage(`Incident ${incident.id} is closed.${text}`, ...(remaining.length ? ['Tick a Step'] : []))
    .then((choice) => choice && vscode.commands.executeCommand(COMMANDS.tickStep, incident.id));
}

export async function releaseWithoutTestsCommand(parts: ExtensionParts, target?: IncidentTarget | ReleaseArgs): Promise<Incident | undefined> {
  const args = argumentsOf<ReleaseArgs>(target);
  const entry = await pickIncident(parts, target, 'Fix Released Without Tests');
  if (!entry) return undefined;
  const note =
    args?.note ??
    (await vscode.window.showInputBox({
      title: 'Fix Released Without Tests',
      prompt: 'Why did the fix go out before its automated tests? The level drops; the incident stays open until they pass.',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Say why; it is kept in the timeline'),
    }));
  if (!note) return undefined;
  const updated = await runOperation(parts, entry, ({ incident, ctx }) => releaseWithoutTests(incident, note, ctx), (i) => `Release recorded; now Level ${i.severity}, ${i.status}. Close stays gated on the tests.`);
  if (updated) await writePublicLog(parts, entry.folder);
  return updated;
}

export function closeCommands(parts: ExtensionParts): CommandTable {
  return {
    [COMMANDS.closeIncident]: (target?) => closeIncidentCommand(parts, target),
    [COMMANDS.releaseWithoutTests]: (target?) => releaseWithoutTestsCommand(parts, target),
  };
}

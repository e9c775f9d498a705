// The Test plan section: items with their staging and production results, the linked tests
// with their last signed outcome, sign-offs (stale ones marked) and what still keeps Close shut.
import * as vscode from 'vscode';
import type { PlanResult } from '../../model/record';
import { planStatus } from '../../model/testPlan';
import { formatTestRef, testKey } from '../../model/testId';
import { countOf } from '../../model/plural';
import { formatTime } from '../../model/timeDisplay';
import { COMMANDS } from '../ids';
import { isOpen } from '../../model/lifecycle';
import type { LeafItem, TreeSection } from './section';

function signedWhen(ts: string): string {
  try {
    return formatTime(ts);
  } catch {
    return ts;
  }
}

const resultText = (r: PlanResult | null) => (r ? r.outcome : '—');

const OUTCOME_ICONS: Record<string, vscode.ThemeIcon> = {
  passed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  skipped: new vscode.ThemeIcon('debug-step-over', new vscode.ThemeColor('testing.iconSkipped')),
  missing: new vscode.ThemeIcon('question', new vscode.ThemeColor('testing.iconErrored')),
};

export const testPlanSection: TreeSection = {
  id: 'test-plan',
  header: (entry, parts) => {
    const incident = entry.incident;
    const count = incident.test_plan?.items.length ?? 0;
    if (!isOpen(incident) && count === 0) return undefined;
    const verdict = parts.testing.factsFor(incident.id)?.verdict;
    const unmet = verdict?.conditions.filter((c) => !c.met).length;
    const gate = !isOpen(incident) ? '' : verdict === undefined ? ' · checking the gate…' : unmet ? ` · Close: ${unmet} unmet` : ' · may close';
    return { label: 'Test plan', description: `${countOf(count, 'item')}${gate}`, icon: new vscode.ThemeIcon('beaker') };
  },
  children: (entry, parts) => {
    const incident = entry.incident;
    const facts = parts.testing.factsFor(incident.id);
    const run = facts?.evidence?.run;
    const stale = Boolean(run && facts?.branch?.head && run.sha !== facts.branch.head);
    const outcomes = new Map((run?.linked ?? []).map((l) => [testKey(l.test), l.outcome]));
    const plan = planStatus(incident, new Date());
    const items: LeafItem[] = plan.items.map((it) => ({
      key: `item-${it.id}`,
      label: it.title,
      description: `staging ${resultText(it.staging)} · production ${resultText(it.production)}${it.mutatesCustomerData ? ' · mutates customer data' : ''}`,
      icon: new vscode.ThemeIcon(it.stagingDone && it.productionDone ? 'pass' : 'circle-large-outline'),
      contextValue: 'plan:item',
      data: { planItem: it.id },
      children: it.automated.map((ref) => {
        const outcome = outcomes.get(testKey(ref));
        return {
          key: testKey(ref),
          label: ref.title.join(' › '),
          description: outcome ? `${outcome}${stale ? ' (stale: the branch moved on)' : ''}` : 'not run',
          tooltip: formatTestRef(ref),
          icon: stale ? new vscode.ThemeIcon('history') : outcome ? OUTCOME_ICONS[outcome] : new vscode.ThemeIcon('circle-large-outline'),
          contextValue: 'plan:test',
          data: { planItem: it.id, testRef: ref },
        };
      }),
    }));
    if (plan.signoffs.length > 0 || plan.items.length > 0) {
      items.push({
        key: 'signoffs',
        label: 'Sign-offs',
        description: `${plan.signedByIm ? 'IM ✓' : 'IM —'} · ${plan.signedByWorker ? 'worker ✓' : 'worker —'}`,
        icon: new vscode.ThemeIcon('person'),
        children: plan.signoffs.map((s, i) => ({
          key: `signoff-${i}`,
          label: `${s.person} (${s.currentRole.replace('_', ' ')})`,
          description: `${signedWhen(s.at)}${s.planChanged ? ' · stale: plan changed since' : s.stale ? ' · stale: results recorded since' : ''}`,
          icon: new vscode.ThemeIcon(s.stale || s.future ? 'warning' : 'check'),
        })),
      });
    }
    if (isOpen(incident)) {
      const unmet = facts?.verdict?.conditions.filter((c) => !c.met) ?? [];
      items.push({
        key: 'close',
        label: facts?.verdict ? (unmet.length ? `Close: ${countOf(unmet.length, 'condition')} unmet` : 'Close: every condition met') : 'Close: checking…',
        icon: new vscode.ThemeIcon(unmet.length ? 'lock' : 'unlock'),
        contextValue: 'plan:close',
        command: { command: COMMANDS.closeIncident, title: 'Close Incident', arguments: [incident.id] },
        // The reasons are sentences: the full text is in the tooltip when the row is cut off.
        children: unmet.map((c) => ({ key: c.id, label: c.message, tooltip: c.message, icon: new vscode.ThemeIcon('error') })),
      });
      items.push({ key: 'add', label: 'Add test-plan item…', icon: new vscode.ThemeIcon('add'), command: { command: COMMANDS.addPlanItem, title: 'Add Test Plan Item', arguments: [incident.id] } });
    }
    return items;
  },
};

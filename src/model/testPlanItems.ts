// Editing and removing test-plan items. An item that already has results is evidence that the
// plan was executed: it is never removed, only edited, so the record keeps what was done.
import type { ActionContext, RecordEdit } from './edits';
import { timelineEdit } from './edits';
import type { Incident, TestPlanItem } from './record';
import { PlanError } from './testPlan';

export interface PlanItemChanges {
  title: string;
  manual_steps?: string;
  mutates_customer_data: boolean;
}

function find(incident: Incident, itemId: string): { index: number; item: TestPlanItem } {
  const items = incident.test_plan?.items ?? [];
  const index = items.findIndex((it) => it.id === itemId);
  if (index < 0) throw new PlanError(`the test plan has no item "${itemId}"`);
  return { index, item: items[index] as TestPlanItem };
}

/** Changes an item's title, manual steps and customer-data flag; its id, links and results stay. */
export function editPlanItem(incident: Incident, itemId: string, changes: PlanItemChanges, ctx: ActionContext): RecordEdit[] {
  const { index, item } = find(incident, itemId);
  const title = changes.title.trim();
  if (!title) throw new PlanError('a test-plan item needs a title');
  const steps = changes.manual_steps?.trim() ?? '';
  const path = ['test_plan', 'items', index];
  const edits: RecordEdit[] = [];
  const said: string[] = [];
  if (title !== item.title) {
    edits.push({ op: 'set', path: [...path, 'title'], value: title });
    said.push(`title "${item.title}" → "${title}"`);
  }
  if (steps !== (item.manual_steps ?? '')) {
    edits.push(steps ? { op: 'set', path: [...path, 'manual_steps'], value: steps } : { op: 'delete', path: [...path, 'manual_steps'] });
    said.push(steps ? 'manual steps changed' : 'manual steps removed');
  }
  if (changes.mutates_customer_data !== (item.mutates_customer_data === true)) {
    edits.push({ op: 'set', path: [...path, 'mutates_customer_data'], value: changes.mutates_customer_data });
    said.push(changes.mutates_customer_data ? 'now marked as changing customer data (skipped in production)' : 'no longer marked as changing customer data');
  }
  if (edits.length === 0) return [];
  return [...edits, timelineEdit(ctx, 'plan-item-edited', `Test-plan item "${title}": ${said.join('; ')}`)];
}

/** Removes an item that has no results yet; its linked tests go with it. */
export function removePlanItem(incident: Incident, itemId: string, ctx: ActionContext): RecordEdit[] {
  const { index, item } = find(incident, itemId);
  const results = item.results ?? [];
  if (results.length > 0) {
    throw new PlanError(`"${item.title}" has ${results.length} recorded result${results.length === 1 ? '' : 's'}; an executed item stays in the plan (edit it instead)`);
  }
  const tests = item.automated?.length ?? 0;
  return [
    { op: 'delete', path: ['test_plan', 'items', index] },
    timelineEdit(ctx, 'plan-item-removed', `Test-plan item "${item.title}" removed${tests ? ` with its ${tests} linked test${tests === 1 ? '' : 's'}` : ''}`),
  ];
}

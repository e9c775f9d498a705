// The level's start and end checklists, from the level table. Steps carry stable ids so a
// severity change keeps what was already done.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { LEVEL_TABLE, type ChecklistStepTemplate } from './levels';
import { refuseManualPostMortemTick } from './postmortemReadiness';
import type { ChecklistStep, Checklists, Incident, Level } from './record';
import { toTimestamp } from './time';

export type ChecklistName = keyof Checklists;
export const RULE_CHECKLIST = 'checklist-step';

function steps(templates: readonly ChecklistStepTemplate[], existing: readonly ChecklistStep[]): ChecklistStep[] {
  return templates.map((t) => {
    const before = existing.find((s) => s.id === t.id);
    return { id: t.id, text: t.text, done_at: before?.done_at ?? null, done_by: before?.done_by ?? null };
  });
}

/** The level's checklists for a new record; with existing ones, steps whose id is in both keep their done state. */
export function checklistsForLevel(level: Level, existing?: Checklists): Checklists {
  const rules = LEVEL_TABLE[level];
  return { start: steps(rules.start, existing?.start ?? []), end: steps(rules.end, existing?.end ?? []) };
}

/**
 * The edits that bring a record's checklists to a new level by merging, never by rebuilding:
 * every existing step stays as it is (done state, text, comments, keys we do not know), the
 * level's missing steps are appended, and steps the level does not ask for are marked
 * `required: false` (and lose that mark when a later level asks for them again).
 */
export function checklistEditsForLevel(level: Level, incident: Incident): RecordEdit[] {
  const rules = LEVEL_TABLE[level];
  const current = incident.checklists as Partial<Checklists> | undefined;
  if (!current || typeof current !== 'object') return [{ op: 'set', path: ['checklists'], value: checklistsForLevel(level) }];
  const edits: RecordEdit[] = [];
  for (const list of ['start', 'end'] as const) {
    const templates = rules[list];
    const existing = Array.isArray(current[list]) ? current[list]! : undefined;
    if (!existing) {
      edits.push({ op: 'set', path: ['checklists', list], value: steps(templates, []) });
      continue;
    }
    const wanted = new Set(templates.map((t) => t.id));
    existing.forEach((step, index) => {
      const required = wanted.has(step.id);
      if (!required && step.required !== false) edits.push({ op: 'set', path: ['checklists', list, index, 'required'], value: false });
      if (required && step.required !== undefined) edits.push({ op: 'delete', path: ['checklists', list, index, 'required'] });
    });
    const present = new Set(existing.map((s) => s.id));
    for (const step of steps(templates.filter((t) => !present.has(t.id)), [])) edits.push({ op: 'append', path: ['checklists', list], value: step });
  }
  return edits;
}

/** Steps the record's current level asks for (not marked `required: false`). */
export function requiredSteps(list: readonly ChecklistStep[]): ChecklistStep[] {
  return list.filter((s) => s.required !== false);
}

function stepIndex(incident: Incident, list: ChecklistName, stepId: string): number {
  const index = incident.checklists[list].findIndex((s) => s.id === stepId);
  if (index < 0) throw new RuleViolation(RULE_CHECKLIST, `The ${list} checklist has no step "${stepId}".`);
  return index;
}

/** Marks a step done, by whom and when. Ticking a done step changes nothing. */
export function tickStep(incident: Incident, list: ChecklistName, stepId: string, ctx: ActionContext): RecordEdit[] {
  const index = stepIndex(incident, list, stepId);
  const step = incident.checklists[list][index];
  if (step.done_at) return [];
  refuseManualPostMortemTick(incident, list, stepId);
  return [
    { op: 'set', path: ['checklists', list, index, 'done_at'], value: toTimestamp(ctx.now, ctx.zone) },
    { op: 'set', path: ['checklists', list, index, 'done_by'], value: ctx.actor },
    timelineEdit(ctx, 'checklist-ticked', `${list === 'start' ? 'Start' : 'End'} step done: ${step.text}`),
  ];
}

/** Marks a step not done again; the timeline keeps that it had been. */
export function untickStep(incident: Incident, list: ChecklistName, stepId: string, ctx: ActionContext): RecordEdit[] {
  const index = stepIndex(incident, list, stepId);
  const step = incident.checklists[list][index];
  if (!step.done_at) return [];
  return [
    { op: 'set', path: ['checklists', list, index, 'done_at'], value: null },
    { op: 'set', path: ['checklists', list, index, 'done_by'], value: null },
    timelineEdit(ctx, 'checklist-unticked', `${list === 'start' ? 'Start' : 'End'} step undone: ${step.text}`),
  ];
}

/**
 * End steps the level requires before the incident may close (those before "declare over")
 * that are not done, including any removed from the record by hand.
 */
export function openStepsBeforeClose(incident: Incident): ChecklistStep[] {
  return LEVEL_TABLE[incident.severity].end
    .filter((t) => t.beforeClose)
    .map((t) => incident.checklists.end.find((s) => s.id === t.id) ?? { id: t.id, text: t.text, done_at: null, done_by: null })
    .filter((s) => !s.done_at);
}

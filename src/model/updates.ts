// Recording an update cycle: the IM asks each active worker for an update, then decides how
// to proceed (runbook, "Bi-Hourly Updates"). A cycle that silently skips a worker would hide
// exactly the person who may need help, so a missing update must be marked as such.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import type { Incident, UpdateCycle, UpdateDecision, WorkerAssignment, WorkerUpdate } from './record';
import { toTimestamp } from './time';

/** The `found` text that marks a worker who gave no update this cycle (asked, but no answer). */
export const NO_UPDATE = 'no update';

export const UPDATE_RULE = 'Every two hours the Incident Manager should request a detailed update from each worker.';

export const UPDATE_DECISIONS: readonly UpdateDecision[] = ['no-change', 'more-people', 'swap-workers', 'change-direction'];

const DECISION_TEXT: Readonly<Record<UpdateDecision, string>> = {
  'no-change': 'no change',
  'more-people': 'call in more people',
  'swap-workers': 'swap out tired workers',
  'change-direction': 'change direction',
};

export function decisionText(decision: UpdateDecision): string {
  return DECISION_TEXT[decision];
}

export interface UpdateCycleInput {
  workers: WorkerUpdate[];
  decision: UpdateDecision;
  decisionNote?: string;
  /** Discoveries and setbacks worth telling customers; the PRM builds the customer update from it. */
  notable?: string;
}

/** Workers still on the incident (not released): the UI asks one update from each. */
export function activeWorkers(incident: Incident): WorkerAssignment[] {
  return (incident.roles.workers ?? []).filter((w) => !w.released_at);
}

/** True when the worker's entry is the explicit "no update" mark. */
export function isNoUpdate(update: WorkerUpdate): boolean {
  return update.found.trim().toLowerCase() === NO_UPDATE;
}

/**
 * Appends one update cycle and a timeline entry. Refuses a cycle that lacks an update from
 * an active worker, an entry with nothing found (write "no update" to say so), an entry for
 * someone who is not a worker on the incident, and two entries for the same person.
 */
export function recordUpdateCycle(incident: Incident, input: UpdateCycleInput, ctx: ActionContext): RecordEdit[] {
  if (!UPDATE_DECISIONS.includes(input.decision)) {
    throw new RuleViolation(UPDATE_RULE, `Unknown decision "${String(input.decision)}"; expected one of ${UPDATE_DECISIONS.join(', ')}.`);
  }
  const workerIds = new Set((incident.roles.workers ?? []).map((w) => w.person));
  const seen = new Set<string>();
  const updates: WorkerUpdate[] = [];
  for (const u of input.workers) {
    if (!workerIds.has(u.person)) {
      throw new RuleViolation(UPDATE_RULE, `${u.person} is not a worker on this incident; only workers give updates.`);
    }
    if (seen.has(u.person)) throw new RuleViolation(UPDATE_RULE, `Two updates from ${u.person} in one cycle.`);
    seen.add(u.person);
    const found = u.found.trim();
    if (!found) {
      throw new RuleViolation(UPDATE_RULE, `The update from ${u.person} is empty; if they gave none, record "${NO_UPDATE}".`);
    }
    const update: WorkerUpdate = { person: u.person, found, next: u.next.trim(), needs_help: u.needs_help === true };
    if (update.needs_help && u.help_wanted?.trim()) update.help_wanted = u.help_wanted.trim();
    updates.push(update);
  }
  const missing = activeWorkers(incident)
    .map((w) => w.person)
    .filter((p) => !seen.has(p));
  if (missing.length > 0) {
    throw new RuleViolation(
      UPDATE_RULE,
      `"${UPDATE_RULE}" No update from ${missing.join(', ')}; record what they found, or "${NO_UPDATE}" if they gave none.`,
    );
  }

  const cycle: UpdateCycle = { at: toTimestamp(ctx.now, ctx.zone), by: ctx.actor, workers: updates, decision: input.decision };
  // Optional keys are left out rather than written as empty values into the YAML.
  const note = input.decisionNote?.trim();
  if (note) cycle.decision_note = note;
  const notable = input.notable?.trim();
  if (notable) cycle.notable = notable;

  const silent = updates.filter(isNoUpdate).length;
  const help = updates.filter((u) => u.needs_help).length;
  const parts = [`${updates.length} worker update${updates.length === 1 ? '' : 's'}`];
  if (silent) parts.push(`${silent} without an update`);
  if (help) parts.push(`${help} asking for help`);
  const text = `Update cycle recorded: ${parts.join(', ')}; decision: ${decisionText(input.decision)}${note ? ` (${note})` : ''}`;

  return [{ op: 'append', path: ['updates'], value: cycle }, timelineEdit(ctx, 'update-cycle', text)];
}

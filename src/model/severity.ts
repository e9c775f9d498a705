// Severity changes: recorded with a reason; the checklists follow the new level at once (done
// steps kept), while cadence and the waking rule follow by being read from the level table.
import { checklistEditsForLevel } from './checklists';
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { LEVEL_TABLE, RUNBOOK_URL } from './levels';
import { LEVELS, type Incident, type Level } from './record';
import type { Reminder } from './reminder';
import { activeRegroup } from './regroup';
import { formatDuration, instantOf, toTimestamp } from './time';

export const RULE_SEVERITY_REASON = 'severity-reason';
export const DEFAULT_ESCALATION_MINUTES = 240;
export const QUOTE_ESCALATE = 'If the problem is not solved quickly enough it will likely need to be elevated to Level 1';

export function changeSeverity(incident: Incident, to: Level, reason: string, ctx: ActionContext): RecordEdit[] {
  if (!LEVELS.includes(to)) throw new RuleViolation(RULE_SEVERITY_REASON, `${String(to)} is not a level (1, 2 or 3).`);
  const why = reason.trim();
  if (!why) throw new RuleViolation(RULE_SEVERITY_REASON, 'Give the reason for the severity change; it is kept in the timeline.');
  const from = incident.severity;
  if (to === from) throw new RuleViolation(RULE_SEVERITY_REASON, `The incident is already ${LEVEL_TABLE[to].name}.`);
  const edits: RecordEdit[] = [
    { op: 'set', path: ['severity'], value: to },
    ...checklistEditsForLevel(to, incident),
  ];
  // A pause the new level forbids ends now, so its resumption is on record.
  const pause = activeRegroup(incident, ctx.now);
  if (pause && !LEVEL_TABLE[to].regroupAllowed) {
    const index = (incident.regroup ?? []).indexOf(pause);
    edits.push({ op: 'set', path: ['regroup', index, 'resumed_at'], value: toTimestamp(ctx.now, ctx.zone) });
  }
  edits.push(timelineEdit(ctx, 'severity-changed', `${LEVEL_TABLE[from].name} → ${LEVEL_TABLE[to].name}: ${why}`));
  return edits;
}

/**
 * Suggests escalation when an active incident has been open longer than afterMinutes at a
 * level the table says escalates (Level 2 to Level 1). Null otherwise.
 */
export function escalationSuggestion(incident: Incident, now: Date, afterMinutes: number = DEFAULT_ESCALATION_MINUTES): Reminder | null {
  const rules = LEVEL_TABLE[incident.severity];
  if (incident.status !== 'active' || rules.escalatesTo === null) return null;
  const open = now.getTime() - instantOf(incident.declared_at);
  if (open < afterMinutes * 60_000) return null;
  const target = LEVEL_TABLE[rules.escalatesTo];
  return {
    id: 'escalate',
    severity: 'warning',
    message: `Open for ${formatDuration(open)} at ${rules.name}: consider escalating to ${target.name}. The runbook: "${QUOTE_ESCALATE}." (${RUNBOOK_URL})`,
    action: { kind: 'change-severity', label: `Escalate to ${target.name}`, level: rules.escalatesTo },
  };
}

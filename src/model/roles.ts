// Roles: one IM, one or more SMEs, workers (with when they started and were released),
// observers and the PRM. The runbook's separation rules are enforced here, quoted when refused.
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { RUNBOOK_URL } from './levels';
import { personLabel } from './people';
import type { Incident, PersonId, WorkerAssignment } from './record';
import type { Reminder } from './reminder';
import { toTimestamp } from './time';

export const QUOTE_IM_NOT_WORKER = 'The Incident Manager is not allowed to be a worker';
export const QUOTE_PRM_SEPARATE =
  'Public Relations tasks must be delegated to an individual who is not the Incident Manager or one of the workers';
export const QUOTE_KEEP_TRYING_SME =
  'If no SME can be reached, then continue on with your best available resource, and continue with your attempts to reach a SME.';

export const RULE_IM_NOT_WORKER = 'im-not-worker';
export const RULE_PRM_SEPARATE = 'prm-not-im-or-worker';
export const RULE_ROLE = 'role';

/** Timeline kinds that start a new IM's stretch at the helm. */
export const IM_CHANGE_KINDS: readonly string[] = ['im-assigned', 'im-handover'];

function refuse(rule: string, quote: string, detail: string): never {
  throw new RuleViolation(rule, `${detail} The runbook: "${quote}." (${RUNBOOK_URL})`);
}

function requireId(id: PersonId): PersonId {
  const trimmed = id.trim();
  if (!trimmed) throw new RuleViolation(RULE_ROLE, 'Choose a person.');
  return trimmed;
}

function label(incident: Incident, id: PersonId): string {
  return personLabel(incident.people ?? [], id);
}

/** Everyone who holds or held a role, in role order (IM, SMEs, workers, observers, PR manager); a person may appear more than once. */
export function personIdsInRoles(incident: Incident): PersonId[] {
  const r = incident.roles;
  return [r.incident_manager, ...(r.sme ?? []), ...(r.workers ?? []).map((w) => w.person), ...(r.observers ?? []), ...(r.prm ? [r.prm] : [])];
}

/** Workers not yet released. */
export function currentWorkers(incident: Incident): WorkerAssignment[] {
  return (incident.roles.workers ?? []).filter((w) => !w.released_at);
}

export function isCurrentWorker(incident: Incident, id: PersonId): boolean {
  return currentWorkers(incident).some((w) => w.person === id);
}

function checkCanLead(incident: Incident, id: PersonId): void {
  if (isCurrentWorker(incident, id)) {
    refuse(RULE_IM_NOT_WORKER, QUOTE_IM_NOT_WORKER, `${label(incident, id)} is a current worker; release them as a worker before they take the IM role.`);
  }
  if (incident.roles.prm === id) {
    refuse(RULE_PRM_SEPARATE, QUOTE_PRM_SEPARATE, `${label(incident, id)} is the PRM; choose another PRM before they take the IM role.`);
  }
}

function changeIm(incident: Incident, newIm: PersonId, kind: string, verb: string, ctx: ActionContext): RecordEdit[] {
  const id = requireId(newIm);
  const current = incident.roles.incident_manager;
  if (id === current) throw new RuleViolation(RULE_ROLE, `${label(incident, id)} is already the Incident Manager.`);
  checkCanLead(incident, id);
  return [
    { op: 'set', path: ['roles', 'incident_manager'], value: id },
    timelineEdit(ctx, kind, `IM ${verb}: ${label(incident, current)} → ${label(incident, id)}`),
  ];
}

/**
 * Makes someone the IM. There is always exactly one, so this replaces the current one; it is
 * for correcting who was named. A tired IM passing the role on uses handOverIm.
 */
export function assignIm(incident: Incident, personId: PersonId, ctx: ActionContext): RecordEdit[] {
  return changeIm(incident, personId, 'im-assigned', 'assigned', ctx);
}

/** Hands the IM role to someone else; their stretch at the helm starts now. */
export function handOverIm(incident: Incident, newIm: PersonId, ctx: ActionContext): RecordEdit[] {
  return changeIm(incident, newIm, 'im-handover', 'handed over', ctx);
}

export function addSme(incident: Incident, personId: PersonId, ctx: ActionContext): RecordEdit[] {
  const id = requireId(personId);
  if ((incident.roles.sme ?? []).includes(id)) throw new RuleViolation(RULE_ROLE, `${label(incident, id)} is already a SME.`);
  return [{ op: 'append', path: ['roles', 'sme'], value: id }, timelineEdit(ctx, 'role-assigned', `${label(incident, id)} is a SME`)];
}

export function removeSme(incident: Incident, personId: PersonId, ctx: ActionContext): RecordEdit[] {
  const sme = incident.roles.sme ?? [];
  const index = sme.indexOf(personId);
  if (index < 0) throw new RuleViolation(RULE_ROLE, `${label(incident, personId)} is not a SME.`);
  return [{ op: 'delete', path: ['roles', 'sme', index] }, timelineEdit(ctx, 'role-removed', `${label(incident, personId)} is no longer a SME`)];
}

/** Adds a worker from now. A worker released earlier gets a new assignment, so both stretches stay on record. */
export function addWorker(incident: Incident, personId: PersonId, ctx: ActionContext): RecordEdit[] {
  const id = requireId(personId);
  checkCanWork(incident, id);
  const value: WorkerAssignment = { person: id, since: toTimestamp(ctx.now, ctx.zone), released_at: null };
  return [{ op: 'append', path: ['roles', 'workers'], value }, timelineEdit(ctx, 'role-assigned', `${label(incident, id)} is working on the problem`)];
}

/** Refuses the IM, the PRM or someone already working as a worker. */
export function checkCanWork(incident: Incident, id: PersonId): void {
  if (incident.roles.incident_manager === id) {
    refuse(RULE_IM_NOT_WORKER, QUOTE_IM_NOT_WORKER, `${label(incident, id)} is the Incident Manager and cannot be a worker.`);
  }
  if (incident.roles.prm === id) {
    refuse(RULE_PRM_SEPARATE, QUOTE_PRM_SEPARATE, `${label(incident, id)} is the PRM and cannot be a worker.`);
  }
  if (isCurrentWorker(incident, id)) throw new RuleViolation(RULE_ROLE, `${label(incident, id)} is already working on the problem.`);
}

export function addObserver(incident: Incident, personId: PersonId, ctx: ActionContext): RecordEdit[] {
  const id = requireId(personId);
  if ((incident.roles.observers ?? []).includes(id)) throw new RuleViolation(RULE_ROLE, `${label(incident, id)} is already an observer.`);
  return [{ op: 'append', path: ['roles', 'observers'], value: id }, timelineEdit(ctx, 'role-assigned', `${label(incident, id)} observes`)];
}

export function removeObserver(incident: Incident, personId: PersonId, ctx: ActionContext): RecordEdit[] {
  const observers = incident.roles.observers ?? [];
  const index = observers.indexOf(personId);
  if (index < 0) throw new RuleViolation(RULE_ROLE, `${label(incident, personId)} is not an observer.`);
  return [{ op: 'delete', path: ['roles', 'observers', index] }, timelineEdit(ctx, 'role-removed', `${label(incident, personId)} no longer observes`)];
}

/** Names the PRM, or clears the role with null. The PRM is neither the IM nor a current worker. */
export function assignPrm(incident: Incident, personId: PersonId | null, ctx: ActionContext): RecordEdit[] {
  if (personId === null) {
    const previous = incident.roles.prm;
    if (!previous) throw new RuleViolation(RULE_ROLE, 'There is no PRM to remove.');
    return [{ op: 'set', path: ['roles', 'prm'], value: null }, timelineEdit(ctx, 'role-removed', `${label(incident, previous)} is no longer the PRM`)];
  }
  const id = requireId(personId);
  if (incident.roles.prm === id) throw new RuleViolation(RULE_ROLE, `${label(incident, id)} is already the PRM.`);
  if (incident.roles.incident_manager === id) {
    refuse(RULE_PRM_SEPARATE, QUOTE_PRM_SEPARATE, `${label(incident, id)} is the Incident Manager and cannot be the PRM.`);
  }
  if (isCurrentWorker(incident, id)) {
    refuse(RULE_PRM_SEPARATE, QUOTE_PRM_SEPARATE, `${label(incident, id)} is a current worker and cannot be the PRM.`);
  }
  return [{ op: 'set', path: ['roles', 'prm'], value: id }, timelineEdit(ctx, 'role-assigned', `${label(incident, id)} is the PRM`)];
}

export type SmeStatus =
  | { state: 'recorded'; sme: PersonId[] }
  | { state: 'attempts-failed'; attempts: number }
  | { state: 'none' };

/** Whether a SME is recorded, or only failed attempts to reach one (contact attempts with purpose "sme"). */
export function smeStatus(incident: Incident): SmeStatus {
  const sme = incident.roles.sme ?? [];
  if (sme.length > 0) return { state: 'recorded', sme: [...sme] };
  const attempts = (incident.contact_attempts ?? []).filter((a) => a.purpose === 'sme' && !a.reached).length;
  return attempts > 0 ? { state: 'attempts-failed', attempts } : { state: 'none' };
}

/** The standing reminder to keep trying to reach a SME, until one is recorded. */
export function smeReminder(incident: Incident): Reminder | null {
  const status = smeStatus(incident);
  if (status.state === 'recorded') return null;
  const tried =
    status.state === 'attempts-failed'
      ? `No SME reached yet (${status.attempts} failed attempt${status.attempts === 1 ? '' : 's'}): keep trying to reach a SME.`
      : 'No SME recorded: reach a SME, or log the attempts that failed.';
  return {
    id: 'sme',
    severity: 'warning',
    message: `${tried} The runbook: "${QUOTE_KEEP_TRYING_SME}"`,
    action: { kind: 'log-contact', label: 'Log an attempt to reach a SME', purpose: 'sme' },
  };
}

// The test plan: items with manual steps and linked automated tests, their results in staging
// and production, and the sign-offs the runbook requires before an incident is declared over.
import { createHash } from 'node:crypto';
import { slugify } from './declare';
import type { ActionContext, RecordEdit } from './edits';
import { timelineEdit } from './edits';
import type { Incident, NoAutomatedTest, PersonId, PlanEnvironment, PlanOutcome, PlanResult, Signoff, TestPlanItem, TestRef, Timestamp, WaiverSignoff } from './record';
import { instantOf, toTimestamp } from './time';
import { formatTestRef, normalizeTestFile, sameTest, testKey } from './testId';

export const CUSTOMER_DATA_NOTE = 'mutates customer data: never run in production';

export const PLAN_ENVIRONMENTS: readonly PlanEnvironment[] = ['staging', 'production'];
export const PLAN_OUTCOMES: readonly PlanOutcome[] = ['pass', 'fail', 'skipped'];

/** A refused plan change that is not a runbook rule: an unknown item, a duplicate link. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

function items(incident: Incident): TestPlanItem[] {
  return incident.test_plan?.items ?? [];
}

function itemIndex(incident: Incident, itemId: string): number {
  const i = items(incident).findIndex((it) => it.id === itemId);
  if (i < 0) throw new PlanError(`the test plan has no item "${itemId}"`);
  return i;
}

/** Every automated test linked anywhere in the plan, each once. */
export function linkedTests(incident: Incident): TestRef[] {
  const seen = new Map<string, TestRef>();
  for (const it of items(incident)) for (const ref of it.automated ?? []) if (!seen.has(testKey(ref))) seen.set(testKey(ref), ref);
  return [...seen.values()];
}

export interface NewPlanItem {
  title: string;
  manual_steps?: string;
  mutates_customer_data?: boolean;
}

export function addPlanItem(incident: Incident, input: NewPlanItem, ctx: ActionContext): RecordEdit[] {
  const title = input.title.trim();
  if (!title) throw new PlanError('a test-plan item needs a title');
  const taken = new Set(items(incident).map((it) => it.id));
  const base = slugify(title);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  const item: TestPlanItem = { id, title, mutates_customer_data: input.mutates_customer_data === true, automated: [], results: [] };
  if (input.manual_steps?.trim()) item.manual_steps = input.manual_steps.trim();
  const edit: RecordEdit = incident.test_plan
    ? { op: 'append', path: ['test_plan', 'items'], value: item }
    : { op: 'set', path: ['test_plan'], value: { items: [item], signoffs: [] } };
  const flag = item.mutates_customer_data ? ' (mutates customer data: skipped in production)' : '';
  return [edit, timelineEdit(ctx, 'plan-item-added', `Test-plan item "${title}" added${flag}`)];
}

export function linkTest(incident: Incident, itemId: string, ref: TestRef, ctx: ActionContext): RecordEdit[] {
  const i = itemIndex(incident, itemId);
  const item = items(incident)[i] as TestPlanItem;
  const clean: TestRef = { file: normalizeTestFile(ref.file), title: [...ref.title] };
  if (!clean.file || clean.title.length === 0) throw new PlanError('a linked test needs its file and title');
  if ((item.automated ?? []).some((r) => sameTest(r, clean))) throw new PlanError(`${formatTestRef(clean)} is already linked to "${item.title}"`);
  return [
    { op: 'append', path: ['test_plan', 'items', i, 'automated'], value: clean },
    timelineEdit(ctx, 'test-linked', `Linked ${formatTestRef(clean)} to "${item.title}"`),
  ];
}

export function unlinkTest(incident: Incident, itemId: string, ref: TestRef, ctx: ActionContext): RecordEdit[] {
  const i = itemIndex(incident, itemId);
  const item = items(incident)[i] as TestPlanItem;
  const j = (item.automated ?? []).findIndex((r) => sameTest(r, ref));
  if (j < 0) throw new PlanError(`${formatTestRef(ref)} is not linked to "${item.title}"`);
  return [
    { op: 'delete', path: ['test_plan', 'items', i, 'automated', j] },
    timelineEdit(ctx, 'test-unlinked', `Unlinked ${formatTestRef(ref)} from "${item.title}"`),
  ];
}

export function recordResult(incident: Incident, itemId: string, env: PlanEnvironment, outcome: PlanOutcome, note: string | undefined, ctx: ActionContext): RecordEdit[] {
  if (!PLAN_ENVIRONMENTS.includes(env)) throw new PlanError(`"${env}" is not staging or production`);
  if (!PLAN_OUTCOMES.includes(outcome)) throw new PlanError(`"${outcome}" is not pass, fail or skipped`);
  const i = itemIndex(incident, itemId);
  const item = items(incident)[i] as TestPlanItem;
  // The runbook: tests that create or change customer data must never run in production.
  const protectedData = env === 'production' && item.mutates_customer_data === true;
  const result: PlanResult = { env, outcome: protectedData ? 'skipped' : outcome, by: ctx.actor, at: toTimestamp(ctx.now, ctx.zone) };
  const text = protectedData ? CUSTOMER_DATA_NOTE : note?.trim();
  if (text) result.note = text;
  const summary = protectedData && outcome !== 'skipped' ? `skipped (${CUSTOMER_DATA_NOTE}; "${outcome}" was not recorded)` : result.outcome;
  return [
    { op: 'append', path: ['test_plan', 'items', i, 'results'], value: result },
    timelineEdit(ctx, 'plan-result', `"${item.title}" in ${env}: ${summary}${!protectedData && text ? ` (${text})` : ''}`),
  ];
}

/** The role a person signs with, from the roles as they are now: IM, worker (current or past), or other. */
export function signoffRole(incident: Incident, person: PersonId): Signoff['role'] {
  if (incident.roles.incident_manager === person) return 'incident_manager';
  if ((incident.roles.workers ?? []).some((w) => w.person === person)) return 'worker';
  return 'other';
}

/**
 * What a sign-off approves, as a short digest: each item's id, title, manual steps, linked tests
 * and whether it mutates customer data, in the plan's order. Results are not in it: one recorded
 * later makes a sign-off stale by time. A sign-off made on another plan (a linked test swapped for
 * one that passes, an item removed) no longer covers the plan as it is.
 */
export function planDigest(incident: Incident): string {
  const shape = items(incident).map((it) => [it.id, it.title, (it.manual_steps ?? '').trim(), (it.automated ?? []).map(testKey).sort(), it.mutates_customer_data === true]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

/** Signs the plan off as `person`; `gitEmail` is the git identity doing it, kept beside the person. */
export function signOff(incident: Incident, person: PersonId, ctx: ActionContext, gitEmail?: string): RecordEdit[] {
  if (!incident.test_plan || items(incident).length === 0) throw new PlanError('there is no test plan to sign off yet');
  const signoff: Signoff = { person, role: signoffRole(incident, person), at: toTimestamp(ctx.now, ctx.zone), plan_digest: planDigest(incident) };
  if (gitEmail?.trim()) signoff.git_email = gitEmail.trim();
  const label = signoff.role === 'incident_manager' ? 'the IM' : signoff.role === 'worker' ? 'a worker' : 'a reviewer';
  return [
    { op: 'append', path: ['test_plan', 'signoffs'], value: signoff },
    timelineEdit(ctx, 'signoff', `Test plan signed off by ${person} as ${label}`),
  ];
}

export interface ItemStatus {
  id: string;
  title: string;
  mutatesCustomerData: boolean;
  automated: TestRef[];
  staging: PlanResult | null;
  production: PlanResult | null;
  stagingDone: boolean;
  /** Passed in production, or skipped there because it mutates customer data. */
  productionDone: boolean;
}

export interface SignoffStatus extends Signoff {
  /** A result was recorded after this sign-off, or the plan changed since: it no longer covers the plan as executed. */
  stale: boolean;
  /** The plan's items or linked tests are not the ones signed off (its digest differs). */
  planChanged: boolean;
  /** Dated after the moment the status was computed; never counted. */
  future: boolean;
  /** The role by the roles as they are now, which is what counts, not the role written in the record. */
  currentRole: Signoff['role'];
}

export interface PlanStatus {
  items: ItemStatus[];
  signoffs: SignoffStatus[];
  executedInStaging: boolean;
  executedInProduction: boolean;
  signedByIm: boolean;
  signedByWorker: boolean;
  lastResultAt: Timestamp | null;
}

function instantOrNaN(ts: unknown): number {
  try {
    return instantOf(ts as Timestamp);
  } catch {
    return Number.NaN;
  }
}

/** Per item per environment the latest result, and which sign-offs still count. Ordered by instant, never by text. */
export function planStatus(incident: Incident, now?: Date): PlanStatus {
  const limit = now ? now.getTime() : Number.POSITIVE_INFINITY;
  const counted = (ts: unknown) => {
    const t = instantOrNaN(ts);
    return !Number.isNaN(t) && t <= limit;
  };
  let lastResult: { at: Timestamp; t: number } | null = null;
  const itemStatuses = items(incident).map((item): ItemStatus => {
    const latest: Record<PlanEnvironment, PlanResult | null> = { staging: null, production: null };
    for (const r of item.results ?? []) {
      if (!counted(r.at)) continue;
      const t = instantOf(r.at);
      const prev = latest[r.env];
      if (!prev || t >= instantOf(prev.at)) latest[r.env] = r;
      if (!lastResult || t > lastResult.t) lastResult = { at: r.at, t };
    }
    const mutates = item.mutates_customer_data === true;
    return {
      id: item.id,
      title: item.title,
      mutatesCustomerData: mutates,
      automated: item.automated ?? [],
      staging: latest.staging,
      production: latest.production,
      stagingDone: latest.staging?.outcome === 'pass',
      productionDone: latest.production?.outcome === 'pass' || (mutates && latest.production?.outcome === 'skipped'),
    };
  });
  const last = lastResult as { at: Timestamp; t: number } | null;
  const digest = planDigest(incident);
  const signoffs = (incident.test_plan?.signoffs ?? []).map((s): SignoffStatus => {
    const t = instantOrNaN(s.at);
    // A sign-off made before sign-offs carried the plan's digest is judged by time alone.
    const planChanged = typeof s.plan_digest === 'string' && s.plan_digest !== digest;
    return { ...s, stale: planChanged || (last !== null && !(t >= last.t)), planChanged, future: !counted(s.at), currentRole: signoffRole(incident, s.person) };
  });
  const valid = signoffs.filter((s) => !s.stale && !s.future);
  const any = itemStatuses.length > 0;
  return {
    items: itemStatuses,
    signoffs,
    executedInStaging: any && itemStatuses.every((i) => i.stagingDone),
    executedInProduction: any && itemStatuses.every((i) => i.productionDone),
    signedByIm: valid.some((s) => s.currentRole === 'incident_manager'),
    signedByWorker: valid.some((s) => s.currentRole === 'worker'),
    lastResultAt: last?.at ?? null,
  };
}

/** The emails a person is known by: their email and their git emails, lower-cased. */
export function knownEmails(incident: Incident, person: PersonId): string[] {
  const p = (incident.people ?? []).find((x) => x.id === person);
  return p ? [p.email ?? '', ...(p.git_emails ?? [])].map((e) => e.trim().toLowerCase()).filter(Boolean) : [];
}

/** Sign-offs (of the plan and of the waiver) made by a git identity that is not one of the person's known emails. */
export function signoffIdentityMismatches(incident: Incident): { person: PersonId; at: Timestamp; gitEmail: string; what: 'plan' | 'waiver' }[] {
  const all = [
    ...(incident.test_plan?.signoffs ?? []).map((s) => ({ ...s, what: 'plan' as const })),
    ...(incident.test_plan?.no_automated_test?.signoffs ?? []).map((s) => ({ ...s, what: 'waiver' as const })),
  ];
  return all
    .filter((s) => s.git_email && !knownEmails(incident, s.person).includes(s.git_email.trim().toLowerCase()))
    .map((s) => ({ person: s.person, at: s.at, gitEmail: s.git_email!, what: s.what }));
}

export const RULE_NO_AUTOMATED_TEST = 'no-automated-test';

/**
 * The IM records that no automated test is possible, with the reason (the runbook: some fixes,
 * like restoring a database from a snapshot, cannot be tested automatically). It needs the
 * IM's and a SME's sign-off before the gate counts it.
 */
export function recordNoAutomatedTest(incident: Incident, reason: string, ctx: ActionContext): RecordEdit[] {
  const why = reason.trim();
  if (incident.status === 'closed') throw new PlanError('the incident is already closed');
  if (ctx.actor !== incident.roles.incident_manager) throw new PlanError('only the Incident Manager records that no automated test is possible');
  if (!why) throw new PlanError('say why no automated test is possible; the reason is kept in the record and shown with the verdict');
  if (incident.test_plan?.no_automated_test) throw new PlanError('it is already recorded that no automated test is possible');
  const waiver: NoAutomatedTest = { reason: why, recorded_by: ctx.actor, recorded_at: toTimestamp(ctx.now, ctx.zone), signoffs: [] };
  const edit: RecordEdit = incident.test_plan
    ? { op: 'set', path: ['test_plan', 'no_automated_test'], value: waiver }
    : { op: 'set', path: ['test_plan'], value: { items: [], signoffs: [], no_automated_test: waiver } };
  return [edit, timelineEdit(ctx, 'no-automated-test', `No automated test is possible: ${why} (needs the IM's and a SME's sign-off)`)];
}

/** The IM or a SME signs the waiver off; anyone else is refused. */
export function signNoAutomatedTest(incident: Incident, person: PersonId, ctx: ActionContext, gitEmail?: string): RecordEdit[] {
  const waiver = incident.test_plan?.no_automated_test;
  if (!waiver) throw new PlanError('nothing to sign: no one recorded that no automated test is possible');
  const role: WaiverSignoff['role'] | null = incident.roles.incident_manager === person ? 'incident_manager' : (incident.roles.sme ?? []).includes(person) ? 'sme' : null;
  if (!role) throw new PlanError(`${person} is neither the Incident Manager nor a SME, who sign that no automated test is possible`);
  const signoff: WaiverSignoff = { person, role, at: toTimestamp(ctx.now, ctx.zone) };
  if (gitEmail?.trim()) signoff.git_email = gitEmail.trim();
  const edits: RecordEdit[] = waiver.signoffs
    ? [{ op: 'append', path: ['test_plan', 'no_automated_test', 'signoffs'], value: signoff }]
    : [{ op: 'set', path: ['test_plan', 'no_automated_test', 'signoffs'], value: [signoff] }];
  return [...edits, timelineEdit(ctx, 'no-automated-test-signoff', `${person} signed as ${role === 'sme' ? 'a SME' : 'the IM'} that no automated test is possible`)];
}

export interface WaiverStatus {
  reason: string;
  recordedBy: PersonId;
  recordedAt: Timestamp;
  /** Signed by whoever holds the role now. */
  signedByIm: boolean;
  signedBySme: boolean;
  signers: PersonId[];
}

export function waiverStatus(incident: Incident): WaiverStatus | null {
  const w = incident.test_plan?.no_automated_test;
  if (!w) return null;
  const signs = w.signoffs ?? [];
  return {
    reason: w.reason,
    recordedBy: w.recorded_by,
    recordedAt: w.recorded_at,
    signedByIm: signs.some((s) => s.person === incident.roles.incident_manager),
    signedBySme: signs.some((s) => (incident.roles.sme ?? []).includes(s.person)),
    signers: signs.map((s) => s.person),
  };
}

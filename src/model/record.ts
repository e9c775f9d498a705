// The incident record, schema incident-room/v1, as TypeScript types.
// The JSON Schema in incident-room-v1.schema.json is the source of truth for validation;
// these types describe a record that passed it. Keys are snake_case as in the YAML.

export const SCHEMA_ID = 'incident-room/v1';

/** An ISO 8601 timestamp that carries its offset, e.g. "2026-11-27T14:05:00+01:00" or "...Z". */
export type Timestamp = string;
/** A person's id within the record (or the shared people file). */
export type PersonId = string;

export type Level = 1 | 2 | 3;
export const LEVELS: readonly Level[] = [1, 2, 3];

export type IncidentStatus = 'active' | 'fix-released-awaiting-tests' | 'closed';
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['active', 'fix-released-awaiting-tests', 'closed'];

export interface Person {
  id: PersonId;
  name: string;
  /** IANA time zone, e.g. "Europe/Lisbon". */
  timezone: string;
  phone?: string;
  email?: string;
  /** Emails this person commits with, to map git authors to people. */
  git_emails?: string[];
}

export interface WorkerAssignment {
  person: PersonId;
  since: Timestamp;
  released_at?: Timestamp | null;
}

export interface Roles {
  incident_manager: PersonId;
  sme?: PersonId[];
  workers?: WorkerAssignment[];
  observers?: PersonId[];
  prm?: PersonId | null;
}

export interface CustomerContact {
  name: string;
  phone?: string;
  email?: string;
}

export interface Customer {
  id: string;
  name: string;
  timezone: string;
  contacts?: CustomerContact[];
}

export interface ChecklistStep {
  /** Stable id of the step within the level's checklist, e.g. "announce". */
  id: string;
  text: string;
  done_at?: Timestamp | null;
  done_by?: PersonId | null;
  /** false when the incident's current level does not ask for this step (kept, not deleted, by a severity change). */
  required?: boolean;
}

export interface Checklists {
  start: ChecklistStep[];
  end: ChecklistStep[];
}

export interface Links {
  chat_room?: string;
  ticket?: string;
  runbook?: string;
}

export interface TimelineEntry {
  at: Timestamp;
  by: PersonId;
  /** What happened, e.g. "declared", "role-assigned", "severity-changed", "test-run". */
  kind: string;
  text: string;
  /** For a note (kind "note"): which part of the story it tells. */
  note_kind?: NoteKind;
  /** For a note written after the fact: when it was written (`at` is when it happened). */
  recorded_at?: Timestamp;
  /** For a note about someone else's action: who wrote it. */
  recorded_by?: PersonId;
}

export type NoteKind = 'detection' | 'mitigation' | 'resolution' | 'decision' | 'other';
export const NOTE_KINDS: readonly NoteKind[] = ['detection', 'mitigation', 'resolution', 'decision', 'other'];

export interface WorkerUpdate {
  person: PersonId;
  found: string;
  next: string;
  needs_help: boolean;
  /** What help they need, when they need help. */
  help_wanted?: string;
}

export type UpdateDecision = 'no-change' | 'more-people' | 'swap-workers' | 'change-direction';

export interface CustomerUpdate {
  text: string;
  sent_at?: Timestamp | null;
  by?: PersonId | null;
}

export interface UpdateCycle {
  at: Timestamp;
  by: PersonId;
  workers: WorkerUpdate[];
  decision: UpdateDecision;
  decision_note?: string;
  notable?: string;
  customer_update?: CustomerUpdate;
}

export interface FixBranch {
  branch: string;
  base: string;
}

/**
 * A linked automated test: the file it lives in (relative to the workspace, forward slashes)
 * and its full title path (suites then test title). Two tests with the same title in
 * different suites or files are different tests.
 */
export interface TestRef {
  file: string;
  title: string[];
}

export type PlanEnvironment = 'staging' | 'production';
export type PlanOutcome = 'pass' | 'fail' | 'skipped';

export interface PlanResult {
  env: PlanEnvironment;
  outcome: PlanOutcome;
  by: PersonId;
  at: Timestamp;
  note?: string;
}

export interface TestPlanItem {
  id: string;
  title: string;
  manual_steps?: string;
  mutates_customer_data?: boolean;
  automated?: TestRef[];
  results?: PlanResult[];
}

export interface Signoff {
  person: PersonId;
  role: 'incident_manager' | 'worker' | 'other';
  at: Timestamp;
  /** The git identity (user.email) that made the sign-off; one not among the person's emails is flagged. */
  git_email?: string;
  /** The digest of the plan signed off (planDigest): once the items or linked tests change, the sign-off no longer counts. */
  plan_digest?: string;
}

/** A sign-off of the waiver: the IM's, and a SME's, who knows whether a test is possible. */
export interface WaiverSignoff {
  person: PersonId;
  role: 'incident_manager' | 'sme';
  at: Timestamp;
  git_email?: string;
}

/**
 * The runbook's case where no automated test is possible (an operational fix, such as restoring
 * a database): the gate closes on the executed, signed-off manual plan instead.
 */
export interface NoAutomatedTest {
  reason: string;
  recorded_by: PersonId;
  recorded_at: Timestamp;
  signoffs?: WaiverSignoff[];
}

export interface TestPlan {
  items: TestPlanItem[];
  signoffs?: Signoff[];
  no_automated_test?: NoAutomatedTest;
}

export type TestOutcome = 'passed' | 'failed' | 'skipped' | 'missing';

/** The audit entry for one run of the integrated runner. An audit trail, not a credential. */
export interface TestRunRecord {
  id: string;
  sha: string;
  branch: string;
  clean: boolean;
  command: string[];
  started_at: Timestamp;
  ended_at: Timestamp;
  exit_code: number | null;
  /** Why the run ended other than by exiting: "timeout" or "cancelled". */
  ended_by?: 'exit' | 'timeout' | 'cancelled';
  report_format?: string;
  tests: { test: TestRef; outcome: TestOutcome }[];
  totals: { passed: number; failed: number; skipped: number; missing: number };
}

export interface ContactAttempt {
  at: Timestamp;
  by: PersonId;
  /** A person id, or a customer id prefixed "customer:". */
  who: string;
  channel: 'phone' | 'email';
  reached: boolean;
  /** Why this contact was made, e.g. "sme" for an attempt to reach a SME. */
  purpose?: string;
  note?: string;
  answers?: { question: string; answer: string }[];
}

export interface Regroup {
  at: Timestamp;
  by: PersonId;
  until: Timestamp;
  resumed_at?: Timestamp | null;
}

export interface Release {
  at: Timestamp;
  by: PersonId;
  note?: string;
}

export interface Incident {
  schema: typeof SCHEMA_ID;
  id: string;
  title: string;
  /** The title shown outside the team (customer updates, public log), when the title names internals. */
  public_title?: string;
  severity: Level;
  status: IncidentStatus;
  declared_at: Timestamp;
  closed_at?: Timestamp | null;
  impact: string;
  links?: Links;
  people?: Person[];
  roles: Roles;
  customers?: Customer[];
  questions?: string[];
  checklists: Checklists;
  contact_attempts?: ContactAttempt[];
  regroup?: Regroup[];
  updates?: UpdateCycle[];
  fix?: FixBranch;
  /** Set when the fix went to production before its automated tests existed. */
  released_without_tests?: Release;
  /** Per-incident override of the workspace's test command, as an argument vector. */
  test_command?: string[];
  test_plan?: TestPlan;
  test_runs?: TestRunRecord[];
  timeline: TimelineEntry[];
  postmortem?: PostMortemRecord;
  post_post_mortem?: PostPostMortem;
}

/** An action item of the post-mortem, as it was when the post-mortem was marked ready. */
export interface ActionItem {
  text: string;
  /** A person id or name, as written in the post-mortem. */
  owner: string;
  /** YYYY-MM-DD. */
  due: string;
  ticket?: string;
  done?: boolean;
}

export interface PostMortemMeeting {
  start: Timestamp;
  end: Timestamp;
  /** The observers and the PR manager. */
  required: PersonId[];
  /** People who took part; their presence is not required. */
  optional?: PersonId[];
  /** The iCalendar invitation, relative to the workspace folder. */
  file?: string;
  scheduled_at?: Timestamp;
  scheduled_by?: PersonId;
}

export interface PostMortemRecord {
  /** Relative to the workspace folder, e.g. "postmortems/<id>.md". */
  file?: string;
  written_at?: Timestamp;
  written_by?: PersonId;
  ready_at?: Timestamp | null;
  ready_by?: PersonId | null;
  action_items?: ActionItem[];
  meeting?: PostMortemMeeting;
}

/** The PR manager's summary for all customers, as sent. */
export interface PostPostMortem {
  text: string;
  sent_at: Timestamp;
  by: PersonId;
}

// The post-mortem: drafted from the record so nobody retypes what is known, then written by
// people. Generated regions sit between markers that carry a hash of what was generated, so a
// re-run replaces only regions nobody edited; every word outside them, and every region someone
// edited by hand, is kept exactly.
import { createHash } from 'node:crypto';
import { timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { LEVEL_TABLE } from './levels';
import { privateFacts, scrubContacts } from './customerText';
import { personLabel } from './people';
import type { Incident, Person, PersonId } from './record';
import { workerTimes } from './staffing';
import { formatDuration, instantOf, toTimestamp } from './time';
import { levelHistory, milestones, storyZone, tableCell, timelineTable, zonedTime, type Milestones } from './timelineNotes';
import { planStatus } from './testPlan';

export const DEFAULT_POSTMORTEM_FOLDER = 'postmortems';
export const RULE_POSTMORTEM = 'post-mortem';
/** The end checklist's step for beginning the post-mortem (or notes on the key points). */
export const POST_MORTEM_END_STEP = 'post-mortem';
export const QUOTE_POSTMORTEM = "Once the incident has been addressed it is the manager's top priority to provide a post-mortem.";

/** A commit on the fix branch, as git reports it. */
export interface FixCommit {
  sha: string;
  subject: string;
  author: string;
}

export interface PostMortemSource {
  incident: Incident;
  /** Everyone known (the record's people and a shared people file). */
  people: readonly Person[];
  /** The fix branch's commits since its base, when git could say. */
  commits?: readonly FixCommit[];
}

/** The written sections, in order: headings people fill in, with a prompt each. */
export const HUMAN_SECTIONS = [
  {
    id: 'root-cause',
    heading: 'Root cause and contributing factors',
    prompt: 'What actions or failures led to the incident, and what made it worse or harder to see? How was the cause found?',
  },
  { id: 'went-well', heading: 'What went well', prompt: 'What helped: people, tools, decisions, luck excluded.' },
  { id: 'went-poorly', heading: 'What went poorly', prompt: 'What could have been handled better, including mistakes in managing the incident, and how to avoid them.' },
  { id: 'lucky', heading: 'Where we got lucky', prompt: 'What went right by chance and would not next time.' },
  {
    id: 'action-items',
    heading: 'Action items',
    prompt: 'What prevents a recurrence or makes it less likely, and what fixes the shortcomings above. One row each, with an owner (person id or name), a due date (YYYY-MM-DD) and a ticket link; put "yes" in Done when it is done.',
  },
] as const;

export const ACTION_ITEMS_HEADER = '| Action | Owner | Due | Ticket | Done |';

// ---- Generated regions

const BEGIN = /^<!-- incident-room:generated ([a-z0-9-]+) begin(?: ([0-9a-f]{12}))?\b.*-->\s*$/;
const END = /^<!-- incident-room:generated ([a-z0-9-]+) end -->\s*$/;

export class PostMortemFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'PostMortemFormatError';
  }
}

function hashOf(content: string): string {
  return createHash('sha256').update(content.replace(/\r\n/g, '\n').trimEnd()).digest('hex').slice(0, 12);
}

/** A generated region as it is written: markers around the content, the hash of the content in the first. */
export function region(id: string, content: string): string {
  const body = content.replace(/\r\n/g, '\n').trimEnd();
  return [`<!-- incident-room:generated ${id} begin ${hashOf(body)} (Write Post-Mortem regenerates this part; write outside it) -->`, body, `<!-- incident-room:generated ${id} end -->`].join('\n');
}

type Segment = { kind: 'text'; lines: string[] } | { kind: 'region'; id: string; hash?: string; lines: string[]; begin: string; end: string };

/** Splits a post-mortem into people's text and generated regions; unbalanced markers are an error with the line. */
export function parseRegions(text: string): Segment[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: Segment[] = [];
  let current: Extract<Segment, { kind: 'region' }> | undefined;
  let beganAt = 0;
  let plain: string[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const b = BEGIN.exec(line);
    const e = END.exec(line);
    if (b) {
      if (current) throw new PostMortemFormatError(i + 1, `generated region "${b[1]}" begins inside "${current.id}", which began on line ${beganAt} and has no end marker.`);
      if (seen.has(b[1])) throw new PostMortemFormatError(i + 1, `generated region "${b[1]}" appears twice.`);
      seen.add(b[1]);
      out.push({ kind: 'text', lines: plain });
      plain = [];
      current = { kind: 'region', id: b[1], hash: b[2], lines: [], begin: line, end: '' };
      beganAt = i + 1;
    } else if (e) {
      if (!current || current.id !== e[1]) throw new PostMortemFormatError(i + 1, `end of generated region "${e[1]}" without its begin marker.`);
      current.end = line;
      out.push(current);
      current = undefined;
    } else if (current) current.lines.push(line);
    else plain.push(line);
  });
  if (current) throw new PostMortemFormatError(beganAt, `generated region "${current.id}" has no end marker.`);
  out.push({ kind: 'text', lines: plain });
  return out;
}

function renderSegments(segments: readonly Segment[], eol = '\n'): string {
  return segments.flatMap((s) => (s.kind === 'text' ? s.lines : [s.begin, ...s.lines, s.end])).join(eol);
}

export interface MergeResult {
  text: string;
  /** Regions regenerated. */
  updated: string[];
  /** Regions someone edited by hand: left as they were. */
  keptEdited: string[];
  /** Regions that were missing and were put back. */
  added: string[];
}

/**
 * Regenerates the post-mortem: each unedited generated region of `existing` becomes the one in
 * `fresh`; everything else of `existing` stays byte for byte. A region edited by hand (its hash
 * no longer matches) is kept, not overwritten; a missing one is put back after its predecessor.
 */
export function mergePostMortem(existing: string | undefined, fresh: string): MergeResult {
  const freshSegments = parseRegions(fresh);
  const freshRegions = freshSegments.filter((s): s is Extract<Segment, { kind: 'region' }> => s.kind === 'region');
  if (existing === undefined || existing.trim() === '') return { text: fresh, updated: [], keptEdited: [], added: freshRegions.map((r) => r.id) };
  const segments = parseRegions(existing);
  const result: MergeResult = { text: '', updated: [], keptEdited: [], added: [] };
  const byId = new Map(freshRegions.map((r) => [r.id, r]));
  const merged: Segment[] = segments.map((s) => {
    if (s.kind !== 'region') return s;
    const replacement = byId.get(s.id);
    if (!replacement) return s;
    if (s.hash !== hashOf(s.lines.join('\n'))) {
      result.keptEdited.push(s.id);
      return s;
    }
    result.updated.push(s.id);
    return replacement;
  });
  const present = new Set(segments.filter((s) => s.kind === 'region').map((s) => (s as { id: string }).id));
  freshRegions.forEach((r, i) => {
    if (present.has(r.id)) return;
    // After the nearest earlier region that is there; at the top when none is.
    let at = -1;
    for (let k = i - 1; k >= 0 && at < 0; k--) at = merged.findIndex((s) => s.kind === 'region' && s.id === freshRegions[k].id);
    if (at >= 0) merged.splice(at + 1, 0, { kind: 'text', lines: [''] }, r);
    else merged.splice(1, 0, r, { kind: 'text', lines: [''] });
    present.add(r.id);
    result.added.push(r.id);
  });
  // A file kept with Windows line endings stays that way.
  result.text = renderSegments(merged, existing.includes('\r\n') ? '\r\n' : '\n');
  return result;
}

// ---- The draft

function name(people: readonly Person[], id: PersonId): string {
  return personLabel(people, id);
}

function when(ts: string, zone: string): string {
  return zonedTime(ts, zone);
}

function endOf(incident: Incident, m: Milestones): number {
  return m.closed ?? m.resolved ?? Math.max(...incident.timeline.map((e) => instantOf(e.at)), instantOf(incident.declared_at));
}

function summarySection({ incident, people }: PostMortemSource, zone: string): string {
  const m = milestones(incident);
  const levels = levelHistory(incident, endOf(incident, m));
  const levelText = levels.length > 1 ? levels.map((l) => `Level ${l.level}`).join(' → ') : LEVEL_TABLE[incident.severity].name;
  const rows = [
    `| Incident | \`${incident.id}\` |`,
    `| Level | ${levelText} |`,
    `| Status | ${incident.status} |`,
    `| Declared | ${when(incident.declared_at, zone)} |`,
    `| Closed | ${incident.closed_at ? when(incident.closed_at, zone) : 'not yet'} |`,
    `| Open for | ${m.closed !== undefined ? formatDuration(m.closed - m.declared) : 'still open'} |`,
    `| Incident Manager | ${tableCell(name(people, incident.roles.incident_manager))} |`,
  ];
  if (incident.public_title) rows.push(`| Public title | ${tableCell(incident.public_title)} |`);
  if (incident.links?.ticket) rows.push(`| Ticket | ${incident.links.ticket} |`);
  return [`# Post-mortem: ${tableCell(incident.title)}`, '', `Times are in ${zone}, the Incident Manager's time zone.`, '', '| | |', '| --- | --- |', ...rows].join('\n');
}

function impactSection({ incident }: PostMortemSource): string {
  const lines = ['## Impact', '', incident.impact.trim()];
  const customers = incident.customers ?? [];
  if (customers.length) lines.push('', `Customers affected and contacted: ${customers.map((c) => c.name).join(', ')}.`);
  return lines.join('\n');
}

const PHASES: { key: keyof Milestones; label: string }[] = [
  { key: 'started', label: 'Started' },
  { key: 'detected', label: 'Detected' },
  { key: 'declared', label: 'Declared' },
  { key: 'mitigated', label: 'Mitigated' },
  { key: 'resolved', label: 'Resolved' },
  { key: 'closed', label: 'Closed' },
];

function phasesSection({ incident }: PostMortemSource, zone: string): string {
  const m = milestones(incident);
  const lines = ['## Phases', '', '| Phase | At | Since the previous | Since it started |', '| --- | --- | --- | --- |'];
  let previous: number | undefined;
  for (const p of PHASES) {
    const at = m[p.key];
    if (at === undefined) {
      lines.push(`| ${p.label} | not recorded | | |`);
      continue;
    }
    const stamp = zonedTime(new Date(at).toISOString(), zone);
    lines.push(`| ${p.label} | ${stamp} | ${previous === undefined ? '' : formatDuration(at - previous)} | ${formatDuration(at - m.started)} |`);
    previous = at;
  }
  lines.push('', 'Started is the earliest moment in the timeline; detected, mitigated and resolved come from timeline notes of those kinds (resolved falls back to the release of the fix, then the close).');
  const spans = levelHistory(incident, endOf(incident, m));
  if (spans.length) {
    lines.push('', '| Level | From | To | Time |', '| --- | --- | --- | --- |');
    for (const s of spans) {
      lines.push(`| Level ${s.level} | ${zonedTime(new Date(s.from).toISOString(), zone)} | ${zonedTime(new Date(s.to).toISOString(), zone)} | ${formatDuration(s.to - s.from)} |`);
    }
  }
  return lines.join('\n');
}

function timelineSection({ incident, people }: PostMortemSource, zone: string): string {
  return ['## Timeline', '', timelineTable(incident, people, zone)].join('\n');
}

function peopleSection({ incident, people }: PostMortemSource): string {
  const m = milestones(incident);
  const end = endOf(incident, m);
  const roles = new Map<PersonId, string[]>();
  const add = (id: PersonId | null | undefined, role: string) => {
    if (!id) return;
    roles.set(id, [...(roles.get(id) ?? []), role]);
  };
  const r = incident.roles;
  add(r.incident_manager, 'Incident Manager');
  for (const s of r.sme ?? []) add(s, 'SME');
  for (const w of r.workers ?? []) if (!roles.get(w.person)?.includes('worker')) add(w.person, 'worker');
  for (const o of r.observers ?? []) add(o, 'observer');
  add(r.prm, 'PR manager');
  const times = new Map(workerTimes(incident, new Date(end)).map((t) => [t.person, t.totalMs]));
  const lines = ['## People and roles', '', '| Person | Roles | Time on the incident |', '| --- | --- | --- |'];
  for (const [id, list] of roles) {
    const worked = times.get(id);
    const time = worked !== undefined ? formatDuration(worked) : id === r.incident_manager ? `${formatDuration(end - m.declared)} (as IM)` : '';
    lines.push(`| ${tableCell(name(people, id))} | ${list.join(', ')} | ${time} |`);
  }
  return lines.join('\n');
}

function contactsSection({ incident, people }: PostMortemSource, zone: string): string {
  const attempts = [...(incident.contact_attempts ?? [])].sort((a, b) => instantOf(a.at) - instantOf(b.at));
  const lines = ['## Contact attempts', ''];
  if (!attempts.length) return [...lines, 'None recorded.'].join('\n');
  // Committed with the code: names stay, phone numbers and emails do not.
  const facts = privateFacts(incident, people);
  lines.push('| When | By | Whom | How | Reached | Why | Note |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const a of attempts) {
    const whom = a.who.startsWith('customer:') ? (incident.customers ?? []).find((c) => `customer:${c.id}` === a.who)?.name ?? a.who : name(people, a.who);
    lines.push(`| ${when(a.at, zone)} | ${tableCell(name(people, a.by))} | ${tableCell(whom)} | ${a.channel} | ${a.reached ? 'yes' : 'no'} | ${a.purpose ?? ''} | ${tableCell(scrubContacts(a.note ?? '', facts))} |`);
  }
  return lines.join('\n');
}

export interface CycleTimeliness {
  at: number;
  due: number;
  late: boolean;
}

/** Each update cycle against the deadline the cadence of the level in force set for it (regroups move it). */
export function updateTimeliness(incident: Incident): CycleTimeliness[] {
  const cycles = (incident.updates ?? []).map((u) => instantOf(u.at)).sort((a, b) => a - b);
  const end = cycles.length ? cycles[cycles.length - 1] : instantOf(incident.declared_at);
  const spans = levelHistory(incident, end + 1);
  const levelAt = (t: number) => spans.find((s) => t >= s.from && t < s.to)?.level ?? incident.severity;
  const regroupEnds = (incident.regroup ?? []).map((r) => ({ from: instantOf(r.at), to: instantOf(r.resumed_at ?? r.until) }));
  const out: CycleTimeliness[] = [];
  let base = instantOf(incident.declared_at);
  for (const at of cycles) {
    let from = base;
    for (const r of regroupEnds) if (r.from >= base && r.to <= at) from = Math.max(from, r.to);
    const level = levelAt(Math.max(base, at - 1)) as 1 | 2 | 3;
    const due = from + LEVEL_TABLE[level].updateCadenceMinutes * 60_000;
    out.push({ at, due, late: at > due });
    base = at;
  }
  return out;
}

function updatesSection({ incident, people }: PostMortemSource, zone: string): string {
  const cycles = [...(incident.updates ?? [])].sort((a, b) => instantOf(a.at) - instantOf(b.at));
  const lines = ['## Update cycles', ''];
  if (!cycles.length) return [...lines, 'None recorded.'].join('\n');
  const timing = updateTimeliness(incident);
  const late = timing.filter((t) => t.late).length;
  lines.push(`${cycles.length} cycle${cycles.length === 1 ? '' : 's'}, ${cycles.length - late} on time, ${late} late.`, '');
  cycles.forEach((c, i) => {
    const t = timing[i];
    lines.push(`### ${when(c.at, zone)}: ${c.decision}${t?.late ? ` (late by ${formatDuration(t.at - t.due)})` : ''}`, '');
    if (c.decision_note) lines.push(`Decision: ${c.decision_note.trim()}`, '');
    for (const w of c.workers) lines.push(`- ${name(people, w.person)}. Found: ${w.found.trim()} Next: ${w.next.trim()}${w.needs_help ? ' (asked for help)' : ''}`);
    if (c.notable) lines.push(`- Notable: ${c.notable.trim()}`);
    if (c.customer_update?.sent_at) lines.push(`- Customer update sent ${when(c.customer_update.sent_at, zone)}${c.customer_update.by ? ` by ${name(people, c.customer_update.by)}` : ''}`);
    lines.push('');
  });
  return lines.join('\n').trimEnd();
}

/** The waiver (no automated test possible) is another part's field: read it without trusting its shape. */
function waiverLines(incident: Incident, people: readonly Person[], zone: string): string[] {
  const raw = incident as unknown as Record<string, unknown>;
  const plan = (raw.test_plan ?? {}) as Record<string, unknown>;
  const waiver = raw.waiver ?? plan.waiver;
  if (!waiver || typeof waiver !== 'object') return [];
  const w = waiver as Record<string, unknown>;
  const lines = ['', '**Waiver: no automated test possible.**'];
  const reason = [w.reason, w.why, w.note, w.text].find((v) => typeof v === 'string');
  if (reason) lines.push('', `Why: ${String(reason).trim()}`);
  const signed = [w.signoffs, w.signatures, w.signed].find(Array.isArray) as unknown[] | undefined;
  for (const s of signed ?? []) {
    if (!s || typeof s !== 'object') continue;
    const e = s as Record<string, unknown>;
    const who = typeof e.person === 'string' ? name(people, e.person) : typeof e.by === 'string' ? name(people, e.by) : 'someone';
    const at = typeof e.at === 'string' ? safeWhen(e.at, zone) : '';
    lines.push(`- Signed by ${who}${typeof e.role === 'string' ? ` (${e.role})` : ''}${at ? ` at ${at}` : ''}`);
  }
  return lines;
}

function safeWhen(ts: string, zone: string): string {
  try {
    return zonedTime(ts, zone);
  } catch {
    return ts;
  }
}

function fixSection({ incident, people, commits }: PostMortemSource, zone: string): string {
  const lines = ['## Fix, tests and sign-offs', ''];
  const fix = incident.fix;
  if (fix) {
    lines.push(`Fix branch \`${fix.branch}\` from \`${fix.base}\`.`);
    if (commits?.length) {
      lines.push('', '| Commit | Subject | Author |', '| --- | --- | --- |');
      for (const c of commits) lines.push(`| \`${c.sha.slice(0, 7)}\` | ${tableCell(c.subject)} | ${tableCell(c.author)} |`);
    } else if (commits) lines.push('', 'No commits on the branch beyond its base.');
  } else lines.push('No fix branch was linked.');
  if (incident.released_without_tests) {
    const r = incident.released_without_tests;
    lines.push('', `Released without automated tests at ${when(r.at, zone)} by ${name(people, r.by)}${r.note ? `: ${r.note.trim()}` : ''}.`);
  }
  const items = incident.test_plan?.items ?? [];
  if (items.length) {
    const status = planStatus(incident);
    lines.push('', '| Test plan item | Staging | Production | Automated tests |', '| --- | --- | --- | --- |');
    for (const item of items) {
      const s = status.items.find((x) => x.id === item.id);
      const res = (env: 'staging' | 'production') => {
        const r = env === 'staging' ? s?.staging : s?.production;
        return r ? `${r.outcome} (${name(people, r.by)}, ${when(r.at, zone)})` : '—';
      };
      const tests = (item.automated ?? []).map((t) => `${t.file} › ${t.title.join(' › ')}`).join('<br>');
      lines.push(`| ${tableCell(item.title)}${item.mutates_customer_data ? ' (changes customer data)' : ''} | ${res('staging')} | ${res('production')} | ${tests ? tableCell(tests).replace(/&lt;br&gt;/g, '<br>') : '—'} |`);
    }
  } else lines.push('', 'No test plan was recorded.');
  const runs = [...(incident.test_runs ?? [])].sort((a, b) => instantOf(a.started_at) - instantOf(b.started_at));
  if (runs.length) {
    lines.push('', '| Run | Commit | Result | Passed | Failed | Skipped | Missing |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of runs) {
      const ok = r.exit_code === 0 && r.totals.failed === 0 && r.totals.missing === 0;
      lines.push(`| ${when(r.started_at, zone)} | \`${r.sha.slice(0, 7)}\` | ${ok ? 'passed' : r.ended_by && r.ended_by !== 'exit' ? r.ended_by : 'failed'} | ${r.totals.passed} | ${r.totals.failed} | ${r.totals.skipped} | ${r.totals.missing} |`);
    }
  }
  const signoffs = incident.test_plan?.signoffs ?? [];
  lines.push('', signoffs.length ? `Signed off by ${signoffs.map((s) => `${name(people, s.person)} (${s.role.replace('_', ' ')}, ${when(s.at, zone)})`).join(', ')}.` : 'No sign-offs.');
  lines.push(...waiverLines(incident, people, zone));
  return lines.join('\n');
}

/** The generated regions in order, each with its id. */
export function generatedSections(source: PostMortemSource): { id: string; content: string }[] {
  const zone = storyZone(source.incident, source.people);
  return [
    { id: 'summary', content: summarySection(source, zone) },
    { id: 'impact', content: impactSection(source) },
    { id: 'phases', content: phasesSection(source, zone) },
    { id: 'timeline', content: timelineSection(source, zone) },
    { id: 'people', content: peopleSection(source) },
    { id: 'contacts', content: contactsSection(source, zone) },
    { id: 'updates', content: updatesSection(source, zone) },
    { id: 'fix', content: fixSection(source, zone) },
  ];
}

/** The whole first draft: generated regions, then the sections people write, each with its prompt. */
export function draftPostMortem(source: PostMortemSource): string {
  const parts = generatedSections(source).map((s) => region(s.id, s.content));
  for (const s of HUMAN_SECTIONS) {
    const table = s.id === 'action-items' ? `\n\n${ACTION_ITEMS_HEADER}\n| --- | --- | --- | --- | --- |\n|  |  |  |  |  |` : '';
    parts.push(`## ${s.heading}\n\n<!-- ${s.prompt} -->${table}`);
  }
  return `${parts.join('\n\n').trimEnd()}\n`;
}

/** Write Post-Mortem: the draft merged into what is on disk (undefined when there is none yet). */
export function writePostMortemText(source: PostMortemSource, existing: string | undefined): MergeResult {
  return mergePostMortem(existing, draftPostMortem(source));
}

/** The post-mortem's file, relative to the workspace folder. */
export function postMortemPath(incident: Incident, folder: string = DEFAULT_POSTMORTEM_FOLDER): string {
  return incident.postmortem?.file ?? `${folder.replace(/\/+$/, '') || DEFAULT_POSTMORTEM_FOLDER}/${incident.id}.md`;
}

/** The record's side of writing it: where it is, and who first wrote it when (once). */
export function recordPostMortemWritten(incident: Incident, file: string, ctx: ActionContext): RecordEdit[] {
  if (incident.postmortem?.written_at && incident.postmortem.file === file) return [];
  const entry = timelineEdit(ctx, 'postmortem-written', `Post-mortem drafted in ${file}`);
  const at = toTimestamp(ctx.now, ctx.zone);
  // Key by key, so comments and hand-added keys under postmortem survive.
  const edits: RecordEdit[] = [
    { op: 'set', path: ['postmortem', 'file'], value: file },
    { op: 'set', path: ['postmortem', 'written_at'], value: at },
    { op: 'set', path: ['postmortem', 'written_by'], value: ctx.actor },
  ];
  // After the close, drafting it is the end step "Begin writing up the Post-Mortem".
  const step = incident.status === 'closed' ? incident.checklists.end.findIndex((s) => s.id === POST_MORTEM_END_STEP) : -1;
  if (step >= 0 && !incident.checklists.end[step]!.done_at) {
    edits.push({ op: 'set', path: ['checklists', 'end', step, 'done_at'], value: at }, { op: 'set', path: ['checklists', 'end', step, 'done_by'], value: ctx.actor });
  }
  edits.push(entry);
  return edits;
}

// What the records teach: figures over many incidents, computed from the records alone, so the
// same report comes out offline, in CI and in the editor. Times are measured from when the
// story started (the earliest moment in the timeline, e.g. a note about the deploy, else the
// declaration), so "time to declare" is how long the problem went undeclared.
import { DateTime } from 'luxon';
import { LEVEL_TABLE } from './levels';
import type { Incident, Level } from './record';
import { formatDuration, instantOf } from './time';
import { updateTimeliness } from './postmortem';
import { levelHistory, milestones } from './timelineNotes';

export interface Figure {
  /** How many incidents had the measure. */
  n: number;
  medianMs: number | null;
  worstMs: number | null;
  /** The incident with the worst figure. */
  worstId: string | null;
}

export interface LevelFigures {
  level: Level;
  count: number;
  toDeclare: Figure;
  toMitigate: Figure;
  toClose: Figure;
}

export interface OpenActionItem {
  incident: string;
  text: string;
  due: string;
  ticket?: string;
  overdue: boolean;
}

export interface IncidentReport {
  since: string | null;
  total: number;
  perLevel: Record<Level, number>;
  perMonth: { month: string; total: number; perLevel: Record<Level, number> }[];
  levels: LevelFigures[];
  updates: { onTime: number; late: number };
  waived: string[];
  releasedWithoutTests: string[];
  postmortems: { ready: string[]; missing: string[] };
  openActionItems: { owner: string; items: OpenActionItem[] }[];
}

/** The most severe level the incident reached: a Level 2 released without tests still counts as a Level 2. */
export function worstLevel(incident: Incident): Level {
  const spans = levelHistory(incident, Number.POSITIVE_INFINITY);
  return Math.min(incident.severity, ...spans.map((s) => s.level)) as Level;
}

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function figure(values: readonly { id: string; ms: number }[]): Figure {
  if (!values.length) return { n: 0, medianMs: null, worstMs: null, worstId: null };
  const worst = values.reduce((w, v) => (v.ms > w.ms ? v : w));
  return { n: values.length, medianMs: median(values.map((v) => v.ms)), worstMs: worst.ms, worstId: worst.id };
}

/** The waiver (no automated test possible) belongs to the close gate; read without trusting its shape. */
export function hasWaiver(incident: Incident): boolean {
  const raw = incident as unknown as Record<string, unknown>;
  const plan = raw.test_plan as Record<string, unknown> | undefined;
  return Boolean((raw.waiver && typeof raw.waiver === 'object') || (plan?.waiver && typeof plan.waiver === 'object'));
}

/** `since`: a date (YYYY-MM-DD, midnight UTC) or a timestamp; incidents declared before it are left out. */
export function parseSince(text: string): number {
  const t = text.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(t) ? DateTime.fromISO(t, { zone: 'UTC' }) : DateTime.fromISO(t, { setZone: true });
  if (!date.isValid) throw new RangeError(`"${text}" is not a date (YYYY-MM-DD) or a timestamp with its offset.`);
  return date.toMillis();
}

const emptyLevels = (): Record<Level, number> => ({ 1: 0, 2: 0, 3: 0 });

export function buildReport(all: readonly Incident[], opts: { since?: string; today?: Date } = {}): IncidentReport {
  const since = opts.since ? parseSince(opts.since) : undefined;
  const incidents = all.filter((i) => since === undefined || instantOf(i.declared_at) >= since).sort((a, b) => instantOf(a.declared_at) - instantOf(b.declared_at) || (a.id < b.id ? -1 : 1));
  const today = DateTime.fromJSDate(opts.today ?? new Date(), { zone: 'UTC' }).toISODate() ?? '';
  const report: IncidentReport = {
    since: opts.since ?? null,
    total: incidents.length,
    perLevel: emptyLevels(),
    perMonth: [],
    levels: [],
    updates: { onTime: 0, late: 0 },
    waived: [],
    releasedWithoutTests: [],
    postmortems: { ready: [], missing: [] },
    openActionItems: [],
  };
  const months = new Map<string, { month: string; total: number; perLevel: Record<Level, number> }>();
  const measures = new Map<Level, { declare: { id: string; ms: number }[]; mitigate: { id: string; ms: number }[]; close: { id: string; ms: number }[] }>();
  const owners = new Map<string, OpenActionItem[]>();
  for (const incident of incidents) {
    const level = worstLevel(incident);
    report.perLevel[level]++;
    const month = DateTime.fromMillis(instantOf(incident.declared_at), { zone: 'UTC' }).toFormat('yyyy-MM');
    const m = months.get(month) ?? { month, total: 0, perLevel: emptyLevels() };
    m.total++;
    m.perLevel[level]++;
    months.set(month, m);
    const times = milestones(incident);
    const bucket = measures.get(level) ?? { declare: [], mitigate: [], close: [] };
    bucket.declare.push({ id: incident.id, ms: times.declared - times.started });
    const mitigated = times.mitigated ?? times.resolved;
    if (mitigated !== undefined) bucket.mitigate.push({ id: incident.id, ms: mitigated - times.started });
    if (times.closed !== undefined) bucket.close.push({ id: incident.id, ms: times.closed - times.started });
    measures.set(level, bucket);
    for (const t of updateTimeliness(incident)) report.updates[t.late ? 'late' : 'onTime']++;
    if (hasWaiver(incident)) report.waived.push(incident.id);
    if (incident.released_without_tests) report.releasedWithoutTests.push(incident.id);
    if (incident.status === 'closed') report.postmortems[incident.postmortem?.ready_at ? 'ready' : 'missing'].push(incident.id);
    for (const a of incident.postmortem?.action_items ?? []) {
      if (a.done) continue;
      const item: OpenActionItem = { incident: incident.id, text: a.text, due: a.due, overdue: a.due < today };
      if (a.ticket) item.ticket = a.ticket;
      owners.set(a.owner, [...(owners.get(a.owner) ?? []), item]);
    }
  }
  report.perMonth = [...months.values()].sort((a, b) => (a.month < b.month ? -1 : 1));
  report.levels = ([1, 2, 3] as Level[])
    .filter((l) => measures.has(l))
    .map((l) => {
      const b = measures.get(l)!;
      return { level: l, count: report.perLevel[l], toDeclare: figure(b.declare), toMitigate: figure(b.mitigate), toClose: figure(b.close) };
    });
  report.openActionItems = [...owners.entries()]
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))
    .map(([owner, items]) => ({ owner, items: items.sort((a, b) => (a.due < b.due ? -1 : 1)) }));
  return report;
}

const dur = (ms: number | null): string => (ms === null ? '—' : formatDuration(ms));

function figureCell(f: Figure): string {
  return f.n ? `${dur(f.medianMs)} / ${dur(f.worstMs)} (n=${f.n})` : '—';
}

/** The report as Markdown: the CLI prints it, the editor previews it. */
export function reportMarkdown(r: IncidentReport): string {
  const out: string[] = ['# Incident report', ''];
  out.push(r.since ? `Incidents declared since ${r.since}: ${r.total}.` : `All incidents: ${r.total}.`, '');
  out.push('Each incident counts at the most severe level it reached. Times run from when the story started (the earliest timeline entry or note), median / worst.', '');
  out.push('## Per level', '', '| Level | Incidents | To declare | To mitigate | To close |', '| --- | --- | --- | --- | --- |');
  for (const l of r.levels) out.push(`| ${LEVEL_TABLE[l.level].name} | ${l.count} | ${figureCell(l.toDeclare)} | ${figureCell(l.toMitigate)} | ${figureCell(l.toClose)} |`);
  out.push('', '## Per month', '', '| Month | Incidents | Level 1 | Level 2 | Level 3 |', '| --- | --- | --- | --- | --- |');
  for (const m of r.perMonth) out.push(`| ${m.month} | ${m.total} | ${m.perLevel[1]} | ${m.perLevel[2]} | ${m.perLevel[3]} |`);
  out.push('', '## Updates', '', `${r.updates.onTime} on time, ${r.updates.late} late.`);
  out.push('', '## Closed without passing tests', '');
  out.push(`- With a waiver (no automated test possible): ${r.waived.length ? r.waived.join(', ') : 'none'}`);
  out.push(`- Fix released without tests: ${r.releasedWithoutTests.length ? r.releasedWithoutTests.join(', ') : 'none'}`);
  out.push('', '## Post-mortems', '', `${r.postmortems.ready.length} ready, ${r.postmortems.missing.length} missing${r.postmortems.missing.length ? ` (${r.postmortems.missing.join(', ')})` : ''}.`);
  out.push('', '## Open action items by owner', '');
  if (!r.openActionItems.length) out.push('None.');
  for (const o of r.openActionItems) {
    out.push(`- ${o.owner}: ${o.items.length}`);
    for (const i of o.items) out.push(`  - ${i.text} (due ${i.due}${i.overdue ? ', overdue' : ''}; ${i.incident})`);
  }
  return `${out.join('\n')}\n`;
}

// What the status bar costs: each second it finds the most urgent of the open incidents and
// formats its countdown. Runs a minute's 60 ticks back to back (the CPU work is the same as
// spread over a minute) with 50 open incidents, and prints CPU ms per minute and per tick.
// Numbers only, no asserts: machines differ.
import { countdownLabel, mostUrgent } from '../../src/model/cadence';
import type { Incident, Level, UpdateCycle } from '../../src/model/record';
import { toTimestamp } from '../../src/model/time';

const INCIDENTS = 50;
const CYCLES_PER_INCIDENT = 12;
const MINUTES = 10;
const TICKS_PER_MINUTE = 60;
const start = Date.parse('2026-11-27T18:00:00Z');
const zones = ['Europe/Lisbon', 'America/New_York', 'Asia/Tokyo', 'Europe/Berlin', 'Australia/Sydney'];

function incident(i: number): Incident {
  const zone = zones[i % zones.length] as string;
  const declared = start - (30 + i * 7) * 60_000 - CYCLES_PER_INCIDENT * 2 * 3_600_000;
  const updates: UpdateCycle[] = Array.from({ length: CYCLES_PER_INCIDENT }, (_, k) => ({
    at: toTimestamp(declared + (k + 1) * 2 * 3_600_000, zone),
    by: `im-${i}`,
    workers: [{ person: `w-${i}`, found: 'Still narrowing it down', next: 'Bisect the release', needs_help: false }],
    decision: 'no-change',
  }));
  const record: Incident = {
    schema: 'incident-room/v1',
    id: `2026-11-27-incident-${String(i).padStart(2, '0')}`,
    title: `Incident ${i}`,
    severity: ((i % 3) + 1) as Level,
    status: 'active',
    declared_at: toTimestamp(declared, zone),
    impact: 'Benchmark record.',
    people: [{ id: `im-${i}`, name: `Manager ${i}`, timezone: zone }],
    roles: { incident_manager: `im-${i}`, workers: [{ person: `w-${i}`, since: toTimestamp(declared, zone) }] },
    checklists: { start: [], end: [] },
    updates,
    timeline: [],
  };
  // Some are regrouping overnight, so the paused path is measured too.
  if (i % 10 === 0) record.regroup = [{ at: toTimestamp(start - 3_600_000, zone), by: `im-${i}`, until: toTimestamp(start + 8 * 3_600_000, zone) }];
  return record;
}

const incidents = Array.from({ length: INCIDENTS }, (_, i) => incident(i));
let sink = 0;

const announced = new Set<string>();

/** What the status bar's tick does, less the VS Code calls: the urgent incident, its label, the cycles newly due. */
function tick(now: number): void {
  const { openCount, urgent, overdue } = mostUrgent(incidents, now);
  const text = urgent ? countdownLabel(urgent.incident, urgent.next, openCount, 'Europe/Lisbon') : '';
  for (const { incident, next } of overdue) announced.add(`${incident.id}@${next.dueAt}`);
  sink += text.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const perMinuteCpu: number[] = [];
const perTick: number[] = [];
for (let minute = 0; minute < MINUTES; minute++) {
  const cpu = process.cpuUsage();
  for (let t = 0; t < TICKS_PER_MINUTE; t++) {
    const now = start + (minute * TICKS_PER_MINUTE + t) * 1000;
    const t0 = process.hrtime.bigint();
    tick(now);
    perTick.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const used = process.cpuUsage(cpu);
  perMinuteCpu.push((used.user + used.system) / 1000);
}

const fmt = (ms: number): string => ms.toFixed(3);
console.log(`status bar: ${INCIDENTS} open incidents, ${CYCLES_PER_INCIDENT} update cycles each, ${TICKS_PER_MINUTE} ticks per minute, ${MINUTES} minutes`);
console.log(`CPU per minute, first (cold: timestamps parsed once): ${fmt(perMinuteCpu[0] as number)} ms`);
console.log(`CPU per minute, median of the rest:                   ${fmt(median(perMinuteCpu.slice(1)))} ms`);
console.log(`wall time per tick, median:                           ${fmt(median(perTick))} ms`);
console.log(`wall time per tick, max:                              ${fmt(Math.max(...perTick))} ms`);
if (sink === 0) console.log('(no incident shown)');

import assert from 'node:assert/strict';
import { mostUrgent, mostUrgentDeadline, updateDeadlines } from '../../src/model/cadence';
import type { Incident, Level } from '../../src/model/record';
import { toTimestamp } from '../../src/model/time';

const START = Date.parse('2026-11-27T18:00:00Z');
const ZONES = ['Europe/Lisbon', 'America/New_York', 'Asia/Tokyo'];

function incident(i: number): Incident {
  const zone = ZONES[i % ZONES.length]!;
  const declared = START - (20 + i * 37) * 60_000;
  const record: Incident = {
    schema: 'incident-room/v1',
    id: `inc-${String(i).padStart(2, '0')}`,
    title: `Incident ${i}`,
    severity: ((i % 3) + 1) as Level,
    status: i % 7 === 6 ? 'closed' : 'active',
    declared_at: toTimestamp(declared, zone),
    ...(i % 7 === 6 ? { closed_at: toTimestamp(START, zone) } : {}),
    impact: 'x',
    people: [{ id: 'im', name: 'IM', timezone: zone }],
    roles: { incident_manager: 'im' },
    checklists: { start: [], end: [] },
    updates: i % 2 ? [{ at: toTimestamp(declared + 50 * 60_000, zone), by: 'im', workers: [], decision: 'no-change' }] : [],
    timeline: [],
  };
  // Regroups that end inside the window, one resumed early, one overlapping another.
  if (i % 4 === 0) record.regroup = [{ at: toTimestamp(START - 3_600_000, zone), by: 'im', until: toTimestamp(START + (i + 1) * 11 * 60_000, zone) }];
  if (i % 8 === 0) record.regroup!.push({ at: toTimestamp(START, zone), by: 'im', until: toTimestamp(START + 3 * 3_600_000, zone), resumed_at: toTimestamp(START + 40 * 60_000, zone) });
  if (i === 4) record.regroup!.push({ at: toTimestamp(START, zone), by: 'im', until: toTimestamp(START + 95 * 60_000, zone) });
  return record;
}

describe('Precomputed update deadlines (the status bar tick)', () => {
  it('give the same most urgent incident, state, times and overdue list as working it out from the records, tick after tick', () => {
    const incidents = Array.from({ length: 17 }, (_, i) => incident(i));
    const deadlines = updateDeadlines(incidents, START);
    assert.equal(deadlines.length, incidents.filter((i) => i.status !== 'closed').length);
    // Every 20 s over six hours: pauses start and end, cycles come near and go overdue.
    for (let t = START; t <= START + 6 * 3_600_000; t += 20_000) {
      for (const near of [15, 45]) {
        const expected = mostUrgent(incidents, t, near);
        const actual = mostUrgentDeadline(deadlines, t, near);
        assert.deepEqual(actual, expected, `at +${(t - START) / 60000} min, near ${near}`);
      }
    }
  });

  it('skip an incident whose times cannot be read, as mostUrgent does', () => {
    const bad = { ...incident(1), declared_at: '2026-11-27 10:00' };
    const good = incident(2);
    const deadlines = updateDeadlines([bad, good], START);
    assert.deepEqual(mostUrgentDeadline(deadlines, START + 60_000), mostUrgent([bad, good], START + 60_000));
  });
});

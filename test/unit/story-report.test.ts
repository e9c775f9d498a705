import assert from 'node:assert/strict';
import { checklistsForLevel } from '../../src/model/checklists';
import type { Incident, Level } from '../../src/model/record';
import { buildReport, median, reportMarkdown, worstLevel } from '../../src/model/report';
import { richIncident } from './story-support';

const H = 3_600_000;
const M = 60_000;

function bare(id: string, level: Level, declared: string, extra: Partial<Incident> = {}): Incident {
  return {
    schema: 'incident-room/v1',
    id,
    title: id,
    severity: level,
    status: 'active',
    declared_at: declared,
    impact: 'x',
    roles: { incident_manager: 'ana' },
    checklists: checklistsForLevel(level),
    timeline: [{ at: declared, by: 'ana', kind: 'declared', text: 'Declared' }],
    ...extra,
  };
}

/**
 * A: the rich incident, reached Level 1: started 13:30, declared 14:00 (30m), mitigated 15:30
 *    (2h), closed 18:00 (4h 30m); cycles 1 on time, 1 late; closed, post-mortem not ready.
 * B: Level 2, October: detected 08:00, declared 09:00 (1h), mitigated 10:30 (2h 30m), closed
 *    12:00 (4h); post-mortem ready with one open item (bruno, overdue) and one done (ana).
 * C: Level 2 → 3 after a release without tests, November: declared 10:00 (0m), released 13:00
 *    (3h, counts as mitigated), still open; one cycle at 12:30 (due 12:00: late).
 * D: Level 3, September, closed with a waiver after 24h; post-mortem missing.
 */
function incidents(): Incident[] {
  const a = richIncident();
  const b = bare('b', 2, '2026-10-05T09:00:00Z', {
    status: 'closed',
    closed_at: '2026-10-05T12:00:00Z',
    postmortem: {
      ready_at: '2026-10-06T10:00:00Z',
      ready_by: 'ana',
      action_items: [
        { text: 'Cap the retry storm', owner: 'bruno', due: '2026-10-20', ticket: 'https://t/1' },
        { text: 'Document the failover', owner: 'ana', due: '2026-12-31', done: true },
      ],
    },
  });
  b.timeline.push(
    { at: '2026-10-05T08:00:00Z', by: 'carla', kind: 'note', note_kind: 'detection', text: 'alert' },
    { at: '2026-10-05T10:30:00Z', by: 'bruno', kind: 'note', note_kind: 'mitigation', text: 'failover' },
  );
  const c = bare('c', 3, '2026-11-10T10:00:00Z', {
    status: 'fix-released-awaiting-tests',
    released_without_tests: { at: '2026-11-10T13:00:00Z', by: 'ana' },
    updates: [{ at: '2026-11-10T12:30:00Z', by: 'ana', workers: [], decision: 'no-change' }],
  });
  c.timeline.push({ at: '2026-11-10T13:00:00Z', by: 'ana', kind: 'severity-changed', text: 'Level 2 → Level 3: fix released without automated tests' });
  const d = bare('d', 3, '2026-09-01T10:00:00Z', { status: 'closed', closed_at: '2026-09-02T10:00:00Z' }) as Incident & { waiver?: unknown };
  d.waiver = { reason: 'restore from a snapshot' };
  return [a, b, c, d];
}

describe('Incident report: figures against hand-computed ones', () => {
  const report = buildReport(incidents(), { today: new Date('2026-11-28T12:00:00Z') });

  it('median of an even and an odd count; the worst level an incident reached', () => {
    assert.equal(median([3, 1]), 2);
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([]), null);
    const [a, , c, d] = incidents();
    assert.deepEqual([worstLevel(a), worstLevel(c), worstLevel(d)], [1, 2, 3]);
  });

  it('counts per level and per month', () => {
    assert.equal(report.total, 4);
    assert.deepEqual(report.perLevel, { 1: 1, 2: 2, 3: 1 });
    assert.deepEqual(report.perMonth, [
      { month: '2026-09', total: 1, perLevel: { 1: 0, 2: 0, 3: 1 } },
      { month: '2026-10', total: 1, perLevel: { 1: 0, 2: 1, 3: 0 } },
      { month: '2026-11', total: 2, perLevel: { 1: 1, 2: 1, 3: 0 } },
    ]);
  });

  it('median and worst time to declare, to mitigate and to close, per level', () => {
    const byLevel = Object.fromEntries(report.levels.map((l) => [l.level, l]));
    assert.deepEqual(byLevel[1].toDeclare, { n: 1, medianMs: 30 * M, worstMs: 30 * M, worstId: '2026-11-27-checkout-eu' });
    assert.deepEqual(byLevel[1].toMitigate, { n: 1, medianMs: 2 * H, worstMs: 2 * H, worstId: '2026-11-27-checkout-eu' });
    assert.deepEqual(byLevel[1].toClose, { n: 1, medianMs: 4.5 * H, worstMs: 4.5 * H, worstId: '2026-11-27-checkout-eu' });
    // Level 2: B declared after 1h, C at once; mitigated 2h30 (B) and 3h (C); only B closed, after 4h.
    assert.deepEqual(byLevel[2].toDeclare, { n: 2, medianMs: 30 * M, worstMs: H, worstId: 'b' });
    assert.deepEqual(byLevel[2].toMitigate, { n: 2, medianMs: 2.75 * H, worstMs: 3 * H, worstId: 'c' });
    assert.deepEqual(byLevel[2].toClose, { n: 1, medianMs: 4 * H, worstMs: 4 * H, worstId: 'b' });
    assert.deepEqual(byLevel[3].toClose, { n: 1, medianMs: 24 * H, worstMs: 24 * H, worstId: 'd' });
  });

  it('updates on time against late; waivers and releases without tests; post-mortems ready against missing', () => {
    assert.deepEqual(report.updates, { onTime: 1, late: 2 });
    assert.deepEqual(report.waived, ['d']);
    assert.deepEqual(report.releasedWithoutTests, ['c']);
    assert.deepEqual(report.postmortems, { ready: ['b'], missing: ['d', '2026-11-27-checkout-eu'] });
  });

  it('open action items by owner; done ones are left out; overdue marked', () => {
    assert.deepEqual(report.openActionItems, [{ owner: 'bruno', items: [{ incident: 'b', text: 'Cap the retry storm', due: '2026-10-20', ticket: 'https://t/1', overdue: true }] }]);
  });

  it('--since leaves out incidents declared before it', () => {
    const since = buildReport(incidents(), { since: '2026-10-01', today: new Date('2026-11-28T12:00:00Z') });
    assert.equal(since.total, 3);
    assert.deepEqual(since.waived, []);
    assert.throws(() => buildReport(incidents(), { since: 'last week' }), /not a date/);
  });

  it('the Markdown shows the same figures', () => {
    const md = reportMarkdown(report);
    assert.match(md, /\| Level 2 \| 2 \| 30m \/ 1h 00m \(n=2\) \| 2h 45m \/ 3h 00m \(n=2\) \| 4h 00m \/ 4h 00m \(n=1\) \|/);
    assert.match(md, /\| 2026-11 \| 2 \| 1 \| 1 \| 0 \|/);
    assert.match(md, /1 on time, 2 late\./);
    assert.match(md, /1 ready, 2 missing \(d, 2026-11-27-checkout-eu\)\./);
    assert.match(md, /- bruno: 1\n {2}- Cap the retry storm \(due 2026-10-20, overdue; b\)/);
  });
});

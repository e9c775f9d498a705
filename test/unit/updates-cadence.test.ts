import assert from 'node:assert/strict';
import { clockText, countdownLabel, countdownText, mostUrgent, nextUpdate, shortIncidentId } from '../../src/model/cadence';
import type { Incident, Level, Regroup, UpdateCycle } from '../../src/model/record';
import { instantOf } from '../../src/model/time';

function incident(over: Partial<Incident> & { id?: string; severity?: Level; declared_at?: string } = {}): Incident {
  return {
    schema: 'incident-room/v1',
    id: 'inc',
    title: 'Checkout fails',
    severity: 2,
    status: 'active',
    declared_at: '2026-11-27T14:00:00+01:00',
    impact: 'EU customers cannot pay.',
    people: [{ id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon' }],
    roles: { incident_manager: 'ana', workers: [] },
    checklists: { start: [], end: [] },
    timeline: [],
    ...over,
  };
}

function cycle(at: string): UpdateCycle {
  return { at, by: 'ana', workers: [], decision: 'no-change' };
}

const at = (ts: string): Date => new Date(instantOf(ts));
const MIN = 60_000;

describe('update cadence', () => {
  it('counts the first cycle from the declaration, by level (1 h, 2 h, 4 h)', () => {
    const now = at('2026-11-27T14:10:00+01:00');
    assert.equal(nextUpdate(incident({ severity: 1 }), now).dueAt, instantOf('2026-11-27T15:00:00+01:00'));
    assert.equal(nextUpdate(incident({ severity: 2 }), now).dueAt, instantOf('2026-11-27T16:00:00+01:00'));
    assert.equal(nextUpdate(incident({ severity: 3 }), now).dueAt, instantOf('2026-11-27T18:00:00+01:00'));
  });

  it('counts from the latest cycle by instant, not by position in the file', () => {
    // 16:30Z (17:30 in Paris) is the latest instant, though first in the file and earlier as text.
    const inc = incident({ updates: [cycle('2026-11-27T16:30:00Z'), cycle('2026-11-27T17:00:00+01:00')] });
    const next = nextUpdate(inc, at('2026-11-27T17:00:00Z'), 15, 'Europe/Lisbon');
    assert.equal(next.lastAt, instantOf('2026-11-27T16:30:00Z'));
    assert.equal(next.dueTimestamp, '2026-11-27T18:30:00+00:00');
    assert.equal(next.state, 'normal');
    assert.equal(next.remainingMs, 90 * MIN);
  });

  it('applies the new level\'s cadence from the last cycle after a severity change', () => {
    const updates = [cycle('2026-11-27T16:00:00+01:00')];
    const now = at('2026-11-27T17:20:00+01:00');
    const atLevel2 = nextUpdate(incident({ severity: 2, updates }), now);
    assert.equal(atLevel2.state, 'normal');
    assert.equal(atLevel2.dueAt, instantOf('2026-11-27T18:00:00+01:00'));
    // Escalated to Level 1 at 17:10: hourly from 16:00, so 20 minutes overdue now.
    const atLevel1 = nextUpdate(incident({ severity: 1, updates }), now);
    assert.equal(atLevel1.state, 'overdue');
    assert.equal(atLevel1.overdueMs, 20 * MIN);
    assert.equal(atLevel1.remainingMs, 0);
    assert.equal(atLevel1.cadenceMinutes, 60);
    // Dropped to Level 3: four hours from 16:00.
    assert.equal(nextUpdate(incident({ severity: 3, updates }), now).dueAt, instantOf('2026-11-27T20:00:00+01:00'));
  });

  it('crosses midnight and writes the due time in the given zone with its offset', () => {
    const inc = incident({ declared_at: '2026-11-27T23:30:00+01:00' });
    const next = nextUpdate(inc, at('2026-11-27T23:40:00+01:00'), 15, 'Europe/Berlin');
    assert.equal(next.dueTimestamp, '2026-11-28T01:30:00+01:00');
    assert.equal(nextUpdate(inc, at('2026-11-27T23:40:00+01:00'), 15, 'America/New_York').dueTimestamp, '2026-11-27T19:30:00-05:00');
  });

  it('keeps real elapsed time across the end of daylight saving time in New York', () => {
    // Clocks go back from 02:00 EDT to 01:00 EST on 2026-11-01.
    const inc = incident({ declared_at: '2026-11-01T00:30:00-04:00', people: [{ id: 'ana', name: 'Ana', timezone: 'America/New_York' }] });
    const now = at('2026-11-01T01:15:00-04:00');
    const next = nextUpdate(inc, now);
    // Two real hours after 00:30 EDT is 01:30 EST: the wall clock moved only one hour.
    assert.equal(next.dueTimestamp, '2026-11-01T01:30:00-05:00');
    assert.equal(next.remainingMs, 75 * MIN);
    const level3 = nextUpdate({ ...inc, severity: 3 }, now);
    assert.equal(level3.dueTimestamp, '2026-11-01T03:30:00-05:00');
  });

  it('is near within the threshold and overdue at the due instant', () => {
    const inc = incident();
    assert.equal(nextUpdate(inc, at('2026-11-27T15:44:59+01:00')).state, 'normal');
    assert.equal(nextUpdate(inc, at('2026-11-27T15:45:00+01:00')).state, 'near');
    assert.equal(nextUpdate(inc, at('2026-11-27T15:30:00+01:00'), 30).state, 'near');
    const due = nextUpdate(inc, at('2026-11-27T16:00:00+01:00'));
    assert.equal(due.state, 'overdue');
    assert.equal(due.overdueMs, 0);
    assert.equal(countdownText(nextUpdate(inc, at('2026-11-27T17:12:00+01:00'))), 'update overdue by 1h 12m');
    assert.equal(countdownText(nextUpdate(inc, at('2026-11-27T14:55:00+01:00'))), 'update in 1h 05m');
  });

  describe('regroup', () => {
    const regroup: Regroup = { at: '2026-11-27T22:00:00+01:00', by: 'ana', until: '2026-11-28T08:00:00+01:00' };
    const inc = incident({ updates: [cycle('2026-11-27T21:00:00+01:00')], regroup: [regroup] });

    it('pauses the countdown while a regroup is active', () => {
      const next = nextUpdate(inc, at('2026-11-28T02:00:00+01:00'), 15, 'Europe/Berlin');
      assert.equal(next.state, 'paused');
      assert.equal(next.pausedUntil, instantOf(regroup.until));
      assert.equal(next.overdueMs, 0);
      assert.equal(next.dueTimestamp, '2026-11-28T10:00:00+01:00');
      assert.equal(countdownText(next, 'Europe/Berlin'), 'paused until 08:00 CET');
    });

    it('restarts the cycle from `until` when nobody resumed it', () => {
      const next = nextUpdate(inc, at('2026-11-28T09:00:00+01:00'));
      assert.equal(next.state, 'normal');
      assert.equal(next.dueAt, instantOf('2026-11-28T10:00:00+01:00'));
    });

    it('restarts the cycle from the resume time when resumed early', () => {
      const resumed = incident({ updates: inc.updates, regroup: [{ ...regroup, resumed_at: '2026-11-28T06:30:00+01:00' }] });
      const next = nextUpdate(resumed, at('2026-11-28T07:00:00+01:00'));
      assert.equal(next.state, 'normal');
      assert.equal(next.dueAt, instantOf('2026-11-28T08:30:00+01:00'));
    });

    it('counts from a cycle recorded after the regroup ended', () => {
      const later = incident({ updates: [...(inc.updates ?? []), cycle('2026-11-28T09:00:00+01:00')], regroup: [regroup] });
      assert.equal(nextUpdate(later, at('2026-11-28T09:30:00+01:00')).dueAt, instantOf('2026-11-28T11:00:00+01:00'));
    });
  });

  describe('mostUrgent', () => {
    const now = at('2026-11-27T18:00:00+01:00');

    it('picks the earliest due open incident of a level, ignores closed ones and counts the open', () => {
      const a = incident({ id: 'a', severity: 2, declared_at: '2026-11-27T17:00:00+01:00' }); // due 19:00
      const c = incident({ id: 'c', severity: 2, declared_at: '2026-11-27T16:15:00+01:00' }); // due 18:15
      const closed = incident({ id: 'z', status: 'closed', severity: 1, declared_at: '2026-11-27T10:00:00+01:00' }); // long overdue, but closed
      const result = mostUrgent([a, closed, c], now);
      assert.equal(result.openCount, 2);
      assert.equal(result.urgent?.incident.id, 'c');
      assert.equal(result.urgent?.next.state, 'near');
    });

    it('ranks by level first, then urgency: an overdue Level 2 does not hide a Level 1', () => {
      const l2Overdue = incident({ id: 'a-l2', severity: 2, declared_at: '2026-11-27T15:00:00+01:00' }); // due 17:00, overdue
      const l1Overdue = incident({ id: 'b-l1', severity: 1, declared_at: '2026-11-27T16:50:00+01:00' }); // due 17:50, overdue
      const l1Later = incident({ id: 'c-l1', severity: 1, declared_at: '2026-11-27T17:30:00+01:00' }); // due 18:30
      const l3Overdue = incident({ id: 'd-l3', severity: 3, declared_at: '2026-11-27T08:00:00+01:00' }); // due 12:00, overdue
      for (const order of [[l2Overdue, l1Overdue, l1Later, l3Overdue], [l3Overdue, l1Later, l1Overdue, l2Overdue]]) {
        assert.equal(mostUrgent(order, now).urgent?.incident.id, 'b-l1');
      }
      // A Level 1 not yet due still comes before a Level 2 that is overdue.
      assert.equal(mostUrgent([l2Overdue, l1Later], now).urgent?.incident.id, 'c-l1');
      assert.equal(mostUrgent([l3Overdue, l2Overdue], now).urgent?.incident.id, 'a-l2');
    });

    it('lists every open incident that is overdue, once computed, for the due notifications', () => {
      const late = incident({ id: 'late', declared_at: '2026-11-27T10:00:00+01:00' }); // due 12:00
      const later = incident({ id: 'later', severity: 3, declared_at: '2026-11-27T12:30:00+01:00' }); // due 16:30
      const onTime = incident({ id: 'on-time', declared_at: '2026-11-27T17:00:00+01:00' }); // due 19:00
      const closed = incident({ id: 'closed', status: 'closed', declared_at: '2026-11-27T09:00:00+01:00' });
      const result = mostUrgent([onTime, later, closed, late], now);
      assert.deepEqual(result.overdue.map((o) => o.incident.id), ['later', 'late']);
      assert.ok(result.overdue.every((o) => o.next.state === 'overdue'));
    });

    it('puts paused incidents after every running countdown', () => {
      const paused = incident({
        id: 'p',
        declared_at: '2026-11-27T09:00:00+01:00',
        regroup: [{ at: '2026-11-27T17:00:00+01:00', by: 'ana', until: '2026-11-28T08:00:00+01:00' }],
      });
      const running = incident({ id: 'r', severity: 3, declared_at: '2026-11-27T17:00:00+01:00' });
      assert.equal(mostUrgent([paused, running], now).urgent?.incident.id, 'r');
      assert.equal(mostUrgent([paused], now).urgent?.next.state, 'paused');
    });

    it('breaks ties by id whatever the input order, and handles none open', () => {
      const x = incident({ id: 'x' });
      const y = incident({ id: 'y' });
      assert.equal(mostUrgent([y, x], now).urgent?.incident.id, 'x');
      assert.equal(mostUrgent([x, y], now).urgent?.incident.id, 'x');
      assert.deepEqual(mostUrgent([incident({ status: 'closed' })], now), { openCount: 0, overdue: [] });
    });

    it('still counts down the others when one record has an unreadable time', () => {
      const broken = incident({ id: 'a-broken', declared_at: '2026-11-27T09:00:00' });
      const fine = incident({ id: 'fine' });
      const result = mostUrgent([broken, fine], now);
      assert.equal(result.openCount, 2);
      assert.equal(result.urgent?.incident.id, 'fine');
    });

    it('finds the most urgent of 50 incidents', () => {
      const many = Array.from({ length: 50 }, (_, i) =>
        incident({ id: `inc-${String(i).padStart(2, '0')}`, severity: ((i % 3) + 1) as Level, declared_at: '2026-11-27T16:30:00+01:00' }),
      );
      // Level 1 from 16:30 is due 17:30: the Level 1 ones (i % 3 === 0) are overdue; the lowest id wins.
      const result = mostUrgent(many, now);
      assert.equal(result.openCount, 50);
      assert.equal(result.urgent?.incident.id, 'inc-00');
      assert.equal(result.urgent?.next.overdueMs, 30 * MIN);
    });
  });

  describe('the status bar label', () => {
    it('reads hours and minutes as a clock, and days past a day', () => {
      assert.equal(clockText(0), '0:00');
      assert.equal(clockText(9 * MIN + 59_000), '0:09');
      assert.equal(clockText(102 * MIN), '1:42');
      assert.equal(clockText(26 * 60 * MIN + 5 * MIN), '1d 2h');
    });

    it('names the level and the id without its date, and counts the others open', () => {
      const inc = incident({ id: '2026-11-27-checkout-5xx' });
      assert.equal(shortIncidentId(inc.id), 'checkout-5xx');
      assert.equal(countdownLabel(inc, nextUpdate(inc, at('2026-11-27T14:18:00+01:00')), 1), '$(flame) SEV2 checkout-5xx · update in 1:42');
      assert.equal(countdownLabel(inc, nextUpdate(inc, at('2026-11-27T16:30:00+01:00')), 3), '$(flame) SEV2 checkout-5xx · update overdue 0:30 (+2)');
      const paused = incident({ id: 'p', regroup: [{ at: '2026-11-27T22:00:00+01:00', by: 'ana', until: '2026-11-28T08:00:00+01:00' }] });
      assert.equal(countdownLabel(paused, nextUpdate(paused, at('2026-11-27T23:00:00+01:00')), 1, 'Europe/Berlin'), '$(debug-pause) SEV2 p · paused until Sat 08:00 CET');
    });
  });
});

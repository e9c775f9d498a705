import assert from 'node:assert/strict';
import { LEVEL_TABLE } from '../../src/model/levels';
import { LEVELS } from '../../src/model/record';
import { TimestampError } from '../../src/model/time';
import { callAdvice, isQuietHours, nextBusinessDayStart, nextLocalTime, type CallAdviceKind } from '../../src/model/waking';

// 2026-11-27 (a Friday) 19:30 UTC: 04:30 Saturday in Tokyo, 14:30 Friday in New York.
const INSTANT = new Date('2026-11-27T19:30:00Z');

describe('Rule: contacting people respects waking hours in their own time zone', () => {
  // What each level's waking rule says for the same instant in two zones.
  const expected: Record<(typeof LEVEL_TABLE)[1]['waking'], { tokyo: CallAdviceKind; newYork: CallAdviceKind; tokyoAt?: string }> = {
    'any-hour': { tokyo: 'call-now', newYork: 'call-now' },
    'not-at-night': { tokyo: 'quiet-hours-warn', newYork: 'call-now', tokyoAt: '2026-11-28T07:00:00+09:00' },
    // Saturday in Tokyo: the next business day is Monday.
    'next-business-day': { tokyo: 'next-business-day', newYork: 'call-now', tokyoAt: '2026-11-30T09:00:00+09:00' },
  };

  for (const level of LEVELS) {
    const rule = LEVEL_TABLE[level].waking;
    it(`Level ${level} (${rule}): Tokyo and New York at the same instant`, () => {
      const tokyo = callAdvice(level, 'Asia/Tokyo', INSTANT);
      const ny = callAdvice(level, 'America/New_York', INSTANT);
      assert.equal(tokyo.localTime, '2026-11-28T04:30:00+09:00');
      assert.equal(ny.localTime, '2026-11-27T14:30:00-05:00');
      assert.equal(tokyo.kind, expected[rule].tokyo);
      assert.equal(ny.kind, expected[rule].newYork);
      assert.equal(ny.ok, true);
      assert.equal(tokyo.ok, expected[rule].tokyo === 'call-now');
      assert.equal(tokyo.suggestAt, expected[rule].tokyoAt);
      assert.match(tokyo.message, /Asia\/Tokyo/);
    });
  }

  it('Level 2: shortly before their working day is fine (outside quiet hours)', () => {
    const at0715 = new Date('2026-11-27T22:15:00Z'); // 07:15 Saturday in Tokyo
    assert.equal(callAdvice(2, 'Asia/Tokyo', at0715).kind, 'call-now');
    const at0659 = new Date('2026-11-27T21:59:00Z');
    assert.equal(callAdvice(2, 'Asia/Tokyo', at0659).kind, 'quiet-hours-warn');
  });

  it('Level 2: quiet hours are configurable', () => {
    const quiet = { start: '23:00', end: '06:00' };
    assert.equal(callAdvice(2, 'Asia/Tokyo', new Date('2026-11-27T21:30:00Z'), quiet).kind, 'call-now'); // 06:30
    const late = callAdvice(2, 'America/New_York', new Date('2026-11-28T04:30:00Z'), quiet); // 23:30
    assert.equal(late.kind, 'quiet-hours-warn');
    assert.equal(late.suggestAt, '2026-11-28T06:00:00-05:00');
  });

  it('Level 1: warns of nothing even at 03:00 local', () => {
    const advice = callAdvice(1, 'America/New_York', new Date('2026-11-27T08:00:00Z'));
    assert.equal(advice.ok, true);
    assert.equal(advice.suggestAt, undefined);
  });

  it('Level 3: evening on a weekday defers to the next morning at business start (configurable)', () => {
    const evening = new Date('2026-11-26T23:00:00Z'); // Thursday 18:00 New York
    assert.equal(callAdvice(3, 'America/New_York', evening).suggestAt, '2026-11-27T09:00:00-05:00');
    const business = { start: '08:30', end: '16:00', days: [1, 2, 3, 4] };
    assert.equal(callAdvice(3, 'America/New_York', evening, undefined, business).suggestAt, '2026-11-30T08:30:00-05:00');
  });
});

describe('Rule: time zones change with daylight saving; the morning is local', () => {
  it('America/New_York on 2026-11-01 (clocks go back): the morning starts at 07:00 EST', () => {
    const night = new Date('2026-11-01T04:30:00Z'); // 00:30 EDT
    const advice = callAdvice(2, 'America/New_York', night);
    assert.equal(advice.localTime, '2026-11-01T00:30:00-04:00');
    assert.equal(advice.suggestAt, '2026-11-01T07:00:00-05:00');
    // The same wall-clock hour counts as quiet on both sides of the change.
    assert.equal(isQuietHours(new Date('2026-11-01T05:30:00Z'), 'America/New_York'), true); // 01:30 EDT
    assert.equal(isQuietHours(new Date('2026-11-01T06:30:00Z'), 'America/New_York'), true); // 01:30 EST
    // 11:30 UTC is 06:30 EST, still night; with the summer offset it would wrongly read 07:30.
    assert.equal(isQuietHours(new Date('2026-11-01T11:30:00Z'), 'America/New_York'), true);
    assert.equal(isQuietHours(new Date('2026-11-01T12:30:00Z'), 'America/New_York'), false);
  });

  it('Europe/Lisbon on 2026-03-29 (clocks go forward): the morning starts at 07:00 WEST, 06:00 UTC', () => {
    const advice = callAdvice(2, 'Europe/Lisbon', new Date('2026-03-29T00:30:00Z')); // 00:30 WET
    assert.equal(advice.localTime, '2026-03-29T00:30:00+00:00');
    assert.equal(advice.suggestAt, '2026-03-29T07:00:00+01:00');
    assert.equal(new Date(advice.suggestAt!).toISOString(), '2026-03-29T06:00:00.000Z');
  });

  it('the next local time crosses days by the calendar, not by 24 hours', () => {
    assert.equal(nextLocalTime('2026-03-28T08:00:00+00:00', 'Europe/Lisbon', '07:00'), '2026-03-29T07:00:00+01:00');
    assert.equal(nextBusinessDayStart('2026-10-31T12:00:00-04:00', 'America/New_York'), '2026-11-02T09:00:00-05:00');
  });
});

describe('Rule: timestamps carry their offset', () => {
  it('an offset-less timestamp is refused', () => {
    assert.throws(() => callAdvice(2, 'Asia/Tokyo', '2026-11-27T19:30:00'), TimestampError);
  });
  it('a timestamp with an offset is accepted and judged by its instant', () => {
    assert.equal(callAdvice(2, 'Asia/Tokyo', '2026-11-27T20:30:00+01:00').localTime, '2026-11-28T04:30:00+09:00');
  });
  it('an unknown zone or a malformed quiet time is refused', () => {
    assert.throws(() => callAdvice(2, 'Nowhere/City', INSTANT), RangeError);
    assert.throws(() => callAdvice(2, 'Asia/Tokyo', INSTANT, { start: '25:00', end: '07:00' }), RangeError);
  });
});

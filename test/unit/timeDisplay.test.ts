import assert from 'node:assert/strict';
import { instantOf } from '../../src/model/time';
import { clockIn, formatForReader, formatTime, formatTimeRelative, relativeTime, zoneAbbreviation, zonePlace } from '../../src/model/timeDisplay';
import { personClock } from '../../src/model/waking';
import { countOf } from '../../src/model/plural';

const at = (ts: string): number => instantOf(ts);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('One rule for showing time', () => {
  // Friday 27 November 2026, 14:05 in Berlin.
  const now = at('2026-11-27T14:05:00+01:00');

  it('names each zone by its abbreviation at that instant, summer and winter, or its offset where none is used', () => {
    assert.equal(zoneAbbreviation(now, 'Europe/Berlin'), 'CET');
    assert.equal(zoneAbbreviation(at('2026-07-01T12:00:00Z'), 'Europe/Berlin'), 'CEST');
    assert.equal(zoneAbbreviation(now, 'America/New_York'), 'EST');
    assert.equal(zoneAbbreviation(at('2026-07-01T12:00:00Z'), 'America/New_York'), 'EDT');
    assert.equal(zoneAbbreviation(at('2026-07-01T12:00:00Z'), 'Europe/London'), 'BST');
    assert.equal(zoneAbbreviation(now, 'Asia/Kolkata'), 'IST');
    assert.equal(zoneAbbreviation(now, 'Australia/Sydney'), 'AEDT');
    assert.equal(zoneAbbreviation(now, 'Asia/Tokyo'), 'JST');
    assert.equal(zoneAbbreviation(now, 'America/Sao_Paulo'), 'GMT-3');
    assert.equal(zoneAbbreviation(now, 'UTC'), 'UTC');
  });

  it('shows an instant in the viewer’s zone whatever offset the record wrote it with', () => {
    // The same instant written three ways reads the same.
    for (const ts of ['2026-11-27T13:05:00Z', '2026-11-27T14:05:00+01:00', '2026-11-27T08:05:00-05:00']) {
      assert.equal(formatTime(ts, 'Europe/Berlin', now), '14:05 CET');
      assert.equal(formatTime(ts, 'America/New_York', now), '08:05 EST');
    }
  });

  it('adds the weekday off today, the date beyond six days, the year off this year', () => {
    assert.equal(formatTime('2026-11-26T09:30:00+01:00', 'Europe/Berlin', now), 'Thu 09:30 CET');
    assert.equal(formatTime('2026-11-28T07:00:00+01:00', 'Europe/Berlin', now), 'Sat 07:00 CET');
    assert.equal(formatTime('2026-11-02T10:00:00+01:00', 'Europe/Berlin', now), '2 Nov 10:00 CET');
    assert.equal(formatTime('2025-12-31T23:00:00+01:00', 'Europe/Berlin', now), '31 Dec 2025 23:00 CET');
    // "Today" is the viewer's day: 00:30 in Berlin is still the 27th there, the 26th in New York.
    const lateNight = at('2026-11-27T23:30:00-05:00');
    assert.equal(formatTime('2026-11-27T22:00:00-05:00', 'America/New_York', lateNight), '22:00 EST');
  });

  it('says how far away an instant is, a deadline to the minute', () => {
    assert.equal(relativeTime(now + 30 * 1000, now), 'now');
    assert.equal(relativeTime(now - 30 * 1000, now), 'just now');
    assert.equal(relativeTime(now - 12 * MIN, now), '12 min ago');
    assert.equal(relativeTime(now - 3 * HOUR - 20 * MIN, now), '3 h ago');
    assert.equal(relativeTime(now - 3 * 24 * HOUR, now), '3 d ago');
    assert.equal(relativeTime(now + 12 * MIN, now), 'in 12 min');
    assert.equal(relativeTime(now + HOUR + 42 * MIN, now), 'in 1:42');
    assert.equal(relativeTime(now + 50 * HOUR, now), 'in 2 d');
    assert.equal(formatTimeRelative(now - 3 * HOUR, 'Europe/Berlin', now), '11:05 CET (3 h ago)');
  });

  it('writes a reader’s time in their zone, named, so an email stands alone', () => {
    assert.equal(formatForReader(now, 'America/New_York'), 'Friday 27 November 2026, 08:05 New York time (EST)');
    assert.equal(formatForReader(now, 'Asia/Kolkata'), 'Friday 27 November 2026, 18:35 Kolkata time (IST)');
    assert.equal(formatForReader(now, 'UTC'), 'Friday 27 November 2026, 13:05 UTC');
    assert.equal(zonePlace('America/Argentina/Buenos_Aires'), 'Buenos Aires');
  });

  it('shows where someone is, their clock now, and whether they are asleep', () => {
    // 14:05 in Berlin is 18:35 in Kolkata and 08:05 in New York; 04:01 in Kolkata is in the night.
    assert.equal(personClock('Asia/Kolkata', now), 'Kolkata, 18:35 now');
    assert.equal(personClock('Asia/Kolkata', at('2026-11-27T04:01:00+05:30')), 'Kolkata, 04:01 now, asleep');
    assert.equal(personClock('America/New_York', now, { start: '23:00', end: '09:00' }), 'New York, 08:05 now, asleep');
    assert.equal(clockIn('Europe/Lisbon', now), '13:05');
  });

  it('refuses a zone it does not know rather than showing a wrong time', () => {
    assert.throws(() => formatTime(now, 'Mars/Olympus', now), /unknown time zone/);
  });

  it('counts in English: 1 entry, 2 entries', () => {
    assert.equal(countOf(1, 'entry', 'entries'), '1 entry');
    assert.equal(countOf(2, 'entry', 'entries'), '2 entries');
    assert.equal(countOf(0, 'cycle'), '0 cycles');
  });
});

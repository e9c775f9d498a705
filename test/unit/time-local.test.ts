// toTimestamp in this machine's zone is written without the time-zone library (which a command
// line would otherwise load for one timestamp), byte for byte as luxon writes it: checked here
// against luxon itself in zones with odd offsets, across daylight-saving changes, and for instants
// outside the years the plain path takes.
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { toTimestamp } from '../../src/model/time';

const ZONES = ['UTC', 'Europe/Lisbon', 'Europe/Berlin', 'America/St_Johns', 'America/Los_Angeles', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Kiritimati', 'Etc/GMT+12'];

/** Instants around each daylight-saving change of 2026 (found by the offset changing), and a spread over decades. */
function instants(): number[] {
  const out: number[] = [0, Date.UTC(1999, 11, 31, 23, 59, 59), Date.UTC(2038, 0, 19, 3, 14, 8), Date.UTC(9999, 11, 31, 12)];
  for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
    if (new Date(t).getTimezoneOffset() !== new Date(t + 3_600_000).getTimezoneOffset()) {
      for (let d = -2; d <= 3; d++) out.push(t + d * 1_800_000 - 1000, t + d * 1_800_000);
    }
  }
  for (let i = 0; i < 200; i++) out.push(Date.UTC(1970, 0, 1) + Math.floor(((i * 7919) % 200) / 200 * 2e12) + i * 1234);
  return out;
}

describe('toTimestamp in this machine\'s zone', () => {
  const saved = process.env.TZ;
  after(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  for (const zone of ZONES) {
    it(`is what luxon writes, in ${zone}`, () => {
      process.env.TZ = zone;
      for (const ms of instants()) {
        const second = Math.floor(ms / 1000) * 1000;
        const expected = DateTime.fromMillis(second).toISO({ suppressMilliseconds: true });
        assert.equal(toTimestamp(ms), expected, `${zone} ${ms}`);
        assert.equal(toTimestamp(new Date(second + 999)), expected, `${zone} ${second} + 999 ms`);
      }
    });
  }

  it('does not ask the time-zone library for a timestamp of these years in this machine\'s zone', () => {
    const fromMillis = DateTime.fromMillis.bind(DateTime);
    let asked = 0;
    DateTime.fromMillis = ((...args: Parameters<typeof DateTime.fromMillis>) => {
      asked++;
      return fromMillis(...args);
    }) as typeof DateTime.fromMillis;
    try {
      process.env.TZ = 'Europe/Lisbon';
      toTimestamp(Date.UTC(2026, 10, 28, 9, 15, 26));
      assert.equal(asked, 0);
      toTimestamp(Date.UTC(2026, 10, 28, 9, 15, 26), 'Europe/Lisbon');
      assert.equal(asked, 1);
    } finally {
      DateTime.fromMillis = fromMillis;
    }
  });

  it('leaves years before 1970 and after 9999 (and named zones) to luxon', () => {
    process.env.TZ = 'Europe/Lisbon';
    for (const ms of [Date.UTC(1900, 0, 1), Date.UTC(1969, 11, 31, 23, 59, 59), -1e15, Date.UTC(10000, 0, 1, 12)]) {
      assert.equal(toTimestamp(ms), DateTime.fromMillis(Math.floor(ms / 1000) * 1000).toISO({ suppressMilliseconds: true }), String(ms));
    }
    assert.equal(toTimestamp(0, 'UTC'), '1970-01-01T00:00:00Z');
    assert.equal(toTimestamp(0, 'Asia/Kathmandu'), '1970-01-01T05:30:00+05:30');
  });
});

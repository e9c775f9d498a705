// Waking hours: whether to call someone now, judged in their own time zone and by the level's
// waking rule from the level table. Zone arithmetic goes through luxon so daylight-saving
// changes land on the right instant.
import { DateTime } from 'luxon';
import { LEVEL_TABLE } from './levels';
import type { Level, Timestamp } from './record';
import { instantOf, isTimeZone, toTimestamp } from './time';
import { clockIn, formatTimeRelative, zoneAbbreviation, zonePlace } from './timeDisplay';

/** Local times "HH:mm"; the quiet stretch may wrap midnight (22:00–07:00). Equal start and end means none. */
export interface QuietHours {
  start: string;
  end: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '22:00', end: '07:00' };

/** The working day: local "HH:mm" start and end, and the ISO weekdays it runs on (1 = Monday). */
export interface BusinessDay {
  start: string;
  end: string;
  days: readonly number[];
}

export const DEFAULT_BUSINESS_DAY: BusinessDay = { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] };

export type CallAdviceKind = 'call-now' | 'quiet-hours-warn' | 'next-business-day';

export interface CallAdvice {
  ok: boolean;
  kind: CallAdviceKind;
  /** Their local time now, with their offset. */
  localTime: Timestamp;
  /** When to call instead, in their zone with its offset. */
  suggestAt?: Timestamp;
  message: string;
}

export interface LocalClock {
  hour: number;
  minute: number;
}

export function parseClock(text: string): LocalClock {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a local time "HH:mm" (e.g. 07:00).`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

function checkZone(zone: string): void {
  if (!isTimeZone(zone)) throw new RangeError(`"${zone}" is not an IANA time zone (e.g. Europe/Lisbon).`);
}

/** The instant in ms; a timestamp string must carry its offset (instantOf refuses one without). */
function millisOf(at: Date | Timestamp): number {
  return typeof at === 'string' ? instantOf(at) : at.getTime();
}

function localAt(at: Date | Timestamp, zone: string): DateTime {
  checkZone(zone);
  return DateTime.fromMillis(millisOf(at), { zone });
}

const minutesOf = (c: LocalClock): number => c.hour * 60 + c.minute;

function atClock(day: DateTime, clock: LocalClock): DateTime {
  return day.set({ hour: clock.hour, minute: clock.minute, second: 0, millisecond: 0 });
}

/** True when the local time in the zone falls in the quiet hours. */
export function isQuietHours(at: Date | Timestamp, zone: string, quiet: QuietHours = DEFAULT_QUIET_HOURS): boolean {
  const local = localAt(at, zone);
  const start = minutesOf(parseClock(quiet.start));
  const end = minutesOf(parseClock(quiet.end));
  const now = local.hour * 60 + local.minute;
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** The next time the local clock in the zone shows hh:mm, strictly after the instant, with the zone's offset. */
export function nextLocalTime(after: Date | Timestamp, zone: string, hhmm: string): Timestamp {
  const local = localAt(after, zone);
  const clock = parseClock(hhmm);
  let candidate = atClock(local, clock);
  // Adding a calendar day (not 24 hours) keeps the wall-clock time across a daylight-saving change.
  if (candidate.toMillis() <= local.toMillis()) candidate = atClock(local.plus({ days: 1 }), clock);
  return toTimestamp(candidate.toMillis(), zone);
}

function isBusinessTime(local: DateTime, business: BusinessDay): boolean {
  if (!business.days.includes(local.weekday)) return false;
  const now = local.hour * 60 + local.minute;
  return now >= minutesOf(parseClock(business.start)) && now < minutesOf(parseClock(business.end));
}

/** The start of the next business day after the instant, in the zone. Public holidays are for people to judge. */
export function nextBusinessDayStart(after: Date | Timestamp, zone: string, business: BusinessDay = DEFAULT_BUSINESS_DAY): Timestamp {
  const local = localAt(after, zone);
  const clock = parseClock(business.start);
  if (business.days.length === 0) throw new RangeError('The business week has no days.');
  for (let d = 0; d <= 7; d++) {
    const candidate = atClock(local.plus({ days: d }), clock);
    if (candidate.toMillis() > local.toMillis() && business.days.includes(candidate.weekday)) {
      return toTimestamp(candidate.toMillis(), zone);
    }
  }
  throw new RangeError('No business day found in the coming week.');
}


/**
 * Whether to call someone in the zone now, by the level's waking rule:
 * any hour (Level 1); not during their quiet hours, with the time their morning starts
 * offered instead (Level 2); within business hours only, else the next business day (Level 3).
 */
export function callAdvice(
  level: Level,
  zone: string,
  now: Date | Timestamp,
  quiet: QuietHours = DEFAULT_QUIET_HOURS,
  business: BusinessDay = DEFAULT_BUSINESS_DAY,
): CallAdvice {
  const rules = LEVEL_TABLE[level];
  const local = localAt(now, zone);
  const localTime = toTimestamp(local.toMillis(), zone);
  // Their clock, with its abbreviation and the weekday: the night in Tokyo is tomorrow there.
  const where = `It is ${local.setLocale('en-GB').toFormat('ccc HH:mm')} ${zoneAbbreviation(local.toMillis(), zone)} in ${zone}.`;
  const human = (ts: Timestamp) => formatTimeRelative(ts, zone, local.toMillis());
  switch (rules.waking) {
    case 'any-hour':
      return { ok: true, kind: 'call-now', localTime, message: `${where} ${rules.name}: ${rules.wakingText}` };
    case 'not-at-night': {
      if (!isQuietHours(now, zone, quiet)) {
        return { ok: true, kind: 'call-now', localTime, message: `${where} Outside their quiet hours: calling now is fine.` };
      }
      const suggestAt = nextLocalTime(now, zone, quiet.end);
      return {
        ok: false,
        kind: 'quiet-hours-warn',
        localTime,
        suggestAt,
        message: `${where} That is within their quiet hours (${quiet.start}–${quiet.end}). ${rules.name}: ${rules.wakingText} Their morning starts ${human(suggestAt)}.`,
      };
    }
    case 'next-business-day': {
      if (isBusinessTime(local, business)) {
        return { ok: true, kind: 'call-now', localTime, message: `${where} Within their business hours: calling now is fine.` };
      }
      const suggestAt = nextBusinessDayStart(now, zone, business);
      return {
        ok: false,
        kind: 'next-business-day',
        localTime,
        suggestAt,
        message: `${where} Outside their business hours. ${rules.name}: ${rules.wakingText} Call ${human(suggestAt)}.`,
      };
    }
  }
}

/**
 * Where someone is and whether they are asleep, for an IM covering several zones:
 * "Kolkata, 04:01 now, asleep" (inside their quiet hours) or "Lisbon, 14:05 now".
 */
export function personClock(zone: string, now: number | Date = Date.now(), quiet: QuietHours = DEFAULT_QUIET_HOURS): string {
  const asleep = isQuietHours(typeof now === 'number' ? new Date(now) : now, zone, quiet);
  return `${zonePlace(zone)}, ${clockIn(zone, now)} now${asleep ? ', asleep' : ''}`;
}


// Timestamps in records are ISO 8601 strings that keep their offset; ordering is by instant.
import { DateTime } from 'luxon';
import type { Timestamp } from './record';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export class TimestampError extends Error {}

const FIELDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether every field is in its everyday range (a real day of the month, hours 0-23, offsets
 * up to 14 h): such a text is valid, and Date.parse reads it exactly. Records hold thousands
 * of timestamps, so this plain check spares luxon for all but the odd case.
 */
function plainlyValid(text: string): boolean {
  const m = FIELDS.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const daysInMonth = month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59)) return false;
  return m[7] === undefined || (Number(m[7]) <= 14 && Number(m[8]) <= 59);
}

/** True when the text is an ISO 8601 date-time with an explicit offset. */
export function isTimestamp(text: unknown): text is Timestamp {
  return typeof text === 'string' && WITH_OFFSET.test(text) && offsetInRange(text) && (plainlyValid(text) || DateTime.fromISO(text, { setZone: true }).isValid);
}

/** Real offsets run from -12:00 to +14:00; "+99:99" is a typo, not a place. Minutes stay below 60. */
function offsetInRange(text: string): boolean {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(text);
  if (!m) return true;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return Number(m[3]) < 60 && minutes <= 14 * 60;
}

/** The instant a timestamp names, in ms since the epoch. Refuses a timestamp without an offset. */
export function instantOf(ts: Timestamp): number {
  if (typeof ts === 'string' && plainlyValid(ts)) return Date.parse(ts);
  if (!isTimestamp(ts)) throw new TimestampError(`"${ts}" is not a timestamp with an offset (e.g. 2026-11-27T14:05:00+01:00)`);
  return DateTime.fromISO(ts, { setZone: true }).toMillis();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * An instant in this machine's zone as luxon writes it (e.g. 2026-11-28T09:15:26+01:00; "+00:00",
 * not "Z", for a zero offset), from Date alone: the time-zone library costs a command line tens of
 * milliseconds to load. Only for years of four digits from 1970 on (luxon writes others
 * otherwise, and old local mean times have offsets in seconds); undefined for the rest.
 */
function localTimestamp(ms: number): string | undefined {
  const d = new Date(ms);
  const year = d.getFullYear();
  const offset = -d.getTimezoneOffset();
  if (year < 1970 || year > 9999 || !Number.isInteger(offset)) return undefined;
  const abs = Math.abs(offset);
  const date = `${year}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${date}T${time}${offset >= 0 ? '+' : '-'}${pad2(Math.trunc(abs / 60))}:${pad2(abs % 60)}`;
}

/** Formats an instant as a timestamp in the given IANA zone (default: this machine's), with its offset. */
export function toTimestamp(at: Date | number, zone?: string): Timestamp {
  // Whole seconds: records are read by people, and milliseconds add nothing to an incident's timeline.
  const ms = Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000) * 1000;
  if (zone === undefined) {
    const local = localTimestamp(ms);
    if (local !== undefined) return local;
  }
  const dt = DateTime.fromMillis(ms, zone ? { zone } : {});
  if (!dt.isValid) throw new TimestampError(`unknown time zone "${zone}"`);
  return dt.toISO({ suppressMilliseconds: true }) as string;
}

/** True when the zone is a valid IANA time zone name. */
export function isTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** Orders timestamps by instant, not by text. */
export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  return instantOf(a) - instantOf(b);
}

/** "3d 4h", "2h 05m", "12m": a short human duration for tree descriptions and the status bar. */
export function formatDuration(ms: number): string {
  const totalMinutes = Math.max(0, Math.floor(ms / 60000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m`;
}

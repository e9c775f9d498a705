// One rule for showing a time to a person, used by the tree, tooltips, notifications and texts.
//
// - For the person at this editor: their own zone, with its abbreviation ("14:05 CET"); the
//   weekday when it is not today ("Thu 14:05 CET"), the date when it is more than six days
//   away ("26 Nov 14:05 CET"). A relative time is added where it helps ("3 h ago", "in 1:42").
// - For a reader elsewhere (observers, customers): the reader's zone, named, so nobody has to
//   convert ("Thursday 27 November 2026, 09:05 New York time (EST)").
// - For someone to be called: their clock now and whether they are asleep
//   ("Kolkata, 04:01 now, asleep"): personClock in waking.ts, beside the quiet hours.
// Records keep ISO timestamps with offsets; this module only decides how they read.
import { DateTime } from 'luxon';
import type { Timestamp } from './record';
import { instantOf } from './time';

// Formats are fixed in English: the product's texts are English, and a machine's locale must
// not turn "Thu" into "jeu." in the middle of an English sentence.
const LOCALE = 'en-GB';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The zone the person at this machine reads times in. */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function millis(at: number | Date | Timestamp): number {
  if (typeof at === 'number') return at;
  if (at instanceof Date) return at.getTime();
  return instantOf(at);
}

function local(at: number | Date | Timestamp, zone: string): DateTime {
  const dt = DateTime.fromMillis(millis(at), { zone }).setLocale(LOCALE);
  if (!dt.isValid) throw new RangeError(`unknown time zone "${zone}"`);
  return dt;
}

// Each locale knows the abbreviations used where it is spoken (en-GB: CET, BST; en-US: EST, PDT;
// en-IN: IST; en-AU: AEDT; ja: JST); the first that has a Latin one for the zone is used.
const ABBREVIATION_LOCALES = ['en-GB', 'en-US', 'en-IN', 'en-AU', 'ja'];
const LATIN_ABBREVIATION = /^[A-Z]{2,5}$/;
const BARE_OFFSET = /^(GMT|UTC)([+-]\d|$)/;

/**
 * The zone's abbreviation at that instant: "CET", "BST", "EST", "IST"; where no English
 * locale has one, its offset: "GMT-3". UTC reads "UTC".
 */
export function zoneAbbreviation(at: number | Date | Timestamp, zone: string): string {
  if (/^(UTC|Etc\/UTC|Etc\/GMT|Z)$/i.test(zone)) return 'UTC';
  const t = local(at, zone);
  for (const locale of ABBREVIATION_LOCALES) {
    const name = t.setLocale(locale).toFormat('ZZZZ');
    if (name && !BARE_OFFSET.test(name) && LATIN_ABBREVIATION.test(name)) return name;
  }
  return t.toFormat('ZZZZ');
}

/** The place an IANA zone is named after: "America/New_York" → "New York", "Asia/Kolkata" → "Kolkata". */
export function zonePlace(zone: string): string {
  if (/^(UTC|Etc\/UTC|Etc\/GMT|GMT)$/i.test(zone)) return 'UTC';
  const last = zone.split('/').pop() ?? zone;
  return last.replace(/_/g, ' ');
}

/**
 * How far an instant is from now, as a person says it: "just now", "12 min ago", "3 h ago",
 * "2 d ago"; "in 12 min", "in 1:42" (a deadline, to the minute), "in 3 d".
 */
export function relativeTime(at: number | Date | Timestamp, now: number | Date): string {
  const diff = millis(at) - millis(now);
  const abs = Math.abs(diff);
  const minutes = Math.floor(abs / 60_000);
  if (minutes < 1) return diff >= 0 ? 'now' : 'just now';
  if (diff > 0) {
    if (minutes < 60) return `in ${minutes} min`;
    if (abs < DAY_MS) return `in ${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
    return `in ${Math.floor(abs / DAY_MS)} d`;
  }
  if (minutes < 60) return `${minutes} min ago`;
  if (abs < 2 * DAY_MS) return `${Math.floor(abs / HOUR_MS)} h ago`;
  return `${Math.floor(abs / DAY_MS)} d ago`;
}

/**
 * An instant for the person at this editor, in their zone with its abbreviation:
 * "14:05 CET" today, "Thu 14:05 CET" within six days either side, "26 Nov 14:05 CET" further
 * away, with the year when it is not this year's.
 */
export function formatTime(at: number | Date | Timestamp, zone: string = viewerZone(), now: number | Date = Date.now()): string {
  const t = local(at, zone);
  const today = local(now, zone);
  const clock = `${t.toFormat('HH:mm')} ${zoneAbbreviation(millis(at), zone)}`;
  if (t.hasSame(today, 'day')) return clock;
  const days = Math.abs(t.startOf('day').diff(today.startOf('day'), 'days').days);
  if (days <= 6) return `${t.toFormat('ccc')} ${clock}`;
  if (t.year === today.year) return `${t.toFormat('d LLL')} ${clock}`;
  return `${t.toFormat('d LLL yyyy')} ${clock}`;
}

/** formatTime with the relative time after it: "14:05 CET (3 h ago)", "Fri 08:00 CET (in 9:12)". */
export function formatTimeRelative(at: number | Date | Timestamp, zone: string = viewerZone(), now: number | Date = Date.now()): string {
  return `${formatTime(at, zone, now)} (${relativeTime(at, now)})`;
}

/**
 * An instant for a reader in another zone (an observer, a customer), in their zone and named,
 * complete enough to stand alone in an email: "Thursday 27 November 2026, 09:05 New York time (EST)".
 */
export function formatForReader(at: number | Date | Timestamp, zone: string): string {
  const t = local(at, zone);
  const abbreviation = zoneAbbreviation(millis(at), zone);
  const place = zonePlace(zone);
  const name = place === 'UTC' ? 'UTC' : `${place} time (${abbreviation})`;
  return `${t.toFormat('cccc d LLLL yyyy, HH:mm')} ${name}`;
}

/** The clock in the zone now: "04:01". */
export function clockIn(zone: string, now: number | Date = Date.now()): string {
  return local(now, zone).toFormat('HH:mm');
}

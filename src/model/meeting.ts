// The post-mortem review meeting: the observers and the PR manager are required, people who
// took part are welcome. Slots are proposed inside everyone's waking hours, each in their own
// time zone, on business days; zone arithmetic goes through luxon so daylight-saving changes
// land on the right instant. The invitation is an iCalendar file written by ical-generator.
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod } from 'ical-generator';
import { DateTime } from 'luxon';
import { RuleViolation, timelineEdit, type ActionContext, type RecordEdit } from './edits';
import { findPerson, personLabel } from './people';
import type { Incident, Person, PersonId } from './record';
import { isTimeZone, toTimestamp } from './time';
import { DEFAULT_BUSINESS_DAY, DEFAULT_QUIET_HOURS, isQuietHours, type BusinessDay, type QuietHours } from './waking';

export const RULE_MEETING = 'post-mortem-meeting';
export const QUOTE_MEETING =
  'Schedule a meeting with the observers and PR Manager as soon as possible once the post-mortem is ready. People who actively participated in the incident may be invited to go over the post-mortem but their presence is not required.';

export interface MeetingAttendee {
  person: Person;
  required: boolean;
}

export interface MeetingPeople {
  attendees: MeetingAttendee[];
  /** Ids in the roles that no known person has: they cannot be placed in a time zone. */
  unknown: PersonId[];
}

/** Required: the observers and the PR manager. Optional: the IM, SMEs and workers. */
export function meetingPeople(incident: Incident, people: readonly Person[]): MeetingPeople {
  const r = incident.roles;
  const required = [...(r.observers ?? []), ...(r.prm ? [r.prm] : [])];
  const optional = [r.incident_manager, ...(r.sme ?? []), ...(r.workers ?? []).map((w) => w.person)];
  const out: MeetingPeople = { attendees: [], unknown: [] };
  const seen = new Set<PersonId>();
  for (const [ids, isRequired] of [
    [required, true],
    [optional, false],
  ] as const) {
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const person = findPerson(people, id) ?? findPerson(incident.people ?? [], id);
      if (person && isTimeZone(person.timezone)) out.attendees.push({ person, required: isRequired });
      else out.unknown.push(id);
    }
  }
  return out;
}

export interface SlotOptions {
  /** Proposals start after this instant. */
  from: Date;
  /** The zone whose business days count (the IM's). */
  zone: string;
  durationMinutes?: number;
  /** How many business days ahead to look. */
  businessDays?: number;
  /** How many slots to propose. */
  count?: number;
  /** At most this many proposals on one day, so the choice spans days. */
  perDay?: number;
  stepMinutes?: number;
  quiet?: QuietHours;
  business?: BusinessDay;
}

export interface MeetingSlot {
  start: number;
  end: number;
  /** Each attendee's local start time, e.g. "Mon 08:00". */
  local: { person: PersonId; time: string; zone: string }[];
}

/** True when the whole meeting falls in the person's waking hours on one of their business days. */
export function fitsPerson(start: number, end: number, zone: string, quiet: QuietHours, business: BusinessDay): boolean {
  const local = DateTime.fromMillis(start, { zone });
  if (!business.days.includes(local.weekday)) return false;
  // Checking each quarter hour catches a meeting that runs into the quiet hours.
  for (let t = start; t < end; t += 15 * 60_000) if (isQuietHours(new Date(t), zone, quiet)) return false;
  return !isQuietHours(new Date(end - 60_000), zone, quiet);
}

/** Slots inside every attendee's waking hours on the coming business days, earliest first. */
export function proposeSlots(attendees: readonly Person[], opts: SlotOptions): MeetingSlot[] {
  const duration = (opts.durationMinutes ?? 60) * 60_000;
  const step = (opts.stepMinutes ?? 30) * 60_000;
  const quiet = opts.quiet ?? DEFAULT_QUIET_HOURS;
  const business = opts.business ?? DEFAULT_BUSINESS_DAY;
  const count = opts.count ?? 5;
  const perDay = opts.perDay ?? 2;
  if (!isTimeZone(opts.zone)) throw new RangeError(`"${opts.zone}" is not an IANA time zone.`);
  if (attendees.length === 0) throw new RuleViolation(RULE_MEETING, 'Nobody to invite: assign the observers and the PR manager first.');
  // The window: from the next whole step to the end of the Nth business day in the organiser's zone.
  let day = DateTime.fromJSDate(opts.from, { zone: opts.zone }).startOf('day');
  let left = opts.businessDays ?? 5;
  let until = day;
  while (left > 0) {
    day = day.plus({ days: 1 });
    if (business.days.includes(day.weekday)) left--;
    until = day.endOf('day');
  }
  const first = Math.ceil(opts.from.getTime() / step) * step;
  const slots: MeetingSlot[] = [];
  const perDayCount = new Map<string, number>();
  for (let start = first; start + duration <= until.toMillis() && slots.length < count; start += step) {
    const end = start + duration;
    if (!attendees.every((p) => fitsPerson(start, end, p.timezone, quiet, business))) continue;
    const key = DateTime.fromMillis(start, { zone: opts.zone }).toISODate() ?? '';
    if ((perDayCount.get(key) ?? 0) >= perDay) continue;
    if (slots.some((s) => start < s.end)) continue;
    perDayCount.set(key, (perDayCount.get(key) ?? 0) + 1);
    slots.push({
      start,
      end,
      local: attendees.map((p) => ({ person: p.id, zone: p.timezone, time: DateTime.fromMillis(start, { zone: p.timezone }).toFormat('ccc d LLL HH:mm') })),
    });
  }
  return slots;
}

export interface InvitationInput {
  incident: Incident;
  people: readonly Person[];
  attendees: readonly MeetingAttendee[];
  start: number;
  end: number;
  /** The organiser, usually the IM. */
  organizer: PersonId;
  /** The post-mortem's file, named in the description. */
  postmortemFile?: string;
  /** DTSTAMP: when the invitation was made. */
  now: Date;
}

/** The iCalendar invitation: a REQUEST with required and optional attendees (emails where known). */
export function invitationIcs(input: InvitationInput): string {
  const { incident, people } = input;
  const organizer = findPerson(people, input.organizer);
  const withoutEmail = input.attendees.filter((a) => !a.person.email);
  const description = [
    `Review of the post-mortem of incident ${incident.id}: ${incident.title}.`,
    input.postmortemFile ? `The post-mortem: ${input.postmortemFile} in the repository.` : '',
    'Required: the observers and the PR manager. People who took part are welcome; their presence is not required.',
    withoutEmail.length ? `Invite by hand (no email known): ${withoutEmail.map((a) => `${a.person.name}${a.required ? '' : ' (optional)'}`).join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const calendar = ical({ prodId: { company: 'incident-room', product: 'incident-room', language: 'EN' }, method: ICalCalendarMethod.REQUEST, name: 'Post-mortem review' });
  calendar.createEvent({
    id: `postmortem-${incident.id}@incident-room`,
    start: new Date(input.start),
    end: new Date(input.end),
    stamp: input.now,
    summary: `Post-mortem review: ${incident.title}`,
    description,
    organizer: organizer?.email ? { name: organizer.name, email: organizer.email } : undefined,
    attendees: input.attendees
      .filter((a) => a.person.email)
      .map((a) => ({
        name: a.person.name,
        email: a.person.email as string,
        role: a.required ? ICalAttendeeRole.REQ : ICalAttendeeRole.OPT,
        status: ICalAttendeeStatus.NEEDSACTION,
        rsvp: true,
      })),
  });
  return calendar.toString();
}

/** Why the review meeting cannot be scheduled yet, in the runbook's words; undefined when it can. */
export function meetingRefusal(incident: Incident): string | undefined {
  if (incident.status === 'active') return `${QUOTE_MEETING} This incident is still active.`;
  // The meeting goes over the post-mortem: the runbook schedules it once the post-mortem is ready.
  if (!incident.postmortem?.ready_at) {
    return `${QUOTE_MEETING} The post-mortem is not ready yet: ${incident.postmortem?.written_at ? 'fill its sections' : 'write it (Write Post-Mortem)'}, then mark it ready (Post-Mortem Ready).`;
  }
  return undefined;
}

/** Records the meeting in the record: when, who, and where the invitation is. */
export function recordMeeting(incident: Incident, slot: { start: number; end: number }, attendees: readonly MeetingAttendee[], file: string, ctx: ActionContext, people: readonly Person[] = []): RecordEdit[] {
  const refusal = meetingRefusal(incident);
  if (refusal) throw new RuleViolation(RULE_MEETING, refusal);
  if (!attendees.some((a) => a.required)) throw new RuleViolation(RULE_MEETING, `${QUOTE_MEETING} Nobody required: assign the observers and the PR manager first.`);
  const zone = ctx.zone;
  const value = {
    start: toTimestamp(slot.start, zone),
    end: toTimestamp(slot.end, zone),
    required: attendees.filter((a) => a.required).map((a) => a.person.id),
    optional: attendees.filter((a) => !a.required).map((a) => a.person.id),
    file,
    scheduled_at: toTimestamp(ctx.now, zone),
    scheduled_by: ctx.actor,
  };
  const names = value.required.map((id) => personLabel(people.length ? people : (incident.people ?? []), id)).join(', ');
  return [
    { op: 'set', path: ['postmortem', 'meeting'], value },
    timelineEdit(ctx, 'postmortem-meeting', `Post-mortem meeting scheduled for ${value.start} with ${names}; invitation in ${file}`),
  ];
}

/** "Tue 1 Dec 12:00–13:00 UTC" in a zone, for pick lists. */
export function slotLabel(slot: { start: number; end: number }, zone: string): string {
  const s = DateTime.fromMillis(slot.start, { zone });
  return `${s.toFormat('ccc d LLL HH:mm')}–${DateTime.fromMillis(slot.end, { zone }).toFormat('HH:mm')} ${zone}`;
}

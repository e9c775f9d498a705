import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { RuleViolation } from '../../src/model/edits';
import { invitationIcs, meetingPeople, meetingRefusal, proposeSlots, QUOTE_MEETING, recordMeeting } from '../../src/model/meeting';
import type { Person } from '../../src/model/record';
import { apply } from './rules-support';
import { ANA, BRUNO, ERIN, richIncident, STORY_PEOPLE } from './story-support';

/** The local hour and weekday of an instant in a zone, by Intl rather than the code under test. */
function localParts(ms: number, zone: string): { hour: number; minute: number; weekday: string } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { hour: Number(get('hour')), minute: Number(get('minute')), weekday: get('weekday') };
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

describe('Post-mortem meeting: slots inside everyone\'s waking hours', () => {
  // Lisbon, New York and Tokyo. Europe leaves summer time on 25 October 2026, the US on
  // 1 November: in between, New York is 4 hours behind Lisbon, afterwards 5.
  // Waking hours 07:00–22:00 local, in UTC:
  //   Lisbon (UTC+0 after 25 Oct)     07:00–22:00
  //   New York (UTC-4 until 1 Nov)    11:00–02:00, then (UTC-5) 12:00–03:00
  //   Tokyo (UTC+9)                   22:00–13:00
  // Together: 11:00–13:00 UTC until 1 November, 12:00–13:00 UTC after it.
  const people: Person[] = [ANA, ERIN, BRUNO];
  const slots = proposeSlots(people, { from: new Date('2026-10-29T00:00:00Z'), zone: 'Europe/Lisbon', durationMinutes: 60, count: 20, perDay: 5 });

  it('proposes the hand-computed slots, and the daylight-saving change in New York moves them', () => {
    assert.deepEqual(slots.map((s) => utc(s.start)), [
      '2026-10-29 11:00',
      '2026-10-29 12:00',
      '2026-10-30 11:00',
      '2026-10-30 12:00',
      // Weekend skipped; New York is now UTC-5, so 11:00 UTC would be 06:00 there.
      '2026-11-02 12:00',
      '2026-11-03 12:00',
      '2026-11-04 12:00',
      '2026-11-05 12:00',
    ]);
  });

  it('every slot is, by an independent clock, inside each person\'s waking hours on their weekday', () => {
    for (const s of slots) {
      for (const p of people) {
        const start = localParts(s.start, p.timezone);
        const end = localParts(s.end, p.timezone);
        assert.ok(start.hour >= 7, `${p.id} would be asleep at ${utc(s.start)}`);
        assert.ok(end.hour < 22 || (end.hour === 22 && end.minute === 0), `${p.id} would be asleep at the end of ${utc(s.start)}`);
        assert.ok(!['Sat', 'Sun'].includes(start.weekday), `${p.id} would meet on a ${start.weekday}`);
      }
    }
    assert.deepEqual(slots[4].local.map((l) => l.time), ['Mon 2 Nov 12:00', 'Mon 2 Nov 07:00', 'Mon 2 Nov 21:00']);
  });

  it('spreads the default proposals over days and never proposes overlapping slots', () => {
    const few = proposeSlots(people, { from: new Date('2026-10-29T00:00:00Z'), zone: 'Europe/Lisbon', perDay: 1, count: 3 });
    assert.deepEqual(few.map((s) => utc(s.start)), ['2026-10-29 11:00', '2026-10-30 11:00', '2026-11-02 12:00']);
    const half = proposeSlots(people, { from: new Date('2026-10-29T00:00:00Z'), zone: 'Europe/Lisbon', durationMinutes: 90, count: 2, perDay: 5 });
    // 11:30 would fit in the window but overlaps 11:00–12:30.
    assert.deepEqual(half.map((s) => utc(s.start)), ['2026-10-29 11:00', '2026-10-30 11:00']);
  });

  it('nobody to invite is refused; nobody awake at once gives no slot rather than a night call', () => {
    assert.throws(() => proposeSlots([], { from: new Date(), zone: 'UTC' }), RuleViolation);
    const honolulu: Person = { id: 'h', name: 'H', timezone: 'Pacific/Honolulu' };
    const kolkata: Person = { id: 'k', name: 'K', timezone: 'Asia/Kolkata' };
    // Honolulu 07:00–22:00 is 17:00–08:00 UTC; Kolkata 07:00–22:00 is 01:30–16:30 UTC; Tokyo 22:00–13:00 UTC.
    const s = proposeSlots([honolulu, kolkata, BRUNO], { from: new Date('2026-10-29T00:00:00Z'), zone: 'UTC', count: 3 });
    for (const slot of s) for (const p of [honolulu, kolkata, BRUNO]) assert.ok(localParts(slot.start, p.timezone).hour >= 7);
  });

  it('the observers and the PR manager are required; the IM, SMEs and workers optional; unknown people listed', () => {
    const incident = richIncident();
    incident.roles.observers = ['erin', 'ghost'];
    const m = meetingPeople(incident, STORY_PEOPLE);
    assert.deepEqual(m.attendees.map((a) => [a.person.id, a.required]), [['erin', true], ['carla', true], ['ana', false], ['bruno', false], ['dev', false]]);
    assert.deepEqual(m.unknown, ['ghost']);
  });
});

describe('Post-mortem meeting: the iCalendar invitation, read back by ical.js', () => {
  const incident = richIncident();
  const { attendees } = meetingPeople(incident, STORY_PEOPLE);
  const start = Date.parse('2026-11-30T12:00:00Z');
  const text = invitationIcs({ incident, people: STORY_PEOPLE, attendees, start, end: start + 3_600_000, organizer: 'ana', postmortemFile: 'postmortems/x.md', now: new Date('2026-11-28T10:00:00Z') });
  const calendar = new ICAL.Component(ICAL.parse(text));
  const event = calendar.getFirstSubcomponent('vevent')!;

  it('is a REQUEST for the meeting at the chosen instant with a stable id', () => {
    assert.equal(calendar.getFirstPropertyValue('method'), 'REQUEST');
    const e = new ICAL.Event(event);
    assert.equal(e.summary, 'Post-mortem review: Checkout 500s from vat-service for ACME Retail');
    assert.equal(e.startDate.toJSDate().toISOString(), '2026-11-30T12:00:00.000Z');
    assert.equal(e.endDate.toJSDate().toISOString(), '2026-11-30T13:00:00.000Z');
    assert.equal(e.uid, 'postmortem-2026-11-27-checkout-eu@incident-room');
    assert.match(e.description, /postmortems\/x\.md/);
  });

  it('invites the required and optional attendees by email, the IM organises, people without email are named', () => {
    const rows = event.getAllProperties('attendee').map((p) => [String(p.getFirstValue()).toLowerCase(), p.getParameter('role'), p.getParameter('cn')]);
    assert.deepEqual(rows, [
      ['mailto:erin@example.com', 'REQ-PARTICIPANT', 'Erin Walsh'],
      ['mailto:carla@example.com', 'REQ-PARTICIPANT', 'Carla Dias'],
      ['mailto:ana@example.com', 'OPT-PARTICIPANT', 'Ana Pereira'],
      ['mailto:bruno@example.com', 'OPT-PARTICIPANT', 'Bruno Costa'],
    ]);
    assert.equal(String(event.getFirstPropertyValue('organizer')).toLowerCase(), 'mailto:ana@example.com');
    assert.match(new ICAL.Event(event).description, /Invite by hand \(no email known\): Dev Rao \(optional\)/);
  });

  it('the meeting is recorded with its attendees and the invitation file; refused while active, before the post-mortem is ready, or with nobody required', () => {
    const ctx = { actor: 'ana', now: new Date('2026-11-28T10:00:00Z'), zone: 'UTC' };
    const written = { ...incident, postmortem: { ...incident.postmortem, file: 'postmortems/x.md', written_at: '2026-11-27T15:00:00Z', written_by: 'ana' } };
    // The runbook: "Schedule a meeting ... once the post-mortem is ready."
    assert.throws(() => recordMeeting({ ...incident, postmortem: undefined }, { start, end: start + 1 }, attendees, 'f', ctx), /not ready yet: write it \(Write Post-Mortem\)/);
    assert.throws(() => recordMeeting(written, { start, end: start + 1 }, attendees, 'f', ctx), /not ready yet: fill its sections, then mark it ready/);
    assert.equal(meetingRefusal(written)?.startsWith(QUOTE_MEETING), true);
    const ready = { ...written, postmortem: { ...written.postmortem, ready_at: '2026-11-28T09:00:00Z', ready_by: 'ana' } };
    assert.equal(meetingRefusal(ready), undefined);
    const after = apply(ready, recordMeeting(ready, { start, end: start + 3_600_000 }, attendees, 'postmortems/x.ics', ctx, STORY_PEOPLE));
    assert.deepEqual(after.postmortem?.meeting, {
      start: '2026-11-30T12:00:00Z',
      end: '2026-11-30T13:00:00Z',
      required: ['erin', 'carla'],
      optional: ['ana', 'bruno', 'dev'],
      file: 'postmortems/x.ics',
      scheduled_at: '2026-11-28T10:00:00Z',
      scheduled_by: 'ana',
    });
    assert.match(after.timeline[after.timeline.length - 1].text, /with Erin Walsh, Carla Dias/);
    assert.throws(() => recordMeeting({ ...ready, status: 'active' }, { start, end: start + 1 }, attendees, 'f', ctx), RuleViolation);
    assert.throws(() => recordMeeting(ready, { start, end: start + 1 }, attendees.filter((a) => !a.required), 'f', ctx), /Nobody required/);
  });
});

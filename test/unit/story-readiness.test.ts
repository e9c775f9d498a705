import assert from 'node:assert/strict';
import { tickStep } from '../../src/model/checklists';
import { RuleViolation } from '../../src/model/edits';
import { draftPostMortem, recordPostMortemWritten } from '../../src/model/postmortem';
import { addTimelineNote } from '../../src/model/timelineNotes';
import { markPostMortemReady, postMortemReadiness, postMortemReminder, postMortemReminderStart } from '../../src/model/postmortemReadiness';
import type { Incident } from '../../src/model/record';
import { remindersFor } from '../../src/model/reminders';
import { apply } from './rules-support';
import { richIncident, STORY_PEOPLE, WRITTEN_SECTIONS } from './story-support';

const draft = (incident: Incident = richIncident()) => draftPostMortem({ incident, people: STORY_PEOPLE });
const written = (incident: Incident = richIncident()) => {
  const d = draft(incident);
  return d.slice(0, d.indexOf('## Root cause')) + WRITTEN_SECTIONS;
};
const ctx = { actor: 'ana', now: new Date('2026-11-30T10:00:00Z'), zone: 'UTC' };
const refused = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: unknown) => e instanceof RuleViolation && pattern.test(e.message));

describe('Post-mortem ready: the rules', () => {
  it('a fresh draft is not ready: every written section and the action items are named', () => {
    const r = postMortemReadiness(draft());
    assert.equal(r.ready, false);
    assert.deepEqual(r.problems, [
      '"Root cause and contributing factors" is not written yet.',
      '"What went well" is not written yet.',
      '"What went poorly" is not written yet.',
      '"Where we got lucky" is not written yet.',
      'There are no action items: what will prevent it happening again?',
    ]);
  });

  it('filled sections and owned, dated action items are ready; the items are read with ticket and done', () => {
    const r = postMortemReadiness(written());
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.actionItems, [
      { text: 'Add a test for every EU VAT rate', owner: 'bruno', due: '2026-12-10', ticket: 'https://tickets.example.com/OPS-4800' },
      { text: 'Alert on checkout 5xx within 2 minutes', owner: 'dev', due: '2026-12-15', done: true },
    ]);
  });

  it('an action item without an owner, without a due date, or with a date that is not one, is named', () => {
    const text = written()
      .replace('| bruno | 2026-12-10 |', '|  | 2026-12-10 |')
      .replace('| dev | 2026-12-15 |', '| dev | next week |')
      .concat('| Rotate the keys | carla |  |  |  |\n');
    assert.deepEqual(postMortemReadiness(text).problems, [
      'Action item "Add a test for every EU VAT rate" has no owner.',
      'Action item "Alert on checkout 5xx within 2 minutes": "next week" is not a date (YYYY-MM-DD).',
      'Action item "Rotate the keys" has no due date.',
    ]);
    assert.match(postMortemReadiness(written().replace('2026-12-10', '2026-02-30')).problems[0], /not a date/);
  });

  it('a section that only holds its prompt, or was deleted, is not written', () => {
    const onlyPrompt = written().replace('It happened on a quiet afternoon.', '<!-- What went right by chance -->');
    assert.deepEqual(postMortemReadiness(onlyPrompt).problems, ['"Where we got lucky" is not written yet.']);
    const deleted = written().replace(/## What went well\n\nThe rollback took ten minutes\.\n\n/, '');
    assert.deepEqual(postMortemReadiness(deleted).problems, ['The section "What went well" is missing.']);
  });

  it('text inside a generated region does not fill a written section', () => {
    const sneaky = draft().replace('## Impact', '## What went well\n\nGenerated words\n\n## Impact');
    assert.ok(postMortemReadiness(sneaky).problems.includes('"What went well" is not written yet.'));
  });

  it('marking it ready records who and when, the action items, and meets the end checklist step', () => {
    const incident = richIncident();
    const after = apply(incident, markPostMortemReady(incident, written(), ctx));
    assert.equal(after.postmortem?.ready_at, '2026-11-30T10:00:00Z');
    assert.equal(after.postmortem?.ready_by, 'ana');
    assert.equal(after.postmortem?.action_items?.length, 2);
    const step = after.checklists.end.find((s) => s.id === 'post-mortem');
    assert.equal(step?.done_at, '2026-11-30T10:00:00Z');
    assert.equal(step?.done_by, 'ana');
    assert.equal(after.timeline[after.timeline.length - 1].kind, 'postmortem-ready');
    // Again later: the action items are refreshed, the first ready time stays.
    const later = { ...ctx, actor: 'bruno', now: new Date('2026-12-11T10:00:00Z') };
    const again = apply(after, markPostMortemReady(after, written().replace('OPS-4800 |  |', 'OPS-4800 | yes |'), later));
    assert.equal(again.postmortem?.ready_at, '2026-11-30T10:00:00Z');
    assert.equal(again.postmortem?.ready_by, 'ana');
    assert.ok(again.postmortem?.action_items?.every((a) => a.done));
  });

  it('refused while not ready (listing what is missing) and while the incident is still active', () => {
    refused(() => markPostMortemReady(richIncident(), draft(), ctx), /not ready: "Root cause and contributing factors" is not written yet\./);
    const active = { ...richIncident(), status: 'active' as const };
    refused(() => markPostMortemReady(active, written(), ctx), /top priority.*still active/);
  });

  it('the end checklist post-mortem step is not a bare checkbox: it needs the post-mortem begun or notes after the close; other steps can be ticked', () => {
    refused(() => tickStep(richIncident(), 'end', 'post-mortem', ctx), /begun \(Write Post-Mortem\) or notes on the key points/);
    assert.ok(tickStep(richIncident(), 'end', 'celebrate', ctx).length > 0);

    // "…OR if you need a break, write up some notes about the key points": a note written after the close.
    const noted = apply(richIncident(), addTimelineNote(richIncident(), { text: 'Key point: the VAT table had no owner' }, ctx));
    assert.ok(tickStep(noted, 'end', 'post-mortem', ctx).length > 0);
    // A note written before the close (the story of the incident itself) is not the runbook's notes.
    const before = richIncident();
    const early = apply(before, addTimelineNote(before, { text: 'Rollback prepared' }, { ...ctx, now: new Date('2026-11-27T17:00:00Z') }));
    refused(() => tickStep(early, 'end', 'post-mortem', ctx), /begun/);
    // Told after the close about an earlier moment: written after the close, so it counts.
    const told = apply(before, addTimelineNote(before, { text: 'Deploy at 13:30 started it', at: '2026-11-27T13:30:00Z' }, ctx));
    assert.ok(tickStep(told, 'end', 'post-mortem', ctx).length > 0);
  });

  it('Write Post-Mortem after the close is the step "Begin writing up the Post-Mortem": it ticks it, once; not while the incident is active', () => {
    const closed = apply(richIncident(), recordPostMortemWritten(richIncident(), 'postmortems/x.md', ctx));
    const step = closed.checklists.end.find((s) => s.id === 'post-mortem')!;
    assert.equal(step.done_at, '2026-11-30T10:00:00Z');
    assert.equal(step.done_by, 'ana');
    const active = { ...richIncident(), status: 'active' as const, closed_at: undefined };
    const drafted = apply(active, recordPostMortemWritten(active, 'postmortems/x.md', ctx));
    assert.equal(drafted.checklists.end.find((s) => s.id === 'post-mortem')!.done_at ?? null, null);
  });
});

describe('Post-mortem reminder: the IM top priority, from the next morning when closed after hours', () => {
  // Friday 27 November 2026, 18:00 UTC: after hours in Lisbon (the IM's zone).
  it('closed after hours: nothing until the next business morning in the IM zone, then a warning until ready', () => {
    const incident = richIncident();
    assert.equal(new Date(postMortemReminderStart(incident, STORY_PEOPLE)!).toISOString(), '2026-11-30T09:00:00.000Z');
    assert.equal(postMortemReminder(incident, STORY_PEOPLE, new Date('2026-11-28T10:00:00Z')), null);
    assert.equal(postMortemReminder(incident, STORY_PEOPLE, new Date('2026-11-30T08:59:00Z')), null);
    const r = postMortemReminder(incident, STORY_PEOPLE, new Date('2026-11-30T09:00:00Z'));
    assert.equal(r?.severity, 'warning');
    assert.equal(r?.action?.kind, 'write-postmortem');
    assert.match(r!.message, /top priority/);
  });

  it('the morning is the IM\'s: with an IM in New York, 18:00 UTC is 13:00 there and the reminder starts at once', () => {
    const incident = richIncident();
    incident.roles.incident_manager = 'erin';
    assert.equal(postMortemReminderStart(incident, STORY_PEOPLE), Date.parse('2026-11-27T18:00:00Z'));
    // Closed at 23:30 in New York on a Friday: Monday 09:00 there.
    incident.closed_at = '2026-11-28T04:30:00Z';
    assert.equal(new Date(postMortemReminderStart(incident, STORY_PEOPLE)!).toISOString(), '2026-11-30T14:00:00.000Z');
  });

  it('once written it asks for Post-Mortem Ready; once ready it is gone; open incidents have none', () => {
    const incident = richIncident();
    incident.postmortem = { file: 'postmortems/x.md', written_at: '2026-11-30T09:30:00Z', written_by: 'ana' };
    const now = new Date('2026-11-30T10:00:00Z');
    assert.equal(postMortemReminder(incident, STORY_PEOPLE, now)?.action?.kind, 'postmortem-ready');
    assert.deepEqual(remindersFor(incident, STORY_PEOPLE, now).map((r) => r.id), ['postmortem']);
    const ready = apply(incident, markPostMortemReady(incident, written(), ctx));
    assert.equal(postMortemReminder(ready, STORY_PEOPLE, now), null);
    assert.deepEqual(remindersFor(ready, STORY_PEOPLE, now), []);
    assert.equal(postMortemReminder({ ...richIncident(), status: 'active' }, STORY_PEOPLE, now), null);
  });

  it('Level 3 waits for a convenient time: the reminder is information, not a warning', () => {
    const incident = { ...richIncident(), severity: 3 as const };
    assert.equal(postMortemReminder(incident, STORY_PEOPLE, new Date('2026-11-30T10:00:00Z'))?.severity, 'info');
  });
});

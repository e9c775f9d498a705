import assert from 'node:assert/strict';
import { RuleViolation } from '../../src/model/edits';
import type { Incident } from '../../src/model/record';
import { addTimelineNote, levelHistory, milestones, orderedTimeline, parseNoteTime, timelineMarkdown } from '../../src/model/timelineNotes';
import { apply } from './rules-support';
import { richIncident, STORY_PEOPLE } from './story-support';

const NOW = new Date('2026-11-28T10:00:00Z');
const ctx = (actor = 'ana') => ({ actor, now: NOW, zone: 'Europe/Lisbon' });
const last = (i: Incident) => i.timeline[i.timeline.length - 1];

describe('Timeline notes: the story', () => {
  it('a note is appended with who, when, its kind and text; now by default', () => {
    const incident = apply(richIncident(), addTimelineNote(richIncident(), { text: '  Customers confirm checkout works  ', kind: 'resolution' }, ctx()));
    assert.deepEqual(last(incident), { at: '2026-11-28T10:00:00+00:00', by: 'ana', kind: 'note', note_kind: 'resolution', text: 'Customers confirm checkout works' });
  });

  it('a note may tell what happened before the declaration, about someone else; who wrote it and when is kept', () => {
    const incident = apply(richIncident(), addTimelineNote(richIncident(), { text: 'rm -rf on the cache host', at: '2026-11-27T12:00:00+01:00', by: 'dev', kind: 'other' }, ctx()));
    assert.deepEqual(last(incident), { at: '2026-11-27T12:00:00+01:00', by: 'dev', kind: 'note', note_kind: 'other', text: 'rm -rf on the cache host', recorded_at: '2026-11-28T10:00:00+00:00', recorded_by: 'ana' });
    // And it becomes the start of the story.
    assert.equal(milestones(incident).started, Date.parse('2026-11-27T11:00:00Z'));
  });

  it('refuses an empty note, an unknown kind, a time without offset and a time in the future', () => {
    const refuse = (input: Parameters<typeof addTimelineNote>[1], pattern: RegExp) =>
      assert.throws(() => addTimelineNote(richIncident(), input, ctx()), (e: unknown) => e instanceof RuleViolation && pattern.test(e.message));
    refuse({ text: '   ' }, /needs some text/);
    refuse({ text: 'x', kind: 'rumour' as never }, /not a note kind/);
    refuse({ text: 'x', at: '2026-11-27 12:00' }, /not a time with an offset/);
    refuse({ text: 'x', at: '2026-11-28T11:00:00Z' }, /in the future/);
  });

  it('a closed incident takes notes: the story goes on after close', () => {
    assert.equal(richIncident().status, 'closed');
    assert.equal(addTimelineNote(richIncident(), { text: 'Found a second cause' }, ctx()).length, 1);
  });

  it('typed times: HH:mm in the zone (yesterday when later than now), a local date and time, or a timestamp', () => {
    // 10:00Z is 11:00 in Berlin.
    assert.equal(parseNoteTime('10:30', NOW, 'Europe/Berlin'), '2026-11-28T10:30:00+01:00');
    assert.equal(parseNoteTime('23:15', NOW, 'Europe/Berlin'), '2026-11-27T23:15:00+01:00');
    assert.equal(parseNoteTime('2026-11-27 13:30', NOW, 'America/New_York'), '2026-11-27T13:30:00-05:00');
    assert.equal(parseNoteTime('2026-11-27T13:30:00+09:00', NOW, 'UTC'), '2026-11-27T13:30:00+09:00');
    // Across a daylight-saving change the local wall time keeps its own offset.
    assert.equal(parseNoteTime('2026-10-24 09:00', NOW, 'Europe/Lisbon'), '2026-10-24T09:00:00+01:00');
    assert.equal(parseNoteTime('2026-10-26 09:00', NOW, 'Europe/Lisbon'), '2026-10-26T09:00:00+00:00');
    assert.throws(() => parseNoteTime('25:00', NOW, 'UTC'), /not a time of day/);
    assert.throws(() => parseNoteTime('yesterday', NOW, 'UTC'), /not a time/);
  });

  it('orders by instant whatever the offsets and file order; newest first when asked; ties keep file order', () => {
    const incident = richIncident();
    const oldest = orderedTimeline(incident, 'oldest-first').map((e) => e.text);
    assert.equal(oldest[0], 'Deploy 4711 went out with the new VAT table');
    assert.equal(oldest[1], 'First 5xx alert | EU checkout');
    assert.deepEqual(oldest.slice(4, 6), ['Level 2 → Level 1: orders dropping fast', 'Update cycle recorded; more people']);
    assert.deepEqual(orderedTimeline(incident, 'newest-first').map((e) => e.text), [...oldest].reverse());
  });

  it('Export Timeline: a Markdown table in the IM zone with names, kinds, and cells that cannot break the table', () => {
    const md = timelineMarkdown(richIncident(), STORY_PEOPLE);
    assert.match(md, /^# Timeline: Checkout 500s from vat-service for ACME Retail$/m);
    assert.match(md, /Times in Europe\/Lisbon\./);
    assert.match(md, /\| 2026-11-27 13:30 \| Dev Rao \| Deploy 4711 went out with the new VAT table \| note \(other\) \|/);
    assert.match(md, /\| First 5xx alert \\\| EU checkout \|/);
    const incident = richIncident();
    incident.timeline.push({ at: '2026-11-28T09:00:00Z', by: 'ana', kind: 'note', note_kind: 'other', text: 'two\nlines <b>bold</b>' });
    assert.match(timelineMarkdown(incident, STORY_PEOPLE), /\| two lines &lt;b&gt;bold&lt;\/b&gt; \|/);
  });

  it('level history: spans from the severity changes; none when it never changed', () => {
    const incident = richIncident();
    const spans = levelHistory(incident, Date.parse('2026-11-27T18:00:00Z')).map((s) => [s.level, new Date(s.from).toISOString().slice(11, 16), new Date(s.to).toISOString().slice(11, 16)]);
    assert.deepEqual(spans, [[2, '14:00', '15:00'], [1, '15:00', '16:00'], [2, '16:00', '18:00']]);
    incident.timeline = incident.timeline.filter((e) => e.kind !== 'severity-changed');
    assert.deepEqual(levelHistory(incident, Date.parse('2026-11-27T18:00:00Z')).map((s) => s.level), [2]);
  });
});

import assert from 'node:assert/strict';
import {
  draftPostMortem,
  generatedSections,
  mergePostMortem,
  parseRegions,
  PostMortemFormatError,
  postMortemPath,
  recordPostMortemWritten,
  region,
  updateTimeliness,
  writePostMortemText,
  type PostMortemSource,
} from '../../src/model/postmortem';
import type { Incident } from '../../src/model/record';
import { apply } from './rules-support';
import { richIncident, STORY_PEOPLE, WRITTEN_SECTIONS } from './story-support';

const COMMITS = [
  { sha: 'abcdef1234567890', subject: 'Add the missing EU VAT rates', author: 'Bruno Costa' },
  { sha: '1234567abcdef000', subject: 'Test every EU rate', author: 'Dev Rao' },
];

function source(incident: Incident = richIncident()): PostMortemSource {
  return { incident, people: STORY_PEOPLE, commits: COMMITS };
}

function section(id: string, src: PostMortemSource = source()): string {
  const found = generatedSections(src).find((s) => s.id === id);
  assert.ok(found, `no generated section ${id}`);
  return found.content;
}

function rows(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
}

describe('Post-mortem: the draft from a rich record', () => {
  it('summary: title, the level and its changes, dates in the IM zone, the IM, public title and ticket', () => {
    const s = section('summary');
    assert.match(s, /^# Post-mortem: Checkout 500s from vat-service for ACME Retail$/m);
    assert.match(s, /Times are in Europe\/Lisbon/);
    assert.match(s, /\| Level \| Level 2 → Level 1 → Level 2 \|/);
    assert.match(s, /\| Declared \| 2026-11-27 14:00 \|/);
    assert.match(s, /\| Closed \| 2026-11-27 18:00 \|/);
    assert.match(s, /\| Open for \| 4h 00m \|/);
    assert.match(s, /\| Incident Manager \| Ana Pereira \|/);
    assert.match(s, /\| Public title \| Checkout errors for EU customers \|/);
    assert.match(s, /OPS-4711/);
  });

  it('summary times follow the IM zone: the same record with a New York IM reads five hours earlier', () => {
    const incident = richIncident();
    incident.roles.incident_manager = 'erin';
    const s = section('summary', source(incident));
    assert.match(s, /Times are in America\/New_York/);
    assert.match(s, /\| Declared \| 2026-11-27 09:00 \|/);
  });

  it('impact: the record impact and the customers', () => {
    const s = section('impact');
    assert.match(s, /^## Impact/);
    assert.match(s, /EU customers could not pay; orders dropped by 40%\./);
    assert.match(s, /ACME Retail/);
  });

  it('phases: started → detected → declared → mitigated → resolved → closed, with the time between each and since the start', () => {
    const table = rows(section('phases'));
    assert.deepEqual(table.slice(1, 7), [
      '| Started | 2026-11-27 13:30 |  | 0m |',
      '| Detected | 2026-11-27 13:40 | 10m | 10m |',
      '| Declared | 2026-11-27 14:00 | 20m | 30m |',
      '| Mitigated | 2026-11-27 15:30 | 1h 30m | 2h 00m |',
      '| Resolved | 2026-11-27 17:00 | 1h 30m | 3h 30m |',
      '| Closed | 2026-11-27 18:00 | 1h 00m | 4h 30m |',
    ]);
  });

  it('phases: the time at each level, from the severity changes', () => {
    const table = rows(section('phases')).filter((r) => /^\| Level \d/.test(r));
    assert.deepEqual(table, [
      '| Level 2 | 2026-11-27 14:00 | 2026-11-27 15:00 | 1h 00m |',
      '| Level 1 | 2026-11-27 15:00 | 2026-11-27 16:00 | 1h 00m |',
      '| Level 2 | 2026-11-27 16:00 | 2026-11-27 18:00 | 2h 00m |',
    ]);
  });

  it('phases: an unrecorded mitigation says so; resolution falls back to the release of the fix', () => {
    const incident = richIncident();
    incident.timeline = incident.timeline.filter((e) => e.note_kind !== 'mitigation' && e.note_kind !== 'resolution');
    incident.released_without_tests = { at: '2026-11-27T16:50:00Z', by: 'ana', note: 'hotfix' };
    const table = rows(section('phases', source(incident)));
    assert.ok(table.includes('| Mitigated | not recorded | | |'));
    assert.ok(table.some((r) => r.startsWith('| Resolved | 2026-11-27 16:50 |')));
  });

  it('timeline: every entry by instant (not file order), in the IM zone, with who, what and kind; pipes escaped', () => {
    const table = rows(section('timeline')).slice(1);
    assert.equal(table.length, richIncident().timeline.length);
    assert.equal(table[0], '| 2026-11-27 13:30 | Dev Rao | Deploy 4711 went out with the new VAT table | note (other) |');
    assert.equal(table[1], '| 2026-11-27 13:40 | Carla Dias | First 5xx alert \\| EU checkout | note (detection) |');
    assert.equal(table[table.length - 1], '| 2026-11-27 18:00 | Ana Pereira | Incident declared over | closed |');
  });

  it('people: each person once with all their roles and their time on the incident', () => {
    assert.deepEqual(rows(section('people')).slice(1), [
      '| Ana Pereira | Incident Manager | 4h 00m (as IM) |',
      '| Bruno Costa | SME, worker | 3h 50m |',
      '| Dev Rao | worker | 3h 00m |',
      '| Erin Walsh | observer |  |',
      '| Carla Dias | PR manager |  |',
    ]);
  });

  it('contacts: each attempt with channel and outcome; phone numbers in notes are removed', () => {
    const s = section('contacts');
    const table = rows(s).slice(1);
    assert.equal(table.length, 2);
    assert.match(table[0], /\| 2026-11-27 14:05 \| Ana Pereira \| Bruno Costa \| phone \| yes \| sme \|/);
    assert.match(table[1], /\| Dev Rao \| phone \| no \|/);
    assert.ok(!s.includes('912'), 'a phone number reached the post-mortem');
  });

  it('updates: each cycle with its decision, on time or late by the cadence of the level in force', () => {
    const s = section('updates');
    assert.match(s, /2 cycles, 1 on time, 1 late\./);
    assert.match(s, /### 2026-11-27 15:00: more-people\n/);
    assert.match(s, /### 2026-11-27 17:10: no-change \(late by 10m\)/);
    assert.match(s, /Bruno Costa\. Found: The VAT table lacks the new rates\. Next: Roll back deploy 4711\. \(asked for help\)/);
    assert.match(s, /Customer update sent 2026-11-27 17:20 by Carla Dias/);
  });

  it('update timeliness: an escalation shortens the deadline, a de-escalation lengthens it', () => {
    const incident = richIncident();
    const cycle = incident.updates![0];
    const at = (...times: string[]) => times.map((hhmm) => ({ ...cycle, at: `2026-11-27T${hhmm}:00Z` }));
    // Level 1 from 15:00: the cycle after 14:30 is due at 15:30, so 15:50 is late.
    incident.updates = at('14:30', '15:50');
    assert.deepEqual(updateTimeliness(incident).map((t) => t.late), [false, true]);
    // Back at Level 2 from 16:00: after 15:20 the next is due at 17:20, so 17:10 is on time.
    incident.updates = at('14:30', '15:20', '17:10');
    assert.deepEqual(updateTimeliness(incident).map((t) => [t.late, new Date(t.due).toISOString().slice(11, 16)]), [[false, '16:00'], [false, '15:30'], [false, '17:20']]);
  });

  it('fix: branch, commits, test plan with both environments, runs, sign-offs', () => {
    const s = section('fix');
    assert.match(s, /Fix branch `fix\/eu-vat` from `main`\./);
    assert.match(s, /\| `abcdef1` \| Add the missing EU VAT rates \| Bruno Costa \|/);
    assert.match(s, /\| `1234567` \| Test every EU rate \| Dev Rao \|/);
    assert.match(s, /\| EU checkout returns 200 \| pass \(Bruno Costa, 2026-11-27 16:45\) \| pass \(Bruno Costa, 2026-11-27 17:20\) \| test\/checkout\.test\.js › EU VAT › returns 200 \|/);
    assert.match(s, /\| 2026-11-27 16:40 \| `abcdef1` \| passed \| 1 \| 0 \| 0 \| 0 \|/);
    assert.match(s, /Signed off by Ana Pereira \(incident manager, 2026-11-27 17:30\), Bruno Costa \(worker, 2026-11-27 17:35\)\./);
    assert.ok(!/Waiver/.test(s));
  });

  it('fix: a waiver is shown when the record has one, whatever part of the record holds it', () => {
    for (const place of ['top', 'plan'] as const) {
      const incident = richIncident() as Incident & { waiver?: unknown };
      const waiver = { reason: 'A restore from a snapshot; nothing in the repository changed.', signoffs: [{ person: 'ana', role: 'incident_manager', at: '2026-11-27T17:50:00Z' }, { person: 'bruno', role: 'sme', at: '2026-11-27T17:51:00Z' }] };
      if (place === 'top') incident.waiver = waiver;
      else (incident.test_plan as unknown as Record<string, unknown>).waiver = waiver;
      const s = section('fix', source(incident));
      assert.match(s, /\*\*Waiver: no automated test possible\.\*\*/);
      assert.match(s, /Why: A restore from a snapshot/);
      assert.match(s, /- Signed by Ana Pereira \(incident_manager\) at 2026-11-27 17:50/);
      assert.match(s, /- Signed by Bruno Costa \(sme\) at 2026-11-27 17:51/);
    }
    const odd = richIncident() as Incident & { waiver?: unknown };
    odd.waiver = { signoffs: 'not a list', reason: 42 };
    assert.match(section('fix', source(odd)), /Waiver/);
  });

  it('fix: released without tests and no linked branch', () => {
    const incident = richIncident();
    delete incident.fix;
    incident.released_without_tests = { at: '2026-11-27T16:50:00Z', by: 'ana', note: 'hotfix before the tests' };
    const s = section('fix', { incident, people: STORY_PEOPLE });
    assert.match(s, /No fix branch was linked\./);
    assert.match(s, /Released without automated tests at 2026-11-27 16:50 by Ana Pereira: hotfix before the tests\./);
  });

  it('the whole draft: generated regions, then the written sections with prompts and an empty action-items table', () => {
    const text = draftPostMortem(source());
    const ids = parseRegions(text).filter((s) => s.kind === 'region').map((s) => (s as { id: string }).id);
    assert.deepEqual(ids, ['summary', 'impact', 'phases', 'timeline', 'people', 'contacts', 'updates', 'fix']);
    for (const h of ['Root cause and contributing factors', 'What went well', 'What went poorly', 'Where we got lucky', 'Action items']) assert.match(text, new RegExp(`^## ${h}$`, 'm'));
    assert.match(text, /\| Action \| Owner \| Due \| Ticket \| Done \|/);
    assert.equal(draftPostMortem(source()), text, 'the draft depends on the record only');
  });

  it('the file goes to postmortems/<id>.md, or the folder given, or where the record says it is', () => {
    const incident = richIncident();
    assert.equal(postMortemPath(incident), 'postmortems/2026-11-27-checkout-eu.md');
    assert.equal(postMortemPath(incident, 'docs/pm/'), 'docs/pm/2026-11-27-checkout-eu.md');
    incident.postmortem = { file: 'elsewhere/pm.md' };
    assert.equal(postMortemPath(incident, 'docs/pm'), 'elsewhere/pm.md');
  });

  it('the record notes where it was written and who wrote it first, once', () => {
    const ctx = { actor: 'ana', now: new Date('2026-11-28T09:00:00Z'), zone: 'UTC' };
    const written = apply(richIncident(), recordPostMortemWritten(richIncident(), 'postmortems/x.md', ctx));
    assert.deepEqual(written.postmortem, { file: 'postmortems/x.md', written_at: '2026-11-28T09:00:00Z', written_by: 'ana' });
    assert.equal(written.timeline[written.timeline.length - 1].kind, 'postmortem-written');
    assert.deepEqual(recordPostMortemWritten(written, 'postmortems/x.md', { ...ctx, actor: 'bruno' }), []);
  });
});

describe('Post-mortem: re-running keeps what people wrote', () => {
  function humanWritten(incident: Incident = richIncident()): string {
    // The draft with its written sections filled in and a note of someone's own between regions.
    const draft = draftPostMortem(source(incident));
    const cut = draft.indexOf('## Root cause');
    return `${draft.slice(0, cut).replace('<!-- incident-room:generated people begin', 'A note of our own, between regions.\n\n<!-- incident-room:generated people begin')}${WRITTEN_SECTIONS}`;
  }

  it('regenerates every generated region from the record and keeps every byte outside them', () => {
    const before = humanWritten();
    const changed = richIncident();
    changed.impact = 'EU customers could not pay for 3 hours.';
    changed.timeline.push({ at: '2026-11-28T09:00:00Z', by: 'ana', kind: 'note', note_kind: 'decision', text: 'Review the deploy checklist' });
    const merged = writePostMortemText(source(changed), before);
    assert.match(merged.text, /EU customers could not pay for 3 hours\./);
    assert.match(merged.text, /Review the deploy checklist/);
    assert.ok(!merged.text.includes('orders dropped by 40%'));
    assert.deepEqual(merged.keptEdited, []);
    assert.deepEqual(merged.added, []);
    // Outside the regions, the text is exactly what people wrote.
    const outside = (t: string) => parseRegions(t).filter((s) => s.kind === 'text').map((s) => s.lines.join('\n'));
    assert.deepEqual(outside(merged.text), outside(before));
    assert.ok(merged.text.includes(WRITTEN_SECTIONS));
    assert.ok(merged.text.includes('A note of our own, between regions.'));
  });

  it('regenerating an unchanged record changes nothing', () => {
    const before = humanWritten();
    assert.equal(writePostMortemText(source(), before).text, before);
  });

  it('a region edited by hand is kept as edited and reported, never overwritten', () => {
    const before = humanWritten().replace('EU customers could not pay; orders dropped by 40%.', 'EU customers could not pay; we lost about 1,200 orders (finance).');
    const changed = richIncident();
    changed.impact = 'Something else entirely.';
    const merged = writePostMortemText(source(changed), before);
    assert.deepEqual(merged.keptEdited, ['impact']);
    assert.match(merged.text, /we lost about 1,200 orders \(finance\)/);
    assert.ok(!merged.text.includes('Something else entirely.'));
  });

  it('a region someone deleted is put back after its predecessor; an empty file gets the whole draft', () => {
    const before = humanWritten();
    const segments = parseRegions(before);
    const withoutContacts = before.replace(/<!-- incident-room:generated contacts begin[\s\S]*?<!-- incident-room:generated contacts end -->\n?/, '');
    assert.equal(parseRegions(withoutContacts).filter((s) => s.kind === 'region').length, segments.filter((s) => s.kind === 'region').length - 1);
    const merged = mergePostMortem(withoutContacts, draftPostMortem(source()));
    assert.deepEqual(merged.added, ['contacts']);
    const ids = parseRegions(merged.text).filter((s) => s.kind === 'region').map((s) => (s as { id: string }).id);
    assert.deepEqual(ids, ['summary', 'impact', 'phases', 'timeline', 'people', 'contacts', 'updates', 'fix']);
    assert.ok(merged.text.includes(WRITTEN_SECTIONS));
    assert.equal(mergePostMortem('', draftPostMortem(source())).text, draftPostMortem(source()));
  });

  it('broken markers are refused with their line, so nothing is written over them', () => {
    const fresh = draftPostMortem(source());
    const unclosed = `intro\n${region('impact', 'text').split('\n').slice(0, 2).join('\n')}\nmore\n`;
    assert.throws(() => mergePostMortem(unclosed, fresh), (e: unknown) => e instanceof PostMortemFormatError && e.line === 2 && /no end marker/.test(e.message));
    const stray = 'a\nb\n<!-- incident-room:generated impact end -->\n';
    assert.throws(() => mergePostMortem(stray, fresh), (e: unknown) => e instanceof PostMortemFormatError && e.line === 3);
    const twice = `${region('impact', 'a')}\n${region('impact', 'b')}\n`;
    assert.throws(() => mergePostMortem(twice, fresh), /appears twice/);
  });

  it('Windows line endings in a hand-edited file do not count as an edit', () => {
    const before = humanWritten().replace(/\n/g, '\r\n');
    const merged = writePostMortemText(source(), before);
    assert.deepEqual(merged.keptEdited, []);
  });
});

import assert from 'node:assert/strict';
import { DeclareError, incidentId, newIncident, slugify } from '../../src/model/declare';
import { LEVEL_TABLE, RUNBOOK_URL } from '../../src/model/levels';
import type { Level } from '../../src/model/record';
import { instantOf } from '../../src/model/time';

const ana = { id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon' };
const now = new Date('2026-11-27T23:30:00Z');

describe('Declare Incident', () => {
  for (const level of [1, 2, 3] as Level[]) {
    it(`writes the Level ${level} start and end checklists, undone`, () => {
      const incident = newIncident({ title: 'Checkout 5xx', level, impact: 'EU cannot pay', incidentManager: ana }, now);
      assert.deepEqual(incident.checklists.start.map((s) => s.id), LEVEL_TABLE[level].start.map((s) => s.id));
      assert.deepEqual(incident.checklists.end.map((s) => s.id), LEVEL_TABLE[level].end.map((s) => s.id));
      assert.ok(incident.checklists.start.every((s) => s.done_at === null));
      assert.equal(incident.severity, level);
    });
  }

  it('records the declaration as the first timeline entry, by the IM, with an offset timestamp', () => {
    const incident = newIncident({ title: 'Checkout 5xx', level: 2, impact: 'EU cannot pay', incidentManager: ana }, now);
    assert.equal(incident.timeline.length, 1);
    assert.equal(incident.timeline[0].kind, 'declared');
    assert.equal(incident.timeline[0].by, 'ana');
    assert.equal(incident.declared_at, '2026-11-27T23:30:00+00:00');
    assert.equal(instantOf(incident.declared_at), now.getTime());
    assert.equal(incident.roles.incident_manager, 'ana');
    assert.equal(incident.links?.runbook, RUNBOOK_URL);
  });

  it("dates the id in the IM's time zone", () => {
    const tokyo = { ...ana, timezone: 'Asia/Tokyo' };
    const incident = newIncident({ title: 'Search slow', level: 3, impact: 'slow', incidentManager: tokyo }, now);
    assert.equal(incident.id, '2026-11-28-search-slow');
    assert.match(incident.declared_at, /\+09:00$/);
  });

  it('keeps only the links given', () => {
    const incident = newIncident({ title: 'x', level: 2, impact: 'y', incidentManager: ana, chatRoom: ' ', ticket: 'https://t/1' }, now);
    assert.equal(incident.links?.chat_room, undefined);
    assert.equal(incident.links?.ticket, 'https://t/1');
  });

  it('refuses a missing title, impact or an unknown time zone', () => {
    assert.throws(() => newIncident({ title: ' ', level: 2, impact: 'y', incidentManager: ana }, now), DeclareError);
    assert.throws(() => newIncident({ title: 'x', level: 2, impact: '', incidentManager: ana }, now), DeclareError);
    assert.throws(() => newIncident({ title: 'x', level: 2, impact: 'y', incidentManager: { ...ana, timezone: 'Mars/Base' } }, now), /IANA/);
  });

  it('makes ids unique against those taken', () => {
    const taken = new Set(['2026-11-27-checkout-5xx', '2026-11-27-checkout-5xx-2']);
    assert.equal(incidentId('Checkout 5xx', now, 'UTC', taken), '2026-11-27-checkout-5xx-3');
  });

  it('slugs titles to safe file names', () => {
    assert.equal(slugify('Pagamentos: São Paulo ↯ 500!'), 'pagamentos-sao-paulo-500');
    assert.equal(slugify('!!!'), 'incident');
  });
});

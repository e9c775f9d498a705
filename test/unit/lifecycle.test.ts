import assert from 'node:assert/strict';
import { newIncident } from '../../src/model/declare';
import { incidentAgeMs, isOpen } from '../../src/model/lifecycle';

const declared = new Date('2026-11-27T10:00:00Z');
const incident = newIncident({ title: 'Checkout 5xx', level: 2, impact: 'EU cannot pay', incidentManager: { id: 'ana', name: 'Ana', timezone: 'UTC' } }, declared);
const now = Date.parse('2026-11-27T13:30:00Z');

describe('Incident lifecycle', () => {
  it('counts an open incident up to now', () => {
    assert.equal(isOpen(incident), true);
    assert.equal(incidentAgeMs(incident, now), 3.5 * 3600_000);
  });

  it('stops a closed incident at its close', () => {
    const closed = { ...incident, status: 'closed' as const, closed_at: '2026-11-27T12:00:00+00:00' };
    assert.equal(isOpen(closed), false);
    assert.equal(incidentAgeMs(closed, now), 2 * 3600_000);
  });

  it('ignores a leftover closed_at on a reopened incident', () => {
    assert.equal(incidentAgeMs({ ...incident, closed_at: '2026-11-27T12:00:00+00:00' }, now), 3.5 * 3600_000);
  });
});

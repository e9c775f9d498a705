import assert from 'node:assert/strict';
import { compareForChoice, implicitIncident } from '../../src/model/incidentChoice';
import type { Incident, Level } from '../../src/model/record';

function incident(id: string, severity: Level, declared_at: string, status: Incident['status'] = 'active'): { incident: Incident } {
  return { incident: { id, severity, declared_at, status } as Incident };
}

describe('Which incident a command acts on', () => {
  const a = incident('a', 2, '2026-11-26T10:00:00+00:00');
  const b = incident('b', 1, '2026-11-20T10:00:00+00:00');

  it('takes the active editor’s record before the tree selection, and the selection before asking', () => {
    assert.equal(implicitIncident([a, b], { editorIncidentId: 'a', selectedIncidentId: 'b' })?.entry, a);
    assert.equal(implicitIncident([a, b], { editorIncidentId: 'a', selectedIncidentId: 'b' })?.reason, 'editor');
    assert.equal(implicitIncident([a, b], { selectedIncidentId: 'b' })?.entry, b);
    assert.equal(implicitIncident([a, b], {}), undefined);
  });

  it('takes the only candidate, and ignores an editor or selection that is not one (a closed incident)', () => {
    assert.deepEqual(implicitIncident([a], {}), { entry: a, reason: 'only' });
    assert.equal(implicitIncident([a, b], { editorIncidentId: 'closed-one' }), undefined);
    assert.equal(implicitIncident([a, b], { editorIncidentId: 'closed-one', selectedIncidentId: 'a' })?.entry, a);
  });

  it('offers open incidents by level first, then the most recently declared, closed ones last', () => {
    const list = [
      incident('l2-old', 2, '2026-11-20T10:00:00+00:00'),
      incident('closed-l1', 1, '2026-11-27T10:00:00+00:00', 'closed'),
      incident('l3-new', 3, '2026-11-27T09:00:00+00:00'),
      incident('l1-old', 1, '2026-11-01T10:00:00+00:00'),
      incident('l2-new', 2, '2026-11-27T08:00:00+01:00'),
      incident('l1-new', 1, '2026-11-27T10:00:00+00:00'),
    ];
    const order = list.map((e) => e.incident).sort(compareForChoice).map((i) => i.id);
    assert.deepEqual(order, ['l1-new', 'l1-old', 'l2-new', 'l2-old', 'l3-new', 'closed-l1']);
  });
});

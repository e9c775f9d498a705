import assert from 'node:assert/strict';
import type { ActionContext, RecordEdit } from '../../src/model/edits';
import type { Incident, UpdateCycle } from '../../src/model/record';
import { observerSummary } from '../../src/model/summaries';
import { recordUpdateCycle } from '../../src/model/updates';
import { validateIncident } from '../../src/model/validate';

/** The cycle a recordUpdateCycle appends. */
function appendedCycle(edits: RecordEdit[]): UpdateCycle {
  const edit = edits.find((e) => e.op === 'append' && e.path[0] === 'updates');
  assert.ok(edit && edit.op === 'append');
  return edit.value as UpdateCycle;
}

const ctx: ActionContext = { actor: 'ana', now: new Date('2026-11-27T16:05:00Z'), zone: 'Europe/Lisbon' };

const incident: Incident = {
  schema: 'incident-room/v1',
  id: '2026-11-27-checkout-5xx',
  title: 'Checkout returns 500 for EU customers',
  severity: 2,
  status: 'active',
  declared_at: '2026-11-27T14:05:00+01:00',
  impact: 'EU customers cannot pay.',
  people: [
    { id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon' },
    { id: 'bruno', name: 'Bruno Costa', timezone: 'Europe/Lisbon' },
  ],
  roles: { incident_manager: 'ana', workers: [{ person: 'bruno', since: '2026-11-27T14:10:00+01:00' }] },
  checklists: { start: [], end: [] },
  timeline: [],
};

describe('"Needs help" says what help', () => {
  const input = {
    workers: [{ person: 'bruno', found: 'Retries multiply the load', next: 'Cap retries', needs_help: true, help_wanted: ' a DBA to read the slow-query log ' }],
    decision: 'more-people' as const,
  };

  it('keeps the help wanted with the worker’s update, and the record stays valid', () => {
    const edits = recordUpdateCycle(incident, input, ctx);
    const cycle = appendedCycle(edits);
    assert.equal(cycle.workers[0].help_wanted, 'a DBA to read the slow-query log');
    assert.deepEqual(validateIncident({ ...incident, updates: [cycle] }), []);
  });

  it('drops it when no help is needed, and the observer summary says what help', () => {
    const noHelp = recordUpdateCycle(incident, { ...input, workers: [{ ...input.workers[0], needs_help: false }] }, ctx);
    const quiet = appendedCycle(noHelp);
    assert.equal(quiet.workers[0].help_wanted, undefined);
    const cycle = appendedCycle(recordUpdateCycle(incident, input, ctx));
    const summary = observerSummary({ ...incident, updates: [cycle] }, cycle, incident.people ?? [], ctx.now.getTime());
    assert.match(summary, /\*\*Needs help:\*\* yes: a DBA to read the slow-query log/);
  });
});

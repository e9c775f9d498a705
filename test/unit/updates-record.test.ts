import assert from 'node:assert/strict';
import { RuleViolation, type ActionContext } from '../../src/model/edits';
import type { Incident, UpdateCycle, WorkerUpdate } from '../../src/model/record';
import { activeWorkers, NO_UPDATE, recordUpdateCycle } from '../../src/model/updates';

const ctx: ActionContext = { actor: 'ana', now: new Date('2026-11-27T16:05:00Z'), zone: 'Europe/Lisbon' };

const incident: Incident = {
  schema: 'incident-room/v1',
  id: '2026-11-27-checkout-5xx',
  title: 'Checkout returns 500 for EU customers',
  severity: 2,
  status: 'active',
  declared_at: '2026-11-27T14:05:00+01:00',
  impact: 'EU customers cannot pay.',
  roles: {
    incident_manager: 'ana',
    workers: [
      { person: 'bruno', since: '2026-11-27T14:10:00+01:00' },
      { person: 'dora', since: '2026-11-27T14:20:00+01:00', released_at: null },
      { person: 'eli', since: '2026-11-27T14:20:00+01:00', released_at: '2026-11-27T15:30:00+01:00' },
    ],
  },
  checklists: { start: [], end: [] },
  timeline: [],
};

const bruno: WorkerUpdate = { person: 'bruno', found: 'VAT lookup times out for EU carts', next: 'Add a cache in front of it', needs_help: false };
const dora: WorkerUpdate = { person: 'dora', found: 'Retries multiply the load', next: 'Cap retries', needs_help: true };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RuleViolation, `expected a RuleViolation, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected the cycle to be refused');
}

describe('recording an update cycle', () => {
  it('lists the workers not released as the ones to ask', () => {
    assert.deepEqual(
      activeWorkers(incident).map((w) => w.person),
      ['bruno', 'dora'],
    );
  });

  it('appends one cycle and a timeline entry', () => {
    const edits = recordUpdateCycle(incident, { workers: [bruno, dora], decision: 'more-people', decisionNote: ' Bring in Fay for the cache ', notable: 'Found the cause.' }, ctx);
    assert.equal(edits.length, 2);
    const [append, timeline] = edits;
    assert.deepEqual(append, {
      op: 'append',
      path: ['updates'],
      value: {
        at: '2026-11-27T16:05:00+00:00',
        by: 'ana',
        workers: [bruno, dora],
        decision: 'more-people',
        decision_note: 'Bring in Fay for the cache',
        notable: 'Found the cause.',
      } satisfies UpdateCycle,
    });
    assert.equal(timeline?.op, 'append');
    assert.deepEqual(timeline?.path, ['timeline']);
    const entry = (timeline as { value: { kind: string; text: string; by: string } }).value;
    assert.equal(entry.kind, 'update-cycle');
    assert.equal(entry.by, 'ana');
    assert.match(entry.text, /2 worker updates, 1 asking for help; decision: call in more people/);
  });

  it('leaves optional keys out rather than writing empty values', () => {
    const [append] = recordUpdateCycle(incident, { workers: [bruno, dora], decision: 'no-change', decisionNote: '  ', notable: '' }, ctx);
    const value = (append as { value: object }).value;
    assert.ok(!('decision_note' in value));
    assert.ok(!('notable' in value));
  });

  it('refuses a cycle that misses an active worker, naming them and quoting the rule', () => {
    const message = refusal(() => recordUpdateCycle(incident, { workers: [bruno], decision: 'no-change' }, ctx));
    assert.match(message, /No update from dora/);
    assert.match(message, /request a detailed update from each worker/);
  });

  it('accepts a missing update only when marked explicitly', () => {
    const silent: WorkerUpdate = { person: 'dora', found: NO_UPDATE, next: '', needs_help: false };
    const edits = recordUpdateCycle(incident, { workers: [bruno, silent], decision: 'no-change' }, ctx);
    assert.match((edits[1] as { value: { text: string } }).value.text, /1 without an update/);
    assert.match(refusal(() => recordUpdateCycle(incident, { workers: [bruno, { ...silent, found: '  ' }], decision: 'no-change' }, ctx)), /empty/);
  });

  it('does not require released workers, but accepts their last word', () => {
    const eli: WorkerUpdate = { person: 'eli', found: 'Handed the logs to Bruno', next: '', needs_help: false };
    assert.equal(recordUpdateCycle(incident, { workers: [bruno, dora, eli], decision: 'no-change' }, ctx).length, 2);
  });

  it('refuses updates from non-workers and duplicates', () => {
    assert.match(refusal(() => recordUpdateCycle(incident, { workers: [bruno, dora, { ...bruno, person: 'ana' }], decision: 'no-change' }, ctx)), /ana is not a worker/);
    assert.match(refusal(() => recordUpdateCycle(incident, { workers: [bruno, dora, bruno], decision: 'no-change' }, ctx)), /Two updates from bruno/);
  });
});

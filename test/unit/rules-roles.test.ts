import assert from 'node:assert/strict';
import { RuleViolation } from '../../src/model/edits';
import { LEVELS, type Incident } from '../../src/model/record';
import {
  addObserver,
  addSme,
  addWorker,
  assignIm,
  assignPrm,
  handOverIm,
  QUOTE_IM_NOT_WORKER,
  QUOTE_PRM_SEPARATE,
  removeObserver,
  removeSme,
  RULE_IM_NOT_WORKER,
  RULE_PRM_SEPARATE,
  smeReminder,
  smeStatus,
} from '../../src/model/roles';
import { logContactAttempt } from '../../src/model/contacts';
import { apply, ctxAt, incidentAt, lastEntry } from './rules-support';

const ctx = ctxAt('2026-11-27T15:00:00Z');

function violates(fn: () => unknown, rule: string, quote: string): void {
  assert.throws(fn, (e: unknown) => e instanceof RuleViolation && e.rule === rule && e.message.includes(quote));
}

function withWorker(incident: Incident, person: string): Incident {
  return apply(incident, addWorker(incident, person, ctx));
}

describe('Rule: the IM is never a worker', () => {
  for (const level of LEVELS) {
    describe(`Level ${level}`, () => {
      it('refuses the IM as a worker, quoting the rule', () => {
        violates(() => addWorker(incidentAt(level), 'ana', ctx), RULE_IM_NOT_WORKER, QUOTE_IM_NOT_WORKER);
      });

      it('refuses making a current worker the IM until they are released', () => {
        const incident = withWorker(incidentAt(level), 'bruno');
        violates(() => assignIm(incident, 'bruno', ctx), RULE_IM_NOT_WORKER, QUOTE_IM_NOT_WORKER);
        violates(() => handOverIm(incident, 'bruno', ctx), RULE_IM_NOT_WORKER, QUOTE_IM_NOT_WORKER);
        const released = structuredClone(incident);
        released.roles.workers![0].released_at = '2026-11-27T15:30:00Z';
        const after = apply(released, handOverIm(released, 'bruno', ctxAt('2026-11-27T16:00:00Z')));
        assert.equal(after.roles.incident_manager, 'bruno');
      });
    });
  }

  it('a worker records when they started, and who added them', () => {
    const after = withWorker(incidentAt(2), 'bruno');
    assert.deepEqual(after.roles.workers, [{ person: 'bruno', since: '2026-11-27T15:00:00Z', released_at: null }]);
    assert.equal(lastEntry(after).by, 'ana');
    assert.throws(() => addWorker(after, 'bruno', ctx), /already working/);
  });
});

describe('Rule: the PRM is neither the IM nor a worker', () => {
  for (const level of LEVELS) {
    it(`Level ${level}: refuses the IM or a current worker as PRM, and the PRM as IM or worker`, () => {
      const incident = withWorker(incidentAt(level), 'bruno');
      violates(() => assignPrm(incident, 'ana', ctx), RULE_PRM_SEPARATE, QUOTE_PRM_SEPARATE);
      violates(() => assignPrm(incident, 'bruno', ctx), RULE_PRM_SEPARATE, QUOTE_PRM_SEPARATE);
      const withPrm = apply(incident, assignPrm(incident, 'carla', ctx));
      assert.equal(withPrm.roles.prm, 'carla');
      violates(() => addWorker(withPrm, 'carla', ctx), RULE_PRM_SEPARATE, QUOTE_PRM_SEPARATE);
      violates(() => handOverIm(withPrm, 'carla', ctx), RULE_PRM_SEPARATE, QUOTE_PRM_SEPARATE);
    });
  }

  it('the PRM role can be cleared', () => {
    const incident = incidentAt(2);
    const withPrm = apply(incident, assignPrm(incident, 'carla', ctx));
    assert.equal(apply(withPrm, assignPrm(withPrm, null, ctx)).roles.prm, null);
  });
});

describe('Rule: there is exactly one IM; handing over is recorded', () => {
  it('hands the role over and writes an im-handover entry naming both', () => {
    const incident = incidentAt(2);
    const after = apply(incident, handOverIm(incident, 'carla', ctxAt('2026-11-27T21:00:00Z')));
    assert.equal(after.roles.incident_manager, 'carla');
    assert.equal(lastEntry(after).kind, 'im-handover');
    assert.match(lastEntry(after).text, /Ana Pereira → Carla Dias/);
    assert.throws(() => handOverIm(after, 'carla', ctx), /already the Incident Manager/);
  });
});

describe('Rule: a SME is involved, or attempts to reach one continue', () => {
  it('none recorded and none tried: status none, with a reminder', () => {
    const incident = incidentAt(2);
    assert.deepEqual(smeStatus(incident), { state: 'none' });
    assert.equal(smeReminder(incident)?.id, 'sme');
  });

  it('failed attempts are counted and the reminder says keep trying', () => {
    let incident = incidentAt(2);
    for (const at of ['2026-11-27T15:00:00Z', '2026-11-27T15:20:00Z']) {
      incident = apply(incident, logContactAttempt(incident, { who: 'dev', channel: 'phone', reached: false, purpose: 'sme' }, ctxAt(at)));
    }
    incident = apply(incident, logContactAttempt(incident, { who: 'carla', channel: 'phone', reached: false, purpose: 'observer' }, ctx));
    assert.deepEqual(smeStatus(incident), { state: 'attempts-failed', attempts: 2 });
    assert.match(smeReminder(incident)!.message, /2 failed attempts.*keep trying to reach a SME/);
  });

  it('a recorded SME ends the reminder; removing them brings it back', () => {
    const incident = incidentAt(2);
    const withSme = apply(incident, addSme(incident, 'dev', ctx));
    assert.deepEqual(smeStatus(withSme), { state: 'recorded', sme: ['dev'] });
    assert.equal(smeReminder(withSme), null);
    const without = apply(withSme, removeSme(withSme, 'dev', ctx));
    assert.deepEqual(smeStatus(without), { state: 'none' });
  });

  it('the SME may also be a worker', () => {
    const incident = apply(incidentAt(2), addSme(incidentAt(2), 'bruno', ctx));
    assert.doesNotThrow(() => addWorker(incident, 'bruno', ctx));
  });
});

describe('Observers', () => {
  it('are added and removed with a timeline entry', () => {
    const incident = incidentAt(2);
    const added = apply(incident, addObserver(incident, 'carla', ctx));
    assert.deepEqual(added.roles.observers, ['carla']);
    assert.throws(() => addObserver(added, 'carla', ctx), /already/);
    const removed = apply(added, removeObserver(added, 'carla', ctx));
    assert.deepEqual(removed.roles.observers, []);
    assert.equal(lastEntry(removed).kind, 'role-removed');
  });
});

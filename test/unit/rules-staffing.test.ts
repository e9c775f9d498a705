import assert from 'node:assert/strict';
import { RuleViolation } from '../../src/model/edits';
import { LEVEL_TABLE } from '../../src/model/levels';
import { LEVELS, type Incident } from '../../src/model/record';
import { regroupUntilMorning, resume } from '../../src/model/regroup';
import { addWorker, assignPrm, handOverIm, QUOTE_IM_NOT_WORKER } from '../../src/model/roles';
import {
  handOffSuggestions,
  handOffWorker,
  imHandOverPrompt,
  imStretch,
  QUOTE_MORE_DEVELOPERS,
  releasePerson,
  singleWorkerSuggestion,
  workerTimes,
} from '../../src/model/staffing';
import { apply, DECLARED, incidentAt, lastEntry, PEOPLE } from './rules-support';

const HOUR = 3_600_000;
const at = (hours: number): Date => new Date(DECLARED.getTime() + hours * HOUR);
const ctxH = (hours: number, actor = 'ana') => ({ actor, now: at(hours), zone: 'UTC' });

function staffed(level: 1 | 2 | 3, workers: string[]): Incident {
  let incident = incidentAt(level);
  for (const w of workers) incident = apply(incident, addWorker(incident, w, ctxH(0)));
  return incident;
}

describe('Rule: at Levels 1 and 2 multiple developers are brought on board', () => {
  for (const level of LEVELS) {
    it(`Level ${level}: a lone worker ${LEVEL_TABLE[level].multipleWorkers ? 'is flagged' : 'is fine'}`, () => {
      const one = singleWorkerSuggestion(staffed(level, ['bruno']), PEOPLE);
      if (LEVEL_TABLE[level].multipleWorkers) {
        assert.equal(one?.id, 'single-worker');
        assert.ok(one?.message.includes(QUOTE_MORE_DEVELOPERS));
        assert.match(one!.message, /Bruno Costa is the only worker/);
      } else assert.equal(one, null);
      assert.equal(singleWorkerSuggestion(staffed(level, ['bruno', 'dev']), PEOPLE), null);
    });

    it(`Level ${level}: nobody working is flagged`, () => {
      assert.equal(singleWorkerSuggestion(incidentAt(level), PEOPLE)?.id, 'no-worker');
    });
  }

  it('released workers do not count', () => {
    const incident = staffed(2, ['bruno', 'dev']);
    const released = apply(incident, releasePerson(incident, 'dev', ctxH(1)));
    assert.equal(singleWorkerSuggestion(released, PEOPLE)?.id, 'single-worker');
  });
});

describe("Rule: workers' time is visible and long stretches suggest a hand-off", () => {
  it('measures each worker from when they started, total and current stretch', () => {
    let incident = staffed(2, ['bruno']);
    incident = apply(incident, addWorker(incident, 'dev', ctxH(2)));
    const times = workerTimes(incident, at(5));
    assert.deepEqual(
      times.map((t) => [t.person, t.active, t.stretchMs / HOUR, t.totalMs / HOUR]),
      [['bruno', true, 5, 5], ['dev', true, 3, 3]],
    );
  });

  it('suggests a hand-off past the stretch (default 6h, configurable)', () => {
    const incident = staffed(2, ['bruno', 'dev']);
    assert.deepEqual(handOffSuggestions(incident, at(5.99), PEOPLE), []);
    const due = handOffSuggestions(incident, at(6), PEOPLE);
    assert.deepEqual(due.map((r) => r.id), ['hand-off:bruno', 'hand-off:dev']);
    assert.equal(due[0].action?.person, 'bruno');
    assert.equal(handOffSuggestions(incident, at(3), PEOPLE, 180).length, 2);
  });

  it('a night sent home restarts the stretch and is not counted as time worked', () => {
    let incident = staffed(2, ['bruno', 'dev']);
    incident = apply(incident, regroupUntilMorning(incident, PEOPLE, { until: at(13).toISOString().replace('.000Z', 'Z') }, ctxH(5)));
    const during = workerTimes(incident, at(8));
    assert.equal(during[0].stretchMs, 0);
    assert.equal(during[0].totalMs, 5 * HOUR);
    const morning = workerTimes(incident, at(15));
    assert.equal(morning[0].stretchMs, 2 * HOUR);
    assert.equal(morning[0].totalMs, 7 * HOUR);
    assert.deepEqual(handOffSuggestions(incident, at(15), PEOPLE), []);
  });

  it('hands off one worker to another: released_at set, new assignment, timeline', () => {
    const incident = staffed(2, ['bruno']);
    const after = apply(incident, handOffWorker(incident, 'bruno', 'dev', ctxH(6)));
    const stamp = at(6).toISOString().replace('.000Z', 'Z');
    assert.deepEqual(after.roles.workers, [
      { person: 'bruno', since: at(0).toISOString().replace('.000Z', 'Z'), released_at: stamp },
      { person: 'dev', since: stamp, released_at: null },
    ]);
    assert.equal(lastEntry(after).kind, 'worker-handoff');
    const times = workerTimes(after, at(8));
    assert.deepEqual(times.map((t) => [t.person, t.active, t.totalMs / HOUR]), [['bruno', false, 6], ['dev', true, 2]]);
  });

  it('refuses a hand-off to the IM or the PRM, or from someone not working', () => {
    let incident = staffed(2, ['bruno']);
    assert.throws(() => handOffWorker(incident, 'bruno', 'ana', ctxH(6)), (e: unknown) => e instanceof RuleViolation && e.message.includes(QUOTE_IM_NOT_WORKER));
    incident = apply(incident, assignPrm(incident, 'carla', ctxH(1)));
    assert.throws(() => handOffWorker(incident, 'bruno', 'carla', ctxH(6)), RuleViolation);
    assert.throws(() => handOffWorker(incident, 'dev', 'bruno', ctxH(6)), /not a current worker/);
  });
});

describe('Rule: released people are recorded', () => {
  it('a worker gets released_at; anyone else with a role gets a timeline entry', () => {
    let incident = staffed(2, ['bruno']);
    incident.roles.sme = ['dev'];
    incident = apply(incident, releasePerson(incident, 'bruno', ctxH(3)));
    assert.equal(incident.roles.workers![0].released_at, at(3).toISOString().replace('.000Z', 'Z'));
    incident = apply(incident, releasePerson(incident, 'dev', ctxH(4)));
    assert.equal(lastEntry(incident).kind, 'released');
    assert.match(lastEntry(incident).text, /Dev Rao released/);
    assert.throws(() => releasePerson(incident, 'ghost', ctxH(4)), RuleViolation);
  });
});

describe('Rule: the IM starts handing over in the 7th hour and works at most about 8 hours', () => {
  for (const level of LEVELS) {
    it(`Level ${level}: nothing before 6h, a prompt in the 7th hour, a stronger one past the 8th`, () => {
      const incident = incidentAt(level);
      assert.equal(imHandOverPrompt(incident, at(5.9), PEOPLE), null);
      const seventh = imHandOverPrompt(incident, at(6.5), PEOPLE);
      assert.equal(seventh?.severity, 'info');
      assert.match(seventh!.message, /Ana Pereira has been Incident Manager for 6h 30m: start handing over/);
      const past = imHandOverPrompt(incident, at(8), PEOPLE);
      assert.equal(past?.severity, 'warning');
      assert.match(past!.message, /hand over the IM role now/);
    });
  }

  it('the stretch restarts at the last IM hand-over', () => {
    const incident = incidentAt(2);
    const after = apply(incident, handOverIm(incident, 'carla', ctxH(7)));
    assert.deepEqual(imStretch(after, at(9)), { person: 'carla', since: at(7).toISOString().replace('.000Z', 'Z'), ms: 2 * HOUR });
    assert.equal(imHandOverPrompt(after, at(9), PEOPLE), null);
  });

  it('the stretch restarts after a regroup ends (resumed early here)', () => {
    let incident = incidentAt(2);
    incident = apply(incident, regroupUntilMorning(incident, PEOPLE, { until: at(20).toISOString().replace('.000Z', 'Z') }, ctxH(7)));
    assert.equal(imStretch(incident, at(10)).ms, 0);
    incident = apply(incident, resume(incident, ctxH(15)));
    assert.equal(imStretch(incident, at(17)).ms, 2 * HOUR);
  });

  it('thresholds are configurable', () => {
    assert.equal(imHandOverPrompt(incidentAt(2), at(4), PEOPLE, { promptAfterMinutes: 180, limitMinutes: 240 })?.severity, 'warning');
  });
});

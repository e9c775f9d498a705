import assert from 'node:assert/strict';
import { RuleViolation } from '../../src/model/edits';
import { LEVEL_TABLE } from '../../src/model/levels';
import { LEVELS } from '../../src/model/record';
import { activeRegroup, QUOTE_REGROUP, regroupUntilMorning, resume, RULE_REGROUP } from '../../src/model/regroup';
import { TimestampError } from '../../src/model/time';
import { apply, bruno, ctxAt, incidentAt, lastEntry, PEOPLE } from './rules-support';

// 23:00 in Lisbon (the IM's zone), Friday 2026-11-27.
const EVENING = ctxAt('2026-11-27T23:00:00Z', 'ana');

describe('Rule: at Level 2 (and 3) the IM may send everyone home to regroup in the morning; never at Level 1', () => {
  for (const level of LEVELS) {
    it(`Level ${level}: ${LEVEL_TABLE[level].regroupAllowed ? 'allowed' : 'refused, quoting the rule'}`, () => {
      const incident = incidentAt(level);
      if (!LEVEL_TABLE[level].regroupAllowed) {
        assert.throws(
          () => regroupUntilMorning(incident, PEOPLE, {}, EVENING),
          (e: unknown) => e instanceof RuleViolation && e.rule === RULE_REGROUP && e.message.includes(QUOTE_REGROUP),
        );
        return;
      }
      const after = apply(incident, regroupUntilMorning(incident, PEOPLE, {}, EVENING));
      assert.deepEqual(after.regroup, [{ at: '2026-11-27T23:00:00Z', by: 'ana', until: '2026-11-28T07:00:00+00:00', resumed_at: null }]);
      assert.equal(lastEntry(after).kind, 'regroup');
    });
  }

  it("defaults to the next morning in the IM's zone, morning start configurable", () => {
    const incident = incidentAt(2);
    incident.roles.incident_manager = 'bruno'; // Tokyo: 23:00 UTC is 08:00 Saturday, so the next 07:00 is Sunday's
    assert.equal(apply(incident, regroupUntilMorning(incident, PEOPLE, {}, EVENING)).regroup![0].until, '2026-11-29T07:00:00+09:00');
    assert.equal(apply(incident, regroupUntilMorning(incident, PEOPLE, { morningStart: '09:30' }, EVENING)).regroup![0].until, '2026-11-28T09:30:00+09:00');
    assert.equal(bruno.timezone, 'Asia/Tokyo');
  });

  it('across the Lisbon spring-forward night the morning is 07:00 WEST', () => {
    const incident = incidentAt(2);
    const after = apply(incident, regroupUntilMorning(incident, PEOPLE, {}, ctxAt('2026-03-28T23:30:00Z')));
    assert.equal(after.regroup![0].until, '2026-03-29T07:00:00+01:00');
  });

  it('takes an explicit time, refusing one without an offset or already passed', () => {
    const incident = incidentAt(2);
    assert.equal(apply(incident, regroupUntilMorning(incident, PEOPLE, { until: '2026-11-28T10:00:00+00:00' }, EVENING)).regroup![0].until, '2026-11-28T10:00:00+00:00');
    assert.throws(() => regroupUntilMorning(incident, PEOPLE, { until: '2026-11-28T10:00:00' }, EVENING), TimestampError);
    assert.throws(() => regroupUntilMorning(incident, PEOPLE, { until: '2026-11-27T22:00:00Z' }, EVENING), /already passed/);
  });

  it('refuses a second pause while one holds', () => {
    const incident = incidentAt(2);
    const paused = apply(incident, regroupUntilMorning(incident, PEOPLE, {}, EVENING));
    assert.throws(() => regroupUntilMorning(paused, PEOPLE, {}, ctxAt('2026-11-28T01:00:00Z')), /already sent home/);
  });
});

describe('Rule: a regroup holds until its time or until work resumes', () => {
  it('is active during the night, not after the morning, and not after resume', () => {
    const incident = incidentAt(2);
    const paused = apply(incident, regroupUntilMorning(incident, PEOPLE, {}, EVENING));
    assert.equal(activeRegroup(paused, new Date('2026-11-27T22:59:00Z')), null);
    assert.ok(activeRegroup(paused, new Date('2026-11-28T03:00:00Z')));
    assert.equal(activeRegroup(paused, new Date('2026-11-28T07:00:00Z')), null);
    const resumed = apply(paused, resume(paused, ctxAt('2026-11-28T05:00:00Z', 'ana')));
    assert.equal(resumed.regroup![0].resumed_at, '2026-11-28T05:00:00Z');
    assert.equal(lastEntry(resumed).kind, 'resumed');
    assert.equal(activeRegroup(resumed, new Date('2026-11-28T06:00:00Z')), null);
    assert.throws(() => resume(resumed, ctxAt('2026-11-28T06:00:00Z')), RuleViolation);
  });
});

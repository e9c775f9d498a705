import assert from 'node:assert/strict';
import { tickStep } from '../../src/model/checklists';
import { RuleViolation } from '../../src/model/edits';
import { LEVEL_TABLE } from '../../src/model/levels';
import { LEVELS, type Level } from '../../src/model/record';
import { activeRegroup, regroupUntilMorning } from '../../src/model/regroup';
import { changeSeverity, escalationSuggestion, RULE_SEVERITY_REASON } from '../../src/model/severity';
import { apply, ctxAt, DECLARED, incidentAt, lastEntry, PEOPLE } from './rules-support';

const ctx = ctxAt('2026-11-27T16:00:00Z', 'ana');
const HOUR = 3_600_000;

describe('Rule: severity changes are recorded with a reason', () => {
  it('refuses an empty reason', () => {
    for (const reason of ['', '   ']) {
      assert.throws(() => changeSeverity(incidentAt(2), 1, reason, ctx), (e: unknown) => e instanceof RuleViolation && e.rule === RULE_SEVERITY_REASON);
    }
  });

  it('refuses a change to the same level', () => {
    assert.throws(() => changeSeverity(incidentAt(2), 2, 'same', ctx), /already Level 2/);
  });

  for (const from of LEVELS) {
    for (const to of LEVELS.filter((l) => l !== from)) {
      it(`Level ${from} → Level ${to}: severity, timeline with the reason, checklists of the new level`, () => {
        let incident = incidentAt(from);
        incident = apply(incident, tickStep(incident, 'start', 'file-ticket', ctx));
        const after = apply(incident, changeSeverity(incident, to, ' Top customer down ', ctx));
        assert.equal(after.severity, to);
        assert.equal(lastEntry(after).kind, 'severity-changed');
        assert.equal(lastEntry(after).text, `${LEVEL_TABLE[from].name} → ${LEVEL_TABLE[to].name}: Top customer down`);
        assert.equal(lastEntry(after).by, 'ana');
        const required = after.checklists.start.filter((s) => s.required !== false).map((s) => s.id);
        assert.deepEqual([...required].sort(), LEVEL_TABLE[to].start.map((s) => s.id).sort());
        // Steps the new level does not ask for are kept, marked as no longer required.
        for (const s of incident.checklists.start) assert.ok(after.checklists.start.some((a) => a.id === s.id), `${s.id} kept`);
        assert.equal(after.checklists.start.find((s) => s.id === 'file-ticket')!.done_by, 'ana');
      });
    }
  }

  it('a level that forbids regrouping ends a pause in force', () => {
    const incident = incidentAt(2);
    const paused = apply(incident, regroupUntilMorning(incident, PEOPLE, {}, ctxAt('2026-11-27T23:00:00Z')));
    const now = ctxAt('2026-11-28T01:00:00Z');
    assert.ok(activeRegroup(paused, now.now));
    const escalated = apply(paused, changeSeverity(paused, 1, 'Customers harmed overnight', now));
    assert.equal(escalated.regroup![0].resumed_at, '2026-11-28T01:00:00Z');
    assert.equal(activeRegroup(escalated, now.now), null);
    const toThree = apply(paused, changeSeverity(paused, 3, 'Workaround found', now));
    assert.ok(activeRegroup(toThree, now.now), 'Level 3 allows the pause to continue');
  });
});

describe('Rule: a Level 2 incident not solved quickly suggests escalation to Level 1', () => {
  for (const level of LEVELS) {
    const target = LEVEL_TABLE[level].escalatesTo;
    it(`Level ${level}: ${target === null ? 'no escalation suggested' : `suggests Level ${target} past the configured age`}`, () => {
      const incident = incidentAt(level as Level);
      const before = new Date(DECLARED.getTime() + 4 * HOUR - 60_000);
      const after = new Date(DECLARED.getTime() + 4 * HOUR);
      assert.equal(escalationSuggestion(incident, before), null);
      const s = escalationSuggestion(incident, after);
      if (target === null) assert.equal(s, null);
      else {
        assert.equal(s?.action?.level, target);
        assert.match(s!.message, /Open for 4h 00m at Level 2: consider escalating to Level 1/);
      }
    });
  }

  it('the age is configurable', () => {
    const incident = incidentAt(2);
    assert.ok(escalationSuggestion(incident, new Date(DECLARED.getTime() + HOUR), 60));
    assert.equal(escalationSuggestion(incident, new Date(DECLARED.getTime() + HOUR), 61), null);
  });

  it('not once the fix is out awaiting tests, nor when closed', () => {
    const late = new Date(DECLARED.getTime() + 10 * HOUR);
    assert.equal(escalationSuggestion({ ...incidentAt(2), status: 'fix-released-awaiting-tests' }, late), null);
    assert.equal(escalationSuggestion({ ...incidentAt(2), status: 'closed' }, late), null);
  });
});

// Steps a severity change kept but the new level does not ask for (`required: false`) are shown as
// no longer required at the current level, and nothing counts them as missing: not the
// checklist's count, not a reminder, not the close gate.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openStepsBeforeClose, requiredSteps, tickStep } from '../../src/model/checklists';
import { checklistStepRow } from '../../src/model/labels';
import { LEVEL_TABLE } from '../../src/model/levels';
import { LEVELS, type Incident, type Level } from '../../src/model/record';
import { remindersFor } from '../../src/model/reminders';
import { changeSeverity } from '../../src/model/severity';
import { evaluateGate } from '../../src/testing/gate';
import { apply, DECLARED, incidentAt, PEOPLE } from './rules-support';

const HOUR = 3_600_000;
const ctx = (hours: number) => ({ actor: 'ana', now: new Date(DECLARED.getTime() + hours * HOUR), zone: 'UTC' });
const NOW = DECLARED.getTime() + 3 * HOUR;

/** An incident declared at `from`, with the start steps done, changed to `to`. */
function changed(from: Level, to: Level): Incident {
  let incident = incidentAt(from);
  for (const step of incident.checklists.start) incident = apply(incident, tickStep(incident, 'start', step.id, ctx(0.5)));
  return apply(incident, changeSeverity(incident, to, 'scope changed', ctx(1)));
}

const allSteps = (incident: Incident) => (['start', 'end'] as const).flatMap((list) => incident.checklists[list].map((step) => ({ list, step })));

describe('Checklist steps a severity change no longer requires', () => {
  for (const from of LEVELS) {
    for (const to of LEVELS.filter((l) => l !== from)) {
      it(`Level ${from} → ${to}: each kept step the level does not ask for says so; the others do not`, () => {
        const incident = changed(from, to);
        for (const { list, step } of allSteps(incident)) {
          const row = checklistStepRow(incident, step, 'UTC', NOW);
          const wanted = LEVEL_TABLE[to][list].some((t) => t.id === step.id);
          assert.equal(row.required, wanted, `${list}/${step.id}`);
          assert.equal(row.label, step.text);
          if (wanted) {
            assert.ok(!/not required/i.test(`${row.description ?? ''} ${row.tooltip}`), `${step.id} is marked: ${row.description}`);
          } else {
            // First in the description: at the sidebar's width only its start shows.
            assert.match(row.description ?? '', new RegExp(`^Not required at Level ${to}`), `${step.id}: ${row.description}`);
            assert.match(row.tooltip, new RegExp(`Not required at Level ${to}: .*no longer counts`));
          }
          if (step.done_at) assert.match(row.description ?? '', /done .* by Ana Pereira/);
        }
      });
    }
  }

  it('Level 1 → 2 → 1: the mark goes when the level asks for the step again, its done state kept', () => {
    const down = changed(1, 2);
    const call = down.checklists.start.find((s) => s.id === 'start-call');
    assert.ok(call, 'the conference-call step was dropped');
    assert.equal(checklistStepRow(down, call, 'UTC', NOW).required, false);
    const up = apply(down, changeSeverity(down, 1, 'worse again', ctx(2)));
    const again = up.checklists.start.find((s) => s.id === 'start-call')!;
    const row = checklistStepRow(up, again, 'UTC', NOW);
    assert.equal(row.required, true);
    assert.match(row.description ?? '', /^done /);
  });

  it('the checklist count, the steps before close and the reminders leave them out (Level 2 → 3, unticked)', () => {
    let incident = changed(2, 3);
    const kept = incident.checklists.end.find((s) => s.id === 'confirm-observers');
    assert.ok(kept && kept.required === false && !kept.done_at, 'Level 3 keeps "confirm the observers" as not required');
    assert.ok(!requiredSteps(incident.checklists.end).some((s) => s.id === 'confirm-observers'));
    for (const t of LEVEL_TABLE[3].end.filter((s) => s.beforeClose)) incident = apply(incident, tickStep(incident, 'end', t.id, ctx(2)));
    assert.deepEqual(openStepsBeforeClose(incident), []);
    const reminders = remindersFor(incident, PEOPLE, new Date(NOW));
    assert.ok(!reminders.some((r) => r.message.includes(kept.text)), reminders.map((r) => r.message).join('\n'));
  });

  it("the close gate's end-checklist condition is met without them", async () => {
    let incident = changed(2, 3);
    for (const t of LEVEL_TABLE[3].end.filter((s) => s.beforeClose)) incident = apply(incident, tickStep(incident, 'end', t.id, ctx(2)));
    assert.ok(incident.checklists.end.some((s) => s.required === false && !s.done_at));
    const repoDir = await mkdtemp(path.join(tmpdir(), 'ir-not-required-'));
    try {
      const verdict = await evaluateGate({ incident, repoDir, evidence: { run: null, verified: [], rejected: [], rejectedAfterLatest: false }, now: new Date(NOW) });
      const condition = verdict.conditions.find((c) => c.id === 'end-checklist');
      assert.equal(condition?.met, true, condition?.message);
    } finally {
      await rm(repoDir, { recursive: true, force: true });
    }
  });
});

// The runbook's "Ending an Incident" steps, per level, as the level table carries them: in the
// runbook's order, and split where the incident is declared over (the steps before it are what
// the close gate waits for; the rest go on after close).
import assert from 'node:assert/strict';
import { LEVEL_TABLE } from '../../src/model/levels';
import type { Level } from '../../src/model/record';

const BEFORE_CLOSE = ['test-staging', 'deploy', 'test-production', 'update-observers'];

const ENDING: Record<Level, { before: string[]; after: string[] }> = {
  // Level 2's nine steps; Level 1 adds ending the conference call.
  1: { before: [...BEFORE_CLOSE, 'confirm-observers'], after: ['declare-over', 'end-call', 'release-workers', 'post-mortem', 'celebrate'] },
  2: { before: [...BEFORE_CLOSE, 'confirm-observers'], after: ['declare-over', 'release-workers', 'post-mortem', 'celebrate'] },
  // Level 3's five: no confirmation round, no declaration, no celebration.
  3: { before: BEFORE_CLOSE, after: ['post-mortem'] },
};

/** Words of each step that the runbook's sentence has, so a step cannot drift to another meaning. */
const WORDS: Record<string, RegExp> = {
  'test-staging': /test plan in staging/i,
  deploy: /deploy the fix to production/i,
  'test-production': /test plan in production, skipping tests that create or change customer data/i,
  'update-observers': /update the observers/i,
  'confirm-observers': /observers are satisfied and the workers can be released/i,
  'declare-over': /thank everyone and declare the incident over in the chat room/i,
  'end-call': /end the conference call/i,
  'release-workers': /release the workers and anyone else/i,
  'post-mortem': /post-mortem.*notes/i,
  celebrate: /celebrate/i,
};

describe("Runbook: ending an incident, per level", () => {
  for (const level of [1, 2, 3] as const) {
    it(`Level ${level}: the steps in the runbook's order, those before the declaration gating the close`, () => {
      const end = LEVEL_TABLE[level].end;
      assert.deepEqual(end.map((s) => s.id), [...ENDING[level].before, ...ENDING[level].after]);
      assert.deepEqual(end.filter((s) => s.beforeClose).map((s) => s.id), ENDING[level].before);
      for (const step of end) assert.match(step.text, WORDS[step.id]!, `${step.id}: "${step.text}"`);
    });
  }

  it('the post-mortem: top priority with a meeting and a post-post-mortem at Levels 1 and 2; at the next convenient time and none at Level 3', () => {
    for (const level of [1, 2] as const) {
      assert.match(LEVEL_TABLE[level].postMortem, /top priority.*meeting with the observers and the PRM/i);
      assert.equal(LEVEL_TABLE[level].postPostMortem, true);
    }
    assert.match(LEVEL_TABLE[3].postMortem, /next convenient time/i);
    assert.equal(LEVEL_TABLE[3].postPostMortem, false);
  });
});

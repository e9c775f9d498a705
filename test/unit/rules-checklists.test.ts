import assert from 'node:assert/strict';
import { announcementText } from '../../src/model/announce';
import { checklistsForLevel, openStepsBeforeClose, tickStep, untickStep } from '../../src/model/checklists';
import { RuleViolation } from '../../src/model/edits';
import { LEVEL_TABLE, RUNBOOK_URL } from '../../src/model/levels';
import { LEVELS, type Level } from '../../src/model/record';
import { apply, ctxAt, incidentAt, lastEntry, PEOPLE } from './rules-support';

const ctx = ctxAt('2026-11-27T15:00:00Z', 'ana');

describe("Rule: each level has its own start and end checklists", () => {
  for (const level of LEVELS) {
    it(`Level ${level}: the table's steps, undone`, () => {
      const lists = checklistsForLevel(level);
      assert.deepEqual(lists.start.map((s) => s.id), LEVEL_TABLE[level].start.map((s) => s.id));
      assert.deepEqual(lists.end.map((s) => s.id), LEVEL_TABLE[level].end.map((s) => s.id));
      assert.ok([...lists.start, ...lists.end].every((s) => s.done_at === null && s.done_by === null));
    });
  }
});

describe('Rule: checklist steps record who did them and when', () => {
  it('ticks and unticks by step id', () => {
    const incident = incidentAt(2);
    const ticked = apply(incident, tickStep(incident, 'start', 'file-ticket', ctx));
    const step = ticked.checklists.start.find((s) => s.id === 'file-ticket')!;
    assert.equal(step.done_at, '2026-11-27T15:00:00Z');
    assert.equal(step.done_by, 'ana');
    assert.equal(lastEntry(ticked).kind, 'checklist-ticked');
    assert.deepEqual(tickStep(ticked, 'start', 'file-ticket', ctx), []);
    const unticked = apply(ticked, untickStep(ticked, 'start', 'file-ticket', ctx));
    assert.equal(unticked.checklists.start.find((s) => s.id === 'file-ticket')!.done_at, null);
    assert.equal(lastEntry(unticked).kind, 'checklist-unticked');
  });

  it('finds the step by id even when the record lists steps in another order', () => {
    const incident = incidentAt(2);
    incident.checklists.end.reverse();
    const after = apply(incident, tickStep(incident, 'end', 'deploy', ctx));
    assert.ok(after.checklists.end.find((s) => s.id === 'deploy')!.done_at);
    assert.equal(after.checklists.end.filter((s) => s.done_at).length, 1);
  });

  it('refuses an unknown step', () => {
    assert.throws(() => tickStep(incidentAt(3), 'start', 'start-call', ctx), RuleViolation);
  });

  for (const level of LEVELS) {
    it(`Level ${level}: the end steps before "declare over" are open until done`, () => {
      let incident = incidentAt(level);
      const required = LEVEL_TABLE[level].end.filter((s) => s.beforeClose).map((s) => s.id);
      assert.deepEqual(openStepsBeforeClose(incident).map((s) => s.id), required);
      for (const id of required) incident = apply(incident, tickStep(incident, 'end', id, ctx));
      assert.deepEqual(openStepsBeforeClose(incident), []);
      incident.checklists.end = incident.checklists.end.filter((s) => s.id !== required[0]);
      assert.deepEqual(openStepsBeforeClose(incident).map((s) => s.id), [required[0]]);
    });
  }
});

describe('Rule: on a severity change the checklists follow the new level, keeping done steps', () => {
  const pairs: [Level, Level][] = [[2, 1], [1, 2], [2, 3], [3, 2], [1, 3], [3, 1]];
  for (const [from, to] of pairs) {
    it(`Level ${from} → Level ${to}`, () => {
      let incident = incidentAt(from);
      for (const s of incident.checklists.start) incident = apply(incident, tickStep(incident, 'start', s.id, ctx));
      incident = apply(incident, tickStep(incident, 'end', 'test-staging', ctx));
      const lists = checklistsForLevel(to, incident.checklists);
      assert.deepEqual(lists.start.map((s) => s.id), LEVEL_TABLE[to].start.map((s) => s.id));
      const fromIds = new Set(LEVEL_TABLE[from].start.map((s) => s.id));
      for (const s of lists.start) assert.equal(Boolean(s.done_at), fromIds.has(s.id), s.id);
      assert.equal(lists.end.find((s) => s.id === 'test-staging')!.done_by, 'ana');
      assert.ok(lists.end.filter((s) => s.id !== 'test-staging').every((s) => !s.done_at));
    });
  }
});

describe('Rule: the announcement names the actual level, the runbook and ticket links, and the IM phone where the level asks', () => {
  for (const level of LEVELS) {
    it(`Level ${level}`, () => {
      const text = announcementText(incidentAt(level), PEOPLE);
      assert.match(text, new RegExp(`^${LEVEL_TABLE[level].name} incident: Checkout returns 500`));
      for (const other of LEVELS.filter((l) => l !== level)) assert.doesNotMatch(text, new RegExp(LEVEL_TABLE[other].name));
      assert.ok(text.includes(RUNBOOK_URL));
      assert.ok(text.includes('https://tickets.example/INC-42'));
      assert.ok(text.includes('Impact: EU customers cannot pay.'));
      assert.equal(text.includes('+351 912 345 678'), LEVEL_TABLE[level].imPhoneInRoom);
    });
  }

  it('says when the ticket is not filed or the IM has no phone', () => {
    const incident = incidentAt(2);
    delete incident.links!.ticket;
    const text = announcementText(incident, PEOPLE.map((p) => ({ ...p, phone: undefined })));
    assert.match(text, /Ticket: not filed yet/);
    assert.match(text, /no direct phone number recorded: add it with "Incident: Edit Person"/);
  });

  it("prefers the record's own runbook link", () => {
    const incident = incidentAt(2);
    incident.links!.runbook = 'https://wiki.example/runbooks/level-2';
    assert.match(announcementText(incident, PEOPLE), /Runbook: https:\/\/wiki\.example\/runbooks\/level-2/);
  });
});

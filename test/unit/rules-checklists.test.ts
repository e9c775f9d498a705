import assert from 'node:assert/strict';
import { announcementText, closingAnnouncementText } from '../../src/model/announce';
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

describe('Rule: the incident is declared over in the chat room once it is closed, everyone thanked', () => {
  const closed = (level: Level) => {
    const incident = incidentAt(level);
    incident.roles.sme = ['bruno'];
    incident.roles.workers = [
      { person: 'bruno', since: '2026-11-27T14:10:00Z', released_at: null },
      { person: 'dev', since: '2026-11-27T14:20:00Z', released_at: '2026-11-27T16:00:00Z' },
    ];
    incident.roles.observers = ['carla'];
    incident.status = 'closed';
    incident.closed_at = '2026-11-27T18:30:00Z';
    return incident;
  };

  for (const level of LEVELS) {
    it(`Level ${level}: the level, when it closed in the IM's zone, named, the people by name once each, the post-mortem's place and priority`, () => {
      const text = closingAnnouncementText(closed(level), PEOPLE, 'postmortems/x.md');
      const lines = text.split('\n');
      assert.equal(lines[0], `${LEVEL_TABLE[level].name} incident over: Checkout returns 500`);
      // 18:30 UTC is 18:30 in Lisbon in November (WET), the IM's zone.
      assert.equal(lines[1], 'Closed Friday 27 November 2026, 18:30 Lisbon time (WET) by the Incident Manager, Ana Pereira.');
      // Bruno is SME and worker: thanked once; the released worker and the observer too; never the IM.
      assert.equal(lines[2], 'Thank you, Bruno Costa, Dev Rao and Carla Dias.');
      assert.equal(lines[3], `Post-mortem: postmortems/x.md (${level === 3 ? 'at the next convenient time' : 'top priority'}).`);
      assert.equal(lines[4], 'Ticket: https://tickets.example/INC-42');
      assert.doesNotMatch(text, /\+351|\+1 \(212\)/, 'no phone numbers: the room is told the incident is over, not how to call anyone');
    });
  }

  it('thanks everyone when nobody but the IM held a role, and is refused before the close', () => {
    const alone = closed(2);
    alone.roles = { incident_manager: 'ana' };
    assert.match(closingAnnouncementText(alone, PEOPLE, 'p.md'), /^Thank you, everyone\.$/m);
    const open = incidentAt(2);
    assert.throws(() => closingAnnouncementText(open, PEOPLE, 'p.md'), /not closed yet/);
  });
});

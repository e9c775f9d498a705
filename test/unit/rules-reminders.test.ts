import assert from 'node:assert/strict';
import { customerWho, logContactAttempt } from '../../src/model/contacts';
import type { Incident } from '../../src/model/record';
import { regroupUntilMorning } from '../../src/model/regroup';
import { remindersFor } from '../../src/model/reminders';
import { addSme, addWorker } from '../../src/model/roles';
import { apply, DECLARED, incidentAt, PEOPLE } from './rules-support';

const HOUR = 3_600_000;
const at = (hours: number): Date => new Date(DECLARED.getTime() + hours * HOUR);
const ctxH = (hours: number) => ({ actor: 'ana', now: at(hours), zone: 'UTC' });

function longRunningLevel2(): Incident {
  let incident = incidentAt(2);
  incident = apply(incident, addWorker(incident, 'bruno', ctxH(0)));
  incident.customers = [{ id: 'acme', name: 'ACME', timezone: 'America/New_York' }];
  incident = apply(incident, logContactAttempt(incident, { who: customerWho('acme'), channel: 'phone', reached: false }, ctxH(1)));
  return incident;
}

describe('Rule: reminders gather what the runbook asks people to act on', () => {
  it('a fresh Level 2 incident: SME and nobody working', () => {
    assert.deepEqual(remindersFor(incidentAt(2), PEOPLE, at(0.5)).map((r) => r.id), ['sme', 'no-worker']);
  });

  it('eight hours in: SME, lone worker, hand-off, IM hand-over, escalation, email the customer', () => {
    const reminders = remindersFor(longRunningLevel2(), PEOPLE, at(8));
    assert.deepEqual(reminders.map((r) => r.id), ['sme', 'single-worker', 'hand-off:bruno', 'im-handover', 'escalate', 'email:acme']);
    assert.deepEqual(reminders.map((r) => r.severity), ['warning', 'info', 'warning', 'warning', 'warning', 'warning']);
  });

  it('settings move the thresholds', () => {
    const ids = remindersFor(longRunningLevel2(), PEOPLE, at(2), { handOffAfterMinutes: 60, imPromptAfterMinutes: 90, escalateAfterMinutes: 120 }).map((r) => r.id);
    assert.deepEqual(ids, ['sme', 'single-worker', 'hand-off:bruno', 'im-handover', 'escalate', 'email:acme']);
  });

  it('a recorded SME clears its reminder', () => {
    const incident = longRunningLevel2();
    const withSme = apply(incident, addSme(incident, 'dev', ctxH(1)));
    assert.ok(!remindersFor(withSme, PEOPLE, at(8)).some((r) => r.id === 'sme'));
  });

  it('a closed incident has none', () => {
    assert.deepEqual(remindersFor({ ...longRunningLevel2(), status: 'closed' }, PEOPLE, at(8)), []);
  });
});

describe('Rule: while everyone is sent home, reminders wait', () => {
  it('one "paused until" entry while the regroup holds; everything back after it', () => {
    let incident = longRunningLevel2();
    incident = apply(incident, regroupUntilMorning(incident, PEOPLE, {}, ctxH(9))); // 23:00 Lisbon → 07:00 next day
    const paused = remindersFor(incident, PEOPLE, at(12), { zone: 'Europe/Lisbon' });
    assert.equal(paused.length, 1);
    assert.equal(paused[0].id, 'paused');
    assert.match(paused[0].message, /^Paused until 07:00 WET \(in 5:00\): everyone was sent home/);
    // Read in Berlin, the same pause is 08:00 there, named.
    assert.match(remindersFor(incident, PEOPLE, at(12), { zone: 'Europe/Berlin' })[0].message, /^Paused until 08:00 CET \(in 5:00\)/);
    assert.equal(paused[0].action?.kind, 'resume');
    const morning = remindersFor(incident, PEOPLE, at(17.5));
    assert.ok(morning.length > 1);
    assert.ok(!morning.some((r) => r.id === 'paused'));
  });
});

// A reminder that needs someone to act is announced once per threshold of one stretch of work:
// the same stretch, re-checked later or after a window reload, gives the same key; a person who
// handed off, was released and works a new stretch later is reminded again.
import assert from 'node:assert/strict';
import type { Incident } from '../../src/model/record';
import { notificationKey, type Reminder } from '../../src/model/reminder';
import { regroupUntilMorning, resume } from '../../src/model/regroup';
import { remindersFor } from '../../src/model/reminders';
import { addWorker, handOverIm } from '../../src/model/roles';
import { handOffWorker } from '../../src/model/staffing';
import { apply, DECLARED, incidentAt, PEOPLE } from './rules-support';

const HOUR = 3_600_000;
const at = (hours: number): Date => new Date(DECLARED.getTime() + hours * HOUR);
const ctxH = (hours: number, actor = 'ana') => ({ actor, now: at(hours), zone: 'UTC' });

/** The keys the reminders of the incident are announced under at that hour, by reminder id and threshold kind. */
function keysAt(incident: Incident, hours: number): Map<string, string> {
  const keys = new Map<string, string>();
  for (const r of remindersFor(incident, PEOPLE, at(hours))) keys.set(label(r), notificationKey(incident.id, r));
  return keys;
}

/** "hand-off:bruno" or "im-handover:prompt": which reminder, not which stretch. */
function label(r: Reminder): string {
  return r.id === 'im-handover' ? `${r.id}:${r.severity === 'warning' ? 'limit' : 'prompt'}` : r.id;
}

function keyAt(incident: Incident, hours: number, which: string): string {
  const key = keysAt(incident, hours).get(which);
  assert.ok(key, `no ${which} reminder at hour ${hours}: ${[...keysAt(incident, hours).keys()].join(', ')}`);
  return key;
}

describe('Reminder notifications: once per threshold of a stretch', () => {
  it('a worker: the same stretch keeps its key as time passes; a new stretch after a hand-off gets a new one', () => {
    let incident = incidentAt(2);
    incident = apply(incident, addWorker(incident, 'bruno', ctxH(0)));
    const first = keyAt(incident, 6, 'hand-off:bruno');
    // Re-checked later (a timer tick, a window reload): the same stretch, nothing new to announce.
    assert.equal(keyAt(incident, 6.5, 'hand-off:bruno'), first);
    assert.equal(keyAt(incident, 7.9, 'hand-off:bruno'), first);

    // Bruno hands off to Dev at hour 7 (released), and takes over again at hour 9.
    incident = apply(incident, handOffWorker(incident, 'bruno', 'dev', ctxH(7)));
    assert.equal(keysAt(incident, 8).get('hand-off:bruno'), undefined, 'a released worker is reminded');
    incident = apply(incident, handOffWorker(incident, 'dev', 'bruno', ctxH(9)));
    assert.equal(keysAt(incident, 14).get('hand-off:bruno'), undefined, 'reminded before the new stretch reached the limit');
    const second = keyAt(incident, 15, 'hand-off:bruno');
    assert.notEqual(second, first, 'the new stretch would not be announced: same key as the first');
    assert.equal(keyAt(incident, 16, 'hand-off:bruno'), second);
  });

  it('a worker back from a regroup starts a new stretch, reminded again', () => {
    let incident = incidentAt(2);
    incident = apply(incident, addWorker(incident, 'bruno', ctxH(0)));
    const before = keyAt(incident, 6.5, 'hand-off:bruno');
    incident = apply(incident, regroupUntilMorning(incident, PEOPLE, { until: at(20).toISOString().replace('.000Z', 'Z') }, ctxH(7)));
    incident = apply(incident, resume(incident, ctxH(15)));
    const after = keyAt(incident, 21, 'hand-off:bruno');
    assert.notEqual(after, before);
  });

  it('the IM: the 7th-hour prompt and the 8th-hour limit once per stretch; a new stretch as IM is prompted again', () => {
    let incident = incidentAt(2);
    const prompt = keyAt(incident, 6.5, 'im-handover:prompt');
    assert.equal(keyAt(incident, 7.5, 'im-handover:prompt'), prompt);
    const limit = keyAt(incident, 8, 'im-handover:limit');
    assert.notEqual(limit, prompt);
    assert.equal(keyAt(incident, 9, 'im-handover:limit'), limit);

    // Ana hands the role to Carla at hour 9, and takes it back at hour 12.
    incident = apply(incident, handOverIm(incident, 'carla', ctxH(9)));
    incident = apply(incident, handOverIm(incident, 'ana', ctxH(12, 'carla')));
    assert.equal(keysAt(incident, 17).get('im-handover:prompt'), undefined);
    const again = keyAt(incident, 18.5, 'im-handover:prompt');
    assert.notEqual(again, prompt, "Ana's second stretch as IM would not be announced");
    const againLimit = keyAt(incident, 20, 'im-handover:limit');
    assert.notEqual(againLimit, limit);
  });

  it('the same stretch written with another offset is the same stretch', () => {
    let incident = incidentAt(2);
    incident = apply(incident, addWorker(incident, 'bruno', ctxH(0)));
    const key = keyAt(incident, 6.5, 'hand-off:bruno');
    const since = incident.roles.workers![0].since;
    const elsewhere = structuredClone(incident);
    // The same instant, two hours east.
    const shifted = new Date(Date.parse(since) + 2 * HOUR).toISOString().replace(/\.\d+Z$/, '+02:00');
    elsewhere.roles.workers![0].since = shifted;
    assert.equal(Date.parse(shifted), Date.parse(since));
    assert.equal(keyAt(elsewhere, 6.5, 'hand-off:bruno'), key);
  });
});

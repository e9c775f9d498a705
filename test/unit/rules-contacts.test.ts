import assert from 'node:assert/strict';
import { contactAdvice, customerWho, logContactAttempt, nextContactSuggestion, QUOTE_EMAIL_CUSTOMER } from '../../src/model/contacts';
import { RuleViolation } from '../../src/model/edits';
import { LEVEL_TABLE } from '../../src/model/levels';
import { LEVELS, type Incident } from '../../src/model/record';
import { apply, ctxAt, incidentAt, lastEntry, PEOPLE } from './rules-support';

function withCustomer(incident: Incident): Incident {
  return { ...incident, customers: [{ id: 'acme', name: 'ACME', timezone: 'America/New_York', contacts: [{ name: 'Pat', phone: '+1 212 555 0100' }] }] };
}

const ACME = customerWho('acme');

describe('Rule: contact attempts are logged, reached or not', () => {
  it('appends the attempt with who and when, and a timeline entry', () => {
    const incident = incidentAt(2);
    const after = apply(incident, logContactAttempt(incident, { who: 'dev', channel: 'phone', reached: false, purpose: 'sme', note: 'voicemail' }, ctxAt('2026-11-27T15:00:00Z', 'ana')));
    assert.deepEqual(after.contact_attempts, [
      { at: '2026-11-27T15:00:00Z', by: 'ana', who: 'dev', channel: 'phone', reached: false, purpose: 'sme', note: 'voicemail' },
    ]);
    assert.equal(lastEntry(after).kind, 'contact-attempt');
    assert.equal(lastEntry(after).text, 'Phoned Dev Rao (sme): not reached');
  });

  it('refuses an unknown customer or nobody', () => {
    assert.throws(() => logContactAttempt(incidentAt(2), { who: 'customer:nope', channel: 'email', reached: true }, ctxAt('2026-11-27T15:00:00Z')), RuleViolation);
    assert.throws(() => logContactAttempt(incidentAt(2), { who: ' ', channel: 'email', reached: true }, ctxAt('2026-11-27T15:00:00Z')), RuleViolation);
  });
});

describe('Rule: a customer not reached by phone is contacted by email', () => {
  it('suggests email after a failed call, quoting the runbook', () => {
    const incident = withCustomer(incidentAt(2));
    assert.equal(nextContactSuggestion(incident, ACME), null);
    const called = apply(incident, logContactAttempt(incident, { who: ACME, channel: 'phone', reached: false }, ctxAt('2026-11-27T15:00:00Z')));
    const s = nextContactSuggestion(called, ACME);
    assert.equal(s?.kind, 'email');
    assert.ok(s?.message.includes(QUOTE_EMAIL_CUSTOMER));
    assert.match(s!.message, /^ACME/);
  });

  it('no suggestion once they were emailed or reached', () => {
    let incident = withCustomer(incidentAt(2));
    incident = apply(incident, logContactAttempt(incident, { who: ACME, channel: 'phone', reached: false }, ctxAt('2026-11-27T15:00:00Z')));
    const emailed = apply(incident, logContactAttempt(incident, { who: ACME, channel: 'email', reached: false }, ctxAt('2026-11-27T15:05:00Z')));
    assert.equal(nextContactSuggestion(emailed, ACME), null);
    const reached = apply(incident, logContactAttempt(incident, { who: ACME, channel: 'phone', reached: true }, ctxAt('2026-11-27T15:10:00Z')));
    assert.equal(nextContactSuggestion(reached, ACME), null);
  });
});

describe('Rule: an unreachable worker is replaced; an unreachable SME is tried again', () => {
  it('suggests someone else for a worker, and to keep trying for a SME', () => {
    const incident = incidentAt(2);
    const worker = apply(incident, logContactAttempt(incident, { who: 'bruno', channel: 'phone', reached: false, purpose: 'worker' }, ctxAt('2026-11-27T15:00:00Z')));
    assert.equal(nextContactSuggestion(worker, 'bruno')?.kind, 'choose-someone-else');
    const sme = apply(incident, logContactAttempt(incident, { who: 'dev', channel: 'email', reached: false, purpose: 'sme' }, ctxAt('2026-11-27T15:00:00Z')));
    assert.equal(nextContactSuggestion(sme, 'dev')?.kind, 'keep-trying');
  });
});

describe('Rule: customer calls follow the level waking rule in the customer’s zone', () => {
  // 2026-11-28 08:00 UTC is 03:00 in New York.
  for (const level of LEVELS) {
    it(`Level ${level} (${LEVEL_TABLE[level].waking})`, () => {
      const incident = withCustomer(incidentAt(level));
      const advice = contactAdvice(incident, ACME, PEOPLE, new Date('2026-11-28T08:00:00Z'));
      assert.equal(advice.localTime, '2026-11-28T03:00:00-05:00');
      assert.equal(advice.ok, LEVEL_TABLE[level].waking === 'any-hour');
    });
  }

  it('a person is judged in their own zone; an unknown zone is refused', () => {
    const incident = incidentAt(2);
    assert.equal(contactAdvice(incident, 'bruno', PEOPLE, new Date('2026-11-28T08:00:00Z')).ok, true); // 17:00 Tokyo
    assert.throws(() => contactAdvice(incident, 'ghost', PEOPLE, new Date()), RuleViolation);
  });
});

import assert from 'node:assert/strict';
import { resolveActor } from '../../src/model/actor';
import { RuleViolation } from '../../src/model/edits';
import { addPerson, personLabel, redactContacts, resolvePeople } from '../../src/model/people';
import type { Customer, Person } from '../../src/model/record';
import { ana, apply, bruno, carla, ctxAt, incidentAt, lastEntry, PEOPLE } from './rules-support';

const ctx = ctxAt('2026-11-27T15:00:00Z');

describe('Rule: each person has their own IANA time zone (waking hours are theirs)', () => {
  it('adds a person with their zone and records who added them and when', () => {
    const incident = { ...incidentAt(2), people: [] };
    const after = apply(incident, addPerson(incident, { id: 'eve', name: ' Eve ', timezone: 'Australia/Sydney', phone: ' +61 2 5550 1234 ' }, ctx));
    assert.deepEqual(after.people, [{ id: 'eve', name: 'Eve', timezone: 'Australia/Sydney', phone: '+61 2 5550 1234' }]);
    assert.equal(lastEntry(after).by, 'ana');
    assert.equal(lastEntry(after).at, '2026-11-27T15:00:00Z');
  });

  it('keeps contact details out of the timeline', () => {
    const incident = { ...incidentAt(2), people: [] };
    const after = apply(incident, addPerson(incident, { ...carla }, ctx));
    assert.doesNotMatch(lastEntry(after).text, /555/);
  });

  for (const timezone of ['Mars/Olympus', '+01:00', '']) {
    it(`refuses the zone "${timezone}"`, () => {
      assert.throws(() => addPerson(incidentAt(2), { id: 'eve', name: 'Eve', timezone }, ctx), RuleViolation);
    });
  }

  it('refuses a duplicate id and an unusable one', () => {
    assert.throws(() => addPerson(incidentAt(2), { ...bruno }, ctx), /already/);
    assert.throws(() => addPerson(incidentAt(2), { id: 'a b', name: 'x', timezone: 'UTC' }, ctx), RuleViolation);
  });
});

describe('Rule: people may live in a shared people file; the record wins by id', () => {
  it('merges record and shared people, record entries first and winning', () => {
    const incident = { ...incidentAt(2), people: [{ ...bruno, timezone: 'Europe/Berlin' }] };
    const shared: Person[] = [{ ...bruno }, { ...carla }];
    const all = resolvePeople(incident, shared);
    assert.deepEqual(all.map((p) => [p.id, p.timezone]), [['bruno', 'Europe/Berlin'], ['carla', 'America/New_York']]);
  });

  it('labels people by name, or by id when unknown', () => {
    assert.equal(personLabel(PEOPLE, 'carla'), 'Carla Dias');
    assert.equal(personLabel(PEOPLE, 'ghost'), 'ghost');
  });
});

describe('Rule: contact details never appear in customer-facing text', () => {
  const customers: Customer[] = [{ id: 'acme', name: 'ACME', timezone: 'America/New_York', contacts: [{ name: 'Pat', phone: '0044 20 7946 0958', email: 'pat@acme.example' }] }];

  it('removes phones however they are written and emails in any case', () => {
    const text = 'Call Ana on +351912345678 or (+351) 912-345-678, mail ANA@Example.com; Carla 212.555.0147; Pat +44 20 7946 0958, (020) 7946 0958 / pat@acme.example; Ana at home 912 345 678';
    const out = redactContacts(text, PEOPLE, customers);
    assert.doesNotMatch(out, /912|555|7946|@/);
    assert.match(out, /^Call Ana on \[contact redacted\]/);
  });

  it('leaves other figures alone', () => {
    const text = 'Orders dropped 40% after release 2026.11.27; 1,912 orders at 345 678 EUR';
    assert.equal(redactContacts(text, PEOPLE), text);
  });

  it('redacts git emails too', () => {
    assert.equal(redactContacts('by bruno@users.noreply.example', PEOPLE), 'by [contact redacted]');
  });
});

describe('Rule: every change records who made it (resolving the actor)', () => {
  it('a configured person id wins over the git email', () => {
    assert.equal(resolveActor({ configuredPersonId: 'carla', gitEmail: 'ana@example.com', people: PEOPLE }), 'carla');
  });
  it('matches the git email against email and git_emails, ignoring case', () => {
    assert.equal(resolveActor({ gitEmail: ' ANA@example.COM ', people: PEOPLE }), 'ana');
    assert.equal(resolveActor({ gitEmail: 'bruno@users.noreply.example', people: PEOPLE }), 'bruno');
  });
  it('a configured id naming nobody falls back to the git email', () => {
    assert.equal(resolveActor({ configuredPersonId: 'anna', gitEmail: 'ana@example.com', people: PEOPLE }), 'ana');
  });
  it('returns null when nothing matches or two people share the email, so the UI asks', () => {
    assert.equal(resolveActor({ gitEmail: 'who@else.example', people: PEOPLE }), null);
    assert.equal(resolveActor({ people: PEOPLE }), null);
    const twins = [ana, { ...carla, email: 'ana@example.com' }];
    assert.equal(resolveActor({ gitEmail: 'ana@example.com', people: twins }), null);
  });
});

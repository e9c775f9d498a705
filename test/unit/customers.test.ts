import assert from 'node:assert/strict';
import { contactPurposes, customerWho } from '../../src/model/contacts';
import { customerClockLine, prmCallNotes } from '../../src/model/customerText';
import type { Customer } from '../../src/model/record';
import { instantOf } from '../../src/model/time';
import { addCustomer, customerIdFromName, editCustomer, removeCustomer } from '../../src/model/customers';
import { RuleViolation } from '../../src/model/edits';
import { apply, incidentAt } from './rules-support';

describe('The purpose of a contact follows from whom is contacted', () => {
  const incident = incidentAt(2);
  incident.roles.sme = ['bruno'];
  incident.roles.workers = [{ person: 'carla', since: '2026-11-27T14:10:00Z' }];
  incident.roles.observers = ['dev'];

  it('a customer is informed, a role holder is reached for their role', () => {
    assert.deepEqual(contactPurposes(incident, customerWho('acme')), ['customer']);
    assert.deepEqual(contactPurposes(incident, 'bruno'), ['sme']);
    assert.deepEqual(contactPurposes(incident, 'carla'), ['worker']);
    assert.deepEqual(contactPurposes(incident, 'dev'), ['observer']);
  });

  it('someone without a role yet is asked about with the colleague choices only, never "informing a customer"', () => {
    const purposes = contactPurposes(incident, 'someone-new');
    assert.ok(purposes.includes('sme') && purposes.includes('worker'));
    assert.ok(!purposes.includes('customer'));
  });
});

describe('PR Manager call notes: each customer’s clock now', () => {
  // Friday 27 November 2026, 13:00 UTC: 08:00 in New York, 22:00 in Tokyo, 18:30 in Kolkata.
  const now = instantOf('2026-11-27T13:00:00Z');
  const customers: Customer[] = [
    { id: 'acme', name: 'ACME', timezone: 'America/New_York', contacts: [{ name: 'Pat', phone: '+1 212 555 0147' }] },
    { id: 'globex', name: 'Globex', timezone: 'Asia/Tokyo' },
    { id: 'initech', name: 'Initech', timezone: 'Asia/Kolkata' },
  ];

  it('says for three zones whether it is quiet hours, business hours or neither, with when their morning starts', () => {
    assert.equal(customerClockLine('America/New_York', now), '08:00 EST in New York now: awake, outside business hours (next from 09:00 EST)');
    assert.equal(customerClockLine('Asia/Tokyo', now), '22:00 JST in Tokyo now: quiet hours; their morning starts Sat 07:00 JST (in 9:00)');
    assert.equal(customerClockLine('Asia/Kolkata', now), '18:30 IST in Kolkata now: awake, outside business hours (next from Mon 09:00 IST)');
    assert.equal(customerClockLine('Europe/Lisbon', instantOf('2026-11-27T10:00:00Z')), '10:00 WET in Lisbon now: business hours (until 17:00 WET)');
  });

  it('lists every customer with that line, and uses the folder’s quiet hours', () => {
    const notes = prmCallNotes({ ...incidentAt(2), customers }, customers, [], now);
    assert.match(notes, /- ACME: 08:00 EST in New York now: awake/);
    assert.match(notes, /- Globex: 22:00 JST in Tokyo now: quiet hours; their morning starts Sat 07:00 JST/);
    assert.match(notes, /- Initech: 18:30 IST in Kolkata now/);
    const lateQuiet = prmCallNotes({ ...incidentAt(2), customers }, customers, [], now, { start: '23:00', end: '08:00' });
    assert.doesNotMatch(lateQuiet, /Globex: 22:00 JST in Tokyo now: quiet hours/);
  });
});

describe('Adding, editing and removing customers', () => {
  const ctx = { actor: 'ana', now: new Date('2026-11-27T15:00:00Z'), zone: 'UTC' };

  it('adds an affected customer with a checked zone and trimmed contacts, by a readable id', () => {
    const incident = incidentAt(2);
    const id = customerIdFromName('ACME Retail', []);
    assert.equal(id, 'acme-retail');
    assert.equal(customerIdFromName('ACME Retail', ['acme-retail']), 'acme-retail-2');
    const after = apply(incident, addCustomer(incident, { id, name: ' ACME Retail ', timezone: 'America/New_York', contacts: [{ name: 'Pat', phone: ' +1 212 555 0147 ', email: '' }] }, ctx));
    assert.deepEqual(after.customers, [{ id: 'acme-retail', name: 'ACME Retail', timezone: 'America/New_York', contacts: [{ name: 'Pat', phone: '+1 212 555 0147' }] }]);
    assert.doesNotMatch(after.timeline[after.timeline.length - 1].text, /555/);
    assert.throws(() => addCustomer(after, { id, name: 'Again', timezone: 'UTC' }, ctx), /already/);
    assert.throws(() => addCustomer(incident, { id: 'x', name: 'X', timezone: 'Mars/Olympus' }, ctx), RuleViolation);
  });

  it('edits a customer in place and removes one', () => {
    const incident = { ...incidentAt(2), customers: [{ id: 'acme', name: 'ACME', timezone: 'America/New_York' }] };
    const edited = apply(incident, editCustomer(incident, 'acme', { name: 'ACME Corp', timezone: 'America/Chicago' }, ctx));
    assert.deepEqual(edited.customers, [{ id: 'acme', name: 'ACME Corp', timezone: 'America/Chicago' }]);
    const removed = apply(edited, removeCustomer(edited, 'acme', ctx));
    assert.deepEqual(removed.customers, []);
    assert.throws(() => removeCustomer(removed, 'acme', ctx), /No customer/);
  });
});

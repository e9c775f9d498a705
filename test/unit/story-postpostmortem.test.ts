import assert from 'node:assert/strict';
import { RuleViolation } from '../../src/model/edits';
import { draftPostPostMortem, postPostMortemLeaks, postPostMortemRecipients, recordPostPostMortem } from '../../src/model/postPostMortem';
import { renderPublicLog } from '../../src/model/publicLog';
import type { Incident } from '../../src/model/record';
import { apply } from './rules-support';
import { richIncident, STORY_PEOPLE } from './story-support';

function withActionItems(): Incident {
  const incident = richIncident();
  incident.postmortem = {
    ready_at: '2026-11-30T10:00:00Z',
    ready_by: 'ana',
    action_items: [
      { text: 'Add a test for every EU VAT rate', owner: 'bruno', due: '2026-12-10' },
      { text: 'Alert on checkout errors within 2 minutes', owner: 'dev', due: '2026-12-15', done: true },
    ],
  };
  return incident;
}

const ctx = { actor: 'carla', now: new Date('2026-12-01T10:00:00Z'), zone: 'UTC' };
const refused = (incident: Incident, text: string, pattern: RegExp) =>
  assert.throws(() => recordPostPostMortem(incident, text, ctx, STORY_PEOPLE), (e: unknown) => e instanceof RuleViolation && pattern.test(e.message), `not refused: ${text}`);

describe('Post-post-mortem: what all customers are told', () => {
  it('the draft: public title, when, what was affected, how it was addressed, what prevents it, and nothing private', () => {
    const text = draftPostPostMortem(withActionItems(), STORY_PEOPLE);
    assert.match(text, /^What happened: Checkout errors for EU customers$/m);
    assert.match(text, /^From 27 November 2026, 14:00 UTC until 27 November 2026, 18:00 UTC, EU customers could not pay/m);
    assert.match(text, /- Rolled back deploy 4711/);
    assert.match(text, /- VAT table fixed and released/);
    assert.match(text, /- Add a test for every EU VAT rate\n/);
    assert.match(text, /- Alert on checkout errors within 2 minutes \(done\)/);
    for (const secret of ['vat-service', 'ACME', 'Ana', 'Bruno', 'bruno', 'OPS-4711', 'chat.example.com', '912', 'example.com']) assert.ok(!text.includes(secret), `the draft leaks ${secret}`);
    assert.deepEqual(postPostMortemLeaks(withActionItems(), text, STORY_PEOPLE), []);
  });

  it('private details in notes and action items are scrubbed from the draft', () => {
    const incident = withActionItems();
    incident.timeline.push({ at: '2026-11-27T17:05:00Z', by: 'bruno', kind: 'note', note_kind: 'resolution', text: 'Bruno Costa confirmed with ACME Retail, see https://chat.example.com/rooms/inc-42 and OPS-4711' });
    incident.postmortem!.action_items!.push({ text: 'Ask ana@example.com to review the vat-service deploy', owner: 'ana', due: '2026-12-20' });
    const text = draftPostPostMortem(incident, STORY_PEOPLE);
    for (const secret of ['Bruno', 'ACME', 'chat.example.com', 'OPS-4711', 'ana@example.com']) assert.ok(!text.includes(secret), `the draft leaks ${secret}`);
    assert.deepEqual(postPostMortemLeaks(incident, text, STORY_PEOPLE), []);
  });

  it('refuses text that names a person or a customer, or holds a contact, an internal link, a ticket or the internal title', () => {
    const incident = withActionItems();
    const base = 'Checkout failed for EU customers; it is fixed.';
    refused(incident, `${base} Thanks to Bruno Costa.`, /name Bruno Costa/);
    refused(incident, `${base} Ask bruno.`, /private detail "bruno"/);
    refused(incident, `${base} Write to ana@example.com.`, /email ana@example\.com/);
    refused(incident, `${base} Call +351 912 345 678.`, /phone/);
    refused(incident, `${base} Details: https://chat.example.com/rooms/inc-42`, /internal link or address https:\/\/chat\.example\.com/);
    refused(incident, `${base} Tracked in OPS-4711.`, /OPS-4711/);
    refused(incident, `${base} ACME Retail was hit hardest.`, /ACME|customer/);
    refused(incident, 'Checkout 500s from vat-service for ACME Retail: resolved.', /internal title/);
    refused(incident, `${base} See http://10.0.4.12/status`, /internal link or address/);
  });

  it('accepts a clean text, recorded as sent with who and when, and it joins the public log', () => {
    const incident = withActionItems();
    const text = 'Checkout errors for EU customers: resolved. We now test every EU VAT rate before release. See https://status.example.org for history.';
    const after = apply(incident, recordPostPostMortem(incident, text, ctx, STORY_PEOPLE));
    assert.deepEqual(after.post_post_mortem, { text, sent_at: '2026-12-01T10:00:00Z', by: 'carla' });
    assert.equal(after.timeline[after.timeline.length - 1].kind, 'post-post-mortem-sent');
    const log = renderPublicLog([after]);
    assert.match(log, /### What happened and what we are changing \(2026-12-01 10:00 UTC\)/);
    assert.match(log, /> Checkout errors for EU customers: resolved\. We now test every EU VAT rate/);
    assert.ok(!renderPublicLog([incident]).includes('What happened and what we are changing'));
  });

  it('refused at Level 3 (no post-post-mortem there), before close, when empty and when already sent', () => {
    refused({ ...withActionItems(), severity: 3 }, 'Fine text.', /Level 3 has no post-post-mortem/);
    refused({ ...withActionItems(), status: 'active' }, 'Fine text.', /close the incident first/);
    refused(withActionItems(), '   ', /empty/);
    refused({ ...withActionItems(), post_post_mortem: { text: 'x', sent_at: '2026-12-01T09:00:00Z', by: 'carla' } }, 'Fine text.', /already sent/);
  });
});

describe('Post-post-mortem: it goes to every customer, not just the affected ones', () => {
  it("joins the customers file's customers with the record's, once each, every contact's address once", () => {
    const incident = richIncident();
    incident.customers = [
      { id: 'acme', name: 'ACME Retail', timezone: 'Europe/Berlin', contacts: [{ name: 'Jo', email: 'jo@acme.example' }, { name: 'Lee', email: 'lee@acme.example' }] },
    ] as Incident['customers'];
    const file = [
      // The same customer in the file, with an older contact list: the incident's entry wins.
      { id: 'acme', name: 'ACME Retail', timezone: 'Europe/Berlin', contacts: [{ name: 'Old', email: 'old@acme.example' }] },
      { id: 'globex', name: 'Globex', timezone: 'America/Chicago', contacts: [{ name: 'Hank', email: 'hank@globex.example' }, { name: 'Hank again', email: 'HANK@globex.example' }] },
      { id: 'initech', name: 'Initech', timezone: 'Asia/Tokyo', contacts: [{ name: 'Bill', phone: '+81 3 0000 0000' }] },
    ];
    const to = postPostMortemRecipients(incident, file);
    assert.equal(to.customers, 3);
    assert.deepEqual(to.addresses, ['jo@acme.example', 'lee@acme.example', 'hank@globex.example']);
    assert.deepEqual(to.withoutEmail, ['Initech']);
  });

  it('with no customers file, the incident\'s own customers', () => {
    const incident = richIncident();
    incident.customers = [{ id: 'acme', name: 'ACME Retail', timezone: 'Europe/Berlin', contacts: [{ name: 'Jo', email: 'jo@acme.example' }] }] as Incident['customers'];
    assert.deepEqual(postPostMortemRecipients(incident, []), { customers: 1, addresses: ['jo@acme.example'], withoutEmail: [] });
  });
});

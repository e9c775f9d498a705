import assert from 'node:assert/strict';
import {
  addQuestion,
  customerUpdateText,
  dropContactOnlySentences,
  nextBusinessWindow,
  prmCallNotes,
  recordCustomerUpdate,
  UNCHANGED_TEXT,
} from '../../src/model/customerText';
import { RuleViolation, type ActionContext } from '../../src/model/edits';
import { renderPublicLog, peakLevel } from '../../src/model/publicLog';
import type { Customer, Incident, Person, UpdateCycle } from '../../src/model/record';
import { observerSummary } from '../../src/model/summaries';

// A record full of personal data, in the places free text lets it slip in.
const people: Person[] = [
  { id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon', phone: '+351 912 345 678', email: 'ana.pereira@shop.example' },
  { id: 'bruno', name: 'Bruno Silva', timezone: 'Europe/Lisbon', phone: '+351 913 000 111', email: 'bruno@shop.example', git_emails: ['bsilva@users.noreply.github.com'] },
  { id: 'carla', name: 'Carla Mendes', timezone: 'Europe/Madrid', phone: '+34 600 123 456', email: 'carla.mendes@shop.example' },
  { id: 'dmitri', name: 'Dmitri Volkov', timezone: 'Europe/Berlin', phone: '(030) 5550 1234', email: 'dmitri@shop.example' },
];

const customers: Customer[] = [
  { id: 'acme', name: 'ACME Corp', timezone: 'America/New_York', contacts: [{ name: 'Grace Whitfield', phone: '+1 212 555 0147', email: 'grace.whitfield@acme.example' }] },
  { id: 'globex', name: 'Globex', timezone: 'Asia/Tokyo', contacts: [{ name: 'Hiro Tanaka', phone: '+81 3 5555 0199', email: 'h.tanaka@globex.example' }] },
];

const cycle: UpdateCycle = {
  at: '2026-11-27T16:05:00+00:00',
  by: 'ana',
  workers: [
    {
      person: 'bruno',
      found: 'VAT lookup times out for EU carts; Dmitri Volkov confirmed, call him on (030) 5550 1234 or dmitri@shop.example',
      next: 'Cache VAT rates; see https://chat.shop.internal/room/inc-42',
      needs_help: false,
    },
    { person: 'dmitri', found: 'Retries multiply the load; ping +351 913 000 111 if stuck', next: 'Cap retries', needs_help: true },
  ],
  decision: 'more-people',
  decision_note: 'Ask Carla Mendes to line up a second reviewer',
  notable:
    'We found the cause: the tax-rate service times out under load. Bruno Silva (bruno@shop.example, +351 913 000 111) is adding a cache; ' +
    'a first attempt failed in staging, see https://jira.shop.example/browse/OPS-4711 and ask Ana.',
};

const incident: Incident = {
  schema: 'incident-room/v1',
  id: '2026-11-27-checkout-5xx',
  title: 'Checkout returns 500 for EU customers of ACME Corp',
  public_title: 'Checkout errors for EU customers',
  severity: 2,
  status: 'active',
  declared_at: '2026-11-27T14:05:00+00:00',
  impact: 'EU customers cannot pay; orders drop by 40%. Reported by Grace Whitfield (grace.whitfield@acme.example, +1 212 555 0147).',
  links: { chat_room: 'https://chat.shop.example/rooms/inc-checkout', ticket: 'https://jira.shop.example/browse/OPS-4711' },
  people,
  roles: {
    incident_manager: 'ana',
    workers: [
      { person: 'bruno', since: '2026-11-27T14:10:00+00:00' },
      { person: 'dmitri', since: '2026-11-27T14:30:00+00:00' },
    ],
    prm: 'carla',
  },
  customers,
  questions: ['Since when do payments fail? Tell them to reach Carla Mendes on +34 600 123 456.'],
  checklists: { start: [], end: [] },
  updates: [cycle],
  timeline: [],
};

/** Every personal value in the record: names (and each part), ids, phones, emails. */
function privateValues(inc: Incident): string[] {
  const out: string[] = [];
  for (const p of inc.people ?? []) out.push(p.name, ...p.name.split(' '), p.id, p.phone ?? '', p.email ?? '', ...(p.git_emails ?? []));
  for (const c of inc.customers ?? []) for (const k of c.contacts ?? []) out.push(k.name, ...k.name.split(' '), k.phone ?? '', k.email ?? '');
  return out.filter(Boolean);
}

function assertClean(text: string, extra: string[] = []): void {
  const digits = text.replace(/\D/g, '');
  for (const value of [...privateValues(incident), ...extra]) {
    assert.ok(!new RegExp(`(?<![\\p{L}])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'iu').test(text), `"${value}" leaked into:\n${text}`);
  }
  // A phone in any spelling: its digits must not appear either.
  for (const p of [...people.map((x) => x.phone), ...customers.flatMap((c) => (c.contacts ?? []).map((k) => k.phone))]) {
    assert.ok(!digits.includes((p ?? '').replace(/\D/g, '')), `the digits of ${p} leaked`);
  }
  assert.ok(!/@/.test(text), `an email-like "@" leaked into:\n${text}`);
}

const INTERNAL_LINKS = ['chat.shop.internal', 'jira.shop.example', 'OPS-4711', 'chat.shop.example'];

describe('observer summary', () => {
  const summary = observerSummary(incident, cycle, [], new Date('2026-11-27T16:10:00Z'), 'Europe/Madrid');

  it('has the title, level, status, impact, each worker\'s progress and the decision, with names', () => {
    assert.match(summary, /^# Checkout returns 500 for EU customers of ACME Corp$/m);
    assert.match(summary, /Level 2/);
    assert.match(summary, /\*\*Status:\*\* active/);
    assert.match(summary, /orders drop by 40%/);
    assert.match(summary, /^### Bruno Silva$/m);
    assert.match(summary, /^### Dmitri Volkov \(needs help\)$/m);
    assert.match(summary, /\*\*Found:\*\* VAT lookup times out for EU carts; Dmitri Volkov confirmed/);
    assert.match(summary, /\*\*Next:\*\* Cap retries/);
    assert.match(summary, /\*\*Needs help:\*\* yes/);
    assert.match(summary, /Call in more people: Ask Carla Mendes to line up a second reviewer/);
  });

  it('gives the next update time in the requested zone with its offset', () => {
    // Cycle at 16:05Z, Level 2: due 18:05Z, which is 19:05 in Madrid.
    assert.match(summary, /Due 2026-11-27T19:05:00\+01:00 \(Europe\/Madrid\), in 1h 55m\./);
  });

  it('carries no phone numbers or emails, not even from inside the workers\' text', () => {
    for (const p of people) {
      assert.ok(!summary.includes(p.phone ?? '~'), `${p.phone} leaked`);
      assert.ok(!summary.includes(p.email ?? '~'), `${p.email} leaked`);
    }
    assert.ok(!summary.includes('@'));
    assert.ok(!summary.replace(/\D/g, '').includes('30555012'));
  });
});

describe('customer update', () => {
  const text = customerUpdateText(incident, cycle, [], customers);

  it('has no names, ids, contact details or internal links, checked against the record\'s own values', () => {
    assertClean(text, INTERNAL_LINKS);
    assert.ok(!text.includes('ACME Corp of'), 'uses the public title');
    assert.match(text, /Update on: Checkout errors for EU customers/);
    // Without a public title, customers never see the internal one.
    const untitled = customerUpdateText({ ...incident, public_title: undefined }, cycle);
    assert.match(untitled, /Update on: Service disruption of 2026-11-27\n/);
    assert.ok(!untitled.includes(incident.title), untitled);
  });

  it('keeps the notable discoveries and setbacks', () => {
    assert.match(text, /We found the cause: the tax-rate service times out under load\./);
    assert.match(text, /A team member is adding a cache; a first attempt failed in staging/);
    assert.ok(!text.includes(UNCHANGED_TEXT));
  });

  it('says the situation is unchanged when nothing notable happened', () => {
    const plain = customerUpdateText(incident, { ...cycle, notable: '  ' }, [], customers);
    assert.ok(plain.includes(UNCHANGED_TEXT));
    assert.ok(!plain.includes('found the cause'));
  });

  it('at Level 2, notes email updates in business hours with each customer\'s next window in their zone', () => {
    assert.match(text, /every two hours during business hours, by your own time zone/);
    // 16:05Z on Friday 27 November is 11:05 in New York (inside hours) and 01:05 Saturday in Tokyo.
    assert.match(text, /Next business hours for ACME Corp: now until 17:00 New York time \(EST\)/);
    assert.match(text, /Next business hours for Globex: Monday 30 November 2026, 09:00–17:00 Tokyo time \(JST\)/);
    const single = customerUpdateText(incident, cycle, [], [customers[1] as Customer]);
    assert.match(single, /Your next business hours: Monday 30 November 2026/);
    assert.ok(!single.includes('ACME'), 'one customer\'s email does not mention another customer');
    assert.match(single, /As of Saturday 28 November 2026, 01:05 Tokyo time \(JST\)/);
    const level3 = customerUpdateText({ ...incident, severity: 3 }, cycle, [], customers);
    assert.ok(!level3.includes('business hours'));
  });

  it('strips contacts that come from a shared people file too', () => {
    const shared: Person[] = [{ id: 'fay', name: 'Fay Okafor', timezone: 'Africa/Lagos', email: 'fay@shop.example', phone: '+234 801 555 0100' }];
    const withFay = customerUpdateText(incident, { ...cycle, notable: 'Fay Okafor rolled back the change.' }, shared, customers);
    assert.ok(!withFay.includes('Fay'));
    assert.match(withFay, /A team member rolled back the change\./);
  });

  it('finds the next business window across a weekend and keeps 09:00 local on a daylight-saving day', () => {
    // Sunday 1 November 2026 in New York is the fall-back day; Monday opens at 09:00 EST.
    assert.deepEqual(nextBusinessWindow('America/New_York', new Date('2026-11-01T05:30:00Z')), {
      start: '2026-11-02T09:00:00-05:00',
      end: '2026-11-02T17:00:00-05:00',
      inProgress: false,
    });
    assert.equal(nextBusinessWindow('America/New_York', new Date('2026-11-02T14:00:00Z')).inProgress, true);
  });
});

describe('recording a customer update as sent', () => {
  const ctx: ActionContext = { actor: 'carla', now: new Date('2026-11-27T16:30:00Z'), zone: 'Europe/Madrid' };

  function refused(text: string, inc: Incident = incident): string {
    try {
      recordCustomerUpdate(inc, 0, text, ctx);
    } catch (e) {
      assert.ok(e instanceof RuleViolation);
      return e.message;
    }
    return assert.fail(`accepted: ${text}`);
  }

  it('records the PRM\'s text with sent_at and by', () => {
    const edits = recordCustomerUpdate(incident, 0, customerUpdateText(incident, cycle, [], [customers[0] as Customer]), ctx);
    assert.deepEqual(edits[0]?.path, ['updates', 0, 'customer_update']);
    const value = (edits[0] as { value: { sent_at: string; by: string; text: string } }).value;
    assert.equal(value.sent_at, '2026-11-27T17:30:00+01:00');
    assert.equal(value.by, 'carla');
    assert.match(value.text, /We found the cause/);
    assert.equal((edits[1] as { value: { kind: string } }).value.kind, 'customer-update-sent');
  });

  it('refuses text that still has a person\'s name, phone or email from the record', () => {
    assert.match(refused('Bruno Silva is on it.'), /name Bruno Silva/);
    assert.match(refused('Ask Grace for details.'), /name Grace/);
    assert.match(refused('Call 912345678 for news.'), /phone 912345678/);
    assert.match(refused('Write to ANA.PEREIRA@shop.example.'), /email ana\.pereira@shop\.example/);
  });

  it('refuses a cycle that does not exist or was already sent', () => {
    assert.throws(() => recordCustomerUpdate(incident, 3, 'All good.', ctx), /no update cycle 3/);
    const sent: Incident = { ...incident, updates: [{ ...cycle, customer_update: { text: 'x', sent_at: '2026-11-27T16:20:00Z', by: 'carla' } }] };
    assert.match(refused('All good.', sent), /already sent/);
  });
});

describe('questions for affected users', () => {
  const ctx: ActionContext = { actor: 'ana', now: new Date('2026-11-27T15:00:00Z'), zone: 'UTC' };

  it('appends a question, and refuses an empty or repeated one', () => {
    const edits = addQuestion(incident, '  Which browser   do you use? ', ctx);
    assert.deepEqual(edits[0], { op: 'append', path: ['questions'], value: 'Which browser do you use?' });
    assert.throws(() => addQuestion(incident, ' ', ctx), RuleViolation);
    assert.throws(() => addQuestion(incident, 'since when do payments fail? tell them to reach carla mendes on +34 600 123 456.', ctx), /already on the list/);
  });

  it('lists the questions and whom to call, without the team\'s contact details', () => {
    const notes = prmCallNotes(incident, customers);
    assert.match(notes, /1\. Since when do payments fail\?/);
    assert.match(notes, /Give them a number to reach you/);
    assert.match(notes, /email bi-hourly updates during their business hours/);
    assert.match(notes, /- ACME Corp: \d\d:\d\d E[SD]T in New York now: [^\n]+\n {2}- Grace Whitfield: phone \+1 212 555 0147/);
    for (const p of people) {
      assert.ok(!notes.includes(p.phone ?? '~'), `${p.phone} leaked`);
      assert.ok(!notes.includes(p.email ?? '~'), `${p.email} leaked`);
    }
  });
});

describe('public incident log', () => {
  const sentCycle: UpdateCycle = { ...cycle, customer_update: { text: customerUpdateText(incident, cycle, [], customers), sent_at: '2026-11-27T16:30:00+01:00', by: 'carla' } };
  const handEdited: UpdateCycle = {
    at: '2026-11-27T18:05:00+00:00',
    by: 'ana',
    workers: [],
    decision: 'no-change',
    // A hand edit after sending must not reach the public page either.
    customer_update: { text: 'Still working. Questions? Bruno Silva, +351 913 000 111, bruno@shop.example', sent_at: '2026-11-27T18:20:00Z', by: 'carla' },
  };
  const draft: UpdateCycle = { ...cycle, at: '2026-11-27T20:05:00Z', customer_update: { text: 'Not sent yet: DRAFT-ONLY' } };
  const active: Incident = { ...incident, updates: [sentCycle, handEdited, draft] };
  const older: Incident = {
    ...incident,
    id: '2026-10-02-search-slow',
    title: 'Search slow for Globex (Hiro Tanaka called)',
    public_title: undefined,
    severity: 3,
    status: 'closed',
    declared_at: '2026-10-02T09:00:00-04:00',
    closed_at: '2026-10-03T11:30:00-04:00',
    impact: 'Search takes 10 s. <script>alert(1)</script>',
    updates: [],
  };

  it('has one entry per incident, newest first, with level, status, times, impact and sent updates', () => {
    const log = renderPublicLog([older, active]);
    const first = log.indexOf('## Checkout errors for EU customers');
    const second = log.indexOf('## Service disruption of 2026-10-02');
    assert.ok(first > 0 && second > first, log);
    assert.match(log, /- Severity: Level 2\n- Status: We are actively working on this problem\.\n- Declared: 2026-11-27 14:05 UTC/);
    assert.match(log, /- Declared: 2026-10-02 13:00 UTC\n- Closed: 2026-10-03 15:30 UTC/);
    assert.match(log, /#### 2026-11-27 15:30 UTC\n\n> Update on: Checkout errors for EU customers/);
    assert.match(log, /#### 2026-11-27 18:20 UTC\n\n> Still working\. Questions\? A team member, \[removed\], \[removed\]/);
    assert.ok(!log.includes('DRAFT-ONLY'), 'unsent drafts stay out');
    // An incident that peaked at Level 1 says so after its de-escalation.
    const deescalated: Incident = { ...active, severity: 3, timeline: [...active.timeline, { at: '2026-11-27T16:00:00Z', by: 'ana', kind: 'severity-changed', text: 'Level 2 → Level 1: all EU down' }, { at: '2026-11-27T19:00:00Z', by: 'ana', kind: 'severity-changed', text: 'Level 1 → Level 3: workaround holds' }] };
    assert.equal(peakLevel(deescalated), 1);
    assert.match(renderPublicLog([deescalated]), /- Severity: Level 1 at its peak; Level 3 now\n/);
    assert.ok(log.includes('&lt;script&gt;'));
  });

  it('never has contact details, internal names, internal links or customer names', () => {
    const log = renderPublicLog([older, active]);
    assertClean(log, [...INTERNAL_LINKS, 'ACME', 'Globex', 'acme', 'globex']);
  });

  it('is deterministic: the same records give the same bytes, whatever their order', () => {
    const a = renderPublicLog([older, active]);
    const b = renderPublicLog([structuredClone(active), structuredClone(older)]);
    assert.equal(a, b);
    const twin: Incident = { ...older, id: '2026-10-02-a-twin', declared_at: '2026-10-02T13:00:00Z', public_title: 'Twin' };
    assert.equal(renderPublicLog([older, twin, active]), renderPublicLog([active, twin, older]));
    assert.equal(renderPublicLog([]), '# Incident log\n\nNo incidents have been recorded.\n');
  });
});

describe('customer drafts drop sentences that only carried contact details', () => {
  it('drops "call a team member on [removed] or [removed]" and keeps sentences with news', () => {
    const text = dropContactOnlySentences(
      'We deployed a fix. Call a team member on [removed] or [removed]. The cache ([removed]) is warm again.\nQuestions? Email [removed].',
    );
    assert.equal(text, 'We deployed a fix. The cache is warm again.\nQuestions?');
  });

  it('drops them from the draft itself', () => {
    const withContacts: UpdateCycle = { ...cycle, notable: 'A fix is in staging. Call Bruno Silva on +351 913 000 111 or bruno@shop.example.' };
    const text = customerUpdateText(incident, withContacts, people);
    assert.match(text, /A fix is in staging\./);
    assert.doesNotMatch(text, /\[removed\]|Call a team member/);
  });
});

// Edit Customer edits every contact (edit, add, remove) through the real store on a real file,
// and writes only the values that changed: unknown keys, comments and the layout stay.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editCustomer } from '../../src/model/customers';
import { RuleViolation } from '../../src/model/edits';
import type { Incident } from '../../src/model/record';
import { IncidentStore } from '../../src/store/incidentStore';

const ctx = { actor: 'ana', now: new Date('2026-11-27T15:00:00Z'), zone: 'UTC' };

const RECORD = `schema: incident-room/v1
id: "2026-11-27-db"
title: Database failover
severity: 2
status: active
declared_at: "2026-11-27T14:00:00Z"
impact: Writes to the primary fail.
roles:
  incident_manager: ana
customers:
  # the biggest account; ask for Pat first
  - id: acme
    name: ACME Retail
    timezone: America/New_York
    account_manager: carla   # not a field Incident Room knows
    contacts:
      - name: Pat Lee
        phone: "+1 212 555 0147"
        email: pat@acme.example
        role: CTO   # kept through every edit
      - { name: Sam Roe, email: sam@acme.example, pager: "555-0100" }
      - name: Lou Park   # leaving the company
        email: lou@acme.example
  - id: globex
    name: Globex
    timezone: Asia/Tokyo
checklists:
  start: []
  end: []
timeline:
  - at: "2026-11-27T14:00:00Z"
    by: ana
    kind: declared
    text: Declared at Level 2
`;

describe('Edit Customer edits every contact, in place', () => {
  let dir: string;
  let file: string;
  let store: IncidentStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-customers-'));
    const folder = path.join(dir, '.incidents');
    fs.mkdirSync(folder);
    file = path.join(folder, 'db.yaml');
    fs.writeFileSync(file, RECORD);
    store = new IncidentStore(folder);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const edit = (changes: Parameters<typeof editCustomer>[2]): Promise<Incident> => store.update(file, (incident) => editCustomer(incident, 'acme', changes, ctx));

  it('edits the second contact, removes the third and adds one; the first and every unknown key and comment stay', async () => {
    const after = await edit({
      name: 'ACME Retail',
      timezone: 'America/New_York',
      contacts: [
        { was: 0, name: 'Pat Lee', phone: '+1 212 555 0147', email: 'pat@acme.example' },
        { was: 1, name: 'Sam Roe', phone: '+1 212 555 0199', email: 'sam.roe@acme.example' },
        { name: 'Kim Diaz', email: 'kim@acme.example' },
      ],
    });
    const acme = after.customers!.find((c) => c.id === 'acme')!;
    assert.deepEqual(
      acme.contacts!.map((c) => ({ name: c.name, phone: c.phone, email: c.email })),
      [
        { name: 'Pat Lee', phone: '+1 212 555 0147', email: 'pat@acme.example' },
        { name: 'Sam Roe', phone: '+1 212 555 0199', email: 'sam.roe@acme.example' },
        { name: 'Kim Diaz', phone: undefined, email: 'kim@acme.example' },
      ],
    );
    const text = fs.readFileSync(file, 'utf8');
    for (const kept of ['# the biggest account; ask for Pat first', 'account_manager: carla   # not a field Incident Room knows', 'role: CTO   # kept through every edit', 'pager: "555-0100"']) {
      assert.ok(text.includes(kept), `lost: ${kept}\n${text}`);
    }
    assert.ok(!text.includes('Lou Park'), 'the removed contact is still there');
    // Only the lines that carry changed values differ: the first contact and the other customer are as written.
    const before = RECORD.split('\n');
    const unchanged = ['      - name: Pat Lee', '        phone: "+1 212 555 0147"', '        email: pat@acme.example', '  - id: globex', '    name: Globex', '    timezone: Asia/Tokyo'];
    for (const line of unchanged) assert.ok(before.includes(line) && text.split('\n').includes(line), line);
    // A flow-style contact stays on its line, its unknown key with it.
    assert.ok(text.split('\n').includes('      - { name: Sam Roe, email: sam.roe@acme.example, pager: "555-0100", phone: +1 212 555 0199 }'), text);
    const last = after.timeline[after.timeline.length - 1];
    assert.equal(last.text, 'ACME Retail: 1 contact edited, 1 contact added, 1 contact removed');
    assert.ok(!/555|@/.test(last.text), 'contact details in the timeline');
  });

  it('clears a field of a contact (the key goes) and renames the customer, keeping its id', async () => {
    const after = await edit({
      name: 'ACME Retail Group',
      timezone: 'America/Chicago',
      contacts: [
        { was: 0, name: 'Pat Lee', phone: '', email: 'pat@acme.example' },
        { was: 1, name: 'Sam Roe', email: 'sam@acme.example' },
        { was: 2, name: 'Lou Park', email: 'lou@acme.example' },
      ],
    });
    const acme = after.customers!.find((c) => c.id === 'acme')!;
    assert.equal(acme.name, 'ACME Retail Group');
    assert.equal(acme.timezone, 'America/Chicago');
    assert.equal(acme.contacts![0].phone, undefined);
    assert.equal((acme.contacts![0] as unknown as Record<string, unknown>).role, 'CTO');
    assert.equal(acme.contacts!.length, 3);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes('name: Lou Park   # leaving the company'));
    assert.ok(!text.includes('555 0147'));
  });

  it('removing every contact drops the list; contacts not given stay untouched', async () => {
    const none = await edit({ name: 'ACME Retail', timezone: 'America/New_York', contacts: [] });
    assert.equal(none.customers!.find((c) => c.id === 'acme')!.contacts, undefined);
    assert.ok(fs.readFileSync(file, 'utf8').includes('account_manager: carla'));
    fs.writeFileSync(file, RECORD);
    const renamed = await edit({ name: 'ACME', timezone: 'America/New_York' });
    assert.equal(renamed.customers!.find((c) => c.id === 'acme')!.contacts!.length, 3);
  });

  it('nothing changed: nothing written, no timeline entry', async () => {
    const incident = await store.update(file, () => []);
    const same = editCustomer(incident, 'acme', {
      name: 'ACME Retail',
      timezone: 'America/New_York',
      contacts: incident.customers![0].contacts!.map((c, was) => ({ ...c, was })),
    }, ctx);
    assert.deepEqual(same, []);
  });

  it('refuses an edit of a contact that is not there, or of one contact twice', async () => {
    const incident = await store.update(file, () => []);
    assert.throws(() => editCustomer(incident, 'acme', { name: 'ACME', timezone: 'UTC', contacts: [{ was: 3, name: 'X' }] }, ctx), RuleViolation);
    assert.throws(() => editCustomer(incident, 'acme', { name: 'ACME', timezone: 'UTC', contacts: [{ was: 0, name: 'X' }, { was: 0, name: 'Y' }] }, ctx), RuleViolation);
    assert.equal(fs.readFileSync(file, 'utf8'), RECORD);
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import schemaJson from '../../src/model/incident-room-v1.schema.json';
import { formatPath, validateAppended, validateIncident, validatePeopleFile } from '../../src/model/validate';

function valid(): Record<string, unknown> {
  return {
    schema: 'incident-room/v1',
    id: '2026-11-27-checkout-5xx',
    title: 'Checkout returns 500',
    severity: 2,
    status: 'active',
    declared_at: '2026-11-27T14:05:00+01:00',
    impact: 'EU customers cannot pay.',
    roles: { incident_manager: 'ana', workers: [{ person: 'bruno', since: '2026-11-27T14:10:00Z', released_at: null }], prm: null },
    checklists: { start: [{ id: 'announce', text: 'Announce', done_at: null, done_by: null }], end: [] },
    test_plan: { items: [{ id: 'eu-200', title: 'EU checkout returns 200', automated: [{ file: 'test/a.test.ts', title: ['EU', 'returns 200'] }] }] },
    timeline: [{ at: '2026-11-27T14:05:00+01:00', by: 'ana', kind: 'declared', text: 'declared' }],
  };
}

function messages(value: unknown): string[] {
  return validateIncident(value).map((p) => p.message);
}

describe('validate: incident-room/v1 records', () => {
  it('accepts a valid record, with keys the schema does not know anywhere', () => {
    const rec = valid();
    rec.owner_team = 'payments';
    (rec.roles as Record<string, unknown>).backup_im = 'carla';
    assert.deepEqual(validateIncident(rec), []);
  });

  it('explains each schema problem in words, with its path', () => {
    const rec = valid();
    rec.severity = 4;
    rec.status = 'open';
    rec.title = ['a', 'b'];
    rec.id = 123;
    delete (rec.roles as Record<string, unknown>).incident_manager;
    rec.declared_at = '2026-11-27T14:05:00';
    assert.deepEqual(validateIncident(rec), [
      { path: ['id'], message: 'id must be a string, not a number; put the value in quotes' },
      { path: ['title'], message: 'title must be a string, not a list' },
      { path: ['severity'], message: 'severity must be 1, 2 or 3' },
      { path: ['status'], message: 'status must be active, fix-released-awaiting-tests or closed' },
      { path: ['declared_at'], message: 'declared_at must be a timestamp with an offset, e.g. 2026-11-27T14:05:00+01:00' },
      { path: ['roles', 'incident_manager'], message: 'roles.incident_manager is required' },
    ]);
  });

  it('names nested paths with indexes', () => {
    const rec = valid();
    (rec.timeline as Record<string, unknown>[])[0]!.at = 1700000000;
    (rec.test_plan as { items: Record<string, unknown>[] }).items[0]!.mutates_customer_data = 'no';
    assert.deepEqual(messages(rec), [
      'test_plan.items[0].mutates_customer_data must be true or false, not a string',
      'timeline[0].at must be a timestamp with an offset, e.g. 2026-11-27T14:05:00+01:00',
    ]);
  });

  it('rejects a record that is not a mapping, and a wrong schema version', () => {
    assert.deepEqual(messages(['a']), ['the record must be a mapping (key: value pairs), not a list']);
    const rec = valid();
    rec.schema = 'incident-room/v2';
    assert.deepEqual(messages(rec), ['schema must be incident-room/v1']);
  });

  it('rejects ids that cannot name a file', () => {
    const rec = valid();
    rec.id = '../x';
    assert.match(messages(rec)[0]!, /^id may contain only letters, digits/);
  });

  it('rejects a timestamp that has the right shape but is not a real instant', () => {
    const rec = valid();
    rec.declared_at = '2026-02-30T14:05:00+01:00';
    assert.deepEqual(validateIncident(rec), [
      { path: ['declared_at'], message: 'declared_at is not a real date and time: "2026-02-30T14:05:00+01:00" (e.g. 2026-11-27T14:05:00+01:00)' },
    ]);
  });

  it('after an append to a valid record, finds what the full validation finds in the new items and across items', () => {
    const entry = (at: string, text = 'note') => ({ at, by: 'ana', kind: 'note', text });
    const run = (id: string, startedAt: string) => ({
      id, sha: 'a'.repeat(40), branch: 'fix/x', clean: true, command: ['npx', 'mocha'], started_at: startedAt, ended_at: startedAt, exit_code: 0, ended_by: 'exit', tests: [], totals: { passed: 0, failed: 0, skipped: 0, missing: 0 },
    });
    const cases: { name: string; append: Record<string, unknown[]> }[] = [
      { name: 'a good timeline entry', append: { timeline: [entry('2026-11-27T15:00:00Z')] } },
      { name: 'a timeline entry at no real time', append: { timeline: [entry('2026-02-30T25:00:00Z')] } },
      { name: 'a timeline entry of the wrong shape', append: { timeline: [{ at: 'yesterday', text: 3 }] } },
      { name: 'two entries, the first at no real time', append: { timeline: [entry('2026-02-30T10:00:00Z'), entry('2026-11-27T15:00:00Z')] } },
      { name: 'a good run and its entry', append: { test_runs: [run('r1', '2026-11-27T15:00:00Z')], timeline: [entry('2026-11-27T15:01:00Z')] } },
      { name: 'a run at no real time', append: { test_runs: [run('r1', '2026-11-31T15:00:00Z')] } },
      { name: 'a run whose id another run has', append: { test_runs: [run('r1', '2026-11-27T15:00:00Z'), run('r1', '2026-11-27T15:05:00Z')] } },
    ];
    for (const { name, append } of cases) {
      const rec = valid();
      rec.test_runs = [run('r0', '2026-11-27T14:30:00Z')];
      assert.deepEqual(validateIncident(rec), [], 'the record starts valid');
      const keys: string[] = [];
      for (const [key, items] of Object.entries(append)) {
        rec[key] = [...((rec[key] as unknown[] | undefined) ?? []), ...items];
        keys.push(...items.map(() => key));
      }
      const full = validateIncident(rec);
      assert.deepEqual(validateAppended(rec, keys), full, name);
      assert.equal(full.length > 0, !name.startsWith('a good'), `${name}: ${JSON.stringify(full)}`);
    }
  });

  it('requires closed_at once the incident is closed', () => {
    const rec = valid();
    rec.status = 'closed';
    assert.deepEqual(validateIncident(rec), [{ path: ['closed_at'], message: 'closed_at is required when status is closed' }]);
    rec.closed_at = '2026-11-28T09:00:00Z';
    assert.deepEqual(validateIncident(rec), []);
  });

  it('refuses duplicate test plan item ids and two current assignments of one worker', () => {
    const rec = valid();
    const items = (rec.test_plan as { items: unknown[] }).items;
    items.push({ id: 'eu-200', title: 'again' });
    const workers = (rec.roles as { workers: unknown[] }).workers;
    workers.push({ person: 'bruno', since: '2026-11-27T18:00:00Z' });
    assert.deepEqual(validateIncident(rec), [
      { path: ['roles', 'workers', 1, 'person'], message: 'roles.workers[1].person: current worker "bruno" is already used by roles.workers[0]' },
      { path: ['test_plan', 'items', 1, 'id'], message: 'test_plan.items[1].id: test plan item id "eu-200" is already used by test_plan.items[0]' },
    ]);
  });

  it('allows a released worker to be assigned again', () => {
    const rec = valid();
    const workers = (rec.roles as { workers: Record<string, unknown>[] }).workers;
    workers[0]!.released_at = '2026-11-27T16:00:00Z';
    workers.push({ person: 'bruno', since: '2026-11-27T18:00:00Z' });
    assert.deepEqual(validateIncident(rec), []);
  });

  it('validates a people file', () => {
    assert.deepEqual(validatePeopleFile({ people: [{ id: 'ana', name: 'Ana', timezone: 'Europe/Lisbon' }] }), []);
    assert.deepEqual(
      validatePeopleFile({ people: [{ id: 'ana', name: 'Ana', timezone: 'Europe/Lisbon', phone: 351 }, { id: 'ana', name: 'A', timezone: 'UTC' }] }),
      [
        { path: ['people', 0, 'phone'], message: 'people[0].phone must be a string, not a number; put the value in quotes' },
        { path: ['people', 1, 'id'], message: 'people[1].id: person id "ana" is already used by people[0]' },
      ],
    );
    assert.deepEqual(validatePeopleFile({}), [{ path: ['people'], message: 'people is required' }]);
  });

  it('formats paths', () => {
    assert.equal(formatPath([]), 'the record');
    assert.equal(formatPath(['roles', 'workers', 0, 'person']), 'roles.workers[0].person');
  });
});

describe('validate: the published JSON Schema', () => {
  type Schema = { [k: string]: unknown; properties?: Record<string, Schema>; items?: Schema; $ref?: string; description?: string };

  it('is draft-07 with an id and a title, and the file esbuild copies is the one validate imports', () => {
    assert.equal(schemaJson.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.ok(schemaJson.$id);
    assert.ok(schemaJson.title);
    const onDisk = JSON.parse(fs.readFileSync(path.join(__dirname, '../../src/model/incident-room-v1.schema.json'), 'utf8'));
    assert.deepEqual(onDisk, schemaJson);
  });

  it('describes every property, and never forbids unknown keys', () => {
    const missing: string[] = [];
    const visit = (node: Schema, where: string) => {
      assert.notEqual(node.additionalProperties, false, `${where} must allow unknown keys`);
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        if (typeof child.description !== 'string' || child.description.length === 0) missing.push(`${where}.${key}`);
        visit(child, `${where}.${key}`);
      }
      if (node.items) visit(node.items, `${where}[]`);
    };
    visit(schemaJson as unknown as Schema, '');
    for (const [name, def] of Object.entries(schemaJson.definitions)) visit(def as unknown as Schema, `#${name}`);
    assert.deepEqual(missing, []);
  });

  it('types ids, SHAs, branches and phone numbers as strings', () => {
    const defs = schemaJson.definitions as unknown as Record<string, Schema>;
    const props = schemaJson.properties as unknown as Record<string, Schema>;
    const typeOf = (s: Schema | undefined) => s?.type;
    assert.equal(typeOf(props.id), 'string');
    assert.equal(typeOf(defs.testRun!.properties!.sha), 'string');
    assert.equal(typeOf(defs.testRun!.properties!.branch), 'string');
    assert.equal(typeOf(props.fix!.properties!.branch), 'string');
    assert.equal(typeOf(defs.person!.properties!.phone), 'string');
    assert.equal(typeOf(defs.customerContact!.properties!.phone), 'string');
    assert.equal(typeOf(defs.testPlanItem!.properties!.id), 'string');
  });
});

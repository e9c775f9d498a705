import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editIncident, editPerson, removePerson, rolesHeld } from '../../src/model/corrections';
import { RuleViolation } from '../../src/model/edits';
import { resolvePeople } from '../../src/model/people';
import { IncidentStore } from '../../src/store/incidentStore';
import { ignoreInGit, savePersonInPeopleFile } from '../../src/store/peopleFile';
import { readPeopleFile } from '../../src/store/incidentStore';
import { ana, apply, bruno, carla, ctxAt, dev, incidentAt, lastEntry } from './rules-support';

const ctx = ctxAt('2026-11-27T15:00:00Z');

function staffed() {
  const incident = incidentAt(2);
  incident.roles.sme = ['bruno'];
  incident.roles.observers = ['carla'];
  return incident;
}

describe('Correcting what was entered', () => {
  it('gives an IM declared without a phone number one, and says so in the timeline without the number', () => {
    const incident = { ...staffed(), people: [{ id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon' }, bruno, carla, dev] };
    const after = apply(incident, editPerson(incident, 'ana', { phone: '+351 912 345 678' }, ctx));
    assert.equal(after.people?.find((p) => p.id === 'ana')?.phone, '+351 912 345 678');
    assert.match(lastEntry(after).text, /Ana Pereira \(ana\): phone corrected/);
    assert.doesNotMatch(lastEntry(after).text, /912/);
  });

  it('corrects a name and a zone, clears a field given empty, and checks the zone', () => {
    const incident = staffed();
    const after = apply(incident, editPerson(incident, 'carla', { name: 'Carla Diaz', timezone: 'America/Chicago', phone: '' }, ctx));
    const carlaNow = after.people?.find((p) => p.id === 'carla');
    assert.equal(carlaNow?.name, 'Carla Diaz');
    assert.equal(carlaNow?.timezone, 'America/Chicago');
    assert.equal(carlaNow?.phone, undefined);
    assert.throws(() => editPerson(incident, 'carla', { timezone: 'Mars/Olympus' }, ctx), RuleViolation);
    assert.deepEqual(editPerson(incident, 'carla', { name: carla.name }, ctx), [], 'nothing changed, nothing written');
  });

  it('refuses to remove anyone holding a role, saying which and what to do, and removes someone without', () => {
    const incident = staffed();
    assert.deepEqual(rolesHeld(incident, 'bruno'), ['SME']);
    assert.throws(() => removePerson(incident, 'ana', ctx), /Incident Manager and cannot be removed while holding a role\. Hand the Incident Manager role over first/);
    assert.throws(() => removePerson(incident, 'bruno', ctx), /SME and cannot be removed/);
    assert.throws(() => removePerson(incident, 'carla', ctx), /observer/);
    const after = apply(incident, removePerson(incident, 'dev', ctx));
    assert.ok(!after.people?.some((p) => p.id === 'dev'));
    assert.match(lastEntry(after).text, /Dev Rao \(dev\) removed/);
  });

  it('edits the title, public title, impact and links, checking each', () => {
    const incident = staffed();
    const after = apply(incident, editIncident(incident, { title: 'Checkout 500s for EU', public_title: 'Payment problems in Europe', impact: 'EU cannot pay.', links: { chat_room: 'https://chat.example/r', ticket: '' } }, ctx));
    assert.equal(after.title, 'Checkout 500s for EU');
    assert.equal(after.public_title, 'Payment problems in Europe');
    assert.equal(after.links?.chat_room, 'https://chat.example/r');
    assert.equal(after.links?.ticket, undefined);
    assert.match(lastEntry(after).text, /title \(was "Checkout returns 500"\), public title, impact, chat room link, ticket link/);
    assert.throws(() => editIncident(incident, { title: ' ' }, ctx), RuleViolation);
    assert.throws(() => editIncident(incident, { links: { ticket: 'not a link' } }, ctx), /ticket link must be a link/);
  });

  it('writes corrections through the store, keeping comments and hand edits in the YAML', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-room-corrections-'));
    try {
      const store = new IncidentStore(dir);
      const file = await store.create(staffed());
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('people:', 'people: # who takes part\n').replace(/^people: # who takes part\n\n/m, 'people: # who takes part\n'));
      const updated = await store.update(file, (fresh) => [...editPerson(fresh, 'ana', { email: 'ana.p@example.com' }, ctx), ...removePerson(fresh, 'dev', ctx)]);
      assert.equal(updated.people?.find((p) => p.id === 'ana')?.email, 'ana.p@example.com');
      assert.ok(!updated.people?.some((p) => p.id === 'dev'));
      assert.match(fs.readFileSync(file, 'utf8'), /# who takes part/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('The people file keeps contact details out of version control', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-room-people-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the file, adds a person, replaces them by id, and keeps hand-written comments', async () => {
    const file = path.join(dir, '.incident-people.yaml');
    await savePersonInPeopleFile(file, { ...ana });
    fs.appendFileSync(file, '# on call this week\n');
    await savePersonInPeopleFile(file, { ...carla });
    await savePersonInPeopleFile(file, { ...ana, phone: '+351 900 000 000' });
    const { people, problems } = await readPeopleFile(file);
    assert.deepEqual(problems, []);
    assert.deepEqual(people.map((p) => [p.id, p.phone]), [['ana', '+351 900 000 000'], ['carla', carla.phone]]);
    assert.match(fs.readFileSync(file, 'utf8'), /# on call this week/);
  });

  it('refuses to rewrite a people file that does not parse', async () => {
    const file = path.join(dir, 'people.yaml');
    fs.writeFileSync(file, 'people: [\n');
    await assert.rejects(savePersonInPeopleFile(file, { ...ana }), /does not parse/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'people: [\n');
  });

  it('lists the file in .gitignore once, keeping what is there', async () => {
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/');
    assert.equal(await ignoreInGit(dir, path.join(dir, '.incident-people.yaml')), true);
    assert.equal(await ignoreInGit(dir, path.join(dir, '.incident-people.yaml')), false);
    assert.match(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), /^node_modules\/\n# .*\n\/\.incident-people\.yaml\n$/);
  });

  it('lets a record name someone while their phone and email come from the people file', () => {
    const incident = { ...incidentAt(2), people: [{ id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon' }] };
    const [merged] = resolvePeople(incident, [{ ...ana, name: 'Ana P.', timezone: 'UTC' }]);
    assert.deepEqual(merged, { ...ana, name: 'Ana Pereira', timezone: 'Europe/Lisbon' });
  });
});

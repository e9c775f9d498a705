import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, CONTEXT, SETTINGS, SETTINGS_SECTION, VIEW_CONTAINER, VIEW_INCIDENTS } from '../../src/vscode/ids';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

// The manifest must repeat the ids; this keeps the two from drifting apart.
describe('Manifest and ids agree', () => {
  it('contributes every command id, each in the "Incident" category', () => {
    const contributed = new Map<string, { category?: string }>(pkg.contributes.commands.map((c: { command: string }) => [c.command, c]));
    for (const id of Object.values(COMMANDS)) {
      assert.ok(contributed.has(id), `${id} is not contributed`);
      assert.equal(contributed.get(id)!.category, 'Incident', `${id} has no "Incident" category`);
    }
    assert.equal(contributed.size, Object.values(COMMANDS).length, 'package.json contributes a command ids.ts does not define');
  });

  it('contributes the view container and the view', () => {
    assert.ok(pkg.contributes.viewsContainers.activitybar.some((c: { id: string }) => c.id === VIEW_CONTAINER));
    assert.ok(pkg.contributes.views[VIEW_CONTAINER].some((v: { id: string }) => v.id === VIEW_INCIDENTS));
  });

  it('contributes every setting with a description and a default', () => {
    for (const key of Object.values(SETTINGS)) {
      const setting = pkg.contributes.configuration.properties[`${SETTINGS_SECTION}.${key}`];
      assert.ok(setting, `${key} is not contributed`);
      assert.ok(setting.markdownDescription || setting.description, `${key} has no description`);
      assert.ok('default' in setting, `${key} has no default`);
    }
  });

  it("the settings that choose what the gate judges are the user's own: a repository's settings (which travel on the fix branch) cannot set them", () => {
    for (const key of [SETTINGS.testCommand, SETTINGS.trustedBaseBranches]) {
      const setting = pkg.contributes.configuration.properties[`${SETTINGS_SECTION}.${key}`];
      // VS Code ignores a machine-scoped setting in workspace and folder settings.
      assert.equal(setting.scope, 'machine', key);
    }
  });

  it('uses only context keys defined in ids.ts', () => {
    const text = JSON.stringify(pkg.contributes);
    for (const match of text.matchAll(/incidentRoom\.(has\w+)/g)) {
      assert.ok(Object.values(CONTEXT).includes(`incidentRoom.${match[1]}` as never), `unknown context key ${match[0]}`);
    }
  });

  it('validates records with the shipped JSON Schema', () => {
    const [rule] = pkg.contributes.yamlValidation;
    assert.equal(rule.url, './dist/incident-room-v1.schema.json');
    assert.ok(readFileSync(path.join(root, 'src/model/incident-room-v1.schema.json'), 'utf8').includes('incident-room/v1'));
  });
});

// The manifest's everyday-use contributions: keyboard shortcuts, context menus on every kind of
// tree node, and `when` clauses that hide what does not apply.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, CONTEXT } from '../../src/vscode/ids';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
type MenuEntry = { command: string; when?: string; group?: string };
const itemMenus: MenuEntry[] = pkg.contributes.menus['view/item/context'];

/** The commands a node with this contextValue offers, as VS Code would evaluate the `viewItem` clause. */
function commandsFor(viewItem: string): string[] {
  return itemMenus
    .filter((entry) => {
      const when = entry.when ?? '';
      const regex = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when);
      if (regex) return new RegExp(regex[1]).test(viewItem);
      const equals = /viewItem == (\S+)/.exec(when);
      return equals ? equals[1] === viewItem : false;
    })
    .map((e) => e.command);
}

describe('Manifest: shortcuts and context menus', () => {
  it('binds the most used commands under one chord prefix, each once, to contributed commands', () => {
    const bindings: { command: string; key: string; mac?: string }[] = pkg.contributes.keybindings;
    const wanted = [COMMANDS.declare, COMMANDS.recordUpdates, COMMANDS.addTimelineNote, COMMANDS.runLinkedTests, COMMANDS.closeIncident];
    for (const id of wanted) assert.ok(bindings.some((b) => b.command === id), `${id} has no shortcut`);
    const keys = bindings.map((b) => b.key);
    assert.equal(new Set(keys).size, keys.length, 'two commands share a shortcut');
    // Alt+I is no default binding of VS Code; on macOS Alt+I types a character, so Ctrl+Alt+I there.
    for (const b of bindings) {
      assert.match(b.key, /^alt\+i [a-z]$/);
      assert.match(b.mac ?? '', /^ctrl\+alt\+i [a-z]$/);
      assert.ok(Object.values(COMMANDS).includes(b.command as never), `${b.command} is not a command`);
    }
  });

  it('offers actions on every kind of tree node', () => {
    const expectations: Record<string, string[]> = {
      'incident:open:level2': [COMMANDS.openRecord, COMMANDS.editIncident, COMMANDS.recordUpdates, COMMANDS.addTimelineNote, COMMANDS.closeIncident],
      'section:roles': [COMMANDS.addPerson, COMMANDS.editPerson],
      'role:worker': [COMMANDS.handOffWorker, COMMANDS.releasePerson, COMMANDS.editPerson, COMMANDS.logContact],
      'role:incident_manager': [COMMANDS.handOverIm, COMMANDS.editPerson],
      'role:worker:released': [COMMANDS.editPerson, COMMANDS.removePerson],
      'checklist:start:todo': [COMMANDS.tickStep],
      'checklist:end:done': [COMMANDS.untickStep],
      'section:start-checklist': [COMMANDS.tickStep],
      'section:fix': [COMMANDS.linkFixBranch, COMMANDS.checkoutFixBranch],
      'fix:branch': [COMMANDS.linkFixBranch, COMMANDS.runLinkedTests],
      'section:test-plan': [COMMANDS.addPlanItem, COMMANDS.runLinkedTests, COMMANDS.signOff],
      'plan:item': [COMMANDS.linkAutomatedTest, COMMANDS.recordTestResult],
      'plan:test': [COMMANDS.runLinkedTests],
      'plan:close': [COMMANDS.closeIncident],
      'section:updates': [COMMANDS.recordUpdates, COMMANDS.copyObserverSummary],
      'update:questions': [COMMANDS.addCustomerQuestion, COMMANDS.copyPrmCallNotes],
      'section:timeline': [COMMANDS.addTimelineNote],
    };
    for (const [viewItem, commands] of Object.entries(expectations)) {
      const offered = commandsFor(viewItem);
      for (const command of commands) assert.ok(offered.includes(command), `${viewItem} does not offer ${command}`);
    }
    // A role holder is not offered removal: it would be refused.
    assert.ok(!commandsFor('role:observer').includes(COMMANDS.removePerson));
  });

  it('hides Send Everyone Home on Level 1, in the tree and in the palette', () => {
    assert.ok(!commandsFor('incident:open:level1').includes(COMMANDS.sendEveryoneHome));
    assert.ok(commandsFor('incident:open:level2').includes(COMMANDS.sendEveryoneHome));
    const palette: MenuEntry[] = pkg.contributes.menus.commandPalette;
    const entry = palette.find((e) => e.command === COMMANDS.sendEveryoneHome);
    assert.match(entry?.when ?? '', new RegExp(`${CONTEXT.incidentInViewLevel.replace('.', '\\.')} != 1`));
  });
});

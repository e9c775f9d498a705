import assert from 'node:assert/strict';
import { GATE_ACTIONS } from '../../src/vscode/gateActions';
import { COMMANDS } from '../../src/vscode/ids';

describe('The close gate’s actions', () => {
  it('offers Add Test Plan Item, not Open Record, when the plan has no items', () => {
    assert.equal(GATE_ACTIONS['open-plan'].command, COMMANDS.addPlanItem);
    assert.equal(GATE_ACTIONS['open-plan'].label, 'Add Test Plan Item');
  });

  it('maps every action to a command of this extension or a workbench view', () => {
    for (const [action, { command }] of Object.entries(GATE_ACTIONS)) {
      assert.ok(Object.values(COMMANDS).includes(command as never) || command.startsWith('workbench.'), `${action} → ${command}`);
      assert.notEqual(command, COMMANDS.openRecord, `${action} sends the person to the raw record`);
    }
  });
});

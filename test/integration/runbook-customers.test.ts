// Runs after the close-gate suite (files run in name order): it edits the fixture record, and the
// gate suite checks out the fix branch on a clean working tree.
// Customers as entries of their own: Add Customer writes an affected customer into the record
// (and the shared customers file when one is set), a call to them is logged with the purpose
// derived from whom was called, and the answers to the IM's questions are kept.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Incident } from '../../src/model/record';
import { parseRecord } from '../../src/store/recordFile';
import type { RunbookResult } from '../../src/vscode/commands/runbookShared';
import { COMMANDS } from '../../src/vscode/ids';
import { activateExtension, workspaceRoot } from './helpers';

const ID = '2026-11-26-checkout-5xx';

describe('Customers from the UI', () => {
  const file = () => path.join(workspaceRoot(), '.incidents', `${ID}.yaml`);
  const customersFile = () => path.join(workspaceRoot(), '.incident-customers.yaml');
  const read = async (): Promise<Incident> => {
    const loaded = parseRecord(file(), await fs.readFile(file()));
    assert.equal(loaded.kind, 'ok');
    return (loaded as Extract<typeof loaded, { kind: 'ok' }>).incident;
  };

  before(async () => {
    await activateExtension();
    const config = vscode.workspace.getConfiguration('incidentRoom');
    await config.update('actor', 'ana', vscode.ConfigurationTarget.Workspace);
    await config.update('customersFile', '.incident-customers.yaml', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('incidentRoom');
    await config.update('actor', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('customersFile', undefined, vscode.ConfigurationTarget.Workspace);
    await fs.rm(customersFile(), { force: true });
  });

  it('adds a customer, logs a call to them with answers, and keeps them in the customers file', async () => {
    const added = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.addCustomer, {
      incident: ID,
      customer: { name: 'Globex Shipping', timezone: 'Asia/Tokyo', contacts: [{ name: 'Hiro Tanaka', phone: '+81 3 5555 0199', email: 'h.tanaka@globex.example' }] },
    });
    assert.equal(added?.outcome, 'done', JSON.stringify(added));
    const customer = (await read()).customers?.find((c) => c.name === 'Globex Shipping');
    assert.ok(customer, 'the customer is not in the record');
    assert.equal(customer.id, 'globex-shipping');
    assert.equal(customer.timezone, 'Asia/Tokyo');
    assert.match(await fs.readFile(customersFile(), 'utf8'), /Globex Shipping/);

    await vscode.commands.executeCommand(COMMANDS.addCustomerQuestion, { incident: ID, question: 'Do your orders show as paid?' });
    const call = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.logContact, {
      incident: ID,
      who: 'customer:globex-shipping',
      channel: 'email',
      reached: true,
      answers: [{ question: 'Do your orders show as paid?', answer: 'No, pending since 14:00' }],
    });
    assert.equal(call?.outcome, 'done', JSON.stringify(call));
    const attempt = (await read()).contact_attempts?.filter((a) => a.who === 'customer:globex-shipping').pop();
    assert.ok(attempt, 'no contact attempt recorded');
    // Not passed: derived from whom was contacted.
    assert.equal(attempt.purpose, 'customer');
    assert.deepEqual(attempt.answers, [{ question: 'Do your orders show as paid?', answer: 'No, pending since 14:00' }]);
  });

  it('edits and removes the customer, keeping the logged call', async () => {
    const edited = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.editCustomer, {
      incident: ID,
      customer: 'globex-shipping',
      // The existing contact loses the phone; a second contact is added.
      changes: {
        name: 'Globex Shipping KK',
        timezone: 'Asia/Tokyo',
        contacts: [
          { was: 0, name: 'Hiro Tanaka', email: 'h.tanaka@globex.example' },
          { name: 'Yuki Sato', phone: '+81 3 5555 0123' },
        ],
      },
    });
    assert.equal(edited?.outcome, 'done', JSON.stringify(edited));
    const globex = (await read()).customers?.find((c) => c.id === 'globex-shipping');
    assert.equal(globex?.name, 'Globex Shipping KK');
    assert.deepEqual(globex?.contacts, [{ name: 'Hiro Tanaka', email: 'h.tanaka@globex.example' }, { name: 'Yuki Sato', phone: '+81 3 5555 0123' }]);
    // The shared customers file follows.
    assert.match(await fs.readFile(customersFile(), 'utf8'), /Yuki Sato/);
    const removed = await vscode.commands.executeCommand<RunbookResult>(COMMANDS.removeCustomer, { incident: ID, customer: 'globex-shipping' });
    assert.equal(removed?.outcome, 'done', JSON.stringify(removed));
    const after = await read();
    assert.ok(!after.customers?.some((c) => c.id === 'globex-shipping'));
    assert.ok(after.contact_attempts?.some((a) => a.who === 'customer:globex-shipping'));
  });
});

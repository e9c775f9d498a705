import assert from 'node:assert/strict';
import type { ActionContext } from '../../src/model/edits';
import type { Incident } from '../../src/model/record';
import { addPlanItem, CUSTOMER_DATA_NOTE, linkedTests, linkTest, PlanError, planDigest, planStatus, recordResult, signOff, unlinkTest } from '../../src/model/testPlan';
import { editPlanItem, removePlanItem } from '../../src/model/testPlanItems';
import { applyEdits, readyIncident, ref } from './helpers/testProjects';

const at = (iso: string, actor = 'bruno'): ActionContext => ({ actor, now: new Date(iso), zone: 'Europe/Lisbon' });

describe('test plan: items, links, results and sign-offs', () => {
  it('adds items with slug ids, links tests without duplicates, and unlinks them', () => {
    let inc: Incident = readyIncident([], { test_plan: undefined });
    inc = applyEdits(inc, addPlanItem(inc, { title: 'EU checkout returns 200', manual_steps: 'Pay with an EU card' }, at('2026-11-28T09:00:00Z')));
    inc = applyEdits(inc, addPlanItem(inc, { title: 'EU checkout returns 200', mutates_customer_data: true }, at('2026-11-28T09:01:00Z')));
    assert.deepEqual(inc.test_plan?.items.map((i) => [i.id, i.mutates_customer_data]), [['eu-checkout-returns-200', false], ['eu-checkout-returns-200-2', true]]);
    const t = ref('test/checkout.test.js', 'EU VAT', 'returns 200');
    inc = applyEdits(inc, linkTest(inc, 'eu-checkout-returns-200', { ...t, file: './test/checkout.test.js' }, at('2026-11-28T09:02:00Z')));
    assert.deepEqual(inc.test_plan?.items[0]?.automated, [t]);
    assert.throws(() => linkTest(inc, 'eu-checkout-returns-200', t, at('2026-11-28T09:03:00Z')), /already linked/);
    assert.throws(() => linkTest(inc, 'nope', t, at('2026-11-28T09:03:00Z')), PlanError);
    inc = applyEdits(inc, linkTest(inc, 'eu-checkout-returns-200-2', t, at('2026-11-28T09:03:00Z')));
    assert.equal(linkedTests(inc).length, 1, 'the same test linked to two items is one test to run');
    inc = applyEdits(inc, unlinkTest(inc, 'eu-checkout-returns-200', t, at('2026-11-28T09:04:00Z')));
    assert.deepEqual(inc.test_plan?.items[0]?.automated, []);
    assert.deepEqual(inc.timeline.slice(-2).map((e) => e.kind), ['test-linked', 'test-unlinked']);
  });

  it('an item that mutates customer data is stored as skipped in production, whatever was entered', () => {
    const base = readyIncident([]);
    const inc: Incident = applyEdits(base, [{ op: 'set', path: ['test_plan', 'items', 0, 'mutates_customer_data'], value: true }]);
    const edits = recordResult(inc, 'eu-checkout-200', 'production', 'pass', 'looked fine', at('2026-11-28T12:00:00Z'));
    const after = applyEdits(inc, edits);
    const last = after.test_plan?.items[0]?.results?.at(-1);
    assert.deepEqual([last?.outcome, last?.note, last?.env], ['skipped', CUSTOMER_DATA_NOTE, 'production']);
    assert.match(after.timeline.at(-1)?.text ?? '', /never run in production; "pass" was not recorded/);
    const staging = applyEdits(inc, recordResult(inc, 'eu-checkout-200', 'staging', 'pass', 'ok', at('2026-11-28T12:00:00Z')));
    assert.equal(staging.test_plan?.items[0]?.results?.at(-1)?.outcome, 'pass');
  });

  it('sign-off roles come from the roles: IM, worker (current or past), other', () => {
    const inc = readyIncident([]);
    const role = (p: string) => (applyEdits(inc, signOff(inc, p, at('2026-11-28T12:00:00Z', p))).test_plan?.signoffs?.at(-1)?.role);
    assert.deepEqual([role('ana'), role('bruno'), role('carla')], ['incident_manager', 'worker', 'other']);
    const released = applyEdits(inc, [{ op: 'set', path: ['roles', 'workers', 0, 'released_at'], value: '2026-11-28T08:00:00Z' }]);
    assert.equal(applyEdits(released, signOff(released, 'bruno', at('2026-11-28T12:00:00Z'))).test_plan?.signoffs?.at(-1)?.role, 'worker');
  });

  it('status: latest result per environment by instant, not by text; a sign-off is stale once a result follows it', () => {
    let inc = readyIncident([]);
    // Written in another offset: later in text order, earlier as an instant.
    inc = applyEdits(inc, [{ op: 'append', path: ['test_plan', 'items', 0, 'results'], value: { env: 'staging', outcome: 'fail', by: 'bruno', at: '2026-11-28T10:30:00+05:00' } }]);
    let s = planStatus(inc);
    assert.equal(s.items[0]?.staging?.outcome, 'pass');
    assert.deepEqual([s.executedInStaging, s.executedInProduction, s.signedByIm, s.signedByWorker], [true, true, true, true]);
    inc = applyEdits(inc, recordResult(inc, 'eu-checkout-200', 'production', 'fail', 'regressed', at('2026-11-28T11:45:00Z')));
    s = planStatus(inc);
    assert.deepEqual(s.signoffs.map((x) => x.stale), [true, true]);
    assert.deepEqual([s.executedInProduction, s.signedByIm, s.signedByWorker], [false, false, false]);
    inc = applyEdits(inc, recordResult(inc, 'eu-checkout-200', 'production', 'pass', undefined, at('2026-11-28T11:50:00Z')));
    inc = applyEdits(inc, signOff(inc, 'ana', at('2026-11-28T11:55:00Z', 'ana')));
    s = planStatus(inc);
    assert.deepEqual([s.executedInProduction, s.signedByIm, s.signedByWorker], [true, true, false]);
    // A sign-off dated in the future would never go stale; it does not count.
    const future = applyEdits(inc, [{ op: 'append', path: ['test_plan', 'signoffs'], value: { person: 'bruno', role: 'worker', at: '2099-01-01T00:00:00Z' } }]);
    assert.equal(planStatus(future, new Date('2026-11-28T12:00:00Z')).signedByWorker, false);
  });

  it('a sign-off covers the plan it saw: a linked test swapped, an item added, removed or edited makes it stale; a result or a re-sign does not', () => {
    const regression = ref('test/checkout.test.js', 'EU VAT', 'is 23%');
    const smoke = ref('test/smoke.test.js', 'shop', 'starts');
    let inc = applyEdits(readyIncident([regression, smoke]), [{ op: 'set', path: ['test_plan', 'signoffs'], value: [] }]);
    inc = applyEdits(inc, addPlanItem(inc, { title: 'Refunds work' }, at('2026-11-28T11:59:00Z')));
    inc = applyEdits(inc, signOff(inc, 'ana', at('2026-11-28T12:00:00Z', 'ana')));
    inc = applyEdits(inc, signOff(inc, 'bruno', at('2026-11-28T12:01:00Z')));
    assert.equal(inc.test_plan?.signoffs?.[0]?.plan_digest, planDigest(inc));
    assert.deepEqual([planStatus(inc).signedByIm, planStatus(inc).signedByWorker], [true, true]);
    const changes: [string, (i: Incident) => Incident][] = [
      ['the failing linked test unlinked', (i) => applyEdits(i, unlinkTest(i, 'eu-checkout-200', regression, at('2026-11-28T12:05:00Z')))],
      ['another test linked', (i) => applyEdits(i, linkTest(i, 'eu-checkout-200', ref('test/other.test.js', 'x', 'y'), at('2026-11-28T12:05:00Z')))],
      ['an item added', (i) => applyEdits(i, addPlanItem(i, { title: 'Invoices show VAT' }, at('2026-11-28T12:05:00Z')))],
      ['an item removed', (i) => applyEdits(i, removePlanItem(i, 'refunds-work', at('2026-11-28T12:05:00Z')))],
      ['the item retitled', (i) => applyEdits(i, editPlanItem(i, 'eu-checkout-200', { title: 'EU checkout loads', mutates_customer_data: false }, at('2026-11-28T12:05:00Z')))],
      ['its manual steps changed', (i) => applyEdits(i, editPlanItem(i, 'eu-checkout-200', { title: 'EU checkout returns 200', manual_steps: 'Pay with a UK card', mutates_customer_data: false }, at('2026-11-28T12:05:00Z')))],
      ['the item marked as changing customer data', (i) => applyEdits(i, editPlanItem(i, 'eu-checkout-200', { title: 'EU checkout returns 200', mutates_customer_data: true }, at('2026-11-28T12:05:00Z')))],
      ['a hand edit of a link', (i) => applyEdits(i, [{ op: 'set', path: ['test_plan', 'items', 0, 'automated', 0, 'title'], value: ['EU VAT', 'is defined'] }])],
    ];
    for (const [what, change] of changes) {
      const s = planStatus(change(inc));
      assert.deepEqual(s.signoffs.map((x) => [x.stale, x.planChanged]), [[true, true], [true, true]], what);
      assert.deepEqual([s.signedByIm, s.signedByWorker], [false, false], what);
    }
    // Linking again what was unlinked is the plan signed off.
    const back = applyEdits(changes[0]![1](inc), [{ op: 'set', path: ['test_plan', 'items', 0, 'automated'], value: [smoke, regression] }]);
    assert.equal(planStatus(back).signedByIm, true, 'the same links in another order');
    // The IM signing the changed plan counts again; the worker's sign-off stays stale until they sign it too.
    const changed = changes[0]![1](inc);
    const resigned = applyEdits(changed, signOff(changed, 'ana', at('2026-11-28T12:10:00Z', 'ana')));
    assert.deepEqual([planStatus(resigned).signedByIm, planStatus(resigned).signedByWorker], [true, false]);
    // Results are not the plan: recording one before the sign-offs leaves them covering it.
    assert.equal(planStatus(inc).signoffs.some((x) => x.planChanged), false);
    // A sign-off written before sign-offs kept the digest is judged by time alone.
    const legacy = applyEdits(changes[0]![1](inc), [{ op: 'delete', path: ['test_plan', 'signoffs', 0, 'plan_digest'] }]);
    assert.deepEqual(planStatus(legacy).signoffs.map((x) => x.planChanged), [false, true]);
  });

  it('an item with recorded results is not removed (edit it instead); one without is, with its links', () => {
    const inc = readyIncident([ref('test/checkout.test.js', 'EU VAT', 'is 23%')]);
    assert.throws(() => removePlanItem(inc, 'eu-checkout-200', at('2026-11-28T12:00:00Z')), /2 recorded results; an executed item stays in the plan/);
    const fresh = applyEdits(inc, addPlanItem(inc, { title: 'Refunds work' }, at('2026-11-28T12:00:00Z')));
    const removed = applyEdits(fresh, removePlanItem(fresh, 'refunds-work', at('2026-11-28T12:01:00Z')));
    assert.deepEqual(removed.test_plan?.items.map((i) => i.id), ['eu-checkout-200']);
    assert.equal(removed.timeline.at(-1)?.kind, 'plan-item-removed');
  });
});

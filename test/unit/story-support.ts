// A rich, closed Level 2 incident for the story, post-mortem and report tests, written out in
// full so every figure can be computed by hand. All times are UTC; the IM (Ana) is in
// Europe/Lisbon, which is UTC+0 in November, so her local times read the same.
//
//   13:30 deploy (note, before the declaration)   -> started
//   13:40 first alert (detection note)            -> detected
//   14:00 declared at Level 2
//   15:00 escalated to Level 1; update cycle 1 (due 16:00: on time)
//   15:30 rollback (mitigation note)              -> mitigated
//   16:00 back to Level 2
//   17:00 fix released (resolution note)          -> resolved
//   17:10 update cycle 2 (due 17:00 at Level 2: late by 10m)
//   18:00 closed
import { checklistsForLevel } from '../../src/model/checklists';
import type { Incident, Person } from '../../src/model/record';

export const ANA: Person = { id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon', phone: '+351 912 345 678', email: 'ana@example.com' };
export const BRUNO: Person = { id: 'bruno', name: 'Bruno Costa', timezone: 'Asia/Tokyo', email: 'bruno@example.com' };
export const CARLA: Person = { id: 'carla', name: 'Carla Dias', timezone: 'America/New_York', phone: '+1 (212) 555-0147', email: 'carla@example.com' };
export const DEV: Person = { id: 'dev', name: 'Dev Rao', timezone: 'Asia/Kolkata' };
export const ERIN: Person = { id: 'erin', name: 'Erin Walsh', timezone: 'America/New_York', email: 'erin@example.com' };
export const STORY_PEOPLE: readonly Person[] = [ANA, BRUNO, CARLA, DEV, ERIN];

const Z = (hhmm: string, day = '2026-11-27') => `${day}T${hhmm}:00Z`;

export function richIncident(): Incident {
  const checklists = checklistsForLevel(2);
  for (const step of checklists.end) if (['test-staging', 'deploy', 'test-production', 'update-observers', 'confirm-observers'].includes(step.id)) {
    step.done_at = Z('17:40');
    step.done_by = 'ana';
  }
  return {
    schema: 'incident-room/v1',
    id: '2026-11-27-checkout-eu',
    title: 'Checkout 500s from vat-service for ACME Retail',
    public_title: 'Checkout errors for EU customers',
    severity: 2,
    status: 'closed',
    declared_at: Z('14:00'),
    closed_at: Z('18:00'),
    impact: 'EU customers could not pay; orders dropped by 40%.',
    links: { chat_room: 'https://chat.example.com/rooms/inc-42', ticket: 'https://tickets.example.com/OPS-4711' },
    people: STORY_PEOPLE.map((p) => ({ ...p })),
    roles: {
      incident_manager: 'ana',
      sme: ['bruno'],
      workers: [
        { person: 'bruno', since: Z('14:10'), released_at: Z('18:00') },
        { person: 'dev', since: Z('14:30'), released_at: Z('17:30') },
      ],
      observers: ['erin'],
      prm: 'carla',
    },
    customers: [{ id: 'acme', name: 'ACME Retail', timezone: 'Europe/Paris', contacts: [{ name: 'Jeanne Martin', email: 'ops@acme.example.com' }] }],
    checklists,
    contact_attempts: [
      { at: Z('14:05'), by: 'ana', who: 'bruno', channel: 'phone', reached: true, purpose: 'sme' },
      { at: Z('14:06'), by: 'ana', who: 'dev', channel: 'phone', reached: false, note: 'Voicemail; asked to call back on +351 912 345 678' },
    ],
    updates: [
      {
        at: Z('15:00'),
        by: 'ana',
        decision: 'more-people',
        workers: [{ person: 'bruno', found: 'The VAT table lacks the new rates.', next: 'Roll back deploy 4711.', needs_help: true }],
      },
      {
        at: Z('17:10'),
        by: 'ana',
        decision: 'no-change',
        workers: [{ person: 'bruno', found: 'The fix is out.', next: 'Watch the error rate.', needs_help: false }],
        customer_update: { text: 'Checkout works again.', sent_at: Z('17:20'), by: 'carla' },
      },
    ],
    fix: { branch: 'fix/eu-vat', base: 'main' },
    test_plan: {
      items: [
        {
          id: 'eu-checkout',
          title: 'EU checkout returns 200',
          automated: [{ file: 'test/checkout.test.js', title: ['EU VAT', 'returns 200'] }],
          results: [
            { env: 'staging', outcome: 'pass', by: 'bruno', at: Z('16:45') },
            { env: 'production', outcome: 'pass', by: 'bruno', at: Z('17:20') },
          ],
        },
      ],
      signoffs: [
        { person: 'ana', role: 'incident_manager', at: Z('17:30') },
        { person: 'bruno', role: 'worker', at: Z('17:35') },
      ],
    },
    test_runs: [
      {
        id: 'run-1',
        sha: 'abcdef1234567890abcdef1234567890abcdef12',
        branch: 'fix/eu-vat',
        clean: true,
        command: ['node', '--test'],
        started_at: Z('16:40'),
        ended_at: Z('16:41'),
        exit_code: 0,
        tests: [{ test: { file: 'test/checkout.test.js', title: ['EU VAT', 'returns 200'] }, outcome: 'passed' }],
        totals: { passed: 1, failed: 0, skipped: 0, missing: 0 },
      },
    ],
    timeline: [
      // In file order, not by instant: ordering must come from the instants.
      { at: Z('14:00'), by: 'ana', kind: 'declared', text: 'Declared at Level 2: Checkout 500s' },
      { at: '2026-11-27T14:30:00+01:00', by: 'dev', kind: 'note', note_kind: 'other', text: 'Deploy 4711 went out with the new VAT table', recorded_at: Z('14:20') },
      { at: Z('13:40'), by: 'carla', kind: 'note', note_kind: 'detection', text: 'First 5xx alert | EU checkout' },
      { at: Z('14:10'), by: 'ana', kind: 'role-assigned', text: 'Bruno Costa is SME and worker' },
      { at: Z('15:00'), by: 'ana', kind: 'severity-changed', text: 'Level 2 → Level 1: orders dropping fast' },
      { at: Z('15:00'), by: 'ana', kind: 'update-recorded', text: 'Update cycle recorded; more people' },
      { at: Z('15:30'), by: 'bruno', kind: 'note', note_kind: 'mitigation', text: 'Rolled back deploy 4711' },
      { at: Z('16:00'), by: 'ana', kind: 'severity-changed', text: 'Level 1 → Level 2: the rollback holds' },
      { at: Z('17:00'), by: 'bruno', kind: 'note', note_kind: 'resolution', text: 'VAT table fixed and released' },
      { at: Z('17:10'), by: 'ana', kind: 'update-recorded', text: 'Update cycle recorded; no change' },
      { at: Z('18:00'), by: 'ana', kind: 'closed', text: 'Incident declared over' },
    ],
  };
}

/** A post-mortem's written sections, filled in. */
export const WRITTEN_SECTIONS = `## Root cause and contributing factors

<!-- prompt -->
The VAT table shipped without rates for two new EU countries.

## What went well

The rollback took ten minutes.

## What went poorly

The alert fired 10 minutes after the deploy.

## Where we got lucky

It happened on a quiet afternoon.

## Action items

| Action | Owner | Due | Ticket | Done |
| --- | --- | --- | --- | --- |
| Add a test for every EU VAT rate | bruno | 2026-12-10 | https://tickets.example.com/OPS-4800 |  |
| Alert on checkout 5xx within 2 minutes | dev | 2026-12-15 |  | yes |
`;

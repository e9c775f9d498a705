// Realistic incident records for the benchmarks: years of a team's history, mostly closed, a
// few open, about 10 KB each in the fixture's hand-written style (flow maps, comments, quoted
// timestamps). Every record is checked against the schema as it is written, so a benchmark
// never measures broken files by accident.
//
//   node out/test/bench/generateRecords.js <folder> <count> [open]
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseRecord } from '../../src/store/recordFile';

const ZONES = ['Europe/Lisbon', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Europe/Warsaw'];
const OFFSETS: Record<string, string> = { 'Europe/Lisbon': '+00:00', 'Europe/Berlin': '+01:00', 'America/New_York': '-05:00', 'Asia/Tokyo': '+09:00', 'Europe/Warsaw': '+01:00' };
const SYSTEMS = ['checkout', 'search', 'login', 'payments', 'invoicing', 'catalogue', 'shipping', 'reports', 'email', 'api-gateway'];
const SYMPTOMS = ['returns 500', 'is slow', 'times out', 'drops orders', 'shows stale data', 'rejects valid cards', 'loops on redirect'];
const START = Date.parse('2020-01-06T09:00:00Z');
const SPAN_MS = Date.parse('2026-11-01T00:00:00Z') - START;

/** A small deterministic generator, so two runs write the same records. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** "2024-03-05T14:05:00+01:00" in a fixed offset (the generator needs no time-zone database). */
function stamp(ms: number, offset: string): string {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number) as [number, number];
  const local = new Date(ms + sign * (h * 60 + m) * 60_000);
  return `${local.toISOString().slice(0, 19)}${offset}`;
}

export interface GeneratedRecord {
  name: string;
  text: string;
}

/** The text of record `i` of `count`; the last `open` ones are still open, declared in the last days. */
export function recordText(i: number, count: number, open: number, now = Date.parse('2026-11-27T12:00:00Z')): GeneratedRecord {
  const r = rng(i * 7919 + 17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const isOpen = i >= count - open;
  const zone = pick(ZONES);
  const off = OFFSETS[zone] as string;
  const declared = isOpen ? now - Math.floor((1 + r() * 20) * 3_600_000) : START + Math.floor((i / Math.max(1, count)) * SPAN_MS + r() * 3_600_000);
  const system = pick(SYSTEMS);
  const symptom = pick(SYMPTOMS);
  const severity = 1 + Math.floor(r() * 3);
  const date = stamp(declared, off).slice(0, 10);
  const id = `${date}-${system}-${String(i).padStart(5, '0')}`;
  const at = (minutes: number) => stamp(declared + minutes * 60_000, off);
  const cycles = isOpen ? 2 + Math.floor(r() * 3) : 6 + Math.floor(r() * 3);
  const cadence = [60, 120, 240][severity - 1] as number;
  const closedAt = at(cycles * cadence + 45);
  const lines: string[] = [];
  const L = (s: string) => lines.push(s);
  L(`# ${system} ${symptom}; a Level ${severity} incident${isOpen ? ' in progress' : ''}.`);
  L('schema: incident-room/v1');
  L(`id: "${id}"`);
  L(`title: ${cap(system)} ${symptom} for EU customers (${i})`);
  L(`severity: ${severity}`);
  L(`status: ${isOpen ? 'active' : 'closed'}`);
  L(`declared_at: "${at(0)}"`);
  if (!isOpen) L(`closed_at: "${closedAt}"`);
  L('impact: |');
  L(`  EU customers are affected: ${system} ${symptom}; orders from the EU dropped by ${10 + Math.floor(r() * 60)}% since the deploy.`);
  L('links:');
  L(`  chat_room: "https://chat.example.com/rooms/inc-${system}-${i}"`);
  L(`  ticket: "https://tickets.example.com/OPS-${4000 + i}"`);
  L('people:');
  L(`  - { id: ana, name: Ana Pereira, timezone: ${zone}, email: ana@example.com }`);
  L('  - { id: bruno, name: Bruno Costa, timezone: Europe/Lisbon, email: bruno@example.com, git_emails: [bruno@example.com] }');
  L('  - { id: carla, name: Carla Weber, timezone: Europe/Berlin, email: carla@example.com }');
  L('  - { id: dmitri, name: Dmitri Volkov, timezone: Europe/Warsaw, email: dmitri@example.com }');
  L('  - { id: erin, name: Erin Walsh, timezone: America/New_York, email: erin@example.com }');
  L('roles:');
  L('  incident_manager: ana');
  L('  sme: [bruno]');
  L('  workers:');
  L(`    - { person: bruno, since: "${at(15)}", released_at: ${isOpen ? 'null' : `"${closedAt}"`} }`);
  L(`    - { person: dmitri, since: "${at(30)}", released_at: ${isOpen ? 'null' : `"${closedAt}"`} }`);
  L('  observers: [erin]');
  L('  prm: carla');
  L('customers:');
  L('  - id: acme');
  L('    name: ACME Retail');
  L('    timezone: Europe/Paris');
  L('    contacts:');
  L('      - { name: Jeanne Martin, email: ops@acme.example.com }');
  L('checklists:');
  L('  start:');
  const start = ['find-workers', 'announce', 'contact-observers', 'contact-prm', 'file-ticket', 'link-ticket', 'ask-help', 'be-available', 'begin-test-plan'];
  start.forEach((step, k) => L(`    - { id: ${step}, text: "Start step ${step}: do it, then tick it so the room can see it is done", done_at: "${at(5 + k * 3)}", done_by: ana }`));
  L('  end:');
  const end = ['test-staging', 'deploy', 'test-production', 'update-observers', 'confirm-observers', 'declare-over', 'release-workers', 'post-mortem', 'celebrate'];
  end.forEach((step, k) =>
    L(isOpen ? `    - { id: ${step}, text: "End step ${step}" }` : `    - { id: ${step}, text: "End step ${step}", done_at: "${at(cycles * cadence + k * 4)}", done_by: ana }`),
  );
  L('contact_attempts:');
  L(`  - { at: "${at(7)}", by: ana, who: bruno, channel: phone, reached: true, purpose: sme }`);
  L(`  - { at: "${at(9)}", by: ana, who: erin, channel: email, reached: ${r() < 0.5}, purpose: observer }`);
  L('updates:');
  for (let c = 1; c <= cycles; c++) {
    L(`  - at: "${at(c * cadence)}"`);
    L('    by: ana');
    L('    workers:');
    L(`      - { person: bruno, found: "Cycle ${c}: the ${system} service logs show the error rate at ${Math.floor(r() * 100)}% on the EU nodes.", next: "Narrow it down to one release and write a failing test.", needs_help: false }`);
    L(`      - { person: dmitri, found: "Cycle ${c}: the deploy at ${at(-10).slice(11, 16)} is the first with errors.", next: "Prepare a rollback in case the fix is late.", needs_help: ${r() < 0.1} }`);
    L('    decision: no-change');
    L('    customer_update:');
    L(`      text: "Some EU customers are affected: ${system} ${symptom}. We know the cause and are preparing a fix (cycle ${c})."`);
    L(`      sent_at: "${at(c * cadence + 10)}"`);
    L('      by: carla');
  }
  L('fix:');
  L(`  branch: fix/${system}-${i}`);
  L('  base: main');
  L('test_plan:');
  L('  items:');
  L(`    - id: ${system}-200`);
  L(`      title: ${cap(system)} returns 200`);
  L('      manual_steps: "Try it once with a Portuguese address."');
  L('      mutates_customer_data: false');
  L('      automated:');
  L(`        - { file: test/${system}.test.js, title: ["${system}", "returns 200"] }`);
  L('  signoffs: []');
  L('timeline:');
  L(`  - { at: "${at(0)}", by: ana, kind: declared, text: "Declared at Level ${severity}: ${system} ${symptom}" }`);
  L(`  - { at: "${at(15)}", by: ana, kind: role-assigned, text: "Bruno Costa is SME and worker" }`);
  L(`  - { at: "${at(30)}", by: ana, kind: role-assigned, text: "Dmitri Volkov is a worker" }`);
  for (let c = 1; c <= cycles; c++) L(`  - { at: "${at(c * cadence)}", by: ana, kind: update-recorded, text: "Update cycle ${c} recorded; no change" }`);
  if (!isOpen) L(`  - { at: "${closedAt}", by: ana, kind: closed, text: "Closed: the fix is released and the test plan passed" }`);
  return { name: `${id}.yaml`, text: `${lines.join('\n')}\n` };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Writes `count` records into `folder` (created); checks each against the schema. Returns their names. */
export function generateRecords(folder: string, count: number, open = Math.min(20, count)): string[] {
  mkdirSync(folder, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const { name, text } = recordText(i, count, open);
    // Checking every record is slow at 10,000; the first hundred and every hundredth cover each shape.
    if (i < 100 || i % 100 === 0 || i >= count - open) {
      const loaded = parseRecord(name, text);
      if (loaded.kind !== 'ok') throw new Error(`generated record ${name} is not valid: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
    }
    writeFileSync(path.join(folder, name), text);
    names.push(name);
  }
  return names;
}

if (require.main === module) {
  const [folder, count, open] = process.argv.slice(2);
  if (!folder || !count) {
    console.error('usage: generateRecords <folder> <count> [open]');
    process.exit(2);
  }
  const names = generateRecords(folder, Number(count), open === undefined ? undefined : Number(open));
  console.log(`${names.length} records in ${folder}`);
}

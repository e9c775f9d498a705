// Real fixture projects in temp folders: git repositories made with simple-git, and test
// suites run by the project's own mocha, node:test and jest.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';
import type { RecordEdit } from '../../../src/model/edits';
import { LEVEL_TABLE } from '../../../src/model/levels';
import type { Incident, TestRef } from '../../../src/model/record';

const made: string[] = [];

/** A temp folder removed by cleanupTemp(); real path, so runners' paths match. */
export function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `ir-${prefix}-`)));
  made.push(dir);
  return dir;
}

export function cleanupTemp(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Mocha hooks for a suite that signs evidence: the evidence key goes to a private state home
 * (never the person's own), restored afterwards, and the suite's temp folders are removed.
 */
export function withPrivateStateHome(): void {
  const saved = process.env.XDG_STATE_HOME;
  before(() => {
    process.env.XDG_STATE_HOME = tempDir('state');
  });
  after(() => {
    if (saved === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = saved;
    cleanupTemp();
  });
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

// Resolved from the project root at test time, so fixtures use the project's own runners.
const root = process.cwd();
export const MOCHA_BIN = require.resolve('mocha/bin/mocha.js', { paths: [root] });
export const JEST_BIN = require.resolve('jest/bin/jest', { paths: [root] });

export const mochaVersion = (): string => (require(require.resolve('mocha/package.json', { paths: [root] })) as { version: string }).version;
export const jestVersion = (): string => (require(require.resolve('jest/package.json', { paths: [root] })) as { version: string }).version;

/** Runners' plain commands, as the command contract wants them: Incident Room adds its reporter. */
export function mochaCommand(...extra: string[]): string[] {
  return [process.execPath, MOCHA_BIN, ...extra];
}

export function nodeTestCommand(files: string[], ...extra: string[]): string[] {
  return [process.execPath, '--test', ...extra, ...files];
}

export function jestCommand(...extra: string[]): string[] {
  return [process.execPath, JEST_BIN, '--ci', '--watchman=false', ...extra];
}

export const AUTHOR = { name: 'Bruno Costa', email: 'bruno@example.com' };
export const IM_AUTHOR = { name: 'Ana Pereira', email: 'Ana.Pereira@Example.com' };

/** A repository on branch main with the files committed. */
export async function initRepo(dir: string, files: Record<string, string>): Promise<void> {
  const g = simpleGit(dir);
  await g.init(['-b', 'main']);
  await g.addConfig('user.name', AUTHOR.name);
  await g.addConfig('user.email', AUTHOR.email);
  await g.addConfig('commit.gpgsign', 'false');
  writeFiles(dir, { '.gitignore': 'node_modules\n', ...files });
  await g.add('.');
  await g.commit('initial');
}

export async function commitFiles(dir: string, files: Record<string, string>, message: string, author = AUTHOR): Promise<string> {
  writeFiles(dir, files);
  const g = simpleGit(dir);
  await g.add(Object.keys(files));
  await g.commit(message, undefined, { '--author': `${author.name} <${author.email}>` });
  return (await g.revparse(['HEAD'])).trim();
}

export const CHECKOUT_TEST = `
const assert = require('node:assert/strict');
describe('EU VAT', () => {
  it('returns 200', () => { assert.equal(200, 200); });
  it('adds VAT', () => { assert.equal(Math.round(100 * 1.23), 123); });
});
`;

export const NOW = new Date('2026-11-28T12:00:00Z');

export function ref(file: string, ...title: string[]): TestRef {
  return { file, title };
}

/** A Level 2 incident ready to close except for the tests: plan executed and signed, checklist done. */
export function readyIncident(linked: TestRef[], over: Partial<Incident> = {}): Incident {
  const done = { done_at: '2026-11-28T09:00:00Z', done_by: 'ana' };
  return {
    schema: 'incident-room/v1',
    id: '2026-11-27-checkout-5xx',
    title: 'Checkout returns 500 for EU customers',
    severity: 2,
    status: 'active',
    declared_at: '2026-11-27T14:05:00+01:00',
    impact: 'EU customers cannot pay.',
    people: [
      { id: 'ana', name: 'Ana Pereira', timezone: 'Europe/Lisbon', email: 'ana@example.com', git_emails: ['ana.pereira@example.com'] },
      { id: 'bruno', name: 'Bruno Costa', timezone: 'Europe/Lisbon', email: 'bruno@example.com' },
      { id: 'carla', name: 'Carla Dias', timezone: 'Europe/Lisbon' },
    ],
    roles: { incident_manager: 'ana', workers: [{ person: 'bruno', since: '2026-11-27T14:10:00+01:00', released_at: null }], prm: 'carla' },
    checklists: {
      start: LEVEL_TABLE[2].start.map((s) => ({ id: s.id, text: s.text, ...done })),
      end: LEVEL_TABLE[2].end.map((s) => ({ id: s.id, text: s.text, ...(s.beforeClose ? done : { done_at: null, done_by: null }) })),
    },
    fix: { branch: 'fix/eu-vat', base: 'main' },
    test_plan: {
      items: [
        {
          id: 'eu-checkout-200',
          title: 'EU checkout returns 200',
          mutates_customer_data: false,
          automated: linked,
          results: [
            { env: 'staging', outcome: 'pass', by: 'bruno', at: '2026-11-28T10:00:00+01:00' },
            { env: 'production', outcome: 'pass', by: 'bruno', at: '2026-11-28T11:00:00+01:00' },
          ],
        },
      ],
      signoffs: [
        { person: 'ana', role: 'incident_manager', at: '2026-11-28T11:30:00+01:00' },
        { person: 'bruno', role: 'worker', at: '2026-11-28T11:31:00+01:00' },
      ],
    },
    timeline: [{ at: '2026-11-27T14:05:00+01:00', by: 'ana', kind: 'declared', text: 'Declared' }],
    ...over,
  };
}

/** Applies edits to a plain copy of the record, as the store does to the YAML document. */
export function applyEdits<T>(record: T, edits: readonly RecordEdit[]): T {
  const copy = structuredClone(record) as unknown as Record<string | number, unknown>;
  for (const e of edits) {
    const parent = e.path.slice(0, -1).reduce<Record<string | number, unknown>>((o, k, i) => {
      if (o[k] === undefined) o[k] = typeof e.path[i + 1] === 'number' ? [] : {};
      return o[k] as Record<string | number, unknown>;
    }, copy);
    const last = e.path[e.path.length - 1] as string | number;
    if (e.op === 'set') parent[last] = structuredClone(e.value);
    else if (e.op === 'append') {
      if (!Array.isArray(parent[last])) parent[last] = [];
      (parent[last] as unknown[]).push(structuredClone(e.value));
    } else if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  }
  return copy as unknown as T;
}

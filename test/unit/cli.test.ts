import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMANDS, main, type CliIo } from '../../src/cli';

const CLI = path.join(__dirname, '../../src/cli.js');

function record(id: string, opts: { severity?: number; status?: string; declared?: string; title?: string; closedAt?: string } = {}): string {
  return [
    'schema: incident-room/v1',
    `id: "${id}"`,
    `title: ${opts.title ?? `Title of ${id}`}`,
    `severity: ${opts.severity ?? 2}`,
    `status: ${opts.status ?? 'active'}`,
    `declared_at: "${opts.declared ?? '2026-11-27T10:00:00Z'}"`,
    ...(opts.closedAt ? [`closed_at: "${opts.closedAt}"`] : []),
    'impact: something',
    'roles:',
    '  incident_manager: ana',
    'checklists:',
    '  start: []',
    '  end: []',
    'timeline: []',
    '',
  ].join('\n');
}

interface Captured {
  io: CliIo;
  out: string[];
  err: string[];
}

function capture(cwd: string, now = new Date('2026-11-27T12:30:00Z')): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { cwd, out: (l) => out.push(l), err: (l) => err.push(l), now: () => now } };
}

describe('cli: incident-room', () => {
  let dir: string;
  let folder: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-cli-'));
    folder = path.join(dir, '.incidents');
    fs.mkdirSync(folder);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('validate', () => {
    it('prints file:line:col message for each problem, relative to the working directory, and exits 1', async () => {
      fs.writeFileSync(path.join(folder, 'a.yaml'), record('a'));
      fs.writeFileSync(path.join(folder, 'b.yaml'), record('b').replace('severity: 2', 'severity: 7').replace('title: Title of b', 'title: [x]'));
      fs.writeFileSync(path.join(folder, 'c.yaml'), 'id: c\n\tfoo: 1\n');
      const c = capture(dir);
      assert.equal(await main(['validate'], c.io), 1);
      assert.deepEqual(c.out, [
        `${path.join('.incidents', 'b.yaml')}:3:8 title must be a string, not a list`,
        `${path.join('.incidents', 'b.yaml')}:4:11 severity must be 1, 2 or 3`,
        `${path.join('.incidents', 'c.yaml')}:2:1 Tabs are not allowed as indentation`,
        '3 records, 2 broken',
      ]);
    });

    it('exits 0 when every record is valid, and takes a folder argument', async () => {
      const other = path.join(dir, 'records');
      fs.mkdirSync(other);
      fs.writeFileSync(path.join(other, 'a.yaml'), record('a'));
      fs.writeFileSync(path.join(folder, 'broken.yaml'), '');
      const c = capture(dir);
      assert.equal(await main(['validate', 'records'], c.io), 0);
      assert.deepEqual(c.out, ['1 record, 0 broken']);
    });

    it('a folder that does not exist, or a regular file, is an error (exit 2), not "0 records"', async () => {
      const missing = capture(path.join(dir, 'elsewhere'));
      assert.equal(await main(['validate'], missing.io), 2);
      assert.deepEqual(missing.out, []);
      assert.match(missing.err.join('\n'), /no records folder at .*elsewhere/);
      fs.writeFileSync(path.join(dir, 'a-file.yaml'), record('a'));
      const file = capture(dir);
      assert.equal(await main(['validate', 'a-file.yaml'], file.io), 2);
      assert.match(file.err.join('\n'), /a-file\.yaml is not a folder/);
    });
  });

  describe('status', () => {
    beforeEach(() => {
      fs.writeFileSync(path.join(folder, '1.yaml'), record('closed-one', { severity: 1, status: 'closed', declared: '2026-11-20T10:00:00Z', closedAt: '2026-11-20T13:15:00Z' }));
      fs.writeFileSync(path.join(folder, '2.yaml'), record('l3', { severity: 3, declared: '2026-11-27T09:00:00Z' }));
      fs.writeFileSync(path.join(folder, '3.yaml'), record('l2-late', { severity: 2, declared: '2026-11-27T12:00:00+01:00' }));
      fs.writeFileSync(path.join(folder, '4.yaml'), record('l2-early', { severity: 2, declared: '2026-11-27T10:30:00+00:00' }));
      fs.writeFileSync(path.join(folder, '5.yaml'), record('l1', { severity: 1, status: 'fix-released-awaiting-tests', declared: '2026-11-24T12:00:00Z' }));
    });

    it('lists the open incidents by level, then by declaration instant, and counts the closed ones', async () => {
      const c = capture(dir);
      assert.equal(await main(['status'], c.io), 0);
      assert.deepEqual(c.out.join('\n').split('\n'), [
        'ID        LEVEL  STATUS                       AGE     TITLE',
        'l1        L1     fix-released-awaiting-tests  3d 0h   Title of l1',
        'l2-early  L2     active                       2h 00m  Title of l2-early',
        'l2-late   L2     active                       1h 30m  Title of l2-late',
        'l3        L3     active                       3h 30m  Title of l3',
        '1 closed incident (--all lists them)',
      ]);
    });

    it('--all lists open incidents first, then by level, then by declaration instant', async () => {
      const c = capture(dir);
      assert.equal(await main(['status', '--all'], c.io), 0);
      assert.deepEqual(c.out[0]!.split('\n'), [
        'ID          LEVEL  STATUS                       AGE     TITLE',
        'l1          L1     fix-released-awaiting-tests  3d 0h   Title of l1',
        'l2-early    L2     active                       2h 00m  Title of l2-early',
        'l2-late     L2     active                       1h 30m  Title of l2-late',
        'l3          L3     active                       3h 30m  Title of l3',
        'closed-one  L1     closed                       3h 15m  Title of closed-one',
      ]);
    });

    it('--json gives the same order as data, and lists broken records separately', async () => {
      fs.writeFileSync(path.join(folder, '6.yaml'), '<<<<<<< HEAD\nid: x\n=======\nid: y\n>>>>>>> other\n');
      const c = capture(dir);
      assert.equal(await main(['status', '--json', '--all'], c.io), 0);
      const data = JSON.parse(c.out.join('\n')) as { incidents: { id: string; level: number; age_ms: number }[]; closed: number; broken: { file: string; reason: string }[] };
      assert.deepEqual(data.incidents.map((i) => i.id), ['l1', 'l2-early', 'l2-late', 'l3', 'closed-one']);
      assert.equal(data.closed, 1);
      const open = capture(dir);
      assert.equal(await main(['status', '--json'], open.io), 0);
      assert.deepEqual((JSON.parse(open.out.join('\n')) as typeof data).incidents.map((i) => i.id), ['l1', 'l2-early', 'l2-late', 'l3']);
      assert.equal(data.incidents[1]!.age_ms, 2 * 3600_000);
      assert.deepEqual(data.broken.map((b) => [b.file, b.reason]), [[path.join('.incidents', '6.yaml'), 'conflict']]);
    });
  });

  describe('usage', () => {
    it('an unknown command or none prints usage on stderr and exits 2', async () => {
      for (const argv of [['frobnicate'], []]) {
        const c = capture(dir);
        assert.equal(await main(argv, c.io), 2);
        assert.equal(c.out.length, 0);
        assert.match(c.err.join('\n'), /Usage: incident-room <command>/);
      }
      const c = capture(dir);
      assert.equal(await main(['status', '--bogus'], c.io), 2);
      assert.match(c.err[0]!, /unknown option --bogus/);
    });

    it('--help prints the list of commands on stdout and exits 0', async () => {
      const c = capture(dir);
      assert.equal(await main(['--help'], c.io), 0);
      for (const name of Object.keys(COMMANDS)) assert.match(c.out.join('\n'), new RegExp(`^  ${name} `, 'm'));
    });

    it('every command\'s --help (and help <command>) prints its own usage and options, exits 0, and names no source file', async () => {
      for (const name of Object.keys(COMMANDS)) {
        for (const argv of [[name, '--help'], [name, '-h'], ['help', name]]) {
          const c = capture(dir);
          assert.equal(await main(argv, c.io), 0, `${argv.join(' ')}: ${c.err.join('\n')}`);
          const text = c.out.join('\n');
          assert.match(text, new RegExp(`^Usage: incident-room ${name} `), argv.join(' '));
          assert.match(text, /^ {2}-h, --help/m);
          assert.doesNotMatch(text, /\bsrc\/|\.ts\b|\.js\b/, `${argv.join(' ')} points at a source file`);
          assert.equal(c.err.length, 0);
        }
      }
      const gate = capture(dir);
      await main(['gate', '--help'], gate.io);
      for (const option of ['--run', '--json', '--folder', '--public-log', '--command', '--timeout']) assert.match(gate.out.join('\n'), new RegExp(`^ {2}${option}\\b`, 'm'));
    });

    it('a missing or surplus argument, an option without its value and an unknown option exit 2 with the command\'s usage', async () => {
      const cases: [string[], RegExp][] = [
        [['gate'], /missing <id>/],
        [['gate', 'a', 'b'], /unexpected argument "b"/],
        [['gate', 'a', '--timeout'], /--timeout needs a value/],
        [['status', '--json=yes'], /--json takes no value/],
        [['validate', '--frob'], /unknown option --frob/],
      ];
      for (const [argv, message] of cases) {
        const c = capture(dir);
        assert.equal(await main(argv, c.io), 2, argv.join(' '));
        assert.equal(c.out.length, 0);
        assert.match(c.err[0]!, message);
        assert.match(c.err[1]!, new RegExp(`^Usage: incident-room ${argv[0]} `));
      }
    });

    it('commands come from one table another module can extend', async () => {
      assert.deepEqual(Object.keys(COMMANDS).sort(), ['gate', 'help', 'merge-driver', 'note', 'report', 'setup-git', 'status', 'validate']);
    });
  });

  describe('as a program', () => {
    function run(args: string[]) {
      return spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
    }

    it('exits 0 for valid records and 1 for broken ones, printing positions', () => {
      fs.writeFileSync(path.join(folder, 'a.yaml'), record('a'));
      let r = run(['validate']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '1 record, 0 broken\n');

      fs.writeFileSync(path.join(folder, 'b.yaml'), record('b').replace('id: "b"', 'id: 0123'));
      r = run(['validate']);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, `${path.join('.incidents', 'b.yaml')}:2:5 id must be a string, not a number; put the value in quotes\n2 records, 1 broken\n`);
    });

    it('gate --help exits 0 with the usage on stdout', () => {
      const r = run(['gate', '--help']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^Usage: incident-room gate <id>/);
    });

    it('exits 2 with usage for an unknown command', () => {
      const r = run(['nope']);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /unknown command "nope"/);
    });
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../src/cli';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/workspace/.incidents');
const CHECKOUT = '2026-11-26-checkout-5xx';

function capture(cwd: string, now = new Date('2026-11-27T09:00:00Z')) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd, out: (l) => out.push(l), err: (l) => err.push(l), now: () => now };
  return { io, out, err };
}

describe('cli: incident-room note and report', () => {
  let dir: string;
  let folder: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-story-cli-'));
    folder = path.join(dir, '.incidents');
    fs.cpSync(FIXTURES, folder, { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('note adds a note before the declaration with its kind, keeps the record\'s comments, and says so', async () => {
    const c = capture(dir);
    const code = await main(['note', CHECKOUT, 'Deploy 4711 went out', '--at', '2026-11-26 13:30', '--by', 'dmitri', '--kind', 'other'], c.io);
    assert.equal(code, 0, c.err.join('\n'));
    assert.deepEqual(c.out, [`${CHECKOUT}: note added at 2026-11-26T13:30:00+01:00 by dmitri`]);
    const text = fs.readFileSync(path.join(folder, `${CHECKOUT}.yaml`), 'utf8');
    assert.ok(text.startsWith('# Checkout outage for EU customers'), 'the comment at the top was lost');
    assert.match(text, /text: Deploy 4711 went out/);
    assert.match(text, /note_kind: other/);
    assert.match(text, /at: "?2026-11-26T13:30:00\+01:00"?/);
    const report = capture(dir);
    assert.equal(await main(['report', '--json'], report.io), 0);
    const parsed = JSON.parse(report.out.join('\n'));
    // The story now starts 35 minutes before the declaration at 14:05.
    assert.equal(parsed.levels.find((l: { level: number }) => l.level === 2).toDeclare.medianMs, 35 * 60_000);
  });

  it('note refuses a future time and an unknown kind, and names a missing incident', async () => {
    const future = capture(dir);
    assert.equal(await main(['note', CHECKOUT, 'later', '--at', '2026-11-28T10:00:00Z', '--by', 'ana'], future.io), 1);
    assert.match(future.err.join('\n'), /in the future/);
    const kind = capture(dir);
    assert.equal(await main(['note', CHECKOUT, 'x', '--kind', 'rumour', '--by', 'ana'], kind.io), 2);
    assert.match(kind.err.join('\n'), /--kind must be one of detection, mitigation, resolution, decision, other/);
    const missing = capture(dir);
    assert.equal(await main(['note', 'nope', 'x', '--by', 'ana'], missing.io), 2);
    assert.match(missing.err.join('\n'), /no incident with id "nope"/);
    const bad = capture(dir);
    assert.equal(await main(['note', CHECKOUT, 'x', '--colour', 'red'], bad.io), 2);
  });

  it('report prints the figures of the records, and --since filters', async () => {
    const c = capture(dir);
    assert.equal(await main(['report'], c.io), 0);
    const text = c.out.join('\n');
    assert.match(text, /^# Incident report/);
    assert.match(text, /All incidents: 2\./);
    assert.match(text, /\| Level 2 \| 1 \| 0m \/ 0m \(n=1\) \| — \| — \|/);
    assert.match(text, /Fix released without tests: 2026-11-20-slow-search/);
    const since = capture(dir);
    assert.equal(await main(['report', '--since', '2026-11-25', '--json'], since.io), 0);
    assert.equal(JSON.parse(since.out.join('\n')).total, 1);
    const bad = capture(dir);
    assert.equal(await main(['report', '--since', 'soon'], bad.io), 2);
  });

  it('each subcommand has its own --help that exits 0', async () => {
    for (const name of ['note', 'report']) {
      const c = capture(dir);
      assert.equal(await main([name, '--help'], c.io), 0);
      assert.match(c.out.join('\n'), new RegExp(`^Usage: incident-room ${name}`));
    }
  });
});

// "Byte for byte": after any edit, only the lines carrying the changed values differ, whatever the
// file's style. Each case is a style the serializer would lay out differently.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import type { RecordEdit } from '../../src/model/edits';
import { IncidentStore } from '../../src/store/incidentStore';
import { editText } from '../../src/store/recordEditor';

function edited(text: string, edits: RecordEdit[]): string {
  return editText(text, parseDocument(text), edits);
}

/** The lines of b that are not at the same place in a, when a and b have the same number of lines; else every line of b that a does not have. */
function changedLines(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  if (x.length === y.length) return y.filter((l, i) => l !== x[i]);
  const have = new Map<string, number>();
  for (const l of x) have.set(l, (have.get(l) ?? 0) + 1);
  return y.filter((l) => {
    const n = have.get(l) ?? 0;
    if (n === 0) return true;
    have.set(l, n - 1);
    return false;
  });
}

const tick: RecordEdit[] = [{ op: 'set', path: ['checklists', 'start', 0, 'done_at'], value: '2026-11-27T15:00:00Z' }];

const STYLES: Record<string, string> = {
  'a folded scalar': 'impact: >\n  EU customers cannot pay;\n  orders drop.\n\n  Second paragraph.\n',
  'a multi-line plain scalar': 'impact: EU customers cannot pay;\n  orders drop by 40%\n  since 13:40.\n',
  'a multi-line flow map': 'links: { chat_room: "https://chat.example/room",\n         ticket: TCK-1 }\n',
  'a long line the serializer would fold': `title: ${'word '.repeat(40).trim()}\n`,
  'odd spacing and quoting': "severity:    2\nstatus:   'active'\nowner:   \"team\"   # who\n",
};

describe('store: edits keep the file byte for byte', () => {
  for (const [name, head] of Object.entries(STYLES)) {
    it(`an unrelated edit leaves ${name} untouched`, () => {
      const text = `${head}checklists:\n  start:\n    - id: a\n      done_at: null\n`;
      const out = edited(text, tick);
      assert.deepEqual(changedLines(text, out), ['      done_at: "2026-11-27T15:00:00Z"']);
    });
  }

  it('keeps non-default indentation (4 spaces, unindented sequences) and appends in the same style', () => {
    const text = 'checklists:\n    start:\n    -   id: a\n        done_at: null\ntimeline:\n-   at: "2026-11-27T14:00:00Z"\n    kind: declared\n';
    const out = edited(text, [...tick, { op: 'append', path: ['timeline'], value: { at: '2026-11-27T15:00:00Z', kind: 'note' } }]);
    assert.deepEqual(changedLines(text, out), ['        done_at: "2026-11-27T15:00:00Z"', '-   at: "2026-11-27T15:00:00Z"', '    kind: note']);
    assert.equal(out.slice(0, text.indexOf('done_at')), text.slice(0, text.indexOf('done_at')));
    assert.deepEqual((parseDocument(out).toJS() as { timeline: unknown[] }).timeline.length, 2);
  });

  it('a tick in a 5,000-entry record whose every line the serializer would change rewrites one line', () => {
    let text = 'checklists:\n  start:\n    - {id: a,   done_at: null}\ntimeline:\n';
    for (let i = 0; i < 5000; i++) text += `  - {at: "2026-11-27T14:00:00Z",   by: ana, kind: note, text: 'entry ${i}'}\n`;
    const out = edited(text, [{ op: 'set', path: ['checklists', 'start', 0, 'done_at'], value: '2026-11-27T15:00:00Z' }]);
    assert.deepEqual(changedLines(text, out), ['    - {id: a,   done_at: "2026-11-27T15:00:00Z"}']);
  });

  it('new keys and new items meeting at the end of the file each land in their own collection', () => {
    const text = 'id: a\ntimeline:\n  - { kind: declared }\n';
    const out = edited(text, [
      { op: 'append', path: ['questions'], value: 'Since when?' },
      { op: 'append', path: ['timeline'], value: { kind: 'note' } },
      { op: 'set', path: ['fix', 'branch'], value: 'fix/x' },
    ]);
    assert.deepEqual(parseDocument(out).toJS(), { id: 'a', timeline: [{ kind: 'declared' }, { kind: 'note' }], questions: ['Since when?'], fix: { branch: 'fix/x' } });
    assert.ok(out.startsWith(text), 'what was there is untouched');
  });

  it('keeps Windows line endings on new lines too', () => {
    const text = 'id: a\r\ntimeline:\r\n  - kind: declared\r\n';
    const out = edited(text, [{ op: 'append', path: ['timeline'], value: { kind: 'note', text: 'two' } }]);
    assert.equal(out, 'id: a\r\ntimeline:\r\n  - kind: declared\r\n  - kind: note\r\n    text: two\r\n');
  });

  it('overwrites a folded scalar in its own style, changing only its lines', () => {
    const text = 'impact: >\n  old text\ntitle: x\n';
    const out = edited(text, [{ op: 'set', path: ['impact'], value: 'new text\n' }]);
    assert.equal(out, 'impact: >\n  new text\ntitle: x\n');
  });

  it('refuses, with the reason, an edit it cannot make in place instead of rewriting the file', () => {
    const text = 'list:\n  - - a\n    - b\n';
    assert.throws(() => edited(text, [{ op: 'delete', path: ['list', 0, 0] }]), /in place|by hand/);
  });

  it('keeps a UTF-8 byte order mark through an update', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-bom-'));
    try {
      const file = path.join(dir, 'inc.yaml');
      const body = fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/workspace/.incidents/2026-11-26-checkout-5xx.yaml'));
      fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]));
      await new IncidentStore(dir).update(file, () => [{ op: 'set', path: ['title'], value: 'Checkout fails' }]);
      const after = fs.readFileSync(file);
      assert.deepEqual([...after.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the BOM is still there');
      assert.deepEqual(changedLines(body.toString('utf8'), after.subarray(3).toString('utf8')), ['title: Checkout fails']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Several edits in one write whose insertions land at the same place in the text: each must end
// up inside the node it was meant for, whatever order the edits come in.
import assert from 'node:assert/strict';
import { parse, parseDocument } from 'yaml';
import type { RecordEdit } from '../../src/model/edits';
import { editText } from '../../src/store/recordEditor';

function edited(source: string, edits: RecordEdit[]): unknown {
  const text = editText(source, parseDocument(source), edits);
  return parse(text);
}

describe('store: edits that insert at the same offset', () => {
  const run = { id: 'r1', tests: [], command: ['npx', 'mocha'] };
  const entry = { at: '2026-11-27T10:00:00Z', by: 'ana' };
  const sources: Record<string, string> = {
    'last key is a block list': 'a: 1\ntimeline:\n  - at: x\n    by: ana\n',
    'last key is an empty flow list': 'a: 1\ntimeline: []\n',
    'last key is a block list, no final newline': 'a: 1\ntimeline:\n  - at: x',
    'last key is a list inside a map': 'a: 1\nplan:\n  items:\n    - id: one\n',
  };

  for (const [name, source] of Object.entries(sources)) {
    it(`a new key and an append to the last key's list, in either order (${name})`, () => {
      const listPath = name.includes('inside') ? ['plan', 'items'] : ['timeline'];
      const before = parse(source) as Record<string, unknown>;
      const expected = structuredClone(before) as Record<string, any>;
      expected.test_runs = [run];
      let list = expected;
      for (const key of listPath.slice(0, -1)) list = list[key];
      const last = listPath[listPath.length - 1]!;
      list[last] = [...(list[last] ?? []), entry];
      const newKey: RecordEdit = { op: 'append', path: ['test_runs'], value: run };
      const append: RecordEdit = { op: 'append', path: listPath, value: entry };
      assert.deepEqual(edited(source, [newKey, append]), expected);
      assert.deepEqual(edited(source, [append, newKey]), expected);
    });
  }
});

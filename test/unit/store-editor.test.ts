import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import type { RecordEdit } from '../../src/model/edits';
import { applyEdits, editText, formatOptionsFor, mustQuote, RecordEditError } from '../../src/store/recordEditor';

function edited(text: string, edits: RecordEdit[]): string {
  return editText(text, parseDocument(text), edits);
}

describe('store: editing YAML records', () => {
  it('sets a value, creating missing parent maps in block style', () => {
    const out = edited('id: a\n', [{ op: 'set', path: ['fix', 'branch'], value: 'fix/eu' }]);
    assert.equal(out, 'id: a\nfix:\n  branch: fix/eu\n');
  });

  it('fills a key that is present but empty', () => {
    const out = edited('id: a\nfix:   # to do\n', [{ op: 'set', path: ['fix', 'base'], value: 'main' }]);
    assert.deepEqual(parseDocument(out).toJS(), { id: 'a', fix: { base: 'main' } });
    assert.match(out, /# to do/);
  });

  it('appends to a missing list as a block list, and new items are block mappings', () => {
    const out = edited('id: a\n', [{ op: 'append', path: ['updates'], value: { at: '2026-11-27T14:05:00Z', by: 'ana', workers: [], decision: 'no-change' } }]);
    assert.equal(out, 'id: a\nupdates:\n  - at: "2026-11-27T14:05:00Z"\n    by: ana\n    workers: []\n    decision: no-change\n');
  });

  it('turns an empty flow list into a block list when appending, and keeps a short flow list on one line', () => {
    const out = edited('timeline: []\nsme: [bruno]\n', [
      { op: 'append', path: ['timeline'], value: { kind: 'note' } },
      { op: 'append', path: ['sme'], value: 'carla' },
    ]);
    assert.equal(out, 'timeline:\n  - kind: note\nsme: [bruno, carla]\n');
  });

  it('deletes keys and list items, and ignores a path that is already gone', () => {
    const out = edited('a: 1\nb: [x, y, z]\nc: 3\n', [
      { op: 'delete', path: ['a'] },
      { op: 'delete', path: ['b', 1] },
      { op: 'delete', path: ['nope', 'deeper'] },
    ]);
    assert.equal(out, 'b: [x, z]\nc: 3\n');
  });

  it('overwrites a scalar in place, keeping its comment and the comment column', () => {
    const text = '# head\nseverity: 2        # 1 | 2 | 3\n\nstatus: active  # now\n';
    const out = edited(text, [{ op: 'set', path: ['severity'], value: 3 }]);
    assert.equal(out, '# head\nseverity: 3        # 1 | 2 | 3\n\nstatus: active  # now\n');
  });

  it('sets list items by index', () => {
    const out = edited('steps:\n  - id: a\n    done_at: null\n', [{ op: 'set', path: ['steps', 0, 'done_at'], value: '2026-11-27T14:05:00-05:00' }]);
    assert.equal(out, 'steps:\n  - id: a\n    done_at: "2026-11-27T14:05:00-05:00"\n');
  });

  it('quotes strings another reader would take for numbers, booleans, nulls or dates', () => {
    const values = ['0123', '0123456', '1234567', '1e5', '0x1F', '1_000', 'true', 'yes', 'no', 'on', 'null', '~', '.inf', '2026-11-27', '12:30'];
    const edits: RecordEdit[] = values.map((v, i) => ({ op: 'set', path: [`k${i}`], value: v }));
    const out = edited('id: a\n', edits);
    const back = parseDocument(out).toJS() as Record<string, unknown>;
    values.forEach((v, i) => {
      assert.equal(back[`k${i}`], v, `${v} reads back as the same string`);
      assert.match(out, new RegExp(`^k${i}: "`, 'm'), `${v} is quoted`);
    });
    assert.equal(mustQuote('bruno'), false);
    assert.equal(mustQuote('fix/eu-vat'), false);
  });

  it('keeps a quoted string quoted when it is overwritten with another number-like string', () => {
    const out = edited('sha: "0000001"\nplain: abc\n', [
      { op: 'set', path: ['sha'], value: '7654321' },
      { op: 'set', path: ['plain'], value: '42' },
    ]);
    assert.equal(out, 'sha: "7654321"\nplain: "42"\n');
    assert.deepEqual(parseDocument(out).toJS(), { sha: '7654321', plain: '42' });
  });

  it('refuses to descend into a scalar or past the end of a list', () => {
    const doc = parseDocument('title: x\nlist: [a]\n');
    assert.throws(() => applyEdits(doc, [{ op: 'set', path: ['title', 'sub'], value: 1 }]), RecordEditError);
    assert.throws(() => applyEdits(doc, [{ op: 'set', path: ['list', 5, 'x'], value: 1 }]), RecordEditError);
    assert.throws(() => applyEdits(doc, [{ op: 'append', path: ['title'], value: 1 }]), RecordEditError);
  });

  it('lays out output like the original: sequence indentation and indent width', () => {
    assert.equal(formatOptionsFor('a:\n- x\n').indentSeq, false);
    assert.equal(formatOptionsFor('a:\n  - x\n').indentSeq, true);
    assert.equal(formatOptionsFor('a:\n    b: 1\n').indent, 4);
    const text = 'list:\n- id: a\nother: 1\n';
    assert.equal(edited(text, [{ op: 'append', path: ['list'], value: { id: 'b' } }]), 'list:\n- id: a\n- id: b\nother: 1\n');
  });

  it('changes only the source of the changed value, keeping comment columns and flow spacing', () => {
    const original = 'a: 1      # one\nb: {x: 1}\nc: 3\n';
    assert.equal(edited(original, [{ op: 'set', path: ['c'], value: 4 }]), 'a: 1      # one\nb: {x: 1}\nc: 4\n');
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { parseYamlFile } from '../../src/store/recordFile';
import { recordText } from '../bench/generateRecords';

/** What yaml's own toJS makes of the text: the value a record must have, however it is built. */
function yamlValue(text: string): unknown {
  return parseDocument(text, { uniqueKeys: true, strict: true }).toJS({ maxAliasCount: 100 });
}

function valueOf(text: string): unknown {
  const outcome = parseYamlFile(text);
  assert.ok(outcome.ok, `parses: ${text.slice(0, 60)}`);
  return outcome.parsed.value;
}

function fixtureTexts(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) out.push(...fixtureTexts(p));
    else if (/\.ya?ml$/.test(name)) out.push(fs.readFileSync(p, 'utf8'));
  }
  return out;
}

describe('A record\'s value is what yaml\'s toJS makes of it', () => {
  it('for every fixture and generated record', () => {
    const texts = [...fixtureTexts(path.resolve('test/fixtures')), ...Array.from({ length: 40 }, (_, i) => recordText(i, 40, 5).text)];
    let compared = 0;
    for (const text of texts) {
      const outcome = parseYamlFile(text);
      if (!outcome.ok) continue;
      assert.deepStrictEqual(outcome.parsed.value, yamlValue(text));
      compared++;
    }
    assert.ok(compared >= 40);
  });

  for (const [what, text] of [
    ['anchors and aliases', 'a: &x { b: 1, c: [2, 3] }\nd: *x\ne: [*x, *x]\n'],
    ['keys that are numbers, booleans or empty', '1: one\n2.5: two\ntrue: yes\n~: nothing\n"": empty\n'],
    ['keys an object already answers to', '__proto__: { polluted: true }\ntoString: text\nconstructor: c\nhasOwnProperty: h\n'],
    ['a key that is a list or a map', '? [a, b]\n: list key\n? { c: 1 }\n: map key\n'],
    ['flow and block scalars, nulls and numbers', 'a: |\n  two\n  lines\nb: >-\n  folded\n  text\nc: ~\nd:\ne: 0x1F\nf: .inf\ng: -0.5e3\nh: "0123"\ni: []\nj: {}\n'],
    ['nested lists of maps', 'items:\n  - { id: a, results: [{ env: staging, outcome: pass }] }\n  - id: b\n    results: []\n'],
    ['a list at the top', '- 1\n- two\n- { three: 3 }\n'],
    ['a scalar at the top', 'just text\n'],
  ] as const) {
    it(`for ${what}`, () => {
      const value = valueOf(text);
      assert.deepStrictEqual(value, yamlValue(text));
      assert.equal(Object.getPrototypeOf({}), Object.prototype, 'nothing reached the prototype');
      if (value && typeof value === 'object' && !Array.isArray(value)) assert.equal(Object.getPrototypeOf(value), Object.prototype);
    });
  }
});

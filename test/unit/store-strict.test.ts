// Strictness at the door: records that YAML would accept but that would mean something else,
// run code, or hide a second incident are refused with a message a person can act on.
import assert from 'node:assert/strict';
import { isTimestamp } from '../../src/model/time';
import { parseRecord, type LoadedRecord } from '../../src/store/recordFile';

const GOOD = `schema: incident-room/v1
id: "2026-11-27-x"
title: Something broke
severity: 2
status: active
declared_at: "2026-11-27T14:00:00+01:00"
impact: none
roles:
  incident_manager: ana
checklists:
  start: []
  end: []
timeline: []
`;

function problems(text: string | Buffer): { reason: string; line: number; message: string }[] {
  const r: LoadedRecord = parseRecord('x.yaml', text);
  assert.equal(r.kind, 'broken', 'refused');
  const b = r as Extract<LoadedRecord, { kind: 'broken' }>;
  return b.problems.map((p) => ({ reason: b.reason, line: p.line, message: p.message }));
}

describe('store: strictness at the door', () => {
  it('the good record loads', () => {
    assert.equal(parseRecord('x.yaml', GOOD).kind, 'ok');
  });

  it('refuses a %YAML 1.1 directive (it brings back NO → false, on → true)', () => {
    const [p] = problems(`%YAML 1.1\n---\n${GOOD}`);
    assert.equal(p!.line, 1);
    assert.match(p!.message, /%YAML 1\.1.*remove this line/);
  });

  it('refuses offsets outside ±14:00 and minutes past 59', () => {
    for (const bad of ['+99:99', '+14:30', '-15:00', '+05:60']) {
      assert.equal(isTimestamp(`2026-11-27T14:00:00${bad}`), false, bad);
      const [p] = problems(GOOD.replace('+01:00', bad));
      assert.equal(p!.line, 6, bad);
      assert.match(p!.message, /declared_at is not a real date and time/);
    }
    for (const good of ['+14:00', '-12:00', '+05:45', 'Z']) assert.equal(isTimestamp(`2026-11-27T14:00:00${good}`), true, good);
  });

  it('refuses custom tags, naming the line', () => {
    for (const [tag, value] of [['!!js/function', '"function () {}"'], ['!vault', 'secret/path'], ['!!binary', 'aGk=']] as const) {
      const [p] = problems(GOOD.replace('title: Something broke', `title: ${tag} ${value}`));
      assert.equal(p!.line, 3, tag);
      assert.match(p!.message, /custom tag .* is not allowed/, tag);
    }
  });

  it('refuses NUL bytes, at their position', () => {
    const [p] = problems(Buffer.from(GOOD.replace('title: Something broke', 'title: Some\0thing')));
    assert.equal(p!.line, 3);
    assert.match(p!.message, /NUL byte/);
  });

  it('reports a second document as "one incident per file", at the second document', () => {
    const [p] = problems(`${GOOD}---\n${GOOD}`);
    assert.equal(p!.line, 14);
    assert.match(p!.message, /one incident per file/);
    assert.doesNotMatch(p!.message, /parseAllDocuments/);
  });

  it('reports an unclosed quote at the line where it opens', () => {
    for (const q of ['"', "'"]) {
      const [p] = problems(GOOD.replace('title: Something broke', `title: ${q}Something broke`));
      assert.equal(p!.line, 3, q);
      assert.match(p!.message, /never closed/);
    }
  });

  it('reports values nested thousands deep as too deep, where it happens, not as a stack overflow', () => {
    let block = `${GOOD}extra:\n`;
    for (let i = 1; i < 3000; i++) block += `${' '.repeat(i)}a:\n`;
    for (const text of [`${GOOD}extra: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, block]) {
      const [p] = problems(text);
      assert.ok(p!.line >= 14, `at the nesting, line ${p!.line}`);
      assert.match(p!.message, /nest too deeply/);
      assert.doesNotMatch(p!.message, /call stack/);
    }
  });

  it('reports a file with CR-only line endings as such, not as empty or garbled', () => {
    const [p] = problems(GOOD.replace(/\n/g, '\r'));
    assert.match(p!.message, /carriage return only/);
  });
});

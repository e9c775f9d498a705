// The extension's keyboard shortcuts must not take a key from VS Code's own defaults. The
// defaults are read from the running workbench (the same document "Preferences: Open Default
// Keyboard Shortcuts (JSON)" shows, which also lists the built-in extensions' bindings and this
// extension's own), so the check follows the VS Code the extension runs in.
// The workbench resolves the defaults for its own platform (Linux here), which the `key` of each
// contributed binding is for; the `mac` keys need a macOS workbench to be checked the same way.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/vscode/ids';

const DEFAULT_KEYBINDINGS = vscode.Uri.parse('vscode://defaultsettings/keybindings.json');

interface Binding {
  key: string;
  command: string;
  when?: string;
}

/** "Shift+Ctrl+P" and "ctrl+shift+p" are the same key: lower case, modifiers in one order. */
function normalizeChord(chord: string): string {
  const parts = chord.toLowerCase().split('+');
  const key = parts.pop() ?? '';
  return [...parts.sort(), key].join('+');
}

function chordsOf(key: string): string[] {
  return key.trim().split(/\s+/).map(normalizeChord);
}

/**
 * How a contributed binding would take a default one away: the same key sequence; a chord whose
 * first key is bound alone by default (VS Code would wait for the second key instead of running
 * the default); or a single key that starts one of the default chords.
 */
function clashes(ours: Binding, defaults: readonly Binding[]): Binding[] {
  const mine = chordsOf(ours.key);
  return defaults.filter((d) => {
    const theirs = chordsOf(d.key);
    if (mine.join(' ') === theirs.join(' ')) return true;
    if (mine.length > 1 && theirs.length === 1 && theirs[0] === mine[0]) return true;
    if (mine.length === 1 && theirs.length > 1 && theirs[0] === mine[0]) return true;
    return false;
  });
}

async function defaultKeybindings(): Promise<Binding[]> {
  const doc = await vscode.workspace.openTextDocument(DEFAULT_KEYBINDINGS);
  const errors: ParseError[] = [];
  const parsed = parse(doc.getText(), errors, { allowTrailingComma: true }) as unknown;
  assert.deepEqual(errors.map((e) => `${printParseErrorCode(e.error)} at offset ${e.offset}`), [], 'the default keybindings did not parse');
  assert.ok(Array.isArray(parsed), 'the default keybindings are not a list');
  return (parsed as Binding[]).filter((b) => typeof b.key === 'string' && typeof b.command === 'string');
}

describe("Keyboard shortcuts and VS Code's defaults", () => {
  let defaults: Binding[];
  let ownListed = 0;
  let contributed: Binding[];

  before(async () => {
    defaults = await defaultKeybindings();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this host`);
    const manifest = JSON.parse(readFileSync(path.join(extension.extensionPath, 'package.json'), 'utf8')) as { contributes: { keybindings: Binding[] } };
    contributed = manifest.contributes.keybindings;
    // The document lists every keybinding that is not the user's, this extension's own included.
    const ours = new Set(contributed.map((b) => `${b.command} ${chordsOf(b.key).join(' ')}`));
    ownListed = defaults.filter((d) => ours.has(`${d.command} ${chordsOf(d.key).join(' ')}`)).length;
    defaults = defaults.filter((d) => !ours.has(`${d.command} ${chordsOf(d.key).join(' ')}`));
  });

  it("reads the running VS Code's default keybindings", () => {
    // Hundreds of them, with the ones everybody knows: so an empty or foreign list cannot pass.
    assert.ok(defaults.length > 300, `only ${defaults.length} default keybindings`);
    assert.ok(
      defaults.some((d) => d.command === 'workbench.action.showCommands' && chordsOf(d.key).join(' ') === 'ctrl+shift+p'),
      'Ctrl+Shift+P (Show All Commands) is not among the defaults',
    );
    assert.ok(defaults.some((d) => chordsOf(d.key).length > 1), 'no chord among the defaults');
    // It is the live list of the running workbench: this extension's bindings are in it too.
    assert.equal(ownListed, contributed.length, "the extension's own keybindings are not listed: not the running workbench's list");
  });

  it('finds each kind of clash (the check itself)', () => {
    const single = (key: string): Binding => ({ key, command: 'probe' });
    // Quick Open is Ctrl+P: a chord starting with it would shadow it.
    assert.ok(clashes(single('ctrl+p d'), defaults).some((d) => d.command === 'workbench.action.quickOpen'));
    // The same key as a default.
    assert.ok(clashes(single('Shift+Ctrl+P'), defaults).length > 0);
    // Ctrl+K starts many default chords (Ctrl+K Ctrl+S, …): bound alone it would take them all.
    assert.ok(clashes(single('ctrl+k'), defaults).length > 10);
  });

  it('takes no key from the defaults, chord prefixes included', () => {
    assert.ok(contributed.length > 0, 'the extension contributes no keybindings');
    const found = contributed.flatMap((ours) => clashes(ours, defaults).map((d) => `${ours.key} (${ours.command}) takes ${d.key} (${d.command}${d.when ? ` when ${d.when}` : ''})`));
    assert.deepEqual(found, []);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../../..');

/** The scripts under a folder of the project, as paths relative to the project. */
function scriptsIn(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => `${folder}/${f.split(path.sep).join('/')}`);
}

describe('Packaging', () => {
  it('puts only the bundles, the reporters, the schema, the icons and the manifest into the .vsix', async function () {
    this.timeout(60_000);
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const { stdout } = await promisify(execFile)(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root });
    const files = stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
    assert.ok(files.includes('dist/extension.js'), files.join(', '));
    assert.ok(files.includes('dist/incident-room-v1.schema.json'), files.join(', '));
    // The reporters a run adds to the test command, loaded from beside the bundle.
    for (const reporter of ['mocha', 'nodeTest', 'jest']) assert.ok(files.includes(`dist/reporters/${reporter}.js`), files.join(', '));
    // Every script the build wrote: the parse worker, and the libraries and parts loaded on first use.
    for (const file of scriptsIn('dist')) assert.ok(files.includes(file), `${file} is not shipped`);
    // The test-plan page: its bundle, the codicon font and stylesheet it loads, its styles.
    for (const file of ['dist/webview/testPlan.js', 'dist/codicons/codicon.css', 'dist/codicons/codicon.ttf', 'media/webview/testPlan.css']) assert.ok(files.includes(file), `${file} is not shipped`);
    for (const file of files) {
      assert.match(file, /^(package\.json|README\.md|dist\/(extension|cli|cli-main|parseWorker|extension-[\w-]+)\.js|dist\/lib\/[\w-]+\.js|dist\/reporters\/(mocha|nodeTest|jest)\.js|dist\/[\w-]+\.schema\.json|dist\/webview\/[\w-]+\.js|dist\/codicons\/codicon\.(css|ttf)|media\/(.+\.(svg|png)|webview\/.+))$/, `${file} should not ship`);
    }
  });
});

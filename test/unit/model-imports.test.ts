// The domain's modules import each other in one direction only: a circle makes load order
// matter and hides which module a type belongs to. And the layers point one way: the model
// imports nothing of the layers above it, and no domain folder imports vscode.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const srcDir = path.resolve(__dirname, '../../../src');
const modelDir = path.join(srcDir, 'model');

/** Every import specifier of each .ts file under a folder of src, type-only imports included. */
function importsUnder(folder: string): { file: string; from: string }[] {
  const out: { file: string; from: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(full, 'utf8');
        for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'|\b(?:require|import)\(\s*'([^']+)'\s*\)/gm)) {
          out.push({ file: path.relative(srcDir, full), from: (m[1] ?? m[2])! });
        }
      }
    }
  };
  walk(path.join(srcDir, folder));
  return out;
}

/** Each model module's imports of other model modules, type-only imports included. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(modelDir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(path.join(modelDir, file), 'utf8');
    const deps = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'\.\/([^']+)'/gm)].map((m) => `${m[1]}.ts`);
    graph.set(file, deps);
  }
  return graph;
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const dep of graph.get(node) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('The model’s imports', () => {
  it('reads the imports of every model module', () => {
    const graph = importGraph();
    assert.ok(graph.size > 10);
    assert.ok(graph.get('reminders.ts')?.includes('roles.ts'), 'the scan missed reminders.ts → roles.ts');
  });

  it('form no circle (the Reminder type lives below the rule modules that produce reminders)', () => {
    const cycle = findCycle(importGraph());
    assert.equal(cycle, undefined, `import circle: ${cycle?.join(' → ')}`);
  });

  it('reach no layer above the model: no store, git, testing, webview or vscode code, no vscode module', () => {
    const up = importsUnder('model').filter(({ file, from }) => from === 'vscode' || (from.startsWith('.') && !path.resolve(srcDir, path.dirname(file), from).startsWith(`${modelDir}${path.sep}`)));
    assert.ok(importsUnder('model').length > 50, 'the scan found too few imports');
    assert.deepEqual(up, []);
  });

  it('of the domain folders (model, store, git, testing) never include vscode', () => {
    const domain = ['model', 'store', 'git', 'testing'].flatMap(importsUnder);
    assert.deepEqual(domain.filter(({ from }) => from === 'vscode' || from.startsWith('vscode/')), []);
  });
});

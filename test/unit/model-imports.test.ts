// The domain's modules import each other in one direction only: a circle makes load order
// matter and hides which module a type belongs to.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const modelDir = path.resolve(__dirname, '../../../src/model');

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
});

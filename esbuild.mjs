// Bundles the extension and the command-line entry into dist/, and (with --tests)
// transpiles the test suites and the sources they import into out/ for mocha.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

/** Prints errors in the `file:line:col: error: message` form VS Code's $esbuild-watch matcher reads. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

function copySchema() {
  mkdirSync('dist', { recursive: true });
  cpSync('src/model/incident-room-v1.schema.json', 'dist/incident-room-v1.schema.json');
}

function listTs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'fixtures' || name === 'node_modules') continue;
      out.push(...listTs(p));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

if (args.has('--tests')) {
  // Start from an empty out/: a compiled test whose source was deleted or renamed would still run.
  rmSync('out', { recursive: true, force: true });
  // Tests import sources file by file; no bundling, so stack traces point at real files.
  await esbuild.build({
    entryPoints: [...listTs('src'), ...listTs('test')],
    outdir: 'out',
    outbase: '.',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  // JSON the sources import (the record schema) sits beside them in out/.
  const schema = 'src/model/incident-room-v1.schema.json';
  if (existsSync(schema)) cpSync(schema, 'out/' + schema);
} else {
  const common = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    // The matcher's start and end lines are for VS Code's watch task; a one-off build stays quiet.
    plugins: watch ? [problemMatcher] : [],
  };
  const contexts = [
    await esbuild.context({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
    await esbuild.context({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  ];
  copySchema();
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(contexts.map((c) => c.rebuild()));
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}

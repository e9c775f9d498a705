// Run as a child process (the cache hooks the module loader of the whole process):
//   node compileCacheProbe.js <codeDir> <cacheDir> <shape> <file to require>...
// Installs the compile cache, requires each file, and prints on exit (after the cache's own
// writes) what each file's `value` export is then and which files were compiled from the cache.
import { installCompileCache } from '../../../src/compileCache';

const [codeDir, cacheDir, shape, ...files] = process.argv.slice(2);
const stats = installCompileCache(codeDir!, cacheDir!, shape!);
const modules = files.map((file) => require(file) as { value: unknown });
process.on('exit', () => process.stdout.write(JSON.stringify({ exported: modules.map((m) => m.value), ...stats })));

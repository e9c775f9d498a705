// The `incident-room` program: loads the command line's bundle (cli-main.js beside this file)
// with V8's code cache (see compileCache.ts), then runs the command. Kept apart from the bundle
// because a file cannot be compiled from the cache once Node is already running it.
// INCIDENT_ROOM_NO_COMPILE_CACHE=1 compiles as Node does (to compare, or to rule the cache out).
import { join } from 'node:path';
import { commandShape, installCompileCache } from './compileCache';
import { privateStateDir } from './store/privateState';

const argv = process.argv.slice(2);
if (!process.env.INCIDENT_ROOM_NO_COMPILE_CACHE) installCompileCache(__dirname, join(privateStateDir(), 'compiled'), commandShape(argv));
// Required at run time (not bundled into this file), so that the hook above compiles it.
const cli = module.require(join(__dirname, 'cli-main.js')) as typeof import('./cli');
cli.runAsProgram(argv);

// One shape for every `incident-room` subcommand: its options are declared once and drive both
// the parsing (`node:util` parseArgs, strict) and the `--help` text, so the two cannot drift.
import { parseArgs } from 'node:util';

/** Where a command writes and which directory it works from; tests pass their own. */
export interface CliIo {
  cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** The current time, for ages. */
  now(): Date;
}

export interface CliOption {
  type: 'string' | 'boolean';
  /** A one-letter alias, e.g. `j` for `--json`. */
  short?: string;
  /** What a string option's value is called in the help, e.g. `<seconds>`. */
  value?: string;
  description: string;
}

type OptionValues<O extends Record<string, CliOption>> = {
  [K in keyof O]: (O[K]['type'] extends 'boolean' ? boolean : string) | undefined;
};

export interface CliCommandSpec<O extends Record<string, CliOption>> {
  name: string;
  /** One line for the overview of all commands. */
  summary: string;
  /** The arguments after the command's name, e.g. `<id> [options]`. */
  synopsis: string;
  /** What the command does, its exit codes and anything a user must know to use it. */
  description: string;
  /** Positional arguments, named for the help: `[folder]`, `<id>`. */
  positionals: { name: string; description: string; required?: boolean }[];
  options: O;
  run(values: OptionValues<O>, positionals: string[], io: CliIo): Promise<number>;
}

/** A parsed, runnable subcommand; `main` dispatches to these. */
export interface CliCommand {
  name: string;
  summary: string;
  help(): string;
  (args: string[], io: CliIo): Promise<number>;
}

/** A bad command line: the message, then the command's usage, on stderr, exit 2. */
export class UsageError extends Error {}

export const EXIT_USAGE = 2;

export function defineCommand<const O extends Record<string, CliOption>>(spec: CliCommandSpec<O>): CliCommand {
  const help = () => renderHelp(spec);
  const command = async (args: string[], io: CliIo): Promise<number> => {
    let values: OptionValues<O>;
    let positionals: string[];
    try {
      const parsed = parseArgs({
        args,
        options: { ...parseOptions(spec.options), help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      });
      if (parsed.values.help) {
        io.out(help());
        return 0;
      }
      values = parsed.values as OptionValues<O>;
      positionals = parsed.positionals;
      const required = spec.positionals.filter((p) => p.required).length;
      if (positionals.length < required) throw new UsageError(`missing ${spec.positionals[positionals.length]!.name}`);
      if (positionals.length > spec.positionals.length) throw new UsageError(`unexpected argument "${positionals[spec.positionals.length]}"`);
    } catch (e) {
      io.err(`incident-room ${spec.name}: ${plainParseError(e as Error)}`);
      io.err(`Usage: incident-room ${spec.name} ${spec.synopsis}   (incident-room ${spec.name} --help for more)`);
      return EXIT_USAGE;
    }
    try {
      return await spec.run(values, positionals, io);
    } catch (e) {
      if (e instanceof UsageError) {
        io.err(`incident-room ${spec.name}: ${e.message}`);
        io.err(`Usage: incident-room ${spec.name} ${spec.synopsis}   (incident-room ${spec.name} --help for more)`);
      } else io.err(`incident-room ${spec.name}: ${(e as Error).message}`);
      return EXIT_USAGE;
    }
  };
  // A function's `name` is read-only to assignment, so it is defined rather than assigned.
  Object.defineProperties(command, { name: { value: spec.name }, summary: { value: spec.summary }, help: { value: help } });
  return command as CliCommand;
}

function parseOptions(options: Record<string, CliOption>): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, o] of Object.entries(options)) out[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  return out;
}

/** parseArgs' messages mention its own API ("To specify a positional argument…"); keep the first sentence. */
function plainParseError(e: Error): string {
  const code = (e as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const m = /Unknown option '([^']+)'/.exec(e.message);
    return `unknown option ${m?.[1] ?? ''}`.trim();
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const m = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(e.message);
    if (m) return `${m[1]} needs a value`;
    const b = /Option '(--[\w-]+)' does not take an argument/.exec(e.message);
    if (b) return `${b[1]} takes no value`;
  }
  return e.message.split('. ')[0]!;
}

function renderHelp(spec: CliCommandSpec<Record<string, CliOption>>): string {
  const lines = [`Usage: incident-room ${spec.name} ${spec.synopsis}`, '', spec.summary, '', spec.description.trim()];
  if (spec.positionals.length > 0) {
    lines.push('', 'Arguments:');
    for (const p of spec.positionals) lines.push(...column(p.name, p.description));
  }
  lines.push('', 'Options:');
  const entries: [string, CliOption][] = [...Object.entries(spec.options), ['help', { type: 'boolean', short: 'h', description: 'Show this help and exit.' }]];
  for (const [name, o] of entries) {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
    lines.push(...column(flag, o.description));
  }
  return lines.join('\n');
}

const LEFT = 28;

function column(left: string, text: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + w.length + 1 > 70) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  const head = `  ${left}`;
  if (head.length >= LEFT) return [head, ...lines.map((l) => ' '.repeat(LEFT) + l)];
  return lines.map((l, i) => (i === 0 ? head.padEnd(LEFT) : ' '.repeat(LEFT)) + l);
}

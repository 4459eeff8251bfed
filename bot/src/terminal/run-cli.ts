import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { TerminalSettings } from '@sipops/shared/config/processes';
import type { ActivationDeps, Actor } from '@sipops/shared/deps';
import { isAppError } from '@sipops/shared/errors';
import type { CallerFileSource } from './caller-files.ts';
import { type CommandSpec, findCommand, HELP_TEXT } from './commands.ts';
import { fieldLabel, optionsOf, usageOf, type Values } from './flags.ts';
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_REFUSED,
  EXIT_USAGE,
  isHelpWord,
  type TerminalIo,
  UsageError,
} from './io.ts';

export type CliContext = {
  io: TerminalIo;
  actor: Actor;
  /** The caller's working folder: relative file names are the caller's. */
  cwd: string;
  /** A forwarded command's files, sent by the caller: then no file is opened by its name. */
  files?: CallerFileSource['files'];
  /** The settings commands need (admins, where SMS go), from the caller: none is read here. */
  settings: TerminalSettings;
  /** Opened on first use, so that `help` and usage errors never touch the database. */
  deps: () => Promise<ActivationDeps>;
};

/** Splits `group create …` into the command and its own arguments. */
function resolveCommand(argv: string[]): { spec: CommandSpec; rest: string[] } {
  const [first, second] = argv;
  if (!first) throw new UsageError('');
  const spec = findCommand(first, second);
  if (!spec) throw new UsageError(`unknown command "${[first, second].filter(Boolean).join(' ')}"`);
  return { spec, rest: argv.slice(spec.name.split(' ').length) };
}

type ParsedCall = { spec: CommandSpec; values: Values; positionals: string[] };

/** A command line checked against its command's flags and arguments; UsageError when it is wrong. */
function parseCall(spec: CommandSpec, rest: string[]): ParsedCall {
  const config: ParseArgsConfig = {
    args: rest,
    options: {
      ...optionsOf(spec.flags, spec.refused ?? {}),
      json: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message)?.[1];
    throw new UsageError(
      unknown
        ? `unknown option ${unknown}`
        : missing
          ? `${missing} needs a value`
          : message.replace(/\. To specify.*$/s, ''),
    );
  }
  const values = parsed.values as Values;
  if (values.help) return { spec, values, positionals: parsed.positionals };
  for (const [flag, reason] of Object.entries(spec.refused ?? {}))
    if (values[flag] !== undefined) throw new UsageError(`--${flag}: ${reason}`);
  const [min, max] = spec.positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    const takes = `${spec.name} takes ${min === max ? min : `${min} to ${max}`} argument(s)${spec.args ? `: ${spec.args}` : ''}`;
    const extra = parsed.positionals[max];
    throw new UsageError(extra === undefined ? takes : `unexpected argument "${extra}" (${takes})`);
  }
  return { spec, values, positionals: parsed.positionals };
}

/** What a destructive call acts on (`disable desk111`), and the question it asks about it. */
export type Confirmation = { subject: string; question: string };

/**
 * The question a destructive call asks before it acts, when --yes does not answer it: asked in
 * the terminal's own process, or there before it forwards the call to the server.
 */
export function confirmationOf(argv: string[]): Confirmation | undefined {
  let call: ParsedCall;
  try {
    const { spec, rest } = resolveCommand(argv);
    call = parseCall(spec, rest);
  } catch {
    return undefined;
  }
  if (!call.spec.isDestructive || call.values.yes === true || call.values.help) return undefined;
  const subject = [call.spec.name, ...call.positionals].join(' ');
  return { subject, question: `${subject}: are you sure? [y/N] ` };
}

/** Asks on the terminal; false (and says so) when the answer is not yes. */
export async function confirmOn(io: TerminalIo, confirmation: Confirmation): Promise<boolean> {
  if (!io.confirm)
    throw new UsageError(
      `${confirmation.subject} asks for confirmation: pass --yes to confirm without a terminal`,
    );
  if (await io.confirm(confirmation.question)) return true;
  io.err('cancelled, nothing changed\n');
  return false;
}

/** `help`, `--help`: the whole help; `help import`: that command's usage. Both on stdout. */
function printHelp(io: TerminalIo, topic: string[]): number {
  const spec = topic[0] ? findCommand(topic[0], topic[1]) : undefined;
  if (topic[0] && !spec) {
    io.err(`sip: unknown command "${topic.slice(0, 2).join(' ')}"\n${HELP_TEXT}`);
    return EXIT_USAGE;
  }
  io.out(spec ? `usage: sip ${usageOf(spec)}\n` : HELP_TEXT);
  return EXIT_OK;
}

/** Runs one terminal command; returns its exit code (0 done, 1 refused, 2 usage, 3 failed). */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  const { io } = context;
  let isJson = argv.includes('--json');
  let usage: string | undefined;
  try {
    if (isHelpWord(argv[0])) return printHelp(io, argv.slice(1));
    const { spec, rest } = resolveCommand(argv);
    usage = `usage: sip ${usageOf(spec)}\n`;
    const { values, positionals } = parseCall(spec, rest);
    isJson = values.json === true;
    if (values.help) {
      io.out(usage);
      return EXIT_OK;
    }
    const confirmation = confirmationOf(argv);
    if (confirmation && !(await confirmOn(io, confirmation))) return EXIT_REFUSED;
    // A command returns its own exit code when it refuses with output of its own (import --json).
    return (await spec.run({ context, values, positionals, isJson })) ?? EXIT_OK;
  } catch (error) {
    return reportFailure(error, io, isJson, usage);
  }
}

/** Prints a command's failure the terminal's way and returns its exit code. */
export function reportFailure(
  error: unknown,
  io: TerminalIo,
  isJson: boolean,
  usage?: string,
): number {
  if (error instanceof UsageError) {
    if (error.message) io.err(`sip: ${error.message}\n`);
    io.err(usage ?? `${error.message ? '\n' : ''}${HELP_TEXT}`);
    return EXIT_USAGE;
  }
  if (isAppError(error)) {
    for (const issue of error.issues.length > 0
      ? error.issues
      : [{ field: error.field ?? '', message: error.message }]) {
      io.err(`error: ${issue.field ? `${fieldLabel(issue.field)}: ` : ''}${issue.message}\n`);
    }
    if (isJson) {
      const issues = error.issues.map((i) => ({ field: i.field, message: i.message }));
      io.out(
        `${JSON.stringify({ error: { code: error.code, field: error.field ?? null, message: error.message, issues } }, null, 2)}\n`,
      );
    }
    return EXIT_REFUSED;
  }
  io.err(`sip: failed: ${(error as Error).message ?? String(error)}\n`);
  return EXIT_FAILED;
}

/** A file a command line names, and what it is for: import's CSV, a profile's logo. */
export type NamedFile = { name: string; kind: 'import' | 'logo' };

/** The files a command line names, to be read by whoever runs the command. */
export function callerFilesOf(argv: string[]): NamedFile[] {
  let call: ParsedCall;
  try {
    const { spec, rest } = resolveCommand(argv);
    call = parseCall(spec, rest);
  } catch {
    return [];
  }
  if (call.values.help) return [];
  const name = call.spec.name;
  const file = call.positionals[0];
  if (name === 'import' && file !== undefined) return [{ name: file, kind: 'import' }];
  const logo = call.values.logo;
  if ((name === 'profile create' || name === 'profile edit') && typeof logo === 'string')
    return logo === '' || logo === 'none' ? [] : [{ name: logo, kind: 'logo' }];
  return [];
}

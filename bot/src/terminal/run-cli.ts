import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { ActivationDeps, Actor } from '@sipops/shared/deps';
import { isAppError } from '@sipops/shared/errors';
import { type CommandSpec, findCommand, HELP_TEXT } from './commands.ts';
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_REFUSED,
  EXIT_USAGE,
  type TerminalIo,
  UsageError,
} from './io.ts';

export type CliContext = {
  io: TerminalIo;
  actor: Actor;
  /** The caller's working folder: relative file names are the caller's, even when forwarded. */
  cwd: string;
  /** Opened on first use, so that `help` and usage errors never touch the database. */
  deps: () => Promise<ActivationDeps>;
};

/** The flag a field is typed with, so a refusal names what the operator actually wrote. */
const FIELD_FLAGS: Record<string, string> = {
  number: '--number',
  secondaryNumber: '--secondary',
  username: '--username',
  password: '--password',
  group: '--group',
  profile: '--profile',
  type: '--type',
  securityModel: '--security',
  obfuscation: '--obfuscation',
  obfuscationKey: '--obfuscation-key',
  keepAlive: '--keep-alive',
  deny: '--deny',
  permit: '--permit',
  channel: '--channel',
  sipHost: '--sip-host',
  sipPort: '--sip-port',
  transport: '--transport',
  iosUrl: '--ios-url',
  androidUrl: '--android-url',
  brand: '--brand',
  appScheme: '--app-scheme',
  status: '--status',
  enabled: '--enabled',
};

export function fieldLabel(field: string): string {
  return FIELD_FLAGS[field] ?? FIELD_FLAGS[field.split('.')[0] ?? ''] ?? field;
}

/** Splits `group create …` into the command and its own arguments. */
function resolveCommand(argv: string[]): { spec: CommandSpec; rest: string[] } {
  const [first, second] = argv;
  if (!first || first === 'help' || first === '--help' || first === '-h') throw new UsageError('');
  const spec = findCommand(first, second);
  if (!spec) throw new UsageError(`unknown command "${[first, second].filter(Boolean).join(' ')}"`);
  return { spec, rest: argv.slice(spec.name.split(' ').length) };
}

export function isDestructiveCall(argv: string[]): boolean {
  try {
    return resolveCommand(argv).spec.isDestructive === true;
  } catch {
    return false;
  }
}

/** Runs one terminal command; returns its exit code (0 done, 1 refused, 2 usage, 3 failed). */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  const { io } = context;
  let isJson = argv.includes('--json');
  let usage: string | undefined;
  try {
    const { spec, rest } = resolveCommand(argv);
    usage = `usage: sip ${spec.usage}\n`;
    const config: ParseArgsConfig = {
      args: rest,
      options: {
        ...spec.options,
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
      throw new UsageError(unknown ? `unknown option ${unknown}` : message);
    }
    const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
    isJson = values.json === true;
    if (values.help) {
      io.out(`usage: sip ${spec.usage}\n`);
      return EXIT_OK;
    }
    const [min, max] = spec.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(
        `${spec.name} takes ${min === max ? min : `${min} to ${max}`} argument(s)`,
      );
    }
    if (spec.isDestructive && values.yes !== true) {
      const question = `${spec.name} ${parsed.positionals.join(' ')}: are you sure? [y/N] `;
      if (!io.confirm)
        throw new UsageError(
          `${spec.name} asks for confirmation: pass --yes to confirm without a terminal`,
        );
      if (!(await io.confirm(question))) {
        io.err('cancelled, nothing changed\n');
        return EXIT_REFUSED;
      }
    }
    // A command returns its own exit code when it refuses with output of its own (import --json).
    return (
      (await spec.run({ context, values, positionals: parsed.positionals, isJson })) ?? EXIT_OK
    );
  } catch (error) {
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
}

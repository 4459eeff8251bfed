import { parseArgs } from 'node:util';
import { CommandUsageError } from './slack-errors.ts';
import { SIP_USAGE, type SubcommandName, usageOf } from './views/help.ts';

/** Splits the text after `/sip` into words; quotes (straight or curly) keep spaces in a word. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    words.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
  }
  return words;
}

export function isSubcommand(name: string): name is SubcommandName {
  return Object.hasOwn(SIP_USAGE, name);
}

/** The one argument a subcommand takes (`/sip show <account>`). */
export function oneArgument(name: SubcommandName, args: string[], noun: string): string {
  const [first, ...rest] = args;
  if (first === undefined) throw new CommandUsageError(`say which ${noun}`, usageOf(name));
  if (rest.length > 0)
    throw new CommandUsageError(`name one ${noun} only, not \`${args.join(' ')}\``, usageOf(name));
  return first;
}

export function noArguments(name: SubcommandName, args: string[]): void {
  if (args.length > 0)
    throw new CommandUsageError(`\`${args.join(' ')}\` is not understood`, usageOf(name));
}

/** `--group acme --status created` and the positionals of list and find. */
export function parseFilters(
  name: 'list' | 'find',
  args: string[],
): { filters: Record<string, string>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: {
        group: { type: 'string' },
        status: { type: 'string' },
        enabled: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const filters: Record<string, string> = {};
    for (const key of ['group', 'status', 'enabled'] as const) {
      const value = values[key];
      if (typeof value === 'string') filters[key] = value;
    }
    return { filters, positionals };
  } catch (error) {
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    throw new CommandUsageError(
      unknown ? `${unknown} is not an option` : (error as Error).message,
      usageOf(name),
    );
  }
}

/** A person as the command gives them: `<@U123|name>` (escaped mention) or a bare user id. */
export function parseUserMention(text: string): string | undefined {
  const mention = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(text);
  if (mention) return mention[1];
  return /^[UW][A-Z0-9]{2,}$/.test(text) ? text : undefined;
}

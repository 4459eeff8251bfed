/** Where a terminal command writes, and how it asks; a forwarded command gets buffers instead. */
export type TerminalIo = {
  out(text: string): void;
  err(text: string): void;
  /** Asks a yes/no question on a terminal; undefined when there is nobody to ask. */
  confirm: ((question: string) => Promise<boolean>) | undefined;
  /** Whether stderr is a terminal (the caller's, when forwarded): progress is then a bar. */
  isErrTerminal: boolean;
};

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;
/** Not the caller's fault: the database is unreachable, a bug. */
export const EXIT_FAILED = 3;

/** `help`, `--help`, `-h` as a command's first word: the help, no command. */
export const isHelpWord = (word: string | undefined) =>
  word === 'help' || word === '--help' || word === '-h';

/** A call that only prints help (or usage): it opens no database. */
export const asksForHelp = (argv: string[]) =>
  argv.length === 0 || isHelpWord(argv[0]) || argv.includes('--help');

export class UsageError extends Error {
  /** The usage line of the command at fault; the whole help when the command is unknown. */
  usage: string | undefined;

  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
    this.name = 'UsageError';
  }
}

/**
 * What a terminal would obey rather than show: escape sequences, bidirectional overrides. Erase to
 * end of line (ESC [ K), the one sequence the progress bar draws with, hides nothing and passes.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the one escape the bar draws with
const UNPRINTABLE = /(?![\t\n\r]|\x1b\[K)[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** Shows control characters as `\u001b` instead of sending them raw to the terminal. */
export function showControlCharacters(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

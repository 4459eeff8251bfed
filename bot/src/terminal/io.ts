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

export class UsageError extends Error {
  /** The usage line of the command at fault; the whole help when the command is unknown. */
  usage: string | undefined;

  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
    this.name = 'UsageError';
  }
}

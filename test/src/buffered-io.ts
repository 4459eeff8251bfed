import type { TerminalIo } from '@sipops/bot/terminal/io';

/** A terminal that keeps what a command printed, for running commands in process. */
export function bufferedIo(): TerminalIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
    confirm: undefined,
    isErrTerminal: false,
  };
  return io;
}

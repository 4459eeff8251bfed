import { createReadStream } from 'node:fs';
import { constants, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';

/**
 * A file a command reads (import's CSV, a profile's logo). It is opened by the person who typed
 * the command, in the terminal's own process; a command forwarded to the running server carries
 * the file's content, and the server never opens a path a caller names.
 */
export type CallerFile = {
  /** As the caller's folder resolves it: shown in messages, never opened by the server. */
  path: string;
  size: number;
  /** Its bytes from the start, at most `size` of them; callable more than once. */
  stream(): Readable;
};

/** Where a command's files come from: the caller's folder, or those sent with a forwarded call. */
export type CallerFileSource = {
  cwd: string;
  /** Sent with a forwarded command, by the name its command line gives; nothing else is read. */
  files?: ReadonlyMap<string, CallerFile>;
};

/** Why a named file cannot be read, in words shown after its path. */
export class CallerFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'CallerFileError';
  }
}

/** The file a command line names, from where this call takes its files. */
export function openCallerFile(source: CallerFileSource, name: string): Promise<CallerFile> {
  if (!source.files) return openLocalFile(resolve(source.cwd, name));
  const file = source.files.get(name);
  if (!file) throw new CallerFileError(name, 'its content did not come with the command');
  return Promise.resolve(file);
}

/**
 * Refuses what is not a readable regular file: a folder, a device that never ends (/dev/zero), a
 * pipe. Reads at most the size it had when opened, so a file that grows while read cannot.
 */
export async function openLocalFile(path: string): Promise<CallerFile> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NONBLOCK: opening a pipe with no writer must not hang before it is refused.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CallerFileError(
      path,
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'not a file' : 'not readable',
    );
  }
  let size: number;
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new CallerFileError(path, stat.isDirectory() ? 'not a file (a folder)' : 'not a file');
    size = stat.size;
  } finally {
    await handle.close();
  }
  return {
    path,
    size,
    stream: () => (size === 0 ? Readable.from([]) : createReadStream(path, { end: size - 1 })),
  };
}

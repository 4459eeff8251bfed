import { request } from 'node:http';
import type { CallerFile } from './caller-files.ts';
import type { TerminalIo } from './io.ts';

/**
 * While `npm start` holds the embedded database, terminal commands run inside that process: the
 * terminal sends its arguments over the data folder's socket and prints what comes back as it
 * comes (an import's progress while it runs), one JSON line a write, the exit code last.
 *
 * The request is the call as one JSON line, then the bytes of each file it announces, in order.
 * The terminal reads those files as the person who typed the command; the server takes only what
 * it was sent and never opens a path a caller names.
 */
/** A file sent with the call: the name its command line gives, its path for messages, its size. */
export type ForwardedFile = { name: string; path: string; size: number };
/** No actor: only the server's own user can reach its socket, so the server names it itself. */
export type ForwardedCall = { argv: string[]; isErrTerminal: boolean; files?: ForwardedFile[] };
export type ForwardedLine = { out: string } | { err: string } | { code: number };

/** The largest call line the server reads: a command line, not a file. */
export const MAX_CALL_BYTES = 256 * 1024;
/** A command names at most one or two files (import's CSV, a profile's logo). */
export const MAX_FORWARDED_FILES = 4;

/** Sends the call and its files; writes its output as it arrives; resolves with its exit code. */
export function forwardCommand(
  address: string,
  call: { argv: string[]; isErrTerminal: boolean },
  io: Pick<TerminalIo, 'out' | 'err'>,
  files: { name: string; file: CallerFile }[] = [],
): Promise<number> {
  return new Promise((resolve, reject) => {
    const head = `${JSON.stringify({
      ...call,
      files: files.map(({ name, file }) => ({ name, path: file.path, size: file.size })),
    } satisfies ForwardedCall)}\n`;
    const length = Buffer.byteLength(head) + files.reduce((sum, f) => sum + f.file.size, 0);
    const req = request(
      {
        socketPath: address,
        path: '/terminal',
        method: 'POST',
        headers: { 'content-type': 'application/x-sipops-call', 'content-length': length },
      },
      (res) => {
        let buffered = '';
        let code: number | undefined;
        const take = (line: string) => {
          if (!line) return;
          const parsed = JSON.parse(line) as ForwardedLine;
          if ('out' in parsed) io.out(parsed.out);
          else if ('err' in parsed) io.err(parsed.err);
          else code = parsed.code;
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          try {
            for (const line of lines) take(line);
          } catch (error) {
            res.destroy(error as Error);
          }
        });
        res.on('error', reject);
        res.on('end', () => {
          try {
            take(buffered);
          } catch {
            // A cut line: the code below is then missing too.
          }
          if (code === undefined)
            reject(new Error(`the running sipops answered ${res.statusCode} without a result`));
          else resolve(code);
        });
      },
    );
    req.on('error', reject);
    void (async () => {
      req.write(head);
      for (const { file } of files) {
        let sent = 0;
        for await (const chunk of file.stream()) {
          sent += (chunk as Buffer).length;
          if (!req.write(chunk)) await new Promise((drained) => req.once('drain', drained));
        }
        // Shorter than announced (cut while read): the server would wait for the rest.
        if (sent !== file.size) throw new Error(`${file.path} changed while it was read`);
      }
      req.end();
    })().catch((error: unknown) => req.destroy(error as Error));
  });
}

import { createReadStream } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ActivationDeps } from '@sipops/shared/deps';
import type { CallerFile } from './caller-files.ts';
import { MAX_IMPORT_FILE_BYTES } from './commands.ts';
import type { TerminalIo } from './io.ts';
import { runCli } from './run-cli.ts';

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
type ForwardedLine = { out: string } | { err: string } | { code: number };

/** The largest call line the server reads: a command line, not a file. */
export const MAX_CALL_BYTES = 256 * 1024;
/** A command names at most one or two files (import's CSV, a profile's logo). */
const MAX_FORWARDED_FILES = 4;

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

class CallRefusal extends Error {
  constructor(readonly status: 400 | 413) {
    super(`forwarded call refused (${status})`);
  }
}

function parseCall(text: Buffer): ForwardedCall {
  let call: unknown;
  try {
    call = JSON.parse(text.toString('utf8'));
  } catch {
    throw new CallRefusal(400);
  }
  const c = call as Partial<ForwardedCall> | null;
  const files = c?.files ?? [];
  const isCall =
    typeof c === 'object' &&
    c !== null &&
    Array.isArray(c.argv) &&
    c.argv.every((a) => typeof a === 'string') &&
    typeof c.isErrTerminal === 'boolean' &&
    Array.isArray(files) &&
    files.length <= MAX_FORWARDED_FILES &&
    files.every(
      (f: Partial<ForwardedFile> | null) =>
        typeof f === 'object' &&
        f !== null &&
        typeof f.name === 'string' &&
        typeof f.path === 'string' &&
        Number.isSafeInteger(f.size) &&
        (f.size ?? -1) >= 0,
    );
  if (!isCall) throw new CallRefusal(400);
  if (files.some((f) => f.size > MAX_IMPORT_FILE_BYTES)) throw new CallRefusal(413);
  return { argv: c.argv as string[], isErrTerminal: c.isErrTerminal as boolean, files };
}

type ReceivedCall = {
  call: ForwardedCall;
  files: Map<string, CallerFile>;
  discard(): Promise<void>;
};

/**
 * Reads the call line (at most MAX_CALL_BYTES) and writes each announced file, byte for byte, into
 * a folder of the server's own; more bytes than announced, or fewer, refuse the call.
 */
async function receiveCall(req: IncomingMessage): Promise<ReceivedCall> {
  let head = Buffer.alloc(0);
  let call: ForwardedCall | undefined;
  let announced: ForwardedFile[] = [];
  let folder: string | undefined;
  const files = new Map<string, CallerFile>();
  let index = 0;
  let left = 0;
  let handle: FileHandle | undefined;
  const discard = async () => {
    await handle?.close().catch(() => {});
    if (folder) await rm(folder, { recursive: true, force: true });
  };
  const spoolOf = (i: number) => join(folder ?? '', String(i));
  /** Takes the next announced file (an empty one is whole at once). */
  const nextFile = async () => {
    for (; index < announced.length; index++) {
      const file = announced[index] as ForwardedFile;
      handle = await open(spoolOf(index), 'wx', 0o600);
      left = file.size;
      if (left > 0) return;
      await finishFile();
    }
  };
  const finishFile = async () => {
    await handle?.close();
    handle = undefined;
    const { name, path, size } = announced[index] as ForwardedFile;
    const spool = spoolOf(index);
    files.set(name, {
      path,
      size,
      stream: () => createReadStream(spool),
    });
  };
  const start = async (line: Buffer) => {
    call = parseCall(line);
    announced = call.files ?? [];
    if (announced.length > 0) {
      folder = await mkdtemp(join(tmpdir(), 'sipops-call-'));
      await nextFile();
    }
  };
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      let rest = chunk;
      if (!call) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf(10);
        if (end < 0 ? head.length > MAX_CALL_BYTES : end > MAX_CALL_BYTES)
          throw new CallRefusal(413);
        if (end < 0) continue;
        await start(head.subarray(0, end));
        rest = head.subarray(end + 1);
      }
      while (rest.length > 0) {
        if (index >= announced.length || !handle) throw new CallRefusal(413);
        const part = rest.subarray(0, left);
        await handle.write(part);
        left -= part.length;
        rest = rest.subarray(part.length);
        if (left === 0) {
          await finishFile();
          index++;
          await nextFile();
        }
      }
    }
    // A call without files may end without its line break.
    if (!call) await start(head);
    if (index < announced.length) throw new CallRefusal(400);
    return { call: call as unknown as ForwardedCall, files, discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

/** The server's side: runs forwarded commands on its own database, streaming what they write. */
export function createForwardHandler(getDeps: () => Promise<ActivationDeps>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST' || req.url !== '/terminal') {
      res.writeHead(404).end();
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_CALL_BYTES + MAX_IMPORT_FILE_BYTES) {
      res.writeHead(413, { connection: 'close' }).end();
      req.destroy();
      return;
    }
    void receiveCall(req).then(
      async ({ call, files, discard }) => {
        try {
          res.writeHead(200, { 'content-type': 'application/x-ndjson' });
          const send = (line: ForwardedLine) => res.write(`${JSON.stringify(line)}\n`);
          const io: TerminalIo = {
            out: (text) => send({ out: text }),
            err: (text) => send({ err: text }),
            // The terminal asked already, before forwarding; here there is nobody to ask.
            confirm: undefined,
            isErrTerminal: call.isErrTerminal,
          };
          const code = await runCli(call.argv, {
            io,
            actor: `terminal:${userInfo().username}`,
            // Only the files sent: a path in the command line is never opened here.
            cwd: '/',
            files,
            deps: getDeps,
          });
          res.end(`${JSON.stringify({ code } satisfies ForwardedLine)}\n`);
        } finally {
          await discard();
        }
      },
      (error: unknown) => {
        const status = error instanceof CallRefusal ? error.status : 400;
        if (!res.headersSent) res.writeHead(status, { connection: 'close' }).end();
        req.destroy();
      },
    );
  };
}

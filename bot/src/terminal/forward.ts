import { createReadStream } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { TerminalSettings } from '@sipops/shared/config/processes';
import type { ActivationDeps } from '@sipops/shared/deps';
import type { CallerFile } from './caller-files.ts';
import { MAX_IMPORT_FILE_BYTES } from './commands.ts';
import {
  type ForwardedCall,
  type ForwardedFile,
  type ForwardedLine,
  MAX_CALL_BYTES,
  MAX_FORWARDED_FILES,
} from './forward-client.ts';
import type { TerminalIo } from './io.ts';
import { runCli } from './run-cli.ts';

/** The server's end of the forwarded call (see forward-client.ts for the protocol). */
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

/**
 * The server's side: runs forwarded commands on its own database, streaming what they write, with
 * the settings the server read at start (`settings`), never the variables at call time.
 */
export function createForwardHandler(
  settings: TerminalSettings,
  getDeps: () => Promise<ActivationDeps>,
) {
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
            settings,
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

import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { userInfo } from 'node:os';
import type { ActivationDeps } from '@sipops/shared/deps';
import type { TerminalIo } from './io.ts';
import { runCli } from './run-cli.ts';

/**
 * While `npm start` holds the embedded database, terminal commands run inside that process: the
 * terminal sends its arguments over the data folder's socket and prints what comes back as it
 * comes (an import's progress while it runs), one JSON line a write, the exit code last.
 */
/** No actor: only the server's own user can reach its socket, so the server names it itself. */
export type ForwardedCall = { argv: string[]; cwd: string; isErrTerminal: boolean };
type ForwardedLine = { out: string } | { err: string } | { code: number };

/** Sends the call and writes its output as it arrives; resolves with the command's exit code. */
export function forwardCommand(
  address: string,
  call: ForwardedCall,
  io: Pick<TerminalIo, 'out' | 'err'>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(call);
    const req = request(
      {
        socketPath: address,
        path: '/terminal',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
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
    req.end(body);
  });
}

function isForwardedCall(call: unknown): call is ForwardedCall {
  const c = call as Partial<ForwardedCall> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    Array.isArray(c.argv) &&
    c.argv.every((a) => typeof a === 'string') &&
    typeof c.cwd === 'string' &&
    typeof c.isErrTerminal === 'boolean'
  );
}

/** The server's side: runs forwarded commands on its own database, streaming what they write. */
export function createForwardHandler(getDeps: () => Promise<ActivationDeps>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST' || req.url !== '/terminal') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      void (async () => {
        let call: unknown;
        try {
          call = JSON.parse(body);
        } catch {
          call = undefined;
        }
        if (!isForwardedCall(call)) {
          res.writeHead(400).end();
          return;
        }
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
          cwd: call.cwd,
          deps: getDeps,
        });
        res.end(`${JSON.stringify({ code } satisfies ForwardedLine)}\n`);
      })();
    });
  };
}

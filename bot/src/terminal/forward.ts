import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import type { ActivationDeps, Actor } from '@sipops/shared/deps';
import { bufferedIo } from './io.ts';
import { runCli } from './run-cli.ts';

/**
 * While `npm start` holds the embedded database, terminal commands run inside that process: the
 * terminal sends its arguments over the data folder's socket and prints what comes back.
 */
export type ForwardedCall = { argv: string[]; actor: Actor; cwd: string };
export type ForwardedResult = { code: number; stdout: string; stderr: string };

export function forwardCommand(address: string, call: ForwardedCall): Promise<ForwardedResult> {
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
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(text) as ForwardedResult);
          } catch {
            reject(new Error(`the running sipops answered ${res.statusCode} without a result`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's side: runs forwarded commands on its own database. */
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
        let call: ForwardedCall;
        try {
          call = JSON.parse(body) as ForwardedCall;
          if (
            !Array.isArray(call.argv) ||
            typeof call.actor !== 'string' ||
            typeof call.cwd !== 'string'
          )
            throw new Error('bad call');
        } catch {
          res.writeHead(400).end();
          return;
        }
        const io = bufferedIo();
        const code = await runCli(call.argv, {
          io,
          actor: call.actor,
          cwd: call.cwd,
          deps: getDeps,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            code,
            stdout: io.stdout,
            stderr: io.stderr,
          } satisfies ForwardedResult),
        );
      })();
    });
  };
}

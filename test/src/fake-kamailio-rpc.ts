import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake of Kamailio's JSON-RPC over HTTP (`jsonrpcs` over `xhttp`), for the registrar worker's
 * retry behaviour. It records every call and answers as scripted, one script entry a call:
 * - `ok`: `{"jsonrpc":"2.0","result":{},"id":1}` (what `ul.rm` answers);
 * - `not-found`: HTTP 404 with a JSON-RPC error 404 (nothing registered under the AOR);
 * - `500`: HTTP 500 with a JSON-RPC error 500;
 * - `garbage`: HTTP 200 with a body that is not JSON.
 * Once the script is used up, every call is answered `ok`.
 */
export type FakeKamailioAnswer = 'ok' | 'not-found' | '500' | 'garbage';

export type FakeKamailioCall = { method: string; params: unknown[]; at: number };

export type FakeKamailioRpc = {
  url: string;
  calls: FakeKamailioCall[];
  script(...answers: FakeKamailioAnswer[]): void;
  close(): Promise<void>;
};

export async function startFakeKamailioRpc(port = 0): Promise<FakeKamailioRpc> {
  const calls: FakeKamailioCall[] = [];
  let script: FakeKamailioAnswer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: { method?: string; params?: unknown[]; id?: unknown } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        // Answered below like Kamailio answers a bad request.
      }
      calls.push({ method: body.method ?? '', params: body.params ?? [], at: Date.now() });
      const answer = script.shift() ?? 'ok';
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      const id = body.id ?? null;
      if (answer === 'ok') reply(200, { jsonrpc: '2.0', result: {}, id });
      else if (answer === 'not-found')
        reply(404, { jsonrpc: '2.0', error: { code: 404, message: 'AOR not found' }, id });
      else if (answer === '500')
        reply(500, { jsonrpc: '2.0', error: { code: 500, message: 'Failed to delete AOR' }, id });
      else reply(200, '<html>not json</html>');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/RPC`,
    calls,
    script(...answers) {
      script = answers;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

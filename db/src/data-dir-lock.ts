import { createHash } from 'node:crypto';
import { realpathSync, rmSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { join } from 'node:path';

/**
 * PGlite has no lock of its own and two processes opening one data folder corrupt it. The guard
 * is a listening Unix socket: binding it is atomic, and on Linux an abstract socket vanishes with
 * its process, so a crash never leaves a stale lock behind. The same socket lets other processes
 * talk to the holder (the terminal front end forwards its commands to a running server).
 */
export type LockHolder = { role: 'server' | 'terminal'; pid: number };

export type DataDirLock = {
  address: string;
  release(): Promise<void>;
};

export type LockRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export class DataDirLockedError extends Error {
  constructor(
    readonly address: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      holder
        ? `the data folder is in use by the sipops ${holder.role} (pid ${holder.pid})`
        : 'the data folder is in use by another process',
    );
    this.name = 'DataDirLockedError';
  }
}

export function lockAddress(dataDir: string): string {
  const real = realpathSync(dataDir);
  if (process.platform === 'linux') {
    const digest = createHash('sha256').update(real).digest('hex').slice(0, 32);
    return `\0sipops-${digest}`;
  }
  return join(real, 'sipops.sock');
}

/** Takes the folder's lock or throws DataDirLockedError naming who holds it. */
export async function acquireDataDirLock(
  dataDir: string,
  holder: LockHolder,
  handle: LockRequestHandler = (_req, res) => res.writeHead(404).end(),
): Promise<DataDirLock> {
  const address = lockAddress(dataDir);
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/holder') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(holder));
      return;
    }
    handle(req, res);
  });
  try {
    await listen(server, address);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const current = await askHolder(address);
    if (!current && !address.startsWith('\0')) {
      // A socket file left by a crash (non-Linux only): nobody answers, so take it over.
      rmSync(address, { force: true });
      await listen(server, address);
      return { address, release: () => close(server) };
    }
    throw new DataDirLockedError(address, current);
  }
  return { address, release: () => close(server) };
}

/** Waits up to `waitMs` for a lock held by a short-lived process (a terminal command). */
export async function acquireDataDirLockPatiently(
  dataDir: string,
  holder: LockHolder,
  handle: LockRequestHandler | undefined,
  waitMs: number,
): Promise<DataDirLock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await acquireDataDirLock(dataDir, holder, handle);
    } catch (error) {
      const isRetryable = error instanceof DataDirLockedError && error.holder?.role === 'terminal';
      if (!isRetryable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export function askHolder(address: string): Promise<LockHolder | undefined> {
  return new Promise((resolve) => {
    const req = request({ socketPath: address, path: '/holder', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as LockHolder);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

function listen(server: Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
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
 *
 * Anyone on the machine can connect to an abstract socket, so on Linux it answers only "who holds
 * the lock"; commands go to a socket file inside the data folder, which only the folder's owner
 * can reach (folder 0700, socket 0600).
 */
export type LockHolder = { role: 'server' | 'terminal'; pid: number };

export type DataDirLock = {
  address: string;
  /** Where forwarded commands are taken, when a handler was given. */
  commandAddress: string | undefined;
  release(): Promise<void>;
};

/** Takes forwarded requests; it bounds what it reads of a body itself. */
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

/** The socket file that carries forwarded commands: inside the data folder, its owner's alone. */
export function commandAddress(dataDir: string): string {
  return join(realpathSync(dataDir), 'sipops.sock');
}

/**
 * Makes the data folder its owner's alone: the folder and every folder in it 0700, every file
 * 0600 (a folder made by an older version, or copied, may be open to everyone).
 */
export function restrictDataDir(dataDir: string): void {
  const walk = (path: string, isDirectory: boolean) => {
    const mode = statSync(path).mode & 0o777;
    const wanted = isDirectory ? mode & 0o700 : mode & 0o600;
    if (mode !== wanted) chmodSync(path, wanted);
    if (!isDirectory) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) continue;
      walk(join(path, entry.name), entry.isDirectory());
    }
  };
  walk(dataDir, true);
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
  handle?: LockRequestHandler,
): Promise<DataDirLock> {
  const address = lockAddress(dataDir);
  const isAbstract = address.startsWith('\0');
  const answerHolder = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' || req.url !== '/holder') return false;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(holder));
    return true;
  };
  const notFound: LockRequestHandler = (_req, res) => res.writeHead(404).end();
  const lockServer = createServer((req, res) => {
    if (answerHolder(req, res)) return;
    // Only a socket file can be closed to other users: the abstract one forwards nothing.
    (isAbstract ? notFound : (handle ?? notFound))(req, res);
  });
  try {
    await listen(lockServer, address);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const current = await askHolder(address);
    if (!current && !isAbstract) {
      // A socket file left by a crash (non-Linux only): nobody answers, so take it over.
      rmSync(address, { force: true });
      await listen(lockServer, address);
    } else {
      throw new DataDirLockedError(address, current);
    }
  }
  if (!isAbstract) {
    chmodSync(address, 0o600);
    return {
      address,
      commandAddress: handle ? address : undefined,
      release: () => close(lockServer),
    };
  }
  if (!handle) return { address, commandAddress: undefined, release: () => close(lockServer) };
  // We hold the lock, so a socket file here is a crashed holder's.
  const commands = commandAddress(dataDir);
  rmSync(commands, { force: true });
  const commandServer = createServer((req, res) => {
    if (answerHolder(req, res)) return;
    handle(req, res);
  });
  try {
    await listen(commandServer, commands);
    chmodSync(commands, 0o600);
  } catch (error) {
    await close(lockServer);
    throw error;
  }
  return {
    address,
    commandAddress: commands,
    release: async () => {
      await close(commandServer);
      rmSync(commands, { force: true });
      await close(lockServer);
    },
  };
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

/**
 * How long a holder that took the connection may take to answer. Nobody listening is known at
 * once (the connection is refused); a holder that listens is alive, but on a loaded machine its
 * event loop can be busy for seconds, and taking "no answer" for "no holder" would send a
 * terminal command to a folder the server holds.
 */
const HOLDER_ANSWER_MS = 20_000;

export function askHolder(address: string): Promise<LockHolder | undefined> {
  return new Promise((resolve) => {
    const req = request(
      { socketPath: address, path: '/holder', timeout: HOLDER_ANSWER_MS },
      (res) => {
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
      },
    );
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

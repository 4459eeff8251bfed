/**
 * A real Kamailio over a sipops database, for tests and benchmarks.
 *
 *   const kamailio = await startKamailio({ databaseUrl: db.url });
 *   // kamailio.sipPort  UDP and TCP on kamailio.host (127.0.0.1)
 *   // kamailio.rpcUrl   JSON-RPC over HTTP, e.g. POST {"jsonrpc":"2.0","method":"ul.rm",
 *   //                   "params":["location","<username>"],"id":1} (SIPOPS_KAMAILIO_RPC_URL)
 *   // kamailio.domain   the SIP domain phones register to (a profile's SIP host)
 *   // kamailio.logs()   what Kamailio printed so far (for failure messages)
 *   await kamailio.stop();
 *
 * The database must be Postgres (createTestDatabase('postgres')): Kamailio is a second process.
 * Its own `version` and `location` tables are created from Debian's shipped SQL when missing.
 * Registrations are written through to `location` at once (usrloc db_mode 1) under the account's
 * username (not the number it registered with), with use_domain off.
 * The configuration is ./kamailio.cfg, the one README's "Connect your SIP server" quotes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';

const CONFIG_TEMPLATE = resolve(import.meta.dirname, 'kamailio.cfg');
const KAMAILIO_SQL = '/usr/share/kamailio/postgres';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_LOG_CHARS = 200_000;

export type Kamailio = {
  host: string;
  sipPort: number;
  rpcUrl: string;
  domain: string;
  logs: () => string;
  stop: () => Promise<void>;
};

export type KamailioOptions = {
  databaseUrl: string | undefined;
  /** The domain phones put in their URIs; default sip.example.com (what test profiles use). */
  domain?: string;
  /** Worker processes per transport; default 2 (the machine is shared). */
  children?: number;
};

/** A port free on 127.0.0.1 for TCP and UDP at once (SIP listens on both). */
export async function findFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((done, fail) => {
      const server = createServer();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => done(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const isUdpFree = await new Promise<boolean>((done) => {
      const socket = createSocket('udp4');
      socket.once('error', () => done(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => done(true)));
    });
    if (port > 0 && isUdpFree) return port;
  }
  throw new Error('no free port for Kamailio');
}

/** Kamailio's own tables (the `version` table and usrloc's `location`), from Debian's SQL. */
export async function createKamailioTables(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ version: string | null; location: string | null }[]>`
      select to_regclass('version')::text as version, to_regclass('location')::text as location`;
    if (!row?.version)
      await sql.unsafe(readFileSync(`${KAMAILIO_SQL}/standard-create.sql`, 'utf8'));
    if (!row?.location) await sql.unsafe(readFileSync(`${KAMAILIO_SQL}/usrloc-create.sql`, 'utf8'));
  } finally {
    await sql.end();
  }
}

/** Kamailio's URL syntax for the same database. */
function kamailioDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const auth = url.username
    ? `${decodeURIComponent(url.username)}${url.password ? `:${decodeURIComponent(url.password)}` : ''}@`
    : '';
  return `postgres://${auth}${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

export function renderKamailioConfig(values: {
  databaseUrl: string;
  listen: string;
  sipPort: number;
  rpcPort: number;
  domain: string;
  children: number;
}): string {
  const replacements: Record<string, string> = {
    DB_URL: kamailioDatabaseUrl(values.databaseUrl),
    LISTEN: values.listen,
    SIP_PORT: String(values.sipPort),
    RPC_PORT: String(values.rpcPort),
    DOMAIN: values.domain,
    CHILDREN: String(values.children),
  };
  return readFileSync(CONFIG_TEMPLATE, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = replacements[name];
    if (value === undefined) throw new Error(`kamailio.cfg: unknown placeholder ${name}`);
    return value;
  });
}

/** Sends SIP OPTIONS over UDP and resolves with the status code, or undefined on silence. */
export async function probeSip(
  host: string,
  port: number,
  timeoutMs = 1000,
): Promise<number | undefined> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((done) => socket.bind(0, host, done));
    const local = socket.address();
    const tag = randomBytes(6).toString('hex');
    const request = [
      `OPTIONS sip:${host}:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP ${host}:${local.port};branch=z9hG4bK${tag}`,
      'Max-Forwards: 70',
      `From: <sip:probe@${host}>;tag=${tag}`,
      `To: <sip:${host}:${port}>`,
      `Call-ID: ${tag}@${host}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    return await new Promise<number | undefined>((done) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      socket.on('message', (message) => {
        const match = /^SIP\/2\.0 (\d{3})/.exec(message.toString('utf8'));
        if (match) {
          clearTimeout(timer);
          done(Number(match[1]));
        }
      });
      socket.send(request, port, host);
    });
  } finally {
    socket.close();
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** Starts Kamailio in the foreground on free ports and waits until it answers OPTIONS. */
export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const { databaseUrl } = options;
  if (!databaseUrl) {
    throw new Error(
      'Kamailio needs a Postgres database: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)',
    );
  }
  await createKamailioTables(databaseUrl);
  const host = '127.0.0.1';
  const domain = options.domain ?? 'sip.example.com';
  const sipPort = await findFreePort();
  let rpcPort = await findFreePort();
  while (rpcPort === sipPort) rpcPort = await findFreePort();
  const folder = mkdtempSync(join(tmpdir(), 'sipops-kamailio-'));
  const configFile = join(folder, 'kamailio.cfg');
  writeFileSync(
    configFile,
    renderKamailioConfig({
      databaseUrl,
      listen: host,
      sipPort,
      rpcPort,
      domain,
      children: options.children ?? 2,
    }),
  );
  // -DD: stay in the foreground (children included), -E: log to stderr; small memory pools.
  const child = spawn(
    'kamailio',
    ['-DD', '-E', '-f', configFile, '-Y', folder, '-m', '64', '-M', '8'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_LOG_CHARS) output = output.slice(-MAX_LOG_CHARS);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL');
        await waitForExit(child, STOP_TIMEOUT_MS);
      }
    }
    rmSync(folder, { recursive: true, force: true });
  };

  // Kamailio exits 0 when the database is down, so only an answer to OPTIONS means ready.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`kamailio could not start: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `kamailio exited (${child.exitCode ?? child.signalCode}) before answering:\n${output.slice(-4000)}`,
      );
    }
    const status = await probeSip(host, sipPort, 500);
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `kamailio did not answer OPTIONS within ${READY_TIMEOUT_MS / 1000} s:\n${output.slice(-4000)}`,
      );
    }
  }
  return {
    host,
    sipPort,
    rpcUrl: `http://${host}:${rpcPort}/RPC`,
    domain,
    logs: () => output,
    stop,
  };
}

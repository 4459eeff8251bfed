import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../server.ts';

const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A Postgres cluster of the run's own, in a temporary folder on a free loopback port, so that
 * stopping it hard harms nobody else. initdb refuses root: as root it runs as `postgres`.
 */
export type PrivatePostgres = {
  url: string;
  port: number;
  dir: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m immediate`: every backend dies at once, no checkpoint (a crash). */
  stopImmediately(): Promise<void>;
  isRunning(): boolean;
  /** Stops it (if running) and deletes its folder; safe to call twice. */
  destroy(): Promise<void>;
  /** destroy() for a process that is exiting: synchronous. */
  destroyNow(): void;
};

function run(program: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const asPostgres = userInfo().uid === 0;
  const [file, argv] = asPostgres
    ? ['runuser', ['-u', 'postgres', '--', program, ...args]]
    : [program, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'sipops-chaos-pg-'));
  if (userInfo().uid === 0) {
    const { uid, gid } = await postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  let isRunning = false;
  let isDestroyed = false;
  await run(join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    // A crash of the server's processes, not of the machine: the kernel keeps what was written.
    '-c fsync=off',
    '-c shared_buffers=16MB',
    '-c max_connections=60',
  ].join(' ');
  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async start() {
      await run(join(PG_BIN, 'pg_ctl'), [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-o',
        options,
        '-w',
        '-t',
        '120',
        'start',
      ]);
      isRunning = true;
    },
    async stopImmediately() {
      isRunning = false;
      await run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    isRunning: () => isRunning,
    async destroy() {
      if (isDestroyed) return;
      isDestroyed = true;
      await run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(
        () => {},
      );
      isRunning = false;
      rmSync(dir, { recursive: true, force: true });
    },
    destroyNow() {
      if (isDestroyed) return;
      isDestroyed = true;
      const args = [join(PG_BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'];
      try {
        if (userInfo().uid === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...args]);
        else execFileSync(args[0] ?? '', args.slice(1));
      } catch {
        // Not running.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const text = await new Promise<string>((resolve, reject) =>
    execFile('id', ['postgres'], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  const uid = Number(/uid=(\d+)/.exec(text)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(text)?.[1]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error('as root the private cluster runs as the postgres user, which is missing');
  return { uid, gid };
}

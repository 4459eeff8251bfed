import { execFile } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../sip.ts';
import { createPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';

/**
 * postgres.js 3.4.9 (found by the chaos run; patches/postgres+3.4.9.patch fixes it): a backend
 * that died during a transaction made the driver's own ROLLBACK write to a dropped socket from a
 * timer, an exception nobody can catch, and the server or worker died with it; and a connection
 * used again after its backend died failed its next query with the dead session's error.
 */

let pg: PrivatePostgres;

beforeAll(async () => {
  pg = await createPrivatePostgres();
  await pg.start();
}, 180_000);

afterAll(async () => {
  await pg?.destroy();
});

const CHILD = `
import postgres from 'postgres';
const url = process.argv[1];
const sql = postgres(url, { max: 2, onnotice: () => {} });
const killer = postgres(url, { max: 1, onnotice: () => {} });
for (let round = 0; round < 5; round++) {
  let pid = null;
  const tx = sql.begin(async (t) => {
    const [row] = await t\`select pg_backend_pid() as pid\`;
    pid = row.pid;
    await t\`select pg_sleep(2)\`;
  });
  const settled = tx.then(() => undefined, (e) => e);
  while (pid === null) await new Promise((r) => setTimeout(r, 20));
  await killer\`select pg_terminate_backend(\${pid})\`;
  const error = await settled;
  if (!error) throw new Error('the transaction survived its backend');
  await new Promise((r) => setTimeout(r, 100));
}
// Outside a transaction too: the connection used again must not fail with the dead session's error.
for (let round = 0; round < 3; round++) {
  const sleeping = sql\`select pg_sleep(2) as slept, \${round}::int as round\`.then(() => 'ok', (e) => e);
  let victim;
  while (!victim) {
    await new Promise((r) => setTimeout(r, 50));
    [victim] = await killer\`select pid from pg_stat_activity where query like 'select pg_sleep(2) as slept%'\`;
  }
  await killer\`select pg_terminate_backend(\${victim.pid})\`;
  if ((await sleeping) === 'ok') throw new Error('the query survived its backend');
  const [again] = await sql\`select 2 as two\`;
  if (again.two !== 2) throw new Error('the next query failed');
}
const [after] = await sql\`select 1 as one\`;
console.log('survived', after.one);
await Promise.all([sql.end(), killer.end()]);
`;

it('a backend dying mid-transaction fails the transaction, not the process', async () => {
  const result = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', CHILD, pg.url],
      { cwd: REPO_ROOT, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? -1) : 0, out: stdout + stderr }),
    );
  });
  expect(result.out).not.toContain("Cannot read properties of null (reading 'write')");
  if (result.code !== 0) console.error(result.out);
  expect(result).toMatchObject({ code: 0 });
  expect(result.out).toContain('survived 1');
}, 180_000);

/**
 * postgres.js 3.4.9 (found by the chaos run; patched): a connection whose server went away while
 * it fetched the array types, and refused the reconnect, rejected that internal fetch with nobody
 * to catch it, and the worker died of an unhandled ECONNREFUSED. A fake server plays the part:
 * it lets the connection start, drops it at its first query, and stops listening.
 */
it('a server gone while the driver fetches its types fails the query, not the process', async () => {
  const server = createServer((socket) => {
    let isStarted = false;
    socket.on('data', () => {
      if (isStarted) {
        socket.destroy();
        server.close();
        return;
      }
      isStarted = true;
      // AuthenticationOk, then ReadyForQuery (idle).
      socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49]));
    });
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
  const child = `
import postgres from 'postgres';
const sql = postgres(process.argv[1], { max: 1, onnotice: () => {} });
const outcome = await sql\`select 1 as one\`.then(() => 'answered', (e) => e.code);
// Long enough for a stray rejection to end the process.
await new Promise((r) => setTimeout(r, 1000));
console.log('survived', outcome);
process.exit(0);
`;
  const result = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', child, `postgres://sipops@127.0.0.1:${port}/sipops`],
      { cwd: REPO_ROOT, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? -1) : 0, out: stdout + stderr }),
    );
  });
  server.close();
  expect(result.out).not.toContain('triggerUncaughtException');
  expect(result).toMatchObject({ code: 0 });
  expect(result.out).toContain('survived ECONNREFUSED');
}, 120_000);

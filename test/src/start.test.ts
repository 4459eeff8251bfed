import { createTestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, type RunningServer, startServer, waitForHealth } from './server.ts';
import { botCommand, freshEmbeddedEnv, postgresEnv, runSip } from './sip.ts';

const running: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
});

function start(env: Record<string, string>, command?: string[]): RunningServer {
  const server = startServer(env, command);
  running.push(server);
  return server;
}

describe('npm start on the embedded default', { timeout: 120_000 }, () => {
  // How fast it starts is the first-start bench's figure: here the server only has to answer
  // within a minute, which a loaded machine also manages (20 s did not, at a load of 20).
  it('answers /api/health with no configuration, and the terminal works beside it', async () => {
    const env = { ...freshEmbeddedEnv(), PORT: String(await freePort()) };
    const server = start(env);
    await waitForHealth(server, 60_000);
    const health = await (await fetch(`${server.baseUrl}/api/health`)).json();
    expect(health).toEqual({
      status: 'ok',
      database: 'pglite',
      migrations: { committed: expect.any(Number), applied: expect.any(Number) },
      parts: { database: 'up', slack: 'off', workers: 'up' },
    });
    expect(server.output()).toMatch(/database\s+PGlite in /);

    expect((await runSip(['group', 'create', 'while-running'], env)).code).toBe(0);
    const listed = await runSip(['group', 'list', '--json'], env);
    expect(JSON.parse(listed.stdout).map((g: { name: string }) => g.name)).toEqual([
      'while-running',
    ]);
    const refused = await runSip(
      [
        'create',
        '--group',
        'while-running',
        '--type',
        'pgsm',
        '--number',
        '12ab',
        '--password',
        'Secret-pass-1',
      ],
      env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--number: must contain only digits/);

    const second = start({ ...env, PORT: String(await freePort()) }, botCommand('start'));
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/the data folder is in use by the sipops server \(pid \d+\)/);

    await server.stop();
    expect(server.output()).toMatch(/sipops: SIGINT, stopping/);
    const afterStop = await runSip(['group', 'list', '--json'], env);
    expect(JSON.parse(afterStop.stdout).map((g: { name: string }) => g.name)).toEqual([
      'while-running',
    ]);
  });

  it('refuses a wrong setting at start, naming the variable', async () => {
    const server = start(
      { ...freshEmbeddedEnv(), PORT: 'eighty', SIPOPS_SECRET_KEY: 'too-short' },
      botCommand('start'),
    );
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/SIPOPS_SECRET_KEY: must be 32 bytes/);
    expect(server.output()).toMatch(/PORT: must be a port number/);
  });

  it('names DATABASE_URL and the cause when the database cannot be reached, without a stack', async () => {
    const url = `postgres://postgres:hunter2@127.0.0.1:${await freePort()}/nowhere`;
    const env = { ...postgresEnv(url), PORT: String(await freePort()) };
    const server = start(env, botCommand('start'));
    expect(await server.exited).toBe(1);
    const said =
      /cannot reach the database at DATABASE_URL \(127\.0\.0\.1:\d+\): connection refused/;
    expect(server.output()).toMatch(said);
    expect(server.output()).not.toMatch(/Failed query|hunter2|\n\s+at /);
    const terminal = await runSip(['group', 'list'], env);
    expect(terminal.code).toBe(3);
    expect(terminal.stderr).toMatch(said);
  });
});

describe.runIf(testDatabaseKinds().includes('postgres'))(
  'the server on Postgres',
  { timeout: 120_000 },
  () => {
    it('answers 200 while the database is there and 503 once it is gone', async () => {
      const database = await createTestDatabase('postgres');
      const env = { ...postgresEnv(database.url ?? ''), PORT: String(await freePort()) };
      const server = start(env, botCommand('start'));
      try {
        await waitForHealth(server, 60_000);
        expect(server.output()).toMatch(/database\s+Postgres at postgres:\/\//);
      } finally {
        await database.close();
      }
      const response = await fetch(`${server.baseUrl}/api/health`);
      expect(response.status).toBe(503);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = await response.json();
      expect(body).toMatchObject({
        status: 'unavailable',
        reason: expect.stringMatching(/database/),
        parts: { database: 'down' },
      });
      // Which part is down, not where the database lives nor what the driver said.
      expect(JSON.stringify(body)).not.toMatch(
        /postgres:|127\.0\.0\.1|5432|ECONNREFUSED|does not exist|terminat/i,
      );
    });
  },
);

import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@sipops/db/testing';
import { freePort, type RunningServer, startServer, waitForHealth } from '../server.ts';
import { botCommand, embeddedEnv, postgresEnv, runSip, type SipResult } from '../sip.ts';

const STOP_GRACE_MS = 20_000;

/** A running sipops (`node bot/src/process/start.ts`, the built web app) on a fresh database, for end-to-end tests. */
export type ActivationServer = {
  server: RunningServer;
  baseUrl: string;
  env: Record<string, string>;
  /** The Postgres database the server uses, to read it straight; undefined on PGlite. */
  database: TestDatabase | undefined;
  sip(...args: string[]): Promise<SipResult>;
  /** `sip … --json`, parsed; fails on a non-zero exit. */
  sipJson<T = Record<string, unknown>>(...args: string[]): Promise<T>;
  stop(): Promise<void>;
};

export async function startActivationServer(
  kind: TestDatabaseKind,
  extraEnv: (baseUrl: string) => Record<string, string> = () => ({}),
  /** A Postgres database made beforehand (another process, e.g. Kamailio, reads it too). */
  given?: TestDatabase,
): Promise<ActivationServer> {
  const database =
    given ?? (kind === 'postgres' ? await createTestDatabase('postgres') : undefined);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...(database ? postgresEnv(database.url ?? '') : embeddedEnv()),
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    SIPOPS_SMS_PER_SECOND: '50',
    ...extraEnv(baseUrl),
  };
  const server = startServer(env, botCommand('start'));
  try {
    await waitForHealth(server, 90_000);
  } catch (error) {
    await server.stop();
    await database?.close();
    throw error;
  }
  const sip = (...args: string[]) => runSip(args, env);
  return {
    server,
    baseUrl,
    env,
    database,
    sip,
    async sipJson<T>(...args: string[]) {
      const result = await sip(...args, '--json');
      if (result.code !== 0)
        throw new Error(`sip ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
    async stop() {
      // SIGTERM straight to the process, as a service manager would stop it.
      if (server.child.exitCode === null && server.child.signalCode === null)
        server.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        // A server that does not stop within its grace time must not outlive the tests.
        console.error(
          `[sipops] the server did not stop on SIGTERM:\n${server.output().slice(-2000)}`,
        );
        server.child.kill('SIGKILL');
      }, STOP_GRACE_MS);
      await server.exited;
      clearTimeout(timer);
      await database?.close();
    },
  };
}

/** A profile with both stores, a group using it, and a wizard account; returns its username. */
export async function seedWizardAccount(
  app: ActivationServer,
  number: string,
  names = { profile: 'std', group: 'north' },
): Promise<string> {
  const profiles = await app.sipJson<{ name: string }[]>('profile', 'list');
  if (!profiles.some((p) => p.name === names.profile))
    await app.sipJson(
      'profile',
      'create',
      names.profile,
      '--sip-host',
      'sip.example.com',
      '--brand',
      'Acme',
      '--ios-url',
      'https://apps.apple.com/app/acme/id123',
      '--android-url',
      'https://play.google.com/store/apps/details?id=com.acme',
      '--app-scheme',
      'acme',
    );
  const groups = await app.sipJson<{ name: string }[]>('group', 'list');
  if (!groups.some((g) => g.name === names.group))
    await app.sipJson('group', 'create', names.group, '--profile', names.profile);
  const account = await app.sipJson<{ username: string }>(
    'wizard',
    '--group',
    names.group,
    '--number',
    number,
  );
  return account.username;
}

/** The token of the newest local-outbox SMS of an account, read with `sms list`. */
export async function localSmsToken(app: ActivationServer, account: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const messages = await app.sipJson<{ body: string }[]>('sms', 'list', '--account', account);
    const token = /\/a\/([A-Za-z0-9_-]{32})/.exec(messages[0]?.body ?? '')?.[1];
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no SMS in the local outbox for ${account}`);
}

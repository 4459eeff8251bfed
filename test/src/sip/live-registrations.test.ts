import { startRegistrarWorker } from '@sipops/bot/process/registrar/start-registrar-worker';
import { executeRows } from '@sipops/db/execute';
import { createTestDatabase, type TestDatabase } from '@sipops/db/testing';
import type { OutboxWorker } from '@sipops/shared/outbox/outbox-worker';
import { mobileNumber } from '@sipops/shared/testing/test-fixture';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSip } from '../sip.ts';
import { readable, type SlackHarness, startSlackHarness, USERS } from '../slack/slack-harness.ts';
import { type Kamailio, startKamailio } from './kamailio.ts';
import { registerWithSipp } from './sipp.ts';

const DOMAIN = 'sip.example.com';
const PASSWORD = 'Live-pass-123';
/** The Slack harness's key, so that the terminal reads the same passwords. */
const SECRET_KEY = '07'.repeat(32);

type ClientJson = {
  username: string;
  number: string;
  group: string;
  contact: string;
  userAgent: string;
  expires: string | null;
};

/**
 * Live registrations on a real Kamailio (usrloc in DB mode over the test database): `clients`
 * (terminal and Slack) and the card list a phone registered with sipp; disable, delete and
 * revoke-keys drop it through Kamailio's JSON-RPC (`ul.rm`), sent by the registrar worker.
 * Postgres only (Kamailio is another process): without TEST_DATABASE_URL or Kamailio it fails.
 */
/** Each terminal command is a process of its own, seconds each on a busy machine. */
const TERMINAL_TEST_MS = 240_000;

describe('live registrations on a real Kamailio', { timeout: TERMINAL_TEST_MS }, () => {
  let h: SlackHarness;
  let kamailio: Kamailio;
  let worker: OutboxWorker;
  let env: Record<string, string>;
  const workerLog: string[] = [];

  beforeAll(async () => {
    h = await startSlackHarness('postgres');
    kamailio = await startKamailio({ databaseUrl: h.database.url, domain: DOMAIN });
    // What `npm start` runs with SIPOPS_KAMAILIO_RPC_URL set, here in the test's process.
    worker = startRegistrarWorker({
      deps: h.deps,
      rpcUrl: kamailio.rpcUrl,
      pollIntervalMs: 100,
      log: (line) => workerLog.push(line),
    });
    env = { DATABASE_URL: h.database.url ?? '', SIPOPS_SECRET_KEY: SECRET_KEY };
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await kamailio?.stop();
    await h?.close();
  });

  const sip = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const result = await runSip(args, { ...env, ...extraEnv });
    return result;
  };
  const createAccount = async (group = 'acme') => {
    const created = await sip([
      'create',
      '--group',
      group,
      '--type',
      'pgsm',
      '--number',
      mobileNumber(),
      '--password',
      PASSWORD,
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    return JSON.parse(created.stdout) as { username: string; number: string };
  };
  const register = (username: string) =>
    registerWithSipp({
      host: kamailio.host,
      port: kamailio.sipPort,
      domain: kamailio.domain,
      username,
      password: PASSWORD,
    });
  const contactsOf = async (username: string) => {
    const [row] = await executeRows<{ count: number }>(
      h.database.db,
      sql`select count(*)::int as count from location where username = ${username}`,
    );
    return row?.count ?? 0;
  };
  const clients = async (args: string[] = [], extraEnv: Record<string, string> = {}) => {
    const listed = await sip(['clients', ...args, '--json'], extraEnv);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    return JSON.parse(listed.stdout) as ClientJson[];
  };
  /** Polls `location` until the account has no contact; the time it took, in ms. */
  const waitUntilGone = async (username: string) => {
    const started = Date.now();
    while ((await contactsOf(username)) > 0) {
      if (Date.now() - started > 30_000)
        throw new Error(`${username} still registered after 30 s:\n${workerLog.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Date.now() - started;
  };

  it('lists a registered phone with its user agent; after disable it is gone within 2 s and refused', async () => {
    const account = await createAccount();
    expect(await register(account.username)).toBe(200);
    expect(await contactsOf(account.username)).toBe(1);

    const listed = (await clients()).filter((c) => c.username === account.username);
    expect(listed).toEqual([
      {
        username: account.username,
        number: account.number,
        group: 'acme',
        registeredAs: account.username,
        contact: expect.stringContaining('@127.0.0.1:'),
        received: null,
        userAgent: 'sipp-register',
        expires: expect.any(String),
      },
    ]);
    const expires = Date.parse(listed[0]?.expires ?? '');
    expect(expires).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(expires).toBeLessThan(Date.now() + 2 * 3_600_000);
    expect((await clients(['acme'])).map((c) => c.username)).toContain(account.username);
    expect((await clients(['beta'])).map((c) => c.username)).not.toContain(account.username);
    const human = await sip(['clients', 'acme']);
    expect(human.stdout).toMatch(/USERNAME\s+NUMBER\s+GROUP\s+CONTACT\s+USER AGENT\s+EXPIRES/);
    expect(human.stdout).toContain(account.username);
    expect(human.stdout).toContain('sipp-register');
    const shown = await sip(['show', account.username]);
    expect(shown.stdout).toContain('registered now: 1 phone(s)');
    expect(shown.stdout).toContain('sipp-register');

    const disabled = await sip(['disable', account.username, '--yes']);
    expect(disabled.code).toBe(0);
    // The terminal process committed the change and its removal; the worker sends ul.rm.
    const ms = await waitUntilGone(account.username);
    console.info(`disable → registration gone from location in ${ms} ms`);
    expect(ms, `the registration was gone after ${ms} ms`).toBeLessThan(2000);
    expect(await register(account.username)).toBe(403);

    const after = await sip(['show', account.username]);
    expect(after.stdout).toContain('registered now: no phone');
    expect(after.stdout).toMatch(
      /registrar: confirmed the removal of live registrations at \d{4}-\d\d-\d\dT/,
    );
    expect((await clients()).map((c) => c.username)).not.toContain(account.username);
  });

  it('shows registered phones in Slack: /sip clients and the card, then the confirmation', async () => {
    const account = await createAccount();
    expect(await register(account.username)).toBe(200);
    const listed = await h.command(USERS.manager, 'clients acme');
    const text = readable(listed.replies);
    expect(text).toContain(`*${account.username}* (${account.number})`);
    expect(text).toContain('sipp-register');
    const card = readable((await h.command(USERS.manager, `show ${account.username}`)).replies);
    expect(card).toContain('*Registered now*');
    expect(card).toContain('sipp-register');

    expect((await sip(['revoke-keys', account.username, '--yes'])).code).toBe(0);
    await waitUntilGone(account.username);
    // The worker marks the row done right after Kamailio's answer: poll the card for it.
    let confirmed = '';
    for (let tries = 0; tries < 100 && !confirmed.includes('registrar confirmed'); tries++) {
      confirmed = readable((await h.command(USERS.manager, `show ${account.username}`)).replies);
      if (!confirmed.includes('registrar confirmed')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(confirmed).toContain('The registrar confirmed the removal of live registrations');
    expect(confirmed).toContain('Registered now*\nno phone');
  });

  it('drops the registration of a deleted account', async () => {
    const account = await createAccount();
    expect(await register(account.username)).toBe(200);
    expect((await sip(['delete', account.username, '--yes'])).code).toBe(0);
    await waitUntilGone(account.username);
    expect(await register(account.username)).toBe(403);
  });

  it('reads location from SIPOPS_LOCATION_DATABASE_URL; a database without it is "not connected"', async () => {
    const account = await createAccount();
    expect(await register(account.username)).toBe(200);
    const elsewhere = await clients([], { SIPOPS_LOCATION_DATABASE_URL: h.database.url ?? '' });
    expect(elsewhere.map((c) => c.username)).toContain(account.username);

    let empty: TestDatabase | undefined;
    try {
      empty = await createTestDatabase('postgres');
      const missing = await sip(['clients', '--json'], {
        SIPOPS_LOCATION_DATABASE_URL: empty.url ?? '',
      });
      expect(missing.code).toBe(3);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toContain('registrar not connected');
      const shown = await sip(['show', account.username], {
        SIPOPS_LOCATION_DATABASE_URL: empty.url ?? '',
      });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain('registrar not connected');
    } finally {
      await empty?.close();
    }
  });
});

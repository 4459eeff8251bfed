import { startRegistrarWorker } from '@sipops/bot/process/registrar/start-registrar-worker';
import { formatRegistrations } from '@sipops/bot/terminal/format-registrations';
import { outbox } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { plainAccountSchema } from '@sipops/shared/account-schemas';
import { ConfigError } from '@sipops/shared/config/read';
import { readRegistrarConfig } from '@sipops/shared/config/registrar';
import { readRuntimeConfig } from '@sipops/shared/config/runtime';
import { type Deps, systemClock } from '@sipops/shared/deps';
import type { OutboxWorker } from '@sipops/shared/outbox/outbox-worker';
import { ACTOR, mobileNumber, refusal, seedGroups } from '@sipops/shared/testing/test-fixture';
import { createPlainAccount } from '@sipops/shared/use-cases/create-plain-account';
import { deleteAccount } from '@sipops/shared/use-cases/delete-account';
import { revokeKeys } from '@sipops/shared/use-cases/revoke-keys';
import { disableAccount, enableAccount } from '@sipops/shared/use-cases/set-account-enabled';
import { showRegistrations } from '@sipops/shared/use-cases/show-registrations';
import { parseInput } from '@sipops/shared/validation';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKamailioRpc, startFakeKamailioRpc } from '../fake-kamailio-rpc.ts';

const DOMAIN = 'sip.example.com';

async function waitFor<T>(what: string, read: () => Promise<T>, isDone: (value: T) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The registrar worker against a fake of Kamailio's JSON-RPC over HTTP: a removal is queued with
 * the change, retried with growing pauses, never dropped, and the card says when it was confirmed.
 * The removal against the real Kamailio is in test/src/sip/live-registrations.test.ts.
 */
describe.each(testDatabaseKinds())('removal of live registrations on %s', (kind) => {
  let database: TestDatabase;
  let deps: Deps;
  let fake: FakeKamailioRpc;
  let worker: OutboxWorker | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = { db: database.db, clock: systemClock, secretKey: Buffer.alloc(32, 7) };
    await seedGroups(deps, [{ name: 'acme', profile: 'standard' }]);
    fake = await startFakeKamailioRpc();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });
  afterAll(async () => {
    await fake?.close();
    await database?.close();
  });

  const createAccount = async () =>
    createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, {
        group: 'acme',
        type: 'pgsm',
        number: mobileNumber(),
        password: 'Secret-pass-1',
      }),
    );
  const removalRows = (accountId: string) =>
    database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, 'registrar'), eq(outbox.orderKey, `registrar:${accountId}`)))
      .orderBy(asc(outbox.id));
  const startWorker = (
    rpcUrl: string | undefined,
    backoffMs = (attempt: number) => 150 * attempt,
  ) => {
    worker = startRegistrarWorker({ deps, rpcUrl, backoffMs, pollIntervalMs: 20, log: () => {} });
  };

  it('retries ul.rm with growing pauses until Kamailio confirms, and the card says when', async () => {
    const account = await createAccount();
    await disableAccount(deps, ACTOR, account.username);
    // Queued with the change, before any worker runs.
    expect((await removalRows(account.id)).map((r) => r.state)).toEqual(['pending']);

    fake.calls.length = 0;
    fake.script('500', 'garbage');
    startWorker(fake.url);
    const registrations = await waitFor(
      'the confirmation',
      () => showRegistrations(deps, account),
      (r) => r.removal?.state === 'done',
    );

    const aors = [`${account.username}@${DOMAIN}`, `${account.number}@${DOMAIN}`];
    expect(fake.calls.map((call) => [call.method, ...call.params])).toEqual([
      ['ul.rm', 'location', aors[0]],
      ['ul.rm', 'location', aors[0]],
      ['ul.rm', 'location', aors[0]],
      ['ul.rm', 'location', aors[1]],
    ]);
    const [first, second, third] = fake.calls.map((call) => call.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(150);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(300);
    const [row] = await removalRows(account.id);
    expect(row).toMatchObject({ state: 'done', attempts: 3, lastError: null });
    expect(registrations.removal).toMatchObject({
      state: 'done',
      attempts: 3,
      doneAt: row?.doneAt?.toISOString(),
    });
    // No Kamailio tables in this database: the card says so instead of failing.
    expect(registrations.reading).toMatchObject({ state: 'not-connected' });
    const text = formatRegistrations(registrations);
    expect(text).toContain('registrar not connected');
    expect(text).toContain(
      `registrar: confirmed the removal of live registrations at ${row?.doneAt?.toISOString()}`,
    );
  });

  it('counts "not found" (nothing registered) as done', async () => {
    const account = await createAccount();
    fake.calls.length = 0;
    fake.script('not-found', 'not-found');
    await revokeKeys(deps, ACTOR, account.username);
    startWorker(fake.url);
    const [row] = await waitFor(
      'the removal',
      () => removalRows(account.id),
      ([r]) => r?.state === 'done',
    );
    expect(row?.attempts).toBe(1);
    expect(fake.calls).toHaveLength(2);
  });

  it('keeps a removal while Kamailio is down, and sends it once it is back', async () => {
    const down = await startFakeKamailioRpc();
    const { url } = down;
    const port = Number(new URL(url).port);
    await down.close();
    const account = await createAccount();
    // The staff's action does not wait for the registrar.
    await disableAccount(deps, ACTOR, account.username);
    startWorker(url, () => 100);
    const [waiting] = await waitFor(
      'two failed tries',
      () => removalRows(account.id),
      ([r]) => (r?.attempts ?? 0) >= 2 && r?.state === 'pending',
    );
    expect(waiting?.lastError).toContain('did not answer');
    const pending = await showRegistrations(deps, account);
    expect(pending.removal).toMatchObject({ state: 'pending' });
    expect(formatRegistrations(pending)).toContain('not confirmed yet');

    const back = await startFakeKamailioRpc(port);
    try {
      const [row] = await waitFor(
        'the removal',
        () => removalRows(account.id),
        ([r]) => r?.state === 'done',
      );
      expect(row?.attempts).toBeGreaterThanOrEqual(3);
      expect(back.calls.map((call) => call.params[1])).toContain(`${account.username}@${DOMAIN}`);
    } finally {
      await worker?.stop();
      worker = undefined;
      await back.close();
    }
  });

  it('marks removals skipped without SIPOPS_KAMAILIO_RPC_URL, and the card says so', async () => {
    const account = await createAccount();
    await deleteAccount(deps, ACTOR, account.username);
    startWorker(undefined);
    const [row] = await waitFor(
      'the skip',
      () => removalRows(account.id),
      ([r]) => r?.state === 'skipped',
    );
    expect(row?.attempts).toBe(1);
    const registrations = await showRegistrations(deps, account);
    expect(formatRegistrations(registrations)).toContain('SIPOPS_KAMAILIO_RPC_URL is not set');
  });

  it('queues a removal on disable, delete and revoke-keys only, with the change', async () => {
    const account = await createAccount();
    await enableAccount(deps, ACTOR, account.username);
    expect(await removalRows(account.id)).toHaveLength(0);
    await disableAccount(deps, ACTOR, account.username);
    // Disabling a disabled account changes nothing and asks nothing.
    await disableAccount(deps, ACTOR, account.username);
    await enableAccount(deps, ACTOR, account.username);
    await revokeKeys(deps, ACTOR, account.username);
    await deleteAccount(deps, ACTOR, account.username);
    const rows = await removalRows(account.id);
    expect(rows).toHaveLength(3);
    expect(rows[0]?.payload).toEqual({
      accountId: account.id,
      users: [account.username, account.number],
      domain: DOMAIN,
    });
    const before = await database.db.$count(outbox);
    await refusal(() => disableAccount(deps, ACTOR, 'nobody-by-that-name'));
    expect(await database.db.$count(outbox)).toBe(before);
  });
});

describe('registrar settings', () => {
  it('takes an http(s) SIPOPS_KAMAILIO_RPC_URL, blank as unset, and names it when wrong', () => {
    expect(readRegistrarConfig({ SIPOPS_KAMAILIO_RPC_URL: 'http://127.0.0.1:5071/RPC' })).toEqual({
      rpcUrl: 'http://127.0.0.1:5071/RPC',
    });
    expect(readRegistrarConfig({ SIPOPS_KAMAILIO_RPC_URL: '  ' })).toEqual({ rpcUrl: undefined });
    expect(() => readRegistrarConfig({ SIPOPS_KAMAILIO_RPC_URL: '127.0.0.1:5071' })).toThrow(
      /SIPOPS_KAMAILIO_RPC_URL: must be an http\(s\) URL/,
    );
  });

  it('takes a postgres:// SIPOPS_LOCATION_DATABASE_URL and names it when wrong', () => {
    expect(
      readRuntimeConfig({ SIPOPS_LOCATION_DATABASE_URL: 'postgres://kamailio@db/kamailio' })
        .locationDatabaseUrl,
    ).toBe('postgres://kamailio@db/kamailio');
    expect(() =>
      readRuntimeConfig({ SIPOPS_LOCATION_DATABASE_URL: 'mysql://db/kamailio' }),
    ).toThrow(ConfigError);
    expect(() =>
      readRuntimeConfig({ SIPOPS_LOCATION_DATABASE_URL: 'mysql://db/kamailio' }),
    ).toThrow(/SIPOPS_LOCATION_DATABASE_URL: must be a postgres:\/\/ URL/);
  });
});

import {
  createTwilioSmsHandler,
  TWILIO_MAX_VALIDITY_SECONDS,
} from '@sipops/bot/process/sms/twilio-sms';
import { outbox, smsMessages } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { wizardAccountSchema } from '@sipops/shared/account-schemas';
import { deliverDueMessages, type OutboxHandler } from '@sipops/shared/outbox/outbox-worker';
import {
  type ActivationTestDeps,
  activationTestDeps,
  LINK_TTL_MS,
  lastSmsOutbox,
} from '@sipops/shared/testing/activation-fixture';
import { ACTOR, mobileNumber, outboxRows, seedGroups } from '@sipops/shared/testing/test-fixture';
import { createWizardAccount } from '@sipops/shared/use-cases/create-wizard-account';
import { sendActivationSms } from '@sipops/shared/use-cases/send-activation-sms';
import { parseInput } from '@sipops/shared/validation';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FAKE_ACCOUNT_SID,
  FAKE_AUTH_TOKEN,
  FAKE_SERVICE_SID,
  type FakeTwilio,
  startFakeTwilio,
} from './fake-twilio.ts';

const CALLBACK = 'https://sip.example.test/api/twilio/status';
const LEASE_MS = 60_000;
const HOUR = 3_600_000;

describe.each(testDatabaseKinds())('SMS through Twilio (fake API) on %s', (kind) => {
  let database: TestDatabase;
  let deps: ActivationTestDeps;
  let fake: FakeTwilio;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = activationTestDeps(database.db);
    await seedGroups(deps, [{ name: 'north', profile: 'standard' }]);
    fake = await startFakeTwilio();
  }, 60_000);
  afterAll(async () => {
    await fake.close();
    await database.close();
  });
  beforeEach(() => fake.reset());

  const handler = (options: { timeoutMs?: number; maxAttempts?: number } = {}): OutboxHandler =>
    createTwilioSmsHandler(deps, {
      accountSid: FAKE_ACCOUNT_SID,
      authToken: FAKE_AUTH_TOKEN,
      sender: { messagingServiceSid: FAKE_SERVICE_SID },
      statusCallbackUrl: CALLBACK,
      httpClient: fake.httpClient(options.timeoutMs ?? 500),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      log: () => {},
    });

  /** Runs the worker's passes until nothing is due, moving the clock past each Retry-After. */
  async function deliverAll(sms: OutboxHandler, maxAttempts = 8): Promise<number> {
    let passes = 0;
    for (let round = 0; round < 20; round++) {
      const tried = await deliverDueMessages(deps.db, deps.clock, 'sms', {
        handlers: { sms },
        maxAttempts,
        backoffMs: () => 0,
        leaseMs: LEASE_MS,
      });
      if (tried === 0) return passes;
      passes += tried;
      deps.clock.advance(1100);
    }
    throw new Error('the outbox never settled');
  }

  /** A wizard account with its activation SMS queued. */
  async function queued() {
    const account = await createWizardAccount(
      deps,
      ACTOR,
      parseInput(wizardAccountSchema, { group: 'north', number: mobileNumber() }),
    );
    await sendActivationSms(deps, ACTOR, { account: account.username });
    return { account, ...(await lastSmsOutbox(deps, account.id)) };
  }

  async function outboxRow(id: number) {
    const [row] = await deps.db.select().from(outbox).where(eq(outbox.id, id));
    return row;
  }
  async function smsRow(outboxId: number) {
    const [row] = await deps.db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.outboxId, outboxId));
    return row;
  }
  const created = () => fake.requests.filter((r) => r.startsWith('POST')).length;

  it('sends once through the messaging service, with the link’s validity and a status callback', async () => {
    const { row, text, payload } = await queued();
    await deliverAll(handler());
    expect(fake.messages).toHaveLength(1);
    const [message] = fake.messages;
    const sms = await smsRow(row.id);
    expect(message).toMatchObject({
      to: payload.to,
      body: text,
      messagingServiceSid: FAKE_SERVICE_SID,
      from: null,
      // 72 h of link, but Twilio keeps a message 10 h at most.
      validityPeriod: TWILIO_MAX_VALIDITY_SECONDS,
      statusCallback: `${CALLBACK}?sms=${sms?.id}`,
    });
    expect(sms).toMatchObject({ providerSid: message?.sid, status: 'queued', provider: 'twilio' });
    expect(sms?.body).not.toContain(text.split('/a/')[1]);
    expect(await outboxRow(row.id)).toMatchObject({ state: 'done', externalId: message?.sid });
  });

  it('never asks Twilio to keep a message longer than the link lives', async () => {
    const { row } = await queued();
    deps.clock.advance(LINK_TTL_MS - HOUR);
    await deliverAll(handler());
    expect(fake.messages[0]?.validityPeriod).toBe(3600);
    expect(await outboxRow(row.id)).toMatchObject({ state: 'done' });
  });

  it('sends exactly one message through 500s that took nothing', async () => {
    const { row } = await queued();
    fake.script('500', '503');
    await deliverAll(handler());
    expect(fake.messages).toHaveLength(1);
    expect(await outboxRow(row.id)).toMatchObject({ state: 'done', attempts: 3 });
  });

  it('sends exactly one message when a 500 came after Twilio took it: it looks before sending again', async () => {
    const { row } = await queued();
    fake.script('500-after');
    await deliverAll(handler());
    expect(fake.messages).toHaveLength(1);
    expect(created()).toBe(1);
    expect(fake.requests).toContain(`GET /2010-04-01/Accounts/${FAKE_ACCOUNT_SID}/Messages.json`);
    expect(await outboxRow(row.id)).toMatchObject({
      state: 'done',
      externalId: fake.messages[0]?.sid,
    });
    expect(await smsRow(row.id)).toMatchObject({ providerSid: fake.messages[0]?.sid });
  });

  it('sends exactly one message through timeouts, whether or not Twilio took it', async () => {
    const taken = await queued();
    fake.script('hang-after');
    await deliverAll(handler({ timeoutMs: 300 }));
    expect(fake.messages).toHaveLength(1);
    expect(created()).toBe(1);
    expect(await outboxRow(taken.row.id)).toMatchObject({ state: 'done', attempts: 2 });

    fake.reset();
    const lost = await queued();
    fake.script('hang');
    await deliverAll(handler({ timeoutMs: 300 }));
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]?.body).toBe(lost.text);
    expect(created()).toBe(2);
  });

  it('sends exactly one message when the worker dies mid-send and another takes over after the lease', async () => {
    const { row } = await queued();
    fake.script('hang-after');
    // Worker A takes the message to Twilio, which takes it, and never hears back: A is "dead".
    const dead = deliverDueMessages(deps.db, deps.clock, 'sms', {
      handlers: { sms: handler({ timeoutMs: 3000 }) },
      leaseMs: LEASE_MS,
    });
    await expect.poll(() => fake.messages.length).toBe(1);
    expect(await outboxRow(row.id)).toMatchObject({ state: 'sending' });

    // Worker B finds the lease run out: an unclear failure, so it asks Twilio before sending.
    deps.clock.advance(LEASE_MS + 1);
    await deliverAll(handler());
    expect(fake.messages).toHaveLength(1);
    expect(created()).toBe(1);
    expect(await outboxRow(row.id)).toMatchObject({
      state: 'done',
      externalId: fake.messages[0]?.sid,
    });

    // A's late timeout changes nothing any more.
    await dead;
    expect(await outboxRow(row.id)).toMatchObject({ state: 'done' });
    expect(fake.messages).toHaveLength(1);
  });

  it('sends exactly one message when the database fails right after Twilio took it', async () => {
    const { row } = await queued();
    // Postgres goes away as the SID is recorded: the first transaction after the send is refused.
    let isRefused = false;
    const db = new Proxy(deps.db, {
      get(target, key, receiver) {
        if (key !== 'transaction' || isRefused) return Reflect.get(target, key, receiver);
        isRefused = true;
        return () =>
          Promise.reject(
            Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
              code: 'ECONNREFUSED',
            }),
          );
      },
    });
    const sms = createTwilioSmsHandler(
      { ...deps, db },
      {
        accountSid: FAKE_ACCOUNT_SID,
        authToken: FAKE_AUTH_TOKEN,
        sender: { messagingServiceSid: FAKE_SERVICE_SID },
        statusCallbackUrl: CALLBACK,
        httpClient: fake.httpClient(500),
        log: () => {},
      },
    );
    await deliverAll(sms);
    expect(isRefused).toBe(true);
    expect(fake.messages).toHaveLength(1);
    expect(created()).toBe(1);
    expect(await outboxRow(row.id)).toMatchObject({
      state: 'done',
      externalId: fake.messages[0]?.sid,
    });
    expect(await smsRow(row.id)).toMatchObject({ providerSid: fake.messages[0]?.sid });
  });

  it('waits out a 429 and sends once', async () => {
    const { row } = await queued();
    fake.script('429');
    await deliverAll(handler());
    expect(fake.messages).toHaveLength(1);
    expect(created()).toBe(2);
    expect(await outboxRow(row.id)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('takes a refused number for good: recorded, posted in the channel, never retried', async () => {
    const { account, row } = await queued();
    fake.script('400');
    await deliverAll(handler());
    expect(fake.messages).toHaveLength(0);
    expect(created()).toBe(1);
    expect(await outboxRow(row.id)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await smsRow(row.id)).toMatchObject({ status: 'failed', errorCode: '21211' });
    const failed = (await outboxRows(deps.db, account.id)).filter(
      (r) => (r.payload as { event: string }).event === 'sms.failed',
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]?.payload).toMatchObject({ error: { code: '21211' } });
  });

  it('says so when the tries run out', async () => {
    const { row } = await queued();
    fake.script('500', '500', '500');
    await deliverAll(handler({ maxAttempts: 3 }), 3);
    expect(fake.messages).toHaveLength(0);
    expect(await outboxRow(row.id)).toMatchObject({ state: 'failed', attempts: 3 });
    expect((await smsRow(row.id))?.errorMessage).toMatch(/^gave up after 3 tries/);
  });

  it('never sends a link that a newer one replaced before the worker ran', async () => {
    const first = await queued();
    deps.clock.advance(1000);
    await sendActivationSms(deps, ACTOR, { account: first.account.username });
    const second = await lastSmsOutbox(deps, first.account.id);
    await deliverAll(handler());
    expect(fake.messages.map((m) => m.body)).toEqual([second.text]);
    expect(await outboxRow(first.row.id)).toMatchObject({ state: 'done', externalId: null });
  });
});

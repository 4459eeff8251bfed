import { createNotifyHandler } from '@sipops/bot/process/notifications/post-notification';
import {
  createNotifyClient,
  startNotificationWorker,
} from '@sipops/bot/process/notifications/start-notification-worker';
import { findGroupChannel, listFailedMessages } from '@sipops/db/queries';
import { outbox } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { accountChangesSchema, plainAccountSchema } from '@sipops/shared/account-schemas';
import { deliverDueMessages, type OutboxWorkerOptions } from '@sipops/shared/outbox/outbox-worker';
import {
  ACTOR,
  extension,
  mobileNumber,
  seedGroups,
  type TestDeps,
  testDeps,
} from '@sipops/shared/testing/test-fixture';
import { createPlainAccount } from '@sipops/shared/use-cases/create-plain-account';
import { deleteAccount } from '@sipops/shared/use-cases/delete-account';
import { editAccount } from '@sipops/shared/use-cases/edit-account';
import { revokeKeys } from '@sipops/shared/use-cases/revoke-keys';
import { disableAccount, enableAccount } from '@sipops/shared/use-cases/set-account-enabled';
import { parseInput } from '@sipops/shared/validation';
import type { WebClient } from '@slack/web-api';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, SILENT_SLACK_LOGGER, startFakeSlack } from '../fake-slack.ts';

const ACME_CHANNEL = 'CACME0001';
const DEFAULT_CHANNEL = 'CDEFAULT01';
const GONE_CHANNEL = 'CGONE0001';
const PASSWORD = 'secret-123';
const NEW_PASSWORD = 'another-456';

describe.each(testDatabaseKinds())('Slack notifications on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;
  let slack: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
    slack = await startFakeSlack({ clock: deps.clock });
    // Short, for the hangs below, yet long enough that a loaded machine's slow answer is not
    // taken for a hang (200 ms was not: the worker then looked up history it had no need to).
    client = createNotifyClient('xoxb-test', slack.url, {
      timeoutMs: 1000,
      logger: SILENT_SLACK_LOGGER,
    });
    // acme posts to its own channel; north has none and falls back to the default one.
    await seedGroups(deps, [
      { name: 'acme', channel: ACME_CHANNEL },
      { name: 'north' },
      { name: 'gone', channel: GONE_CHANNEL },
    ] as never);
  }, 60_000);
  afterAll(async () => {
    await slack?.close();
    await database?.close();
  });
  beforeEach(async () => {
    await database.db.delete(outbox);
    slack.reset();
  });

  const workerOptions = (
    defaultChannel: string | null = DEFAULT_CHANNEL,
    extra: Partial<OutboxWorkerOptions> = {},
  ): OutboxWorkerOptions => ({
    handlers: {
      notify: createNotifyHandler({
        client,
        defaultChannel: defaultChannel ?? undefined,
        resolveChannel: (group) => findGroupChannel(database.db, group),
      }),
    },
    backoffMs: () => 1000,
    ...extra,
  });

  /** Runs worker passes, moving the clock a step after each, until nothing is left to send. */
  async function drain(options: OutboxWorkerOptions, stepMs = 1000, maxPasses = 200) {
    for (let pass = 0; pass < maxPasses; pass++) {
      await deliverDueMessages(database.db, deps.clock, 'notify', options);
      const open = (await outboxRows()).filter(
        (r) => r.state === 'pending' || r.state === 'sending',
      );
      if (open.length === 0) return;
      deps.clock.advance(stepMs);
    }
    throw new Error('the outbox did not drain');
  }

  // The notification rows: disable and delete also queue registrar removals, another worker's.
  const outboxRows = () =>
    database.db.select().from(outbox).where(eq(outbox.kind, 'notify')).orderBy(asc(outbox.id));

  const createPgsm = async (group: string) =>
    createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, {
        type: 'pgsm',
        group,
        number: mobileNumber(),
        password: PASSWORD,
      }),
    );

  /** How many times each outbox row appears in a channel (by the metadata Slack keeps). */
  function postedCounts(channels: string[]): Map<number, number> {
    const counts = new Map<number, number>();
    for (const message of channels.flatMap((channel) => slack.history(channel))) {
      const id = Number(message.metadata?.event_payload.outbox_id);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  async function expectEachRowPostedOnce(...channels: string[]) {
    const rows = await outboxRows();
    expect(rows.every((r) => r.state === 'done')).toBe(true);
    const counts = postedCounts(channels);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(rows.map((r) => r.id));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  }

  it("posts each change to the group's channel, or the default one, in order and without passwords", async () => {
    const acme = await createPgsm('acme');
    const north = await createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, {
        type: 'snom',
        group: 'north',
        number: extension(),
        password: PASSWORD,
      }),
    );
    deps.clock.advance(1000);
    await disableAccount(deps, 'slack:T1/U42', acme.username);
    await editAccount(
      deps,
      'terminal:bob',
      acme.username,
      parseInput(accountChangesSchema, {
        obfuscationKey: 12,
        keepAlive: 'on',
        password: NEW_PASSWORD,
        passwordConfirm: NEW_PASSWORD,
      }),
    );
    await enableAccount(deps, ACTOR, acme.username);
    await revokeKeys(deps, ACTOR, acme.username);
    await editAccount(
      deps,
      ACTOR,
      north.username,
      parseInput(accountChangesSchema, { deny: '0.0.0.0/0.0.0.0', permit: '10.0.0.0/8' }),
    );
    await deleteAccount(deps, ACTOR, north.username);

    await drain(workerOptions());

    const acmeTexts = slack.history(ACME_CHANNEL).map((m) => m.text ?? '');
    expect(acmeTexts).toHaveLength(5);
    expect(acmeTexts[0]).toMatch(new RegExp(`Account ${acme.username} created in group acme`));
    expect(acmeTexts[1]).toMatch(/disabled — It can neither call nor be called/);
    expect(acmeTexts[2]).toMatch(/edited/);
    expect(acmeTexts[2]).toMatch(/Obfuscation key: 9 → 12/);
    expect(acmeTexts[2]).toMatch(/Keep-alive: off → on/);
    expect(acmeTexts[2]).toMatch(/Password: changed/);
    expect(acmeTexts[3]).toMatch(/enabled/);
    expect(acmeTexts[4]).toMatch(/keys .*revoked/i);
    const northTexts = slack.history(DEFAULT_CHANNEL).map((m) => m.text ?? '');
    expect(northTexts).toEqual([
      expect.stringMatching(/created in group north/),
      expect.stringMatching(
        /edited — Deny rules: none → 0\.0\.0\.0\/0\.0\.0\.0; Permit rules: none → 10\.0\.0\.0\/255\.0\.0\.0/,
      ),
      expect.stringMatching(new RegExp(`Account ${north.username} deleted`)),
    ]);
    const disabled = slack.history(ACME_CHANNEL)[1];
    expect(JSON.stringify(disabled?.blocks)).toContain('Slack user U42');

    const everything = JSON.stringify(slack.calls.map((c) => c.body));
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(NEW_PASSWORD);
    expect(slack.violations).toEqual([]);
    await expectEachRowPostedOnce(ACME_CHANNEL, DEFAULT_CHANNEL);
    expect((await outboxRows()).map((r) => r.externalId)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${ACME_CHANNEL}/\\d+\\.\\d{6}$`)),
      ]),
    );
  });

  it('runs as a worker loop until stopped (startNotificationWorker)', async () => {
    const worker = startNotificationWorker({
      db: database.db,
      clock: deps.clock,
      client,
      defaultChannel: DEFAULT_CHANNEL,
      pollIntervalMs: 20,
      log: () => {},
    });
    try {
      const account = await createPgsm('north');
      await expect
        .poll(() => slack.history(DEFAULT_CHANNEL).map((m) => m.text), { timeout: 5000 })
        .toEqual([expect.stringContaining(`Account ${account.username} created`)]);
    } finally {
      await worker.stop();
    }
  });

  it('honours Retry-After on a 429 storm: no call before the time, then each change once', async () => {
    slack.script(
      'chat.postMessage',
      ...Array.from({ length: 3 }, () => ({ status: 429, headers: { 'retry-after': '30' } })),
    );
    const account = await createPgsm('acme');
    await disableAccount(deps, ACTOR, account.username);

    await drain(workerOptions());

    const posts = slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(5);
    for (let i = 1; i <= 3; i++) {
      const gap = (posts[i]?.at.getTime() ?? 0) - (posts[i - 1]?.at.getTime() ?? 0);
      expect(gap).toBeGreaterThanOrEqual(30_000);
    }
    // A rate limit is a clear refusal: nothing to look up before trying again.
    expect(slack.callsTo('conversations.history')).toHaveLength(0);
    expect(slack.history(ACME_CHANNEL).map((m) => m.text)).toEqual([
      expect.stringContaining('created'),
      expect.stringContaining('disabled'),
    ]);
    await expectEachRowPostedOnce(ACME_CHANNEL);
  });

  it('survives a 500 storm and hangs: nothing lost, nothing posted twice, order kept', async () => {
    const accounts = [await createPgsm('acme'), await createPgsm('acme'), await createPgsm('acme')];
    for (const account of accounts) await disableAccount(deps, ACTOR, account.username);
    for (const account of accounts) await enableAccount(deps, ACTOR, account.username);
    slack.script(
      'chat.postMessage',
      { status: 500 },
      'hang',
      { status: 502 },
      'hang',
      { status: 503 },
      'hang',
      { json: { ok: false, error: 'internal_error' } },
      'hang',
    );
    slack.script('conversations.history', { status: 500 }, 'hang');

    await drain(workerOptions(DEFAULT_CHANNEL, { maxAttempts: 10 }));

    expect(slack.callsTo('chat.postMessage').length).toBeGreaterThan(9);
    await expectEachRowPostedOnce(ACME_CHANNEL);
    for (const account of accounts) {
      const texts = slack
        .history(ACME_CHANNEL)
        .map((m) => m.text ?? '')
        .filter((t) => t.includes(account.username));
      expect(texts).toEqual([
        expect.stringContaining('created'),
        expect.stringContaining('disabled'),
        expect.stringContaining('enabled'),
      ]);
    }
    expect(slack.violations).toEqual([]);
  });

  it('finds a message a dead worker posted (lease ran out) instead of posting it again', async () => {
    await createPgsm('acme');
    slack.script('chat.postMessage', 'hang');
    // The worker dies mid-call: its lease runs out while Slack has already posted the message.
    const options = workerOptions(DEFAULT_CHANNEL, { leaseMs: 60_000 });
    await deliverDueMessages(database.db, deps.clock, 'notify', {
      ...options,
      handlers: {
        notify: async (message) => {
          await options.handlers.notify?.(message).catch(() => {});
          throw new Error('never recorded');
        },
      },
    }).catch(() => {});
    await database.db.update(outbox).set({ state: 'sending' });
    deps.clock.advance(60_000);
    await drain(options);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
    await expectEachRowPostedOnce(ACME_CHANNEL);
  });

  it('marks a permanent refusal failed at once, with what to fix, and lets the next change go', async () => {
    slack.failChannel(GONE_CHANNEL);
    const gone = await createPgsm('gone');
    await createPgsm('acme');
    await drain(workerOptions());

    const failed = await listFailedMessages(database.db, ['notify']);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 1, orderKey: `account:${gone.id}` });
    expect(failed[0]?.lastError).toMatch(/channel_not_found.*SIPOPS_NOTIFY_CHANNEL/);
    expect(slack.history(ACME_CHANNEL)).toHaveLength(1);
  });

  it('marks a change failed when no channel is configured, saying to set SIPOPS_NOTIFY_CHANNEL', async () => {
    await createPgsm('north');
    await drain(workerOptions(null));
    const [failed] = await listFailedMessages(database.db, ['notify']);
    expect(failed?.lastError).toMatch(
      /no Slack channel for group north: set SIPOPS_NOTIFY_CHANNEL/,
    );
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('gives up after the last try of a 500 storm, visible as failed', async () => {
    slack.script('chat.postMessage', ...Array.from({ length: 3 }, () => ({ status: 500 })));
    await createPgsm('acme');
    await drain(workerOptions(DEFAULT_CHANNEL, { maxAttempts: 3 }));
    const [failed] = await listFailedMessages(database.db, ['notify']);
    expect(failed).toMatchObject({ state: 'failed', attempts: 3 });
    expect(failed?.lastError).toMatch(/HTTP 500/);
    expect(slack.history(ACME_CHANNEL)).toEqual([]);
  });
});

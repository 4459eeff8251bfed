import { outbox } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { asc, DrizzleQueryError, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  claimDueMessages,
  deliverDueMessages,
  type OutboxMessage,
  RetryableError,
} from './outbox-worker.ts';

describe.each(testDatabaseKinds())('outbox worker on %s', (kind) => {
  let database: TestDatabase;
  let now = new Date('2026-01-01T00:00:00Z');
  const clock = { now: () => now };
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.delete(outbox);
  });

  const enqueue = async (orderKey: string, text: string) => {
    await database.db
      .insert(outbox)
      .values({ kind: 'notify', orderKey, payload: { text }, nextAttemptAt: now, createdAt: now });
  };
  const states = async () =>
    (await database.db.select().from(outbox).orderBy(asc(outbox.id))).map((r) => ({
      text: (r.payload as { text: string }).text,
      state: r.state,
      attempts: r.attempts,
    }));

  it('delivers each order key in order, one message of a key at a time', async () => {
    await enqueue('account:a', 'a1');
    await enqueue('account:b', 'b1');
    await enqueue('account:a', 'a2');
    const delivered: string[] = [];
    const handler = async (m: OutboxMessage) => {
      delivered.push((m.payload as { text: string }).text);
      return { externalId: `ts-${m.id}` };
    };
    expect(
      await deliverDueMessages(database.db, clock, 'notify', { handlers: { notify: handler } }),
    ).toBe(2);
    expect(delivered).toEqual(['a1', 'b1']);
    expect(
      await deliverDueMessages(database.db, clock, 'notify', { handlers: { notify: handler } }),
    ).toBe(1);
    expect(delivered).toEqual(['a1', 'b1', 'a2']);
    expect((await states()).map((s) => s.state)).toEqual(['done', 'done', 'done']);
  });

  it('holds later messages of a key while an earlier one waits for its retry, and honours Retry-After', async () => {
    await enqueue('account:a', 'a1');
    await enqueue('account:a', 'a2');
    const attempts: string[] = [];
    let isLimited = true;
    const handlers = {
      notify: async (m: OutboxMessage) => {
        attempts.push(`${(m.payload as { text: string }).text}#${m.attempt}`);
        if (isLimited) throw new RetryableError('rate limited', 30_000);
        return undefined;
      },
    };
    await deliverDueMessages(database.db, clock, 'notify', { handlers });
    advance(29_000);
    expect(await deliverDueMessages(database.db, clock, 'notify', { handlers })).toBe(0);
    isLimited = false;
    advance(1_000);
    await deliverDueMessages(database.db, clock, 'notify', { handlers });
    await deliverDueMessages(database.db, clock, 'notify', { handlers });
    expect(attempts).toEqual(['a1#1', 'a1#2', 'a2#1']);
    expect(await states()).toEqual([
      { text: 'a1', state: 'done', attempts: 2 },
      { text: 'a2', state: 'done', attempts: 1 },
    ]);
  });

  it('marks a message failed after the last try, and lets the next one of its key go', async () => {
    await enqueue('account:a', 'a1');
    await enqueue('account:a', 'a2');
    const handlers = {
      notify: async (m: OutboxMessage) => {
        if ((m.payload as { text: string }).text === 'a1')
          throw new RetryableError('server error 500');
        return undefined;
      },
    };
    for (let i = 0; i < 4; i++) {
      await deliverDueMessages(database.db, clock, 'notify', {
        handlers,
        maxAttempts: 3,
        backoffMs: () => 1000,
      });
      advance(1000);
    }
    const rows = await database.db.select().from(outbox).orderBy(asc(outbox.id));
    expect(rows.map((r) => [r.state, r.attempts, r.lastError])).toEqual([
      ['failed', 3, 'server error 500'],
      ['done', 1, null],
    ]);
  });

  it('retries a message whose handler met a database failure, as an unclear one, never giving it up', async () => {
    await enqueue('account:a', 'a1');
    const lost = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), {
      code: 'CONNECTION_CLOSED',
    });
    const failing = async () => {
      throw new DrizzleQueryError('select 1 from activation_links', [], lost);
    };
    await deliverDueMessages(database.db, clock, 'notify', {
      handlers: { notify: failing },
      maxAttempts: 8,
      backoffMs: () => 1000,
    });
    expect(await states()).toEqual([{ text: 'a1', state: 'pending', attempts: 1 }]);
    advance(1000);
    const [again] = await claimDueMessages(database.db, clock, 'notify', 10, 60_000);
    expect(again).toMatchObject({ attempt: 2, isAfterUnclearFailure: true });
  });

  it('gives a message whose worker died back after the lease, flagged as an unclear failure', async () => {
    await enqueue('account:a', 'a1');
    const [claimed] = await claimDueMessages(database.db, clock, 'notify', 10, 60_000);
    expect(claimed?.isAfterUnclearFailure).toBe(false);
    expect(await claimDueMessages(database.db, clock, 'notify', 10, 60_000)).toEqual([]);
    advance(60_000);
    const [again] = await claimDueMessages(database.db, clock, 'notify', 10, 60_000);
    expect(again).toMatchObject({ id: claimed?.id, attempt: 2, isAfterUnclearFailure: true });
    const [row] = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.id, claimed?.id ?? 0));
    expect(row?.state).toBe('sending');
  });

  it('never gives one message to two workers at once', async () => {
    for (let i = 0; i < 30; i++) await enqueue(`account:${i}`, `m${i}`);
    const [first, second] = await Promise.all([
      claimDueMessages(database.db, clock, 'notify', 20, 60_000),
      claimDueMessages(database.db, clock, 'notify', 20, 60_000),
    ]);
    const ids = [...(first ?? []), ...(second ?? [])].map((m) => m.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });
});

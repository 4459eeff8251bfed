import { executeRows } from '@sipops/db/execute';
import { takeRateTurn } from '@sipops/db/queries';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const INTERVAL_MS = 100;

describe.each(testDatabaseKinds())('a rate shared through the database (%s)', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  /** The database's clock, in milliseconds: the rate is kept by it, not by any process's. */
  async function databaseNow(): Promise<number> {
    const [row] = await executeRows<{ ms: number | string }>(
      database.db,
      sql`select extract(epoch from clock_timestamp()) * 1000 as ms`,
    );
    return Number(row?.ms);
  }

  /** When the next turn of `name` is free, in the database's milliseconds. */
  async function nextTurnAt(name: string): Promise<number> {
    const [row] = await executeRows<{ ms: number | string }>(
      database.db,
      sql`select extract(epoch from next_at) * 1000 as ms from rate_limits where name = ${name}`,
    );
    return Number(row?.ms);
  }

  const take = (name: string) => takeRateTurn(database.db, { name, intervalMs: INTERVAL_MS });

  it('gives every caller at once a turn of its own, one interval after the one before', async () => {
    // Twenty callers at once (as twenty worker lanes).
    const before = await databaseNow();
    const waits = await Promise.all(Array.from({ length: 20 }, () => take('test:burst')));
    const after = await databaseNow();
    // Twenty turns handed out and none twice: the next free one is twenty intervals past the
    // first, however slowly the calls came (a slow one only pushes it later, from its own time).
    const next = await nextTurnAt('test:burst');
    expect(next).toBeGreaterThanOrEqual(before + 20 * INTERVAL_MS - 1);
    expect(next).toBeLessThanOrEqual(after + 20 * INTERVAL_MS + 1);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(19 * INTERVAL_MS + 1);
  });

  it('does not save up turns while idle: after a pause the next turn is now, then one interval on', async () => {
    await take('test:idle');
    await new Promise((resolve) => setTimeout(resolve, 10 * INTERVAL_MS));
    const before = await databaseNow();
    expect(await take('test:idle')).toBe(0);
    const after = await databaseNow();
    const next = await nextTurnAt('test:idle');
    expect(next).toBeGreaterThanOrEqual(before + INTERVAL_MS - 1);
    expect(next).toBeLessThanOrEqual(after + INTERVAL_MS + 1);
  });
});

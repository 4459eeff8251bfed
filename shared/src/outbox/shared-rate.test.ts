import { takeRateTurn } from '@sipops/db/queries';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe.each(testDatabaseKinds())('a rate shared through the database (%s)', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('gives turns one interval apart to every caller at once, and none twice', async () => {
    // Twenty callers at once (as twenty worker lanes): each gets its own turn, 100 ms apart.
    const waits = await Promise.all(
      Array.from({ length: 20 }, () =>
        takeRateTurn(database.db, { name: 'outbox:sms', intervalMs: 100 }),
      ),
    );
    const sorted = [...waits].sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThan(50);
    for (let i = 1; i < sorted.length; i++) {
      const gap = (sorted[i] ?? 0) - (sorted[i - 1] ?? 0);
      // Each turn one interval after the one before, less the time between the calls.
      expect(gap).toBeGreaterThan(60);
      expect(gap).toBeLessThanOrEqual(101);
    }
    expect(sorted.at(-1)).toBeGreaterThan(1500);
  });

  it('does not save up turns while idle: after a pause the next turn is now, then one interval on', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2300));
    const first = await takeRateTurn(database.db, { name: 'outbox:sms', intervalMs: 100 });
    const second = await takeRateTurn(database.db, { name: 'outbox:sms', intervalMs: 100 });
    expect(first).toBe(0);
    expect(second).toBeGreaterThan(60);
  });
});

import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeader, giveUpLead, LEADS, takeLead } from './leadership.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testDatabaseKinds())('the lead of work one process must do (%s)', (kind) => {
  let database: TestDatabase;
  const lead = LEADS.importSmsProgress;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('has one holder at a time, hands over when its lease runs out, and at once when given up', async () => {
    const deps = { db: database.db };
    // Leases long enough that no pause of a loaded machine lets one run out unless meant to.
    const LONG = 60_000;
    expect(await takeLead(deps, lead, 'host:1:a', LONG)).toBe(true);
    // Another process, and many at once, cannot take it while the lease runs.
    const others = await Promise.all(
      Array.from({ length: 5 }, (_, i) => takeLead(deps, lead, `host:${i + 2}:b`, LONG)),
    );
    expect(others).toEqual([false, false, false, false, false]);
    // The holder renews it.
    expect(await takeLead(deps, lead, 'host:1:a', LONG)).toBe(true);
    expect(await takeLead(deps, lead, 'host:2:b', LONG)).toBe(false);
    expect(await findLeader(deps, lead)).toBe('host:1:a');
    // The holder's last renewal is short, then it stops (it died): once that lease has run out,
    // exactly one successor.
    expect(await takeLead(deps, lead, 'host:1:a', 300)).toBe(true);
    await sleep(700);
    expect(await findLeader(deps, lead)).toBeUndefined();
    const successors = await Promise.all(
      Array.from({ length: 5 }, (_, i) => takeLead(deps, lead, `host:${i + 2}:b`, LONG)),
    );
    expect(successors.filter(Boolean)).toHaveLength(1);
    expect(await takeLead(deps, lead, 'host:1:a', LONG)).toBe(false);
    // A clean stop gives it up at once.
    const holder = await findLeader(deps, lead);
    await giveUpLead(deps, lead, holder ?? '');
    expect(await takeLead(deps, lead, 'host:1:a', LONG)).toBe(true);
  });
});

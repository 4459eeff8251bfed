import { openDatabase } from '@sipops/db/client';
import { createTestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { describe, expect, it } from 'vitest';
import { checkHealth } from './check-health.ts';

describe.each(testDatabaseKinds())('checkHealth on %s', (kind) => {
  it('is healthy once every committed migration is applied', async () => {
    const database = await createTestDatabase(kind);
    try {
      const health = await checkHealth(database);
      expect(health.isHealthy).toBe(true);
      expect(health.reason).toBeUndefined();
      expect(health.migrations.committed).toBeGreaterThan(0);
      expect(health.migrations.applied).toBe(health.migrations.committed);
    } finally {
      await database.close();
    }
  });
});

describe('checkHealth', () => {
  it('names the missing migrations when the database has applied none', async () => {
    const database = await openDatabase({ dataDir: undefined });
    try {
      const health = await checkHealth(database);
      expect(health.isHealthy).toBe(false);
      expect(health.migrations.applied).toBe(0);
      expect(health.reason).toBe(
        `${health.migrations.committed} of ${health.migrations.committed} migrations are not applied`,
      );
    } finally {
      await database.close();
    }
  });

  it('says the database does not answer once it is gone', async () => {
    const database = await createTestDatabase('pglite');
    await database.close();
    const health = await checkHealth(database);
    expect(health.isHealthy).toBe(false);
    expect(health.reason).toMatch(/^the database does not answer: /);
  });
});

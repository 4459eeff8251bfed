import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './client.ts';
import { executeRows } from './execute.ts';

// A fresh data folder runs initdb: seconds, more on a busy machine.
describe('the embedded database (PGlite)', { timeout: 120_000 }, () => {
  it('opens a data folder with a 16 MB buffer pool, and finds what it wrote when opened again for a brief command, with 2 MB', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sipops-client-')), 'pglite');
    const first = await openDatabase({ dataDir });
    try {
      const [pool] = await executeRows<{ shared_buffers: string }>(
        first.db,
        sql`show shared_buffers`,
      );
      expect(pool?.shared_buffers).toBe('16MB');
      await first.db.execute(sql`create table kept (word text)`);
      await first.db.execute(sql`insert into kept values ('still here')`);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir, isBrief: true });
    try {
      const [pool] = await executeRows<{ shared_buffers: string }>(
        again.db,
        sql`show shared_buffers`,
      );
      expect(pool?.shared_buffers).toBe('2MB');
      const rows = await executeRows<{ word: string }>(again.db, sql`select word from kept`);
      expect(rows).toEqual([{ word: 'still here' }]);
    } finally {
      await again.close();
    }
  });
});

import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { settings } from '../schema/index.ts';

export async function readSetting<T>(db: Database, key: string): Promise<T | undefined> {
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, key));
  return row?.value as T | undefined;
}

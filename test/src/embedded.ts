import type { Database } from '@sipops/db/client';
import { readRuntimeConfig } from '@sipops/shared/config/runtime';
import { openRuntime } from '@sipops/shared/runtime';

/** Opens an embedded data folder the way a terminal command does (under its lock), then closes it. */
export async function withEmbeddedRuntime<T>(
  env: Record<string, string>,
  use: (db: Database) => Promise<T>,
): Promise<T> {
  const runtime = await openRuntime(readRuntimeConfig(env), { role: 'terminal', pid: process.pid });
  try {
    return await use(runtime.deps.db);
  } finally {
    await runtime.close();
  }
}

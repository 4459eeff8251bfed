import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@sipops/db/client';
import { readRuntimeConfig } from '@sipops/shared/config/runtime';
import { openRuntime } from '@sipops/shared/runtime';
import { DATA_DIR_TEMPLATE_VARIABLE } from './sip.ts';

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

/**
 * An embedded data folder opened once by the product (PGlite's initdb and every migration, five
 * seconds and more) for the whole run: the test data folders start as copies of it. Its key file
 * is removed, so each copy makes its own. Returns what removes it.
 */
export async function prepareDataDirTemplate(): Promise<() => void> {
  const folder = mkdtempSync(join(tmpdir(), 'sipops-data-template-'));
  await withEmbeddedRuntime({ SIPOPS_DATA_DIR: folder }, async () => {});
  rmSync(join(folder, 'secret.key'));
  process.env[DATA_DIR_TEMPLATE_VARIABLE] = folder;
  return () => {
    delete process.env[DATA_DIR_TEMPLATE_VARIABLE];
    rmSync(folder, { recursive: true, force: true });
  };
}

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from './migrate.ts';

const run = promisify(execFile);
const DB_PACKAGE = resolve(import.meta.dirname, '..');
const DRIZZLE_KIT = resolve(DB_PACKAGE, '../node_modules/.bin/drizzle-kit');

describe('the committed migrations', () => {
  it('agree with the Drizzle schema: generating again finds nothing to add', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sipops-migrations-'));
    cpSync(MIGRATIONS_FOLDER, out, { recursive: true });
    const before = readdirSync(out).sort();
    const { stdout } = await run(DRIZZLE_KIT, ['generate'], {
      cwd: DB_PACKAGE,
      // drizzle-kit reads `out` relative to its working folder.
      env: { ...process.env, SIPOPS_MIGRATIONS_OUT: relative(DB_PACKAGE, out) },
    });
    expect(stdout).toMatch(/No schema changes/);
    expect(readdirSync(out).sort()).toEqual(before);
  });

  it('pass drizzle-kit check (no collisions in the journal)', async () => {
    const { stdout } = await run(DRIZZLE_KIT, ['check'], { cwd: DB_PACKAGE });
    expect(stdout).toMatch(/Everything's fine/);
  });
});

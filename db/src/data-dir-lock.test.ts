import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, askHolder, DataDirLockedError, lockAddress } from './data-dir-lock.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sipops-lock-'));
  folders.push(folder);
  return folder;
}

describe('the data folder lock', () => {
  it('names its holder to a second process, which cannot take it', async () => {
    const folder = dataFolder();
    const lock = await acquireDataDirLock(folder, { role: 'server', pid: 4242 });
    try {
      expect(await askHolder(lockAddress(folder))).toEqual({ role: 'server', pid: 4242 });
      const refused = await acquireDataDirLock(folder, { role: 'terminal', pid: 1 }).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(DataDirLockedError);
      expect((refused as Error).message).toBe(
        'the data folder is in use by the sipops server (pid 4242)',
      );
    } finally {
      await lock.release();
    }
    expect(await askHolder(lockAddress(folder))).toBeUndefined();
  });

  it('waits for a holder that is slow to answer instead of taking it for no holder', async () => {
    // A server whose event loop is busy for a few seconds (a loaded machine) still holds the folder.
    const address = lockAddress(dataFolder());
    const slow = createServer((_req, res) => {
      setTimeout(() => res.end(JSON.stringify({ role: 'server', pid: 7 })), 3_000);
    });
    await new Promise<void>((resolve) => slow.listen(address, resolve));
    try {
      expect(await askHolder(address)).toEqual({ role: 'server', pid: 7 });
    } finally {
      await new Promise((resolve) => {
        slow.close(resolve);
        slow.closeAllConnections();
      });
    }
  });
});

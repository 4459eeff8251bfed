import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForwardHandler } from '@sipops/bot/terminal/forward';
import { forwardCommand } from '@sipops/bot/terminal/forward-client';
import { createTestDatabase, type TestDatabase } from '@sipops/db/testing';
import { activationTestDeps } from '@sipops/shared/testing/activation-fixture';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferedIo } from './buffered-io.ts';

/**
 * A command forwarded to the running server is run with the settings the server read when it
 * started (what createForwardHandler was given), not with the variables of the moment: here the
 * server was started with U0SERVER1 as admin, and SIPOPS_ADMINS says U0CALLER1 at call time.
 */
describe('a forwarded command', () => {
  let database: TestDatabase;
  let server: Server;
  let folder: string;
  let address: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const deps = activationTestDeps(database.db);
    folder = await mkdtemp(join(tmpdir(), 'sipops-forward-'));
    address = join(folder, 'sipops.sock');
    const startUpSettings = { admins: ['U0SERVER1'], smsMode: 'local' as const };
    server = createServer(createForwardHandler(startUpSettings, async () => deps));
    await new Promise<void>((resolve) => server.listen(address, resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await database?.close();
    await rm(folder, { recursive: true, force: true });
  });

  const forward = async (argv: string[]) => {
    const io = bufferedIo();
    const code = await forwardCommand(address, { argv, isErrTerminal: false }, io);
    return { code, stdout: io.stdout, stderr: io.stderr };
  };

  it("uses the server's start-up settings, not SIPOPS_ADMINS at call time", async () => {
    const before = process.env.SIPOPS_ADMINS;
    process.env.SIPOPS_ADMINS = 'U0CALLER1';
    try {
      const serverAdmin = await forward(['role', 'U0SERVER1', 'support', '--team', 'T0FAKE']);
      expect(serverAdmin.code).toBe(1);
      expect(serverAdmin.stderr).toContain(
        'U0SERVER1 is an admin from SIPOPS_ADMINS; change that setting to change their role',
      );
      const callerAdmin = await forward(['role', 'U0CALLER1', 'support', '--team', 'T0FAKE']);
      expect(callerAdmin.code).toBe(0);
      expect(callerAdmin.stdout).toBe('U0CALLER1 is support of every group\n');
    } finally {
      if (before === undefined) delete process.env.SIPOPS_ADMINS;
      else process.env.SIPOPS_ADMINS = before;
    }
  });
});

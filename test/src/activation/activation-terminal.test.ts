import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedEnv, postgresEnv, runSip } from '../sip.ts';

// The terminal alone (no server running): `activate` queues the SMS, `sms list` reads the outbox.
// The databases side by side, the steps of each one in order.
describe.concurrent.each(testDatabaseKinds())(
  'npm run sip -- activate on %s',
  { timeout: 180_000 },
  (kind) => {
    let env: Record<string, string>;
    let database: TestDatabase | undefined;
    const sip = (...args: string[]) => runSip(args, env);

    beforeAll(async () => {
      database = kind === 'postgres' ? await createTestDatabase('postgres') : undefined;
      env = database ? postgresEnv(database.url ?? '') : embeddedEnv();
      expect((await sip('profile', 'create', 'std', '--sip-host', 'sip.example.com')).code).toBe(0);
      expect((await sip('group', 'create', 'north', '--profile', 'std')).code).toBe(0);
      expect((await sip('group', 'create', 'bare')).code).toBe(0);
    }, 180_000);
    afterAll(async () => {
      await database?.close();
    });

    it.sequential('queues the SMS, moves the status, and says where to read it', async () => {
      const created = await sip(
        'wizard',
        '--group',
        'north',
        '--number',
        '+39 347 400 0001',
        '--json',
      );
      const { username } = JSON.parse(created.stdout) as { username: string };
      const sent = await sip('activate', username, '--yes', '--json');
      expect(sent.code, sent.stderr).toBe(0);
      const json = JSON.parse(sent.stdout) as { account: { status: string }; expiresAt: string };
      expect(json.account.status).toBe('installation_sms_sent');
      expect(Date.parse(json.expiresAt) - Date.now()).toBeGreaterThan(71 * 3_600_000);
      expect(sent.stderr).toMatch(/local outbox: npm run sip -- sms list --account/);

      // Nothing sends it while no server runs: the outbox keeps it, `sms list` shows none yet.
      const listed = await sip('sms', 'list', '--account', username, '--json');
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([]);
    });

    it.sequential('asks before sending on a terminal, and refuses without --yes when there is none', async () => {
      const created = await sip(
        'wizard',
        '--group',
        'north',
        '--number',
        '+39 347 400 0002',
        '--json',
      );
      const { username } = JSON.parse(created.stdout) as { username: string };
      const refused = await sip('activate', username);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/pass --yes/);
      const reminder = await sip('activate', username, '--reminder', '--yes');
      expect(reminder.code).toBe(1);
      expect(reminder.stderr).toMatch(/a reminder needs an installed app/);
    });

    it.sequential('refuses SNOM accounts and accounts without a profile, naming the field', async () => {
      expect(
        (
          await sip(
            'create',
            '--group',
            'north',
            '--type',
            'snom',
            '--number',
            '4101',
            '--password',
            'Secret-pass-1',
          )
        ).code,
      ).toBe(0);
      const snom = await sip('activate', '4101', '--yes');
      expect(snom.code).toBe(1);
      expect(snom.stderr).toMatch(/^error: --type: only PGSM accounts can get an activation SMS/m);

      expect(
        (
          await sip(
            'create',
            '--group',
            'bare',
            '--type',
            'pgsm',
            '--number',
            '+39 347 400 0003',
            '--password',
            'Secret-pass-1',
          )
        ).code,
      ).toBe(0);
      const noProfile = await sip('activate', '+393474000003', '--yes', '--json');
      expect(noProfile.code).toBe(1);
      expect(JSON.parse(noProfile.stdout)).toMatchObject({
        error: { code: 'NOT_ALLOWED', field: 'profile' },
      });
    });
  },
);

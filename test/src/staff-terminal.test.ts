import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedEnv, postgresEnv, runSip } from './sip.ts';

const PASSWORD = 'First-secret-1';
const NEW_PASSWORD = 'Second-secret-2';
const NUMBER = '+393475550101';

type HistoryJson = {
  subject: { type: string; name: string };
  entries: {
    id: number;
    at: string;
    actor: string;
    action: string;
    kind: string;
    changes: { field: string; before: unknown; after: unknown }[];
  }[];
  next: number | null;
};

// Each command is a fresh Node process that opens the database: a few seconds each. The
// databases side by side, the steps of each one in order.
describe.concurrent.each(testDatabaseKinds())(
  'history, roles and digests at the terminal on %s',
  {
    timeout: 180_000,
  },
  (kind) => {
    let env: Record<string, string>;
    let database: TestDatabase | undefined;
    const sip = (...args: string[]) => runSip(args, { ...env, USER: 'alice' });

    beforeAll(async () => {
      if (kind === 'postgres') {
        database = await createTestDatabase('postgres');
        env = postgresEnv(database.url ?? '');
      } else {
        env = embeddedEnv();
      }
      expect((await sip('profile', 'create', 'main', '--sip-host', 'sip.example.com')).code).toBe(
        0,
      );
      expect((await sip('group', 'create', 'acme', '--profile', 'main')).code).toBe(0);
      expect((await sip('group', 'create', 'north')).code).toBe(0);
      const created = await sip(
        'create',
        '--group',
        'acme',
        '--type',
        'pgsm',
        '--number',
        NUMBER,
        '--password',
        PASSWORD,
        '--username',
        'hist.one',
      );
      expect(created.code, created.stderr).toBe(0);
      for (const args of [
        ['edit', 'hist.one', '--password', NEW_PASSWORD],
        ['edit', 'hist.one', '--obfuscation-key', '42'],
        ['edit', 'hist.one', '--group', 'north'],
      ]) {
        const edited = await sip(...args);
        expect(edited.code, edited.stderr).toBe(0);
      }
    }, 300_000);
    afterAll(async () => {
      await database?.close();
    });

    it.sequential('history <account> lists who changed what, newest first, paged, never a password', async () => {
      const first = await sip('history', NUMBER, '--limit', '2', '--json');
      expect(first.code, first.stderr).toBe(0);
      const page1 = JSON.parse(first.stdout) as HistoryJson;
      expect(page1.subject).toEqual({ type: 'account', name: 'hist.one' });
      expect(page1.entries.map((e) => e.action)).toEqual(['account.edited', 'account.edited']);
      expect(page1.entries[0]?.changes).toEqual([
        { field: 'group', before: 'acme', after: 'north' },
        // acme's profile was the account's; north has none.
        { field: 'profile', before: 'main', after: null },
      ]);
      expect(page1.entries[1]?.changes).toEqual([
        { field: 'obfuscationKey', before: 9, after: 42 },
      ]);
      expect(page1.entries[0]?.actor).toMatch(/^terminal:/);
      expect(page1.next).toBe(page1.entries[1]?.id);

      const second = await sip(
        'history',
        'hist.one',
        '--limit',
        '2',
        '--before',
        String(page1.next),
        '--json',
      );
      const page2 = JSON.parse(second.stdout) as HistoryJson;
      expect(page2.entries.map((e) => e.action)).toEqual(['account.edited', 'account.created']);
      expect(page2.entries[0]?.changes).toEqual([
        { field: 'password', before: '(secret)', after: 'changed' },
      ]);
      expect(page2.entries[1]?.kind).toBe('created');
      expect(page2.entries[1]?.changes).toContainEqual({
        field: 'password',
        before: null,
        after: 'set',
      });
      expect(page2.next).toBeNull();

      const human = await sip('history', 'hist.one');
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('history of account hist.one, newest first');
      expect(human.stdout).toContain('group: acme -> north');
      expect(human.stdout).toContain('password: (secret) -> changed');
      expect(human.stdout.indexOf('group: acme -> north')).toBeLessThan(
        human.stdout.indexOf('account.created'),
      );
      for (const out of [first.stdout, second.stdout, human.stdout, human.stderr]) {
        expect(out).not.toContain(PASSWORD);
        expect(out).not.toContain(NEW_PASSWORD);
        expect(out).not.toContain('********');
      }
    });

    it.sequential('history --group shows a group’s changes; group edit sets the daily digest and refuses bad times by flag', async () => {
      const bad = await sip('group', 'edit', 'acme', '--digest', '25:00');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('error: --digest: must be a time such as 08:30');
      const badZone = await sip(
        'group',
        'edit',
        'acme',
        '--digest',
        '08:30',
        '--time-zone',
        'Mars/Base',
      );
      expect(badZone.code).toBe(1);
      expect(badZone.stderr).toContain('error: --time-zone: must be a time zone');

      const saved = await sip(
        'group',
        'edit',
        'acme',
        '--digest',
        '08:30',
        '--time-zone',
        'Europe/Rome',
      );
      expect(saved.code, saved.stderr).toBe(0);
      expect(saved.stdout).toBe('group acme saved: daily digest at 08:30 Europe/Rome\n');

      const history = await sip('history', '--group', 'acme', '--json');
      const json = JSON.parse(history.stdout) as HistoryJson;
      expect(json.subject).toEqual({ type: 'group', name: 'acme' });
      expect(json.entries[0]?.changes).toEqual([
        { field: 'digestTime', before: null, after: '08:30' },
        { field: 'digestTimeZone', before: 'UTC', after: 'Europe/Rome' },
      ]);
      expect(json.entries.at(-1)?.action).toBe('group.created');

      const profile = await sip('history', '--profile', 'main');
      expect(profile.stdout).toContain('history of profile main');
      const none = await sip('history');
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('name one account, or one group, or one profile');
    });

    it.sequential('role gives a Slack user a role for named groups, or for all', async () => {
      const scoped = await sip('role', 'UMANAGER9', 'manager', 'acme,north', '--team', 'T0FAKE');
      expect(scoped.code, scoped.stderr).toBe(0);
      expect(scoped.stdout).toBe('UMANAGER9 is manager of acme, north\n');
      const all = await sip('role', 'USUPPORT9', 'support', '--team', 'T0FAKE', '--json');
      expect(JSON.parse(all.stdout)).toMatchObject({ after: 'support', groups: null });
      const unknown = await sip('role', 'UMANAGER9', 'manager', 'acme,nowhere', '--team', 'T0FAKE');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no group named "nowhere"');
      const history = await sip('history', 'UMANAGER9');
      // Roles are not accounts: the account history does not mix them in.
      expect(history.code).toBe(1);
    });
  },
);

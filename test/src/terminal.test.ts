import { auditLog } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEmbeddedRuntime } from './embedded.ts';
import { embeddedEnv, postgresEnv, runSip } from './sip.ts';

const ACCOUNT_KEYS = [
  'username',
  'number',
  'secondaryNumber',
  'type',
  'group',
  'profile',
  'enabled',
  'status',
  'statusChangedAt',
  'securityModel',
  'obfuscation',
  'obfuscationKey',
  'keepAlive',
  'deny',
  'permit',
];

// Each command is a fresh Node process that opens the database, so these tests take seconds each:
// the databases side by side, the steps of each one in order.
describe.concurrent.each(testDatabaseKinds())('npm run sip on %s', { timeout: 180_000 }, (kind) => {
  let env: Record<string, string>;
  let database: TestDatabase | undefined;
  const sip = (...args: string[]) => runSip(args, env);
  const sipJson = async (...args: string[]) => {
    const result = await sip(...args, '--json');
    expect(result.stderr, result.stderr).not.toMatch(/failed/);
    return { ...result, json: JSON.parse(result.stdout) as Record<string, unknown> };
  };
  /** Audit rows, read straight from the database the command wrote to. */
  const auditCount = async (): Promise<number> => {
    if (database) return (await database.db.select({ n: count() }).from(auditLog))[0]?.n ?? 0;
    return withEmbeddedRuntime(
      env,
      async (db) => (await db.select({ n: count() }).from(auditLog))[0]?.n ?? 0,
    );
  };

  beforeAll(async () => {
    if (kind === 'postgres') {
      database = await createTestDatabase('postgres');
      env = postgresEnv(database.url ?? '');
    } else {
      env = embeddedEnv();
    }
    expect(
      (await sip('profile', 'create', 'main', '--sip-host', 'sip.example.com', '--brand', 'Acme'))
        .code,
    ).toBe(0);
    expect(
      (await sip('group', 'create', 'acme', '--profile', 'main', '--channel', 'C0123ABCD')).code,
    ).toBe(0);
    expect((await sip('group', 'create', 'beta')).code).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await database?.close();
  });

  it.sequential('creates a plain PGSM account and shows it as JSON with the contract keys, never the password', async () => {
    const created = await sip(
      'create',
      '--group',
      'acme',
      '--type',
      'pgsm',
      '--number',
      '+39 347 123 4567',
      '--password',
      'Secret-pass-1',
      '--keep-alive',
      'on',
      '--secondary',
      '0039 347 765 4321',
      '--json',
    );
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/warning: --keep-alive: costs about 3\.6 KB/);
    const shown = await sipJson('show', '+393471234567');
    expect(shown.code).toBe(0);
    const account = shown.json;
    for (const key of ACCOUNT_KEYS) expect(account).toHaveProperty(key);
    expect(account).toMatchObject({
      number: '+393471234567',
      secondaryNumber: '+393477654321',
      type: 'pgsm',
      group: 'acme',
      profile: 'main',
      enabled: true,
      status: 'created',
      securityModel: 'end-to-site',
      obfuscation: true,
      obfuscationKey: 9,
      keepAlive: true,
      deny: null,
      permit: null,
    });
    expect(new Date(String(account.statusChangedAt)).toISOString()).toBe(account.statusChangedAt);
    expect(shown.stdout).not.toContain('Secret-pass-1');
    expect(JSON.stringify(account)).not.toMatch(/password/i);
    const bySecondary = await sipJson('show', '+39 347 765 4321');
    expect(bySecondary.json.username).toBe(account.username);
  });

  it.sequential('creates a wizard account disabled, with a generated username, and refuses a landline', async () => {
    const created = await sipJson('wizard', '--group', 'acme', '--number', '+39 333 111 2222');
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      enabled: false,
      status: 'created',
      type: 'pgsm',
      profile: 'main',
    });
    expect(String(created.json.username)).toMatch(/^[1-9]\d{9}$/);
    const before = await auditCount();
    const landline = await sip('wizard', '--group', 'acme', '--number', '+39 06 6982 1234');
    expect(landline.code).toBe(1);
    expect(landline.stderr).toMatch(/--number: must be an international mobile number/);
    const noProfile = await sip('wizard', '--group', 'beta', '--number', '+39 333 111 3333');
    expect(noProfile.code).toBe(1);
    expect(noProfile.stderr).toMatch(/--profile: is required/);
    expect(await auditCount()).toBe(before);
  });

  it.sequential('creates a SNOM account with normalised rules and checks addresses against them', async () => {
    const created = await sipJson(
      'create',
      '--group',
      'beta',
      '--type',
      'snom',
      '--number',
      '111',
      '--password',
      'desk-phone-1',
      '--username',
      'desk111',
      '--deny',
      '0.0.0.0/0.0.0.0',
      '--permit',
      '216.27.242.66;192.168.0.38/255.255.255.0',
    );
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      deny: ['0.0.0.0/0.0.0.0'],
      permit: ['216.27.242.66/255.255.255.255', '192.168.0.0/255.255.255.0'],
      securityModel: null,
      keepAlive: null,
    });
    expect((await sipJson('acl-check', 'desk111', '216.27.242.66')).json).toEqual({
      allowed: true,
      rule: '216.27.242.66/255.255.255.255',
    });
    expect((await sipJson('acl-check', '111', '8.8.8.8')).json).toEqual({
      allowed: false,
      rule: '0.0.0.0/0.0.0.0',
    });
    const human = await sip('acl-check', 'desk111', '192.168.0.99');
    expect(human.stdout).toBe('192.168.0.99: allowed by 192.168.0.0/255.255.255.0\n');
  });

  it.sequential('refuses bad input with exit 1, names the flag, and writes nothing', async () => {
    const before = await auditCount();
    const cases: [string[], RegExp][] = [
      [
        [
          'create',
          '--group',
          'beta',
          '--type',
          'snom',
          '--number',
          '112',
          '--password',
          'desk-phone-1',
          '--security',
          'end-to-end',
        ],
        /--security: does not apply to SNOM accounts/,
      ],
      [
        [
          'create',
          '--group',
          'acme',
          '--type',
          'pgsm',
          '--number',
          '+393470000001',
          '--password',
          'Secret-pass-1',
          '--deny',
          '10.0.0.0/8',
        ],
        /--deny: does not apply to PGSM accounts/,
      ],
      [
        [
          'create',
          '--group',
          'acme',
          '--type',
          'pgsm',
          '--number',
          '+393470000001',
          '--password',
          'Secret-pass-1',
          '--obfuscation-key',
          '256',
        ],
        /--obfuscation-key: must be a whole number from 0 to 255/,
      ],
      [
        [
          'create',
          '--group',
          'acme',
          '--type',
          'pgsm',
          '--number',
          '+393470000001',
          '--password',
          'short',
        ],
        /--password: must be at least 8 characters/,
      ],
      [
        [
          'create',
          '--group',
          'acme',
          '--type',
          'pgsm',
          '--number',
          '+39 347 765 4321',
          '--password',
          'Secret-pass-1',
        ],
        /--number: \+393477654321 is already used by account/,
      ],
      [
        [
          'create',
          '--group',
          'acme',
          '--type',
          'pgsm',
          '--number',
          '+393470000001',
          '--secondary',
          '+393471234567',
          '--password',
          'Secret-pass-1',
        ],
        /--secondary: \+393471234567 is already used/,
      ],
      [
        [
          'create',
          '--group',
          'acme',
          '--type',
          'pgsm',
          '--number',
          '12ab',
          '--password',
          'Secret-pass-1',
        ],
        /--number: must contain only digits/,
      ],
      [
        [
          'create',
          '--group',
          'nowhere',
          '--type',
          'pgsm',
          '--number',
          '+393470000001',
          '--password',
          'Secret-pass-1',
        ],
        /--group: no group named "nowhere"/,
      ],
      [
        [
          'create',
          '--group',
          'beta',
          '--type',
          'snom',
          '--number',
          '113',
          '--password',
          'desk-phone-1',
          '--deny',
          '10.0.0.0/255.0.255.0',
        ],
        /--deny: rule 1 "10\.0\.0\.0\/255\.0\.255\.0": netmask 255\.0\.255\.0 is not contiguous/,
      ],
      [
        [
          'create',
          '--group',
          'beta',
          '--type',
          'fax',
          '--number',
          '113',
          '--password',
          'desk-phone-1',
        ],
        /--type: must be pgsm or snom/,
      ],
      [
        [
          'create',
          '--group',
          'beta',
          '--type',
          'snom',
          '--number',
          '114',
          '--password',
          'desk-phone-1',
          '--username',
          'desk111',
        ],
        /--username: desk111 is already taken/,
      ],
      [['group', 'create', 'acme'], /name: a group named "acme" exists already/],
      [['edit', 'desk111', '--keep-alive', 'on'], /--keep-alive: does not apply to SNOM accounts/],
      [['show', 'nobody'], /no account with username or number "nobody"/],
    ];
    for (const [args, message] of cases) {
      const result = await sip(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    const json = await sip(
      'create',
      '--group',
      'acme',
      '--type',
      'pgsm',
      '--number',
      'abc',
      '--password',
      'x',
      '--json',
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: 'INVALID_PHONE', field: 'number' },
    });
    expect(await auditCount()).toBe(before);
  });

  it.sequential('exits 2 on usage errors', async () => {
    for (const args of [
      ['frobnicate'],
      ['show'],
      ['create', '--bogus', 'x'],
      ['edit', 'desk111', '--number', '+393470000009'],
      ['list', '--limit', 'many'],
      [],
    ]) {
      const result = await sip(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(/usage/);
    }
  });

  it.sequential('prints the help on stdout with exit 0 for help and --help, on stderr with exit 2 for nothing', async () => {
    const help = await sip('help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: npm run sip -- <command>/);
    // Usage lines follow the parser: the wizard's profile may be left out.
    expect(help.stdout).toContain(
      '  wizard --group <group> --number <number> [--profile <profile>]',
    );
    expect(help.stdout).toContain('  disable <account> [--yes]\n');
    for (const word of ['--help', '-h']) expect(await sip(word)).toEqual(help);
    const none = await sip();
    expect(none).toMatchObject({ code: 2, stdout: '', stderr: help.stdout });
    const one = await sip('help', 'import');
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(one.stdout).toMatch(/^usage: sip import <file\.csv> \[--dry-run\] \[--send-sms\]/);
    expect(await sip('import', '--help')).toEqual(one);
  });

  it.sequential('says why an unchangeable field is refused, naming the flag', async () => {
    const refusals: [string[], string][] = [
      [
        ['edit', 'desk111', '--number', '112'],
        '--number: numbers cannot change: delete and re-create',
      ],
      [
        ['edit', 'desk111', '--secondary', '112'],
        '--secondary: numbers cannot change: delete and re-create',
      ],
      [
        ['edit', 'desk111', '--type', 'pgsm'],
        '--type: the type cannot change: delete and re-create',
      ],
      [
        ['edit', 'desk111', '--username', 'x'],
        '--username: the username cannot change: delete and re-create',
      ],
      [
        ['wizard', '--group', 'acme', '--number', '+393470000001', '--password', 'Secret-pass-1'],
        '--password: is generated for wizard accounts and never shown',
      ],
    ];
    const before = await auditCount();
    for (const [args, message] of refusals) {
      const result = await sip(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(`sip: ${message}`);
      expect(result.stderr).not.toMatch(/unknown option/);
    }
    expect(await auditCount()).toBe(before);
  });

  it.sequential('edits fields but never the numbers, the type, or a wizard password', async () => {
    const edited = await sipJson(
      'edit',
      '+393471234567',
      '--keep-alive',
      'off',
      '--obfuscation-key',
      '42',
      '--security',
      'end-to-end',
      '--group',
      'beta',
    );
    expect(edited.code).toBe(0);
    expect(edited.json).toMatchObject({
      keepAlive: false,
      obfuscationKey: 42,
      securityModel: 'end-to-end',
      group: 'beta',
      profile: null,
    });
    expect(edited.stderr).toMatch(/warning: --obfuscation-key: must be the same on the client/);
    const wizard = (await sipJson('list', '--enabled', 'no')).json as unknown as {
      username: string;
    }[];
    const [first] = wizard;
    const refused = await sip('edit', first?.username ?? '', '--password', 'New-pass-123');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--password: is generated for wizard accounts/);
    const rules = await sipJson('edit', 'desk111', '--deny', '');
    expect(rules.json).toMatchObject({
      deny: [],
      permit: ['216.27.242.66/255.255.255.255', '192.168.0.0/255.255.255.0'],
    });
  });

  it.sequential('asks before destructive verbs; --yes acts; disable keeps the status', async () => {
    const unconfirmed = await sip('disable', 'desk111');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/pass --yes/);
    expect((await sipJson('show', 'desk111')).json.enabled).toBe(true);
    const disabled = await sipJson('disable', 'desk111', '--yes');
    expect(disabled.json).toMatchObject({ enabled: false, status: 'created' });
    const again = await sip('disable', 'desk111', '--yes');
    expect(again.stdout).toMatch(/was already disabled/);
    expect((await sipJson('enable', 'desk111', '--yes')).json.enabled).toBe(true);
    const revoked = await sipJson('revoke-keys', 'desk111', '--yes');
    expect(revoked.json).toMatchObject({ revokedKeys: 0 });
    expect((await sip('delete', 'desk111', '--yes')).code).toBe(0);
    const gone = await sip('show', 'desk111');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no account/);
  });

  it.sequential('lists and finds by group, status, enabled and part of a number', async () => {
    const all = (await sipJson('list')).json as unknown as {
      number: string;
      group: string;
      enabled: boolean;
    }[];
    expect(all.map((a) => a.number).sort()).toEqual(['+393331112222', '+393471234567']);
    const disabled = (await sipJson('list', '--enabled', 'no')).json as unknown as {
      number: string;
    }[];
    expect(disabled.map((a) => a.number)).toEqual(['+393331112222']);
    const inBeta = (await sipJson('list', '--group', 'beta')).json as unknown as {
      number: string;
    }[];
    expect(inBeta.map((a) => a.number)).toEqual(['+393471234567']);
    const found = (await sipJson('find', '+39347765')).json as unknown as { number: string }[];
    expect(found.map((a) => a.number)).toEqual(['+393471234567']);
    const human = await sip('list', '--status', 'activated');
    expect(human.stdout).toBe('no accounts\n');
    const badStatus = await sip('list', '--status', 'asleep');
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toMatch(/--status: must be one of created, installation_sms_sent/);
  });
});

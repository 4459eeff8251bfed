import { createHash } from 'node:crypto';
import { executeRows } from '@sipops/db/execute';
import { accounts } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountChangesSchema, plainAccountSchema } from '../account-schemas.ts';
import { ACTOR, refusal, type TestDeps, testDeps } from '../testing/test-fixture.ts';
import { parseInput } from '../validation.ts';
import { createGroup, createGroupSchema } from './create-group.ts';
import { createPlainAccount } from './create-plain-account.ts';
import { createProfile } from './create-profile.ts';
import { deleteAccount } from './delete-account.ts';
import { editAccount } from './edit-account.ts';
import { editProfile } from './edit-profile.ts';
import { createProfileSchema, editProfileSchema } from './profile-schemas.ts';
import { disableAccount, enableAccount } from './set-account-enabled.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const PASSWORD = 'Registrar-pass-1';

describe.each(testDatabaseKinds())('the registrar views and realms on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
    const profile = (raw: Record<string, unknown>) =>
      createProfile(deps, ACTOR, parseInput(createProfileSchema, raw));
    await profile({ name: 'host-realm', sipHost: 'sip.example.com' });
    await profile({ name: 'own-realm', sipHost: 'sip.other.example', realm: 'voip.example.org' });
    for (const group of [{ name: 'inherits', profile: 'host-realm' }, { name: 'bare' }]) {
      await createGroup(deps, ACTOR, parseInput(createGroupSchema, group));
    }
  }, 60_000);
  afterAll(() => database.close());

  const create = (raw: Record<string, unknown>) =>
    createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, { type: 'pgsm', password: PASSWORD, ...raw }),
    );
  const hashOf = async (id: string) => {
    const [row] = await deps.db
      .select({ ha1: accounts.sipHa1, realm: accounts.sipHa1Realm, username: accounts.username })
      .from(accounts)
      .where(eq(accounts.id, id));
    if (!row) throw new Error('account missing');
    return row;
  };
  const subscriber = (username: string) =>
    executeRows<Record<string, unknown>>(
      deps.db,
      sql`select username, domain, password, ha1, ha1b from subscriber where username = ${username}`,
    );

  it("hashes with the effective profile's realm: its own, its group's, else the global one", async () => {
    const own = await create({ group: 'bare', profile: 'own-realm', number: '+39 347 300 0001' });
    const inherited = await create({ group: 'inherits', number: '+39 347 300 0002' });
    const bare = await create({ group: 'bare', number: '+39 347 300 0003' });
    for (const [account, realm] of [
      [own, 'voip.example.org'],
      [inherited, 'sip.example.com'],
      [bare, 'sipops'],
    ] as const) {
      expect(await hashOf(account.id)).toEqual({
        username: account.username,
        realm,
        ha1: md5(`${account.username}:${realm}:${PASSWORD}`),
      });
    }
  });

  it('shows enabled accounts in subscriber with their HA1 and realm, never a password', async () => {
    const account = await create({ group: 'inherits', number: '+39 347 300 0010' });
    expect(await subscriber(account.username)).toEqual([
      {
        username: account.username,
        domain: 'sip.example.com',
        password: '',
        ha1: md5(`${account.username}:sip.example.com:${PASSWORD}`),
        ha1b: '',
      },
    ]);
    await disableAccount(deps, ACTOR, account.username);
    expect(await subscriber(account.username)).toEqual([]);
  });

  it('keeps subscriber in step with its accounts: enabled, renamed, re-hashed, deleted', async () => {
    const account = await create({
      group: 'bare',
      profile: 'host-realm',
      number: '+39 347 300 0060',
    });
    const row = (username: string, realm: string) => [
      {
        username,
        domain: realm,
        password: '',
        ha1: md5(`${username}:${realm}:${PASSWORD}`),
        ha1b: '',
      },
    ];
    const realm = (await hashOf(account.id)).realm;
    expect(await subscriber(account.username)).toEqual(row(account.username, realm));
    // Whoever writes the username (no use case renames today), subscriber follows it; the HA1
    // then no longer matches the name, which is what the registrar must see.
    await deps.db
      .update(accounts)
      .set({ username: 'renamed-0060' })
      .where(eq(accounts.id, account.id));
    expect(await subscriber(account.username)).toEqual([]);
    expect((await subscriber('renamed-0060'))[0]).toMatchObject({
      domain: realm,
      ha1: row(account.username, realm)[0]?.ha1,
    });
    await deps.db
      .update(accounts)
      .set({ username: account.username })
      .where(eq(accounts.id, account.id));
    await editAccount(
      deps,
      ACTOR,
      account.username,
      parseInput(accountChangesSchema, { profile: 'own-realm' }),
    );
    expect(await subscriber(account.username)).toEqual(row(account.username, 'voip.example.org'));
    await editAccount(
      deps,
      ACTOR,
      account.username,
      parseInput(accountChangesSchema, { password: 'Another-pass-2' }),
    );
    expect((await subscriber(account.username))[0]?.ha1).toBe(
      md5(`${account.username}:voip.example.org:Another-pass-2`),
    );
    await disableAccount(deps, ACTOR, account.username);
    expect(await subscriber(account.username)).toEqual([]);
    await enableAccount(deps, ACTOR, account.username);
    expect(await subscriber(account.username)).toHaveLength(1);
    await deleteAccount(deps, ACTOR, account.username);
    expect(await subscriber(account.username)).toEqual([]);
  });

  it('lists both numbers of enabled accounts in dbaliases', async () => {
    const account = await create({
      group: 'inherits',
      number: '+39 347 300 0020',
      secondaryNumber: '+39 347 300 0021',
    });
    const aliases = () =>
      executeRows<Record<string, unknown>>(
        deps.db,
        sql`select alias_username, alias_domain, username, domain from dbaliases
            where username = ${account.username} order by alias_username`,
      );
    const row = (alias: string) => ({
      alias_username: alias,
      alias_domain: 'sip.example.com',
      username: account.username,
      domain: 'sip.example.com',
    });
    expect(await aliases()).toEqual([row('+393473000020'), row('+393473000021')]);
    await disableAccount(deps, ACTOR, account.username);
    expect(await aliases()).toEqual([]);
  });

  it('keeps dbaliases in step with its accounts: enabled, renamed, re-hashed, deleted', async () => {
    const account = await create({
      group: 'bare',
      profile: 'host-realm',
      number: '+39 347 300 0050',
      secondaryNumber: '+39 347 300 0051',
    });
    const aliases = () =>
      executeRows<Record<string, unknown>>(
        deps.db,
        sql`select alias_username, alias_domain, username, domain from dbaliases
            where alias_username in ('+393473000050', '+393473000051') order by alias_username`,
      );
    const rows = (username: string, realm: string) =>
      ['+393473000050', '+393473000051'].map((alias) => ({
        alias_username: alias,
        alias_domain: realm,
        username,
        domain: realm,
      }));
    const realm = (await hashOf(account.id)).realm;
    expect(await aliases()).toEqual(rows(account.username, realm));

    // Whoever writes the username (no use case renames today), the aliases follow it.
    await deps.db
      .update(accounts)
      .set({ username: 'renamed-0050' })
      .where(eq(accounts.id, account.id));
    expect(await aliases()).toEqual(rows('renamed-0050', realm));
    await editAccount(
      deps,
      ACTOR,
      'renamed-0050',
      parseInput(accountChangesSchema, { profile: 'own-realm' }),
    );
    expect(await aliases()).toEqual(rows('renamed-0050', 'voip.example.org'));
    await disableAccount(deps, ACTOR, 'renamed-0050');
    expect(await aliases()).toEqual([]);
    await enableAccount(deps, ACTOR, 'renamed-0050');
    expect(await aliases()).toEqual(rows('renamed-0050', 'voip.example.org'));
    await deleteAccount(deps, ACTOR, 'renamed-0050');
    expect(await aliases()).toEqual([]);
  });

  it('gives SNOM rules as cidr, deny first, in the order staff wrote them', async () => {
    const snom = await createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, {
        type: 'snom',
        group: 'bare',
        number: '3001',
        password: PASSWORD,
        deny: ['0.0.0.0/0.0.0.0', '2001:db8::/32'],
        permit: ['192.168.0.38/255.255.255.0', '216.27.242.66/255.255.255.255', '10.0.0.0/8'],
      }),
    );
    const rules = await executeRows<{ kind: string; position: number; net: string }>(
      deps.db,
      sql`select kind, position, net::text as net from access_rules where username = ${snom.username}`,
    );
    expect(rules).toEqual([
      { kind: 'deny', position: 1, net: '0.0.0.0/0' },
      { kind: 'deny', position: 2, net: '2001:db8::/32' },
      { kind: 'permit', position: 1, net: '192.168.0.0/24' },
      { kind: 'permit', position: 2, net: '216.27.242.66/32' },
      { kind: 'permit', position: 3, net: '10.0.0.0/8' },
    ]);
    // The query README gives a registrar: denied only when a deny rule and no permit rule matches.
    const denied = async (address: string) => {
      const [row] = await executeRows<{ denied: number }>(
        deps.db,
        sql`select coalesce((bool_or(kind = 'deny') and not coalesce(bool_or(kind = 'permit'), false))::int, 0) as denied
            from access_rules where username = ${snom.username} and net >>= ${address}::inet`,
      );
      return row?.denied === 1;
    };
    expect(await denied('216.27.242.66')).toBe(false);
    expect(await denied('192.168.0.200')).toBe(false);
    expect(await denied('216.27.242.67')).toBe(true);
    expect(await denied('2001:db8::1')).toBe(true);
    expect(await denied('2001:db9::1')).toBe(false);

    // Edited rules show at once; cleared rules leave nothing, so every address is allowed.
    await editAccount(
      deps,
      ACTOR,
      snom.username,
      parseInput(accountChangesSchema, { deny: ['10.1.0.0/16'], permit: [] }),
    );
    const after = await executeRows<{ kind: string; net: string }>(
      deps.db,
      sql`select kind, net::text as net from access_rules where username = ${snom.username}`,
    );
    expect(after).toEqual([{ kind: 'deny', net: '10.1.0.0/16' }]);
    expect(await denied('216.27.242.67')).toBe(false);
    expect(await denied('10.1.2.3')).toBe(true);
    await editAccount(deps, ACTOR, snom.username, parseInput(accountChangesSchema, { deny: [] }));
    expect(await denied('10.1.2.3')).toBe(false);
  });

  it('re-hashes every account using a profile when its realm changes, and only those', async () => {
    const own = await create({ group: 'bare', profile: 'host-realm', number: '+39 347 300 0030' });
    const inherited = await create({ group: 'inherits', number: '+39 347 300 0031' });
    const elsewhere = await create({
      group: 'inherits',
      profile: 'own-realm',
      number: '+39 347 300 0032',
    });
    const untouched = await hashOf(elsewhere.id);
    const view = await editProfile(
      deps,
      ACTOR,
      parseInput(editProfileSchema, { name: 'host-realm', realm: 'new.example.net' }),
    );
    expect(view.realm).toBe('new.example.net');
    for (const account of [own, inherited]) {
      expect(await hashOf(account.id)).toMatchObject({
        realm: 'new.example.net',
        ha1: md5(`${account.username}:new.example.net:${PASSWORD}`),
      });
    }
    expect(await hashOf(elsewhere.id)).toEqual(untouched);

    // Back to "the SIP host", then a new SIP host moves the realm with it.
    await editProfile(
      deps,
      ACTOR,
      parseInput(editProfileSchema, { name: 'host-realm', realm: '' }),
    );
    expect((await hashOf(own.id)).realm).toBe('sip.example.com');
    await editProfile(
      deps,
      ACTOR,
      parseInput(editProfileSchema, { name: 'host-realm', sipHost: 'sip2.example.com' }),
    );
    expect(await hashOf(inherited.id)).toMatchObject({
      realm: 'sip2.example.com',
      ha1: md5(`${inherited.username}:sip2.example.com:${PASSWORD}`),
    });
    // A profile with a realm of its own keeps it when its SIP host moves.
    await editProfile(
      deps,
      ACTOR,
      parseInput(editProfileSchema, { name: 'own-realm', sipHost: 'sip3.example.com' }),
    );
    expect(await hashOf(elsewhere.id)).toEqual(untouched);
  });

  it('re-hashes an account moved to another profile, without calling it a password change', async () => {
    const account = await create({ group: 'bare', number: '+39 347 300 0040' });
    const result = await editAccount(
      deps,
      ACTOR,
      account.username,
      parseInput(accountChangesSchema, { profile: 'own-realm' }),
    );
    expect(result.isChanged).toBe(true);
    expect(await hashOf(account.id)).toMatchObject({
      realm: 'voip.example.org',
      ha1: md5(`${account.username}:voip.example.org:${PASSWORD}`),
    });
  });

  it('refuses a realm that cannot sit in a SIP header, naming the field', async () => {
    const error = await refusal(() =>
      parseInput(editProfileSchema, { name: 'host-realm', realm: 'bad "realm"' }),
    );
    expect(error.field).toBe('realm');
  });
});

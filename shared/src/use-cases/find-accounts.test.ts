import { accounts } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainAccountSchema, wizardAccountSchema } from '../account-schemas.ts';
import type { AccountView } from '../account-view.ts';
import { ACTOR, refusal, seedGroups, type TestDeps, testDeps } from '../testing/test-fixture.ts';
import { parseInput } from '../validation.ts';
import { checkAccountAddress } from './check-address.ts';
import { createPlainAccount } from './create-plain-account.ts';
import { createWizardAccount } from './create-wizard-account.ts';
import { listAccounts, listAccountsSchema } from './list-accounts.ts';
import { disableAccount } from './set-account-enabled.ts';
import { showAccount } from './show-account.ts';

const PASSWORD = 'secret-123';

describe.each(testDatabaseKinds())('finding accounts on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;
  let anna: AccountView;
  let bob: AccountView;
  let carl: AccountView;
  let dora: AccountView;
  let wizardAccount: AccountView;

  const plain = (raw: Record<string, unknown>) =>
    createPlainAccount(deps, ACTOR, parseInput(plainAccountSchema, { password: PASSWORD, ...raw }));
  const list = (raw: Record<string, unknown>) =>
    listAccounts(deps, parseInput(listAccountsSchema, raw));
  const usernames = (page: { accounts: AccountView[] }) =>
    page.accounts.map((account) => account.username);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
    await seedGroups(deps, [
      { name: 'red' },
      { name: 'blue' },
      { name: 'green', profile: 'standard' },
      { name: 'empty' },
    ]);
    anna = await plain({
      type: 'pgsm',
      group: 'red',
      username: 'red-anna',
      number: '+39 347 123 4567',
      secondaryNumber: '+39 347 765 4321',
    });
    bob = await plain({
      type: 'snom',
      group: 'red',
      username: 'red-bob',
      number: '2001',
      deny: '0.0.0.0/0.0.0.0',
      permit: '216.27.242.66/255.255.255.255',
    });
    carl = await plain({
      type: 'pgsm',
      group: 'blue',
      username: 'blue-carl',
      number: '+39 348 555 0101',
    });
    dora = await plain({ type: 'snom', group: 'blue', username: 'blue_dora', number: '2002' });
    wizardAccount = await createWizardAccount(
      deps,
      ACTOR,
      parseInput(wizardAccountSchema, { group: 'green', number: '+39 349 888 1234' }),
    );
    // A drawn username could contain the digits the text filters look for; pin it.
    await deps.db
      .update(accounts)
      .set({ username: '5555555555' })
      .where(eq(accounts.id, wizardAccount.id));
    wizardAccount = await showAccount(deps, '5555555555');
    await disableAccount(deps, ACTOR, 'blue-carl');
    await deps.db
      .update(accounts)
      .set({ status: 'installed', statusChangedAt: deps.clock.now() })
      .where(eq(accounts.id, carl.id));
  }, 60_000);
  afterAll(() => database.close());

  describe('showAccount', () => {
    it.each([
      ['its username', 'red-anna'],
      ['its primary number', '+393471234567'],
      ['its secondary number', '+393477654321'],
      ['its number typed differently', '+39 347-123 4567'],
      ['its number with 00', '0039 347 123 4567'],
      ['its secondary number typed differently', '(+39) 347.765.4321'],
      ['its username with spaces around', '  red-anna '],
    ])('finds an account by %s', async (_how, name) => {
      const shown = await showAccount(deps, name);
      expect(shown).toEqual(anna);
      expect(shown).toMatchObject({
        username: 'red-anna',
        number: '+393471234567',
        secondaryNumber: '+393477654321',
        group: 'red',
        type: 'pgsm',
      });
    });

    it('finds a SNOM account by its extension', async () => {
      expect((await showAccount(deps, '2001')).username).toBe('red-bob');
    });

    it('never shows the password, its ciphertext or its hash', async () => {
      const shown = await showAccount(deps, 'red-anna');
      const json = JSON.stringify(shown);
      expect(json).not.toContain(PASSWORD);
      expect(Object.keys(shown)).not.toEqual(
        expect.arrayContaining(['password', 'passwordEncrypted', 'sipHa1']),
      );
      const [row] = await deps.db.select().from(accounts).where(eq(accounts.id, anna.id));
      expect(json).not.toContain(row?.passwordEncrypted);
      expect(json).not.toContain(row?.sipHa1);
    });

    it('refuses an unknown name', async () => {
      const error = await refusal(() => showAccount(deps, '+39 347 000 0000'));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.field).toBe('account');
    });

    it('never lets a name be one account’s username and another’s number', async () => {
      // Usernames and numbers share one namespace, so `show 2001` names one account only.
      const error = await refusal(() =>
        plain({ type: 'pgsm', group: 'empty', username: '2001', number: '2999' }),
      );
      expect(error.code).toBe('DUPLICATE_USERNAME');
      expect(error.field).toBe('username');
      expect((await showAccount(deps, '2001')).username).toBe('red-bob');
    });
  });

  describe('listAccounts', () => {
    it('lists every account by group then username, with the total', async () => {
      const page = await list({});
      expect(usernames(page)).toEqual([
        'blue-carl',
        'blue_dora',
        wizardAccount.username,
        'red-anna',
        'red-bob',
      ]);
      expect(page).toMatchObject({ total: 5, offset: 0, limit: 50 });
    });

    it('filters by group', async () => {
      const page = await list({ group: 'red' });
      expect(usernames(page)).toEqual(['red-anna', 'red-bob']);
      expect(page.total).toBe(2);
      expect(await list({ group: 'empty' })).toMatchObject({ accounts: [], total: 0 });
    });

    it('filters by status', async () => {
      const installed = await list({ status: 'installed' });
      expect(usernames(installed)).toEqual(['blue-carl']);
      expect(installed.total).toBe(1);
      expect((await list({ status: 'created' })).total).toBe(4);
      expect((await list({ status: 'activated' })).total).toBe(0);
    });

    it('filters by enabled, as a boolean or a word', async () => {
      const disabled = await list({ enabled: false });
      expect(usernames(disabled)).toEqual(['blue-carl', wizardAccount.username]);
      expect(disabled.total).toBe(2);
      const enabled = await list({ enabled: 'yes' });
      expect(usernames(enabled)).toEqual(['blue_dora', 'red-anna', 'red-bob']);
      expect(enabled.total).toBe(3);
    });

    it.each([
      ['part of a username', 'anna', ['red-anna']],
      ['a username in another case', 'RED-', ['red-anna', 'red-bob']],
      ['part of a primary number', '3471234', ['red-anna']],
      ['part of a secondary number', '7654321', ['red-anna']],
      ['part of an extension', '200', ['blue_dora', 'red-bob']],
      ['a LIKE wildcard, literally', '%', []],
      ['an underscore, literally', '_', ['blue_dora']],
      ['text nobody has', 'zzz', []],
    ])('finds by %s', async (_what, text, expected) => {
      const page = await list({ text });
      expect(usernames(page)).toEqual(expected);
      expect(page.total).toBe(expected.length);
    });

    it('combines filters', async () => {
      const page = await list({ group: 'blue', enabled: true, text: 'dora' });
      expect(usernames(page)).toEqual(['blue_dora']);
      expect((await list({ group: 'blue', enabled: true, text: 'carl' })).total).toBe(0);
      expect((await list({ group: 'red', status: 'created', enabled: 'on' })).total).toBe(2);
    });

    it('pages with offset and limit, the total counting every match', async () => {
      const first = await list({ limit: 2 });
      expect(usernames(first)).toEqual(['blue-carl', 'blue_dora']);
      expect(first).toMatchObject({ total: 5, offset: 0, limit: 2 });
      const second = await list({ limit: 2, offset: 2 });
      expect(usernames(second)).toEqual([wizardAccount.username, 'red-anna']);
      expect(second.total).toBe(5);
      const last = await list({ limit: 2, offset: 4 });
      expect(usernames(last)).toEqual(['red-bob']);
      const beyond = await list({ limit: 2, offset: 10 });
      expect(beyond).toMatchObject({ accounts: [], total: 5 });
      const filtered = await list({ group: 'red', limit: 1, offset: 1 });
      expect(usernames(filtered)).toEqual(['red-bob']);
      expect(filtered.total).toBe(2);
    });

    it('shows each account as showAccount does', async () => {
      const page = await list({ group: 'red' });
      expect(page.accounts).toEqual([anna, bob]);
      expect((await list({ text: 'dora' })).accounts).toEqual([dora]);
    });

    it('refuses an unknown group', async () => {
      const error = await refusal(() => list({ group: 'nope' }));
      expect([error.code, error.field]).toEqual(['NOT_FOUND', 'group']);
    });

    it.each([
      ['status', { status: 'enabled' }],
      ['limit', { limit: 0 }],
      ['limit', { limit: 1001 }],
      ['offset', { offset: -1 }],
      ['text', { text: '  ' }],
      ['enabled', { enabled: 'maybe' }],
    ])('refuses a wrong %s', async (field, raw) => {
      const error = await refusal(() => list(raw));
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe(field);
    });
  });

  describe('checkAccountAddress', () => {
    it.each([
      ['216.27.242.66', true, '216.27.242.66/255.255.255.255'],
      ['216.27.242.67', false, '0.0.0.0/0.0.0.0'],
      ['10.0.0.1', false, '0.0.0.0/0.0.0.0'],
      ['::ffff:216.27.242.66', true, '216.27.242.66/255.255.255.255'],
      ['::ffff:192.168.1.1', false, '0.0.0.0/0.0.0.0'],
    ])('on the SPEC example, %s is allowed: %s (rule %s)', async (address, allowed, rule) => {
      expect(await checkAccountAddress(deps, 'red-bob', address)).toEqual({ allowed, rule });
    });

    it('allows every address on an account without rules', async () => {
      expect(await checkAccountAddress(deps, 'red-anna', '10.0.0.1')).toEqual({
        allowed: true,
        rule: null,
      });
      expect(await checkAccountAddress(deps, '2002', '203.0.113.9')).toEqual({
        allowed: true,
        rule: null,
      });
    });

    it('refuses a wrong address and an unknown account', async () => {
      const badAddress = await refusal(() => checkAccountAddress(deps, 'red-bob', '300.1.1.1'));
      expect([badAddress.code, badAddress.field]).toEqual(['VALIDATION', 'address']);
      const noAccount = await refusal(() => checkAccountAddress(deps, 'nobody', '10.0.0.1'));
      expect([noAccount.code, noAccount.field]).toEqual(['NOT_FOUND', 'account']);
    });
  });
});

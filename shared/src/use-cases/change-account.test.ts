import { createHash, randomBytes } from 'node:crypto';
import { accounts, activationLinks, clientKeys, virtualNumbers } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountChangesSchema,
  plainAccountSchema,
  wizardAccountSchema,
} from '../account-schemas.ts';
import { decryptSecret } from '../credentials.ts';
import {
  ACTOR,
  accountRow,
  auditRows,
  countRows,
  e164,
  extension,
  mobileNumber,
  outboxRows,
  refusal,
  seedGroups,
  type TestDeps,
  testDeps,
} from '../testing/test-fixture.ts';
import { parseInput } from '../validation.ts';
import { createPlainAccount } from './create-plain-account.ts';
import { createWizardAccount } from './create-wizard-account.ts';
import { deleteAccount } from './delete-account.ts';
import { editAccount } from './edit-account.ts';
import { revokeKeys } from './revoke-keys.ts';
import { disableAccount, enableAccount } from './set-account-enabled.ts';
import { showAccount } from './show-account.ts';

const PASSWORD = 'secret-123';
const HOUR = 3_600_000;
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe.each(testDatabaseKinds())('changing accounts on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
    await seedGroups(deps, [
      { name: 'acme' },
      { name: 'south' },
      { name: 'north', profile: 'standard' },
    ]);
  }, 60_000);
  afterAll(() => database.close());

  const pgsm = (extra: Record<string, unknown> = {}) =>
    createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, {
        type: 'pgsm',
        group: 'acme',
        number: mobileNumber(),
        password: PASSWORD,
        ...extra,
      }),
    );
  const snom = (extra: Record<string, unknown> = {}) =>
    createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, {
        type: 'snom',
        group: 'acme',
        number: extension(),
        password: PASSWORD,
        ...extra,
      }),
    );
  const wizard = (extra: Record<string, unknown> = {}) =>
    createWizardAccount(
      deps,
      ACTOR,
      parseInput(wizardAccountSchema, { group: 'north', number: mobileNumber(), ...extra }),
    );
  const edit = (name: string, raw: Record<string, unknown>) =>
    editAccount(deps, ACTOR, name, parseInput(accountChangesSchema, raw));

  async function insertLink(
    accountId: string,
    fields: Partial<typeof activationLinks.$inferInsert>,
  ) {
    const now = deps.clock.now();
    const [link] = await deps.db
      .insert(activationLinks)
      .values({
        accountId,
        tokenHash: randomBytes(32).toString('hex'),
        kind: 'installation',
        createdAt: now,
        expiresAt: new Date(now.getTime() + 48 * HOUR),
        ...fields,
      })
      .returning();
    if (!link) throw new Error('no link inserted');
    return link;
  }

  async function linkRow(id: string) {
    const [row] = await deps.db.select().from(activationLinks).where(eq(activationLinks.id, id));
    return row;
  }

  async function insertKey(accountId: string, revokedAt: Date | null = null) {
    const [key] = await deps.db
      .insert(clientKeys)
      .values({
        accountId,
        publicKey: `-----BEGIN PUBLIC KEY-----${randomBytes(8).toString('hex')}`,
        fingerprint: randomBytes(16).toString('hex'),
        registeredAt: deps.clock.now(),
        revokedAt,
      })
      .returning();
    if (!key) throw new Error('no key inserted');
    return key;
  }

  describe('editAccount', () => {
    it('changes the fields, keeps the status, and records before and after', async () => {
      const created = await pgsm();
      const at = deps.clock.advance(HOUR);
      const result = await edit(created.username, {
        group: 'south',
        profile: 'standard',
        securityModel: 'end-to-end',
        obfuscation: false,
        obfuscationKey: '42',
        keepAlive: 'on',
      });
      expect(result.isChanged).toBe(true);
      expect(result.account).toMatchObject({
        id: created.id,
        username: created.username,
        number: created.number,
        group: 'south',
        profile: 'standard',
        isProfileInherited: false,
        securityModel: 'end-to-end',
        obfuscation: false,
        obfuscationKey: 42,
        keepAlive: true,
        enabled: true,
        status: 'created',
        statusChangedAt: created.statusChangedAt,
        createdAt: created.createdAt,
        updatedAt: at.toISOString(),
      });

      const row = await accountRow(deps.db, created.id);
      expect(row).toMatchObject({
        securityModel: 'end-to-end',
        obfuscation: false,
        obfuscationKey: 42,
        keepAlive: true,
        updatedAt: at,
      });

      const audits = await auditRows(deps.db, created.id);
      expect(audits.map((audit) => audit.action)).toEqual(['account.created', 'account.edited']);
      const edited = audits[1];
      expect(edited).toMatchObject({ actor: ACTOR, at, subjectName: created.username });
      expect(edited?.before).toMatchObject({
        group: 'acme',
        profile: null,
        securityModel: 'end-to-site',
        obfuscation: true,
        obfuscationKey: 9,
        keepAlive: false,
        password: '********',
      });
      expect(edited?.after).toMatchObject({
        group: 'south',
        profile: 'standard',
        securityModel: 'end-to-end',
        obfuscation: false,
        obfuscationKey: 42,
        keepAlive: true,
        password: '********',
      });

      const notes = await outboxRows(deps.db, created.id);
      expect(notes).toHaveLength(2);
      expect(notes[1]).toMatchObject({ kind: 'notify', orderKey: `account:${created.id}` });
      expect(notes[1]?.payload).toMatchObject({
        event: 'account.edited',
        actor: ACTOR,
        at: at.toISOString(),
        account: { id: created.id, group: 'south', obfuscationKey: 42 },
        before: { id: created.id, group: 'acme', obfuscationKey: 9 },
      });
    });

    it('changes the access rules of a SNOM account, normalised', async () => {
      const created = await snom({ deny: '0.0.0.0/0.0.0.0' });
      const result = await edit(created.number, {
        permit: '216.27.242.66/255.255.255.255; 10.1.2.3/8',
      });
      expect(result.isChanged).toBe(true);
      expect(result.account.deny).toEqual(['0.0.0.0/0.0.0.0']);
      expect(result.account.permit).toEqual([
        '216.27.242.66/255.255.255.255',
        '10.0.0.0/255.0.0.0',
      ]);
      expect((await accountRow(deps.db, created.id))?.permit).toEqual([
        '216.27.242.66/255.255.255.255',
        '10.0.0.0/255.0.0.0',
      ]);
    });

    it('writes nothing when nothing really changes', async () => {
      const created = await pgsm({ profile: 'standard' });
      deps.clock.advance(HOUR);
      const before = await countRows(deps.db);
      const result = await edit(created.username, {
        group: 'acme',
        profile: 'standard',
        securityModel: 'end-to-site',
        obfuscation: 'on',
        obfuscationKey: 9,
        keepAlive: false,
      });
      expect(result.isChanged).toBe(false);
      expect(result.account).toEqual(created);
      expect(await countRows(deps.db)).toEqual(before);
      expect((await accountRow(deps.db, created.id))?.updatedAt).toEqual(
        new Date(created.updatedAt),
      );
    });

    it.each([
      ['PGSM', 'deny', { deny: '10.0.0.0/8' }],
      ['PGSM', 'permit', { permit: ['10.0.0.0/8'] }],
      ['SNOM', 'securityModel', { securityModel: 'end-to-end' }],
      ['SNOM', 'obfuscationKey', { obfuscationKey: 10 }],
      ['SNOM', 'keepAlive', { keepAlive: true }],
    ])('refuses on a %s account the %s field of the other type', async (type, field, changes) => {
      const created = type === 'PGSM' ? await pgsm() : await snom();
      const rowBefore = await accountRow(deps.db, created.id);
      const counts = await countRows(deps.db);
      const error = await refusal(() => edit(created.username, changes));
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe(field);
      expect(error.message).toBe(`does not apply to ${type} accounts`);
      expect(await countRows(deps.db)).toEqual(counts);
      expect(await accountRow(deps.db, created.id)).toEqual(rowBefore);
    });

    it('names every field of the other type at once', async () => {
      const created = await snom();
      const error = await refusal(() =>
        edit(created.username, { securityModel: 'end-to-end', keepAlive: 'on', permit: [] }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.issues.map((issue) => issue.field)).toEqual(['securityModel', 'keepAlive']);
    });

    it.each([
      ['number', { number: '+39 347 999 0000' }],
      ['secondaryNumber', { secondaryNumber: '+39 347 999 0001' }],
      ['type', { type: 'snom' }],
      ['username', { username: 'renamed' }],
    ])('refuses to edit the %s', async (field, changes) => {
      const error = await refusal(() => parseInput(accountChangesSchema, changes));
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe(field);
    });

    it('refuses a new password for a wizard account', async () => {
      const created = await wizard();
      const rowBefore = await accountRow(deps.db, created.id);
      const counts = await countRows(deps.db);
      const error = await refusal(() => edit(created.username, { password: 'new-secret-456' }));
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('password');
      expect(await countRows(deps.db)).toEqual(counts);
      expect(await accountRow(deps.db, created.id)).toEqual(rowBefore);
    });

    it('takes a new password for a plain account, with a new HA1, never written out', async () => {
      const created = await pgsm();
      const oldRow = await accountRow(deps.db, created.id);
      const newPassword = 'Brand-New-Pass-789';
      const result = await edit(created.username, {
        password: newPassword,
        passwordConfirm: newPassword,
      });
      expect(result.isChanged).toBe(true);
      const row = await accountRow(deps.db, created.id);
      if (!row || !oldRow) throw new Error('account row missing');
      expect(row.sipHa1).toBe(md5(`${created.username}:sipops:${newPassword}`));
      expect(row.sipHa1).not.toBe(oldRow.sipHa1);
      expect(row.passwordEncrypted).not.toContain(newPassword);
      expect(decryptSecret(deps.secretKey, row.passwordEncrypted)).toBe(newPassword);

      const audits = await auditRows(deps.db, created.id);
      expect(audits).toHaveLength(2);
      expect(audits[1]?.before).toMatchObject({ password: '********' });
      expect(audits[1]?.after).toMatchObject({ password: '******** (changed)' });
      for (const audit of audits) {
        const json = JSON.stringify([audit.before, audit.after]);
        expect(json).not.toContain(newPassword);
        expect(json).not.toContain(PASSWORD);
      }
      for (const note of await outboxRows(deps.db, created.id)) {
        expect(JSON.stringify(note.payload)).not.toContain(newPassword);
      }
      expect(JSON.stringify(result.account)).not.toContain(newPassword);
    });

    it('counts the same password typed again as no change', async () => {
      const created = await pgsm();
      const counts = await countRows(deps.db);
      const same = await edit(created.username, { password: PASSWORD });
      expect(same.isChanged).toBe(false);
      expect(await countRows(deps.db)).toEqual(counts);

      const withOther = await edit(created.username, { password: PASSWORD, keepAlive: true });
      expect(withOther.isChanged).toBe(true);
      const audits = await auditRows(deps.db, created.id);
      expect(audits).toHaveLength(2);
      // Only keep-alive changed: the audit must not claim a new password.
      expect(audits[1]?.after).toMatchObject({ keepAlive: true, password: '********' });
      const row = await accountRow(deps.db, created.id);
      expect(row?.sipHa1).toBe(md5(`${created.username}:sipops:${PASSWORD}`));
      expect(decryptSecret(deps.secretKey, row?.passwordEncrypted ?? '')).toBe(PASSWORD);
    });

    it('refuses a second typing that differs', async () => {
      const error = await refusal(() =>
        parseInput(accountChangesSchema, { password: 'new-secret-456', passwordConfirm: 'other' }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('passwordConfirm');
    });

    it('refuses an unknown group or profile, and an unknown account', async () => {
      const created = await pgsm();
      const counts = await countRows(deps.db);
      const noGroup = await refusal(() => edit(created.username, { group: 'nope' }));
      expect([noGroup.code, noGroup.field]).toEqual(['NOT_FOUND', 'group']);
      const noProfile = await refusal(() => edit(created.username, { profile: 'nope' }));
      expect([noProfile.code, noProfile.field]).toEqual(['NOT_FOUND', 'profile']);
      const noAccount = await refusal(() => edit('nobody', { keepAlive: true }));
      expect([noAccount.code, noAccount.field]).toEqual(['NOT_FOUND', 'account']);
      expect(await countRows(deps.db)).toEqual(counts);
    });

    it('lets a wizard account drop its own profile for its group’s', async () => {
      const created = await wizard({ profile: 'standard' });
      expect(created.isProfileInherited).toBe(false);
      const result = await edit(created.username, { profile: null });
      expect(result.account.profile).toBe('standard');
      expect(result.account.isProfileInherited).toBe(true);
      expect((await accountRow(deps.db, created.id))?.profileId).toBeNull();
    });

    it('undoes everything when a wizard account would be left without a profile', async () => {
      const created = await wizard({ group: 'acme', profile: 'standard' });
      const rowBefore = await accountRow(deps.db, created.id);
      const counts = await countRows(deps.db);
      deps.clock.advance(HOUR);
      // The update runs before the check, so this proves the transaction rolls back.
      const error = await refusal(() => edit(created.username, { profile: null, keepAlive: true }));
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('profile');
      expect(await accountRow(deps.db, created.id)).toEqual(rowBefore);
      expect(await countRows(deps.db)).toEqual(counts);
    });
  });

  describe('disableAccount / enableAccount', () => {
    it('toggles enabled without moving the status, in order, and kills live links', async () => {
      const created = await pgsm();
      const installedAt = deps.clock.advance(HOUR);
      // As if the app had fetched its document: the status is not the flag's business.
      await deps.db
        .update(accounts)
        .set({ status: 'installed', statusChangedAt: installedAt })
        .where(eq(accounts.id, created.id));
      const live = await insertLink(created.id, {});
      const spent = await insertLink(created.id, { spentAt: installedAt });
      const earlier = new Date(installedAt.getTime() - HOUR);
      const revoked = await insertLink(created.id, { revokedAt: earlier });

      const disabledAt = deps.clock.advance(HOUR);
      const disabled = await disableAccount(deps, ACTOR, created.username);
      expect(disabled.isChanged).toBe(true);
      expect(disabled.account).toMatchObject({
        enabled: false,
        status: 'installed',
        statusChangedAt: installedAt.toISOString(),
        updatedAt: disabledAt.toISOString(),
      });
      expect(await accountRow(deps.db, created.id)).toMatchObject({
        enabled: false,
        status: 'installed',
        statusChangedAt: installedAt,
      });
      expect((await linkRow(live.id))?.revokedAt).toEqual(disabledAt);
      expect((await linkRow(spent.id))?.revokedAt).toBeNull();
      expect((await linkRow(revoked.id))?.revokedAt).toEqual(earlier);

      deps.clock.advance(HOUR);
      const counts = await countRows(deps.db);
      const again = await disableAccount(deps, ACTOR, created.username);
      expect(again.isChanged).toBe(false);
      expect(again.account.enabled).toBe(false);
      expect(await countRows(deps.db)).toEqual(counts);

      const enabledAt = deps.clock.advance(HOUR);
      // By number, typed as a person would.
      const enabled = await enableAccount(deps, ACTOR, created.number.replace('+39', '+39 '));
      expect(enabled.isChanged).toBe(true);
      expect(enabled.account).toMatchObject({
        enabled: true,
        status: 'installed',
        statusChangedAt: installedAt.toISOString(),
      });
      const repeated = await enableAccount(deps, ACTOR, created.username);
      expect(repeated.isChanged).toBe(false);

      const audits = await auditRows(deps.db, created.id);
      expect(audits.map((audit) => [audit.action, audit.at])).toEqual([
        ['account.created', new Date(created.createdAt)],
        ['account.disabled', disabledAt],
        ['account.enabled', enabledAt],
      ]);
      expect(audits[1]?.before).toMatchObject({ enabled: true });
      expect(audits[1]?.after).toMatchObject({ enabled: false });
      expect(audits[2]?.before).toMatchObject({ enabled: false });
      expect(audits[2]?.after).toMatchObject({ enabled: true });

      const notes = await outboxRows(deps.db, created.id);
      expect(notes.map((note) => (note.payload as { event: string }).event)).toEqual([
        'account.created',
        'account.disabled',
        'account.enabled',
      ]);
      expect(new Set(notes.map((note) => note.orderKey))).toEqual(
        new Set([`account:${created.id}`]),
      );
    });

    it('enables a wizard account without activating it', async () => {
      const created = await wizard();
      expect(created.enabled).toBe(false);
      const result = await enableAccount(deps, ACTOR, created.username);
      expect(result.isChanged).toBe(true);
      expect(result.account).toMatchObject({ enabled: true, status: 'created' });
    });

    it('refuses an unknown account', async () => {
      const error = await refusal(() => disableAccount(deps, ACTOR, '+39 347 999 9999'));
      expect([error.code, error.field]).toEqual(['NOT_FOUND', 'account']);
    });
  });

  describe('deleteAccount', () => {
    it('removes the account with its numbers, links and keys, and audits what it was', async () => {
      const primary = mobileNumber();
      const secondary = mobileNumber();
      const created = await pgsm({ number: primary, secondaryNumber: secondary });
      const link = await insertLink(created.id, {});
      const key = await insertKey(created.id);
      const at = deps.clock.advance(HOUR);

      const deleted = await deleteAccount(deps, ACTOR, secondary);
      expect(deleted).toEqual(created);

      expect(await accountRow(deps.db, created.id)).toBeUndefined();
      expect(await deps.db.$count(virtualNumbers, eq(virtualNumbers.accountId, created.id))).toBe(
        0,
      );
      expect(await linkRow(link.id)).toBeUndefined();
      expect(await deps.db.$count(clientKeys, eq(clientKeys.id, key.id))).toBe(0);

      const audits = await auditRows(deps.db, created.id);
      expect(audits.map((audit) => audit.action)).toEqual(['account.created', 'account.deleted']);
      expect(audits[1]).toMatchObject({
        actor: ACTOR,
        at,
        subjectName: created.username,
        after: null,
      });
      expect(audits[1]?.before).toMatchObject({
        username: created.username,
        number: e164(primary),
        secondaryNumber: e164(secondary),
        password: '********',
      });
      const notes = await outboxRows(deps.db, created.id);
      expect(notes.map((note) => (note.payload as { event: string }).event)).toEqual([
        'account.created',
        'account.deleted',
      ]);

      // Both numbers are free again.
      const reused = await pgsm({ number: secondary, secondaryNumber: primary });
      expect(reused.number).toBe(e164(secondary));

      const again = await refusal(() => deleteAccount(deps, ACTOR, created.username));
      expect([again.code, again.field]).toEqual(['NOT_FOUND', 'account']);
    });
  });

  describe('revokeKeys', () => {
    it('revokes the live keys and links of that account only, stamping keysRevokedAt', async () => {
      const created = await pgsm();
      const other = await pgsm();
      const earlier = deps.clock.now();
      const live1 = await insertKey(created.id);
      const live2 = await insertKey(created.id);
      const old = await insertKey(created.id, earlier);
      const othersKey = await insertKey(other.id);
      const link = await insertLink(created.id, {});
      const at = deps.clock.advance(HOUR);

      const result = await revokeKeys(deps, ACTOR, created.username);
      expect(result.revokedKeys).toBe(2);
      expect(result.account).toMatchObject({ id: created.id, updatedAt: at.toISOString() });

      const keys = await deps.db
        .select({ id: clientKeys.id, revokedAt: clientKeys.revokedAt })
        .from(clientKeys)
        .where(eq(clientKeys.accountId, created.id))
        .orderBy(asc(clientKeys.registeredAt), asc(clientKeys.id));
      const byId = new Map(keys.map((key) => [key.id, key.revokedAt]));
      expect(byId.get(live1.id)).toEqual(at);
      expect(byId.get(live2.id)).toEqual(at);
      expect(byId.get(old.id)).toEqual(earlier);
      const [othersRow] = await deps.db
        .select()
        .from(clientKeys)
        .where(eq(clientKeys.id, othersKey.id));
      expect(othersRow?.revokedAt).toBeNull();
      expect((await linkRow(link.id))?.revokedAt).toEqual(at);
      expect((await accountRow(deps.db, created.id))?.keysRevokedAt).toEqual(at);
      expect((await accountRow(deps.db, other.id))?.keysRevokedAt).toBeNull();

      const audits = await auditRows(deps.db, created.id);
      expect(audits.map((audit) => audit.action)).toEqual([
        'account.created',
        'account.keys_revoked',
      ]);
      const notes = await outboxRows(deps.db, created.id);
      expect(notes[1]?.payload).toMatchObject({ event: 'account.keys_revoked' });

      const again = await revokeKeys(deps, ACTOR, created.username);
      expect(again.revokedKeys).toBe(0);
    });
  });

  describe('simultaneous changes', () => {
    it('lets only one of several simultaneous disables act', async () => {
      const created = await pgsm();
      const results = await Promise.all(
        [1, 2, 3].map(() => disableAccount(deps, ACTOR, created.username)),
      );
      expect(results.map((result) => result.isChanged).sort()).toEqual([false, false, true]);
      const audits = await auditRows(deps.db, created.id);
      expect(audits.map((audit) => audit.action)).toEqual(['account.created', 'account.disabled']);
      expect(await outboxRows(deps.db, created.id)).toHaveLength(2);
    });

    it('lets only one of two simultaneous deletes act, the other finding nothing', async () => {
      const created = await pgsm();
      const results = await Promise.allSettled([
        deleteAccount(deps, ACTOR, created.username),
        deleteAccount(deps, ACTOR, created.number),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((result) => result.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'NOT_FOUND' });
      const audits = await auditRows(deps.db, created.id);
      expect(audits.map((audit) => audit.action)).toEqual(['account.created', 'account.deleted']);
    });

    it('chains the before and after of simultaneous edits', async () => {
      const created = await pgsm();
      await Promise.all([
        edit(created.username, { obfuscationKey: 11 }),
        edit(created.username, { obfuscationKey: 12 }),
      ]);
      const audits = await auditRows(deps.db, created.id);
      const keys = audits.map((audit) => [
        (audit.before as { obfuscationKey: number } | null)?.obfuscationKey ?? null,
        (audit.after as { obfuscationKey: number }).obfuscationKey,
      ]);
      expect(keys).toHaveLength(3);
      expect(keys[0]).toEqual([null, 9]);
      // Each edit saw the one before it, whichever came first.
      expect(keys[1]?.[0]).toBe(9);
      expect(keys[2]?.[0]).toBe(keys[1]?.[1]);
      expect([keys[1]?.[1], keys[2]?.[1]].sort()).toEqual([11, 12]);
      expect((await accountRow(deps.db, created.id))?.obfuscationKey).toBe(keys[2]?.[1]);
    });
  });

  it('shows an edited account as it now stands', async () => {
    const created = await pgsm();
    await edit(created.username, { obfuscationKey: 77 });
    const shown = await showAccount(deps, created.username);
    expect(shown.obfuscationKey).toBe(77);
  });
});

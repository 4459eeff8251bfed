import { createHash } from 'node:crypto';
import { accounts, auditLog, outbox, virtualNumbers } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainAccountSchema, wizardAccountSchema } from '../account-schemas.ts';
import { decryptSecret } from '../credentials.ts';
import { AppError } from '../errors.ts';
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

const PASSWORD = 'secret-123';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe.each(testDatabaseKinds())('creating accounts on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
    // acme has no profile of its own; north inherits "standard".
    await seedGroups(deps, [{ name: 'acme' }, { name: 'north', profile: 'standard' }]);
  }, 60_000);
  afterAll(() => database.close());

  const plain = (raw: Record<string, unknown>) =>
    createPlainAccount(deps, ACTOR, parseInput(plainAccountSchema, raw));
  const wizard = (raw: Record<string, unknown>) =>
    createWizardAccount(deps, ACTOR, parseInput(wizardAccountSchema, raw));

  /** Runs a refused creation and proves it wrote nothing anywhere. */
  async function refusedWithoutWrites(run: () => unknown): Promise<AppError> {
    const before = await countRows(deps.db);
    const error = await refusal(run);
    expect(await countRows(deps.db)).toEqual(before);
    return error;
  }

  describe('plain PGSM', () => {
    it('is enabled at once with the defaults, status created at the clock', async () => {
      const now = deps.clock.advance(60_000);
      const typed = mobileNumber();
      const view = await plain({ type: 'pgsm', group: 'acme', number: typed, password: PASSWORD });

      expect(view).toMatchObject({
        type: 'pgsm',
        group: 'acme',
        number: e164(typed),
        secondaryNumber: null,
        profile: null,
        isProfileInherited: false,
        enabled: true,
        status: 'created',
        statusChangedAt: now.toISOString(),
        securityModel: 'end-to-site',
        obfuscation: true,
        obfuscationKey: 9,
        keepAlive: false,
        deny: null,
        permit: null,
        createdVia: 'plain',
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
      expect(view.username).toMatch(/^[1-9]\d{9}$/);

      const row = await accountRow(deps.db, view.id);
      expect(row).toMatchObject({
        username: view.username,
        number: e164(typed),
        type: 'pgsm',
        createdVia: 'plain',
        enabled: true,
        status: 'created',
        statusChangedAt: now,
        securityModel: 'end-to-site',
        obfuscation: true,
        obfuscationKey: 9,
        keepAlive: false,
        deny: [],
        permit: [],
        keysRevokedAt: null,
      });
      const numbers = await deps.db
        .select()
        .from(virtualNumbers)
        .where(eq(virtualNumbers.accountId, view.id));
      expect(numbers).toEqual([{ number: e164(typed), accountId: view.id, kind: 'primary' }]);
    });

    it('stores the password encrypted and its HA1, and never shows or audits it', async () => {
      const password = 'Plain-Text-Pass-42';
      const view = await plain({
        type: 'pgsm',
        group: 'acme',
        number: mobileNumber(),
        password,
        passwordConfirm: password,
      });
      const row = await accountRow(deps.db, view.id);
      if (!row) throw new Error('account row missing');
      expect(row.passwordEncrypted).not.toBe(password);
      expect(row.passwordEncrypted).not.toContain(password);
      expect(decryptSecret(deps.secretKey, row.passwordEncrypted)).toBe(password);
      // No profile, its own or its group's: the global realm.
      expect(row.sipHa1Realm).toBe('sipops');
      expect(row.sipHa1).toBe(md5(`${view.username}:sipops:${password}`));

      expect(JSON.stringify(view)).not.toContain(password);
      expect(Object.keys(view)).not.toContain('password');
      expect(Object.keys(view)).not.toContain('sipHa1');

      const audits = await auditRows(deps.db, view.id);
      expect(audits).toHaveLength(1);
      const [audit] = audits;
      expect(audit).toMatchObject({
        actor: ACTOR,
        action: 'account.created',
        subjectType: 'account',
        subjectName: view.username,
        before: null,
        at: new Date(view.createdAt),
      });
      expect(audit?.after).toMatchObject({ username: view.username, password: '********' });
      expect(JSON.stringify(audit?.before)).not.toContain(password);
      expect(JSON.stringify(audit?.after)).not.toContain(password);
      expect(JSON.stringify(audit?.after)).not.toContain(row.sipHa1);

      const notes = await outboxRows(deps.db, view.id);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ kind: 'notify', state: 'pending', attempts: 0 });
      expect(notes[0]?.payload).toMatchObject({
        event: 'account.created',
        actor: ACTOR,
        account: { id: view.id, username: view.username },
        before: null,
      });
      expect(JSON.stringify(notes[0]?.payload)).not.toContain(password);
    });

    it('takes every field staff set, the numbers normalised', async () => {
      const primary = mobileNumber();
      const secondary = mobileNumber();
      const view = await plain({
        type: 'pgsm',
        group: 'acme',
        number: primary.replace('+', '00'),
        secondaryNumber: secondary.replace(/ /g, '-'),
        username: 'anna.pgsm',
        password: PASSWORD,
        passwordConfirm: PASSWORD,
        profile: 'standard',
        securityModel: 'end-to-end',
        obfuscation: 'off',
        obfuscationKey: '200',
        keepAlive: 'on',
      });
      expect(view).toMatchObject({
        username: 'anna.pgsm',
        number: e164(primary),
        secondaryNumber: e164(secondary),
        profile: 'standard',
        isProfileInherited: false,
        securityModel: 'end-to-end',
        obfuscation: false,
        obfuscationKey: 200,
        keepAlive: true,
        enabled: true,
      });
      const numbers = await deps.db
        .select({ number: virtualNumbers.number, kind: virtualNumbers.kind })
        .from(virtualNumbers)
        .where(eq(virtualNumbers.accountId, view.id))
        .orderBy(asc(virtualNumbers.kind));
      expect(numbers).toEqual([
        { number: e164(primary), kind: 'primary' },
        { number: e164(secondary), kind: 'secondary' },
      ]);
      const row = await accountRow(deps.db, view.id);
      // Made with its profile's realm: its SIP host.
      expect(row?.sipHa1).toBe(md5(`anna.pgsm:sip.example.com:${PASSWORD}`));
    });

    it('inherits the group profile when it has none of its own', async () => {
      const view = await plain({
        type: 'pgsm',
        group: 'north',
        number: mobileNumber(),
        password: PASSWORD,
      });
      expect(view.profile).toBe('standard');
      expect(view.isProfileInherited).toBe(true);
      expect((await accountRow(deps.db, view.id))?.profileId).toBeNull();
    });

    it('refuses deny and permit rules, naming the field', async () => {
      const error = await refusedWithoutWrites(() =>
        plain({
          type: 'pgsm',
          group: 'acme',
          number: mobileNumber(),
          password: PASSWORD,
          deny: '0.0.0.0/0.0.0.0',
        }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('deny');
      expect(error.message).toMatch(/does not apply/);
    });

    it('refuses a password typed differently the second time', async () => {
      const error = await refusedWithoutWrites(() =>
        plain({
          type: 'pgsm',
          group: 'acme',
          number: mobileNumber(),
          password: PASSWORD,
          passwordConfirm: 'secret-124',
        }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('passwordConfirm');
      expect(error.message).toBe('does not match the password');
    });

    it('reports every wrong field at once, the first one named', async () => {
      const error = await refusal(() =>
        parseInput(plainAccountSchema, {
          type: 'pgsm',
          group: 'acme',
          number: '+39 123 456 7890',
          password: 'short',
          obfuscationKey: 256,
        }),
      );
      expect(error.code).toBe('INVALID_PHONE');
      expect(error.field).toBe('number');
      expect(error.issues.map((issue) => issue.field).sort()).toEqual([
        'number',
        'obfuscationKey',
        'password',
      ]);
    });

    it('refuses a type other than pgsm or snom', async () => {
      const error = await refusal(() =>
        parseInput(plainAccountSchema, { type: 'sip', group: 'acme', number: '2001' }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('type');
    });
  });

  describe('plain SNOM', () => {
    it('keeps its access rules normalised and no PGSM settings', async () => {
      const number = extension();
      const view = await plain({
        type: 'snom',
        group: 'acme',
        number,
        password: PASSWORD,
        deny: '0.0.0.0/0.0.0.0',
        permit: ['216.27.242.66/255.255.255.255', '192.168.0.38/24', '192.168.0.1/255.255.255.0'],
      });
      expect(view).toMatchObject({
        type: 'snom',
        number,
        enabled: true,
        status: 'created',
        securityModel: null,
        obfuscation: null,
        obfuscationKey: null,
        keepAlive: null,
        deny: ['0.0.0.0/0.0.0.0'],
        permit: ['216.27.242.66/255.255.255.255', '192.168.0.0/255.255.255.0'],
      });
      const row = await accountRow(deps.db, view.id);
      expect(row).toMatchObject({
        securityModel: null,
        obfuscation: null,
        obfuscationKey: null,
        keepAlive: null,
        deny: ['0.0.0.0/0.0.0.0'],
        permit: ['216.27.242.66/255.255.255.255', '192.168.0.0/255.255.255.0'],
      });
    });

    it('has no rules by default', async () => {
      const view = await plain({
        type: 'snom',
        group: 'acme',
        number: extension(),
        password: PASSWORD,
      });
      expect(view.deny).toEqual([]);
      expect(view.permit).toEqual([]);
    });

    it('refuses a security model, naming the field', async () => {
      const error = await refusedWithoutWrites(() =>
        plain({
          type: 'snom',
          group: 'acme',
          number: extension(),
          password: PASSWORD,
          securityModel: 'end-to-end',
        }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('securityModel');
      expect(error.message).toMatch(/does not apply/);
    });

    it('refuses a netmask that is not contiguous', async () => {
      const error = await refusedWithoutWrites(() =>
        plain({
          type: 'snom',
          group: 'acme',
          number: extension(),
          password: PASSWORD,
          permit: '10.0.0.0/255.0.255.0',
        }),
      );
      expect(error.code).toBe('INVALID_RULE');
      expect(error.field).toBe('permit');
      expect(error.message).toContain('not contiguous');
    });
  });

  describe('wizard', () => {
    it('is disabled, with a generated username and password and the group profile', async () => {
      const now = deps.clock.advance(60_000);
      const typed = mobileNumber();
      const view = await wizard({ group: 'north', number: typed });
      expect(view).toMatchObject({
        type: 'pgsm',
        createdVia: 'wizard',
        group: 'north',
        number: e164(typed),
        secondaryNumber: null,
        profile: 'standard',
        isProfileInherited: true,
        enabled: false,
        status: 'created',
        statusChangedAt: now.toISOString(),
        securityModel: 'end-to-site',
        obfuscation: true,
        obfuscationKey: 9,
        keepAlive: false,
      });
      expect(view.username).toMatch(/^[1-9]\d{9}$/);

      const row = await accountRow(deps.db, view.id);
      if (!row) throw new Error('account row missing');
      expect(row.enabled).toBe(false);
      expect(row.statusChangedAt).toEqual(now);
      const password = decryptSecret(deps.secretKey, row.passwordEncrypted);
      expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
      // Made with the realm of its group's profile (its SIP host).
      expect(row.sipHa1Realm).toBe('sip.example.com');
      expect(row.sipHa1).toBe(md5(`${view.username}:sip.example.com:${password}`));
      expect(JSON.stringify(view)).not.toContain(password);
      for (const audit of await auditRows(deps.db, view.id)) {
        expect(JSON.stringify([audit.before, audit.after])).not.toContain(password);
      }
      const notes = await outboxRows(deps.db, view.id);
      expect(notes).toHaveLength(1);
      expect(JSON.stringify(notes[0]?.payload)).not.toContain(password);
    });

    it('takes a profile of its own when its group has none', async () => {
      const view = await wizard({ group: 'acme', number: mobileNumber(), profile: 'standard' });
      expect(view.profile).toBe('standard');
      expect(view.isProfileInherited).toBe(false);
      expect(view.enabled).toBe(false);
    });

    it('needs a profile, its own or its group’s', async () => {
      const error = await refusedWithoutWrites(() =>
        wizard({ group: 'acme', number: mobileNumber() }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('profile');
    });

    it.each([
      ['a landline', '+39 06 1234 5678'],
      ['an extension', '2001'],
    ])('refuses %s (NOT_MOBILE)', async (_what, number) => {
      const error = await refusedWithoutWrites(() => wizard({ group: 'north', number }));
      expect(error.code).toBe('NOT_MOBILE');
      expect(error.field).toBe('number');
    });

    it('refuses a password: it is generated', async () => {
      const error = await refusal(() =>
        parseInput(wizardAccountSchema, {
          group: 'north',
          number: mobileNumber(),
          password: PASSWORD,
        }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('password');
    });

    it('refuses a number another account holds', async () => {
      const typed = mobileNumber();
      const first = await plain({ type: 'pgsm', group: 'acme', number: typed, password: PASSWORD });
      const error = await refusedWithoutWrites(() => wizard({ group: 'north', number: typed }));
      expect(error.code).toBe('DUPLICATE_NUMBER');
      expect(error.field).toBe('number');
      expect(error.message).toContain(first.username);
    });

    it('refuses an unknown profile', async () => {
      const error = await refusedWithoutWrites(() =>
        wizard({ group: 'north', number: mobileNumber(), profile: 'nope' }),
      );
      expect(error.code).toBe('NOT_FOUND');
      expect(error.field).toBe('profile');
    });
  });

  describe('uniqueness', () => {
    it('refuses a username that is taken', async () => {
      await plain({
        type: 'pgsm',
        group: 'acme',
        number: mobileNumber(),
        username: 'taken.name',
        password: PASSWORD,
      });
      const error = await refusedWithoutWrites(() =>
        plain({
          type: 'snom',
          group: 'acme',
          number: extension(),
          username: 'taken.name',
          password: PASSWORD,
        }),
      );
      expect(error.code).toBe('DUPLICATE_USERNAME');
      expect(error.field).toBe('username');
    });

    it('refuses a number another account holds as its primary, however it is typed', async () => {
      const typed = mobileNumber();
      const first = await plain({ type: 'pgsm', group: 'acme', number: typed, password: PASSWORD });
      const error = await refusedWithoutWrites(() =>
        plain({
          type: 'pgsm',
          group: 'acme',
          number: typed.replace('+', '00').replace(/ /g, '.'),
          password: PASSWORD,
        }),
      );
      expect(error.code).toBe('DUPLICATE_NUMBER');
      expect(error.field).toBe('number');
      expect(error.message).toBe(`${e164(typed)} is already used by account ${first.username}`);
    });

    it('refuses a number another account holds as its secondary', async () => {
      const secondary = mobileNumber();
      await plain({
        type: 'pgsm',
        group: 'acme',
        number: mobileNumber(),
        secondaryNumber: secondary,
        password: PASSWORD,
      });
      const error = await refusedWithoutWrites(() =>
        plain({ type: 'pgsm', group: 'acme', number: secondary, password: PASSWORD }),
      );
      expect(error.code).toBe('DUPLICATE_NUMBER');
      expect(error.field).toBe('number');
    });

    it('refuses a secondary number taken as another primary, writing nothing at all', async () => {
      const taken = mobileNumber();
      await plain({ type: 'pgsm', group: 'acme', number: taken, password: PASSWORD });
      const fresh = mobileNumber();
      const error = await refusedWithoutWrites(() =>
        plain({
          type: 'pgsm',
          group: 'acme',
          number: fresh,
          secondaryNumber: taken,
          username: 'never.written',
          password: PASSWORD,
        }),
      );
      expect(error.code).toBe('DUPLICATE_NUMBER');
      expect(error.field).toBe('secondaryNumber');
      expect(error.issues).toEqual([
        { field: 'secondaryNumber', message: expect.stringContaining(e164(taken)) },
      ]);
      expect(
        await deps.db.select().from(accounts).where(eq(accounts.username, 'never.written')),
      ).toEqual([]);
      expect(
        await deps.db
          .select()
          .from(virtualNumbers)
          .where(eq(virtualNumbers.number, e164(fresh))),
      ).toEqual([]);
    });

    it('refuses a secondary number equal to the primary', async () => {
      const typed = mobileNumber();
      const error = await refusedWithoutWrites(() =>
        plain({
          type: 'pgsm',
          group: 'acme',
          number: typed,
          secondaryNumber: typed.replace(/ /g, ''),
          password: PASSWORD,
        }),
      );
      expect(error.code).toBe('DUPLICATE_NUMBER');
      expect(error.field).toBe('secondaryNumber');
    });

    it('refuses an unknown group and an unknown profile', async () => {
      const noGroup = await refusedWithoutWrites(() =>
        plain({ type: 'pgsm', group: 'nope', number: mobileNumber(), password: PASSWORD }),
      );
      expect(noGroup.code).toBe('NOT_FOUND');
      expect(noGroup.field).toBe('group');
      const noProfile = await refusedWithoutWrites(() =>
        plain({
          type: 'pgsm',
          group: 'acme',
          number: mobileNumber(),
          password: PASSWORD,
          profile: 'nope',
        }),
      );
      expect(noProfile.code).toBe('NOT_FOUND');
      expect(noProfile.field).toBe('profile');
    });

    it('lets only one of two simultaneous creations have the same number', async () => {
      const typed = mobileNumber();
      const before = await countRows(deps.db);
      const results = await Promise.allSettled([
        plain({ type: 'pgsm', group: 'acme', number: typed, password: PASSWORD }),
        plain({ type: 'snom', group: 'acme', number: typed, password: PASSWORD }),
      ]);
      const fulfilled = results.filter((result) => result.status === 'fulfilled');
      const rejected = results.filter((result) => result.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      const reason = (rejected[0] as PromiseRejectedResult).reason as AppError;
      expect(reason).toBeInstanceOf(AppError);
      expect(reason.code).toBe('DUPLICATE_NUMBER');
      expect(await countRows(deps.db)).toEqual({
        accounts: before.accounts + 1,
        virtualNumbers: before.virtualNumbers + 1,
        auditLog: before.auditLog + 1,
        outbox: before.outbox + 1,
      });
    });

    it('lets only one of two simultaneous creations have the same username', async () => {
      const results = await Promise.allSettled([
        plain({
          type: 'pgsm',
          group: 'acme',
          number: mobileNumber(),
          username: 'race.winner',
          password: PASSWORD,
        }),
        plain({
          type: 'pgsm',
          group: 'acme',
          number: mobileNumber(),
          username: 'race.winner',
          password: PASSWORD,
        }),
      ]);
      const rejected = results.filter((result) => result.status === 'rejected');
      expect(rejected).toHaveLength(1);
      const reason = (rejected[0] as PromiseRejectedResult).reason as AppError;
      expect(reason).toBeInstanceOf(AppError);
      expect(reason.code).toBe('DUPLICATE_USERNAME');
      expect(await deps.db.$count(accounts, eq(accounts.username, 'race.winner'))).toBe(1);
    });
  });

  it('writes one audit and one notification per account, in the order of creation', async () => {
    const audits = await deps.db
      .select({ id: auditLog.subjectId })
      .from(auditLog)
      .where(eq(auditLog.subjectType, 'account'))
      .orderBy(asc(auditLog.id));
    const notes = await deps.db
      .select({ orderKey: outbox.orderKey })
      .from(outbox)
      .orderBy(asc(outbox.id));
    const created = await deps.db.select({ id: accounts.id }).from(accounts);
    expect(audits).toHaveLength(created.length);
    expect(notes.map((note) => note.orderKey)).toEqual(
      audits.map((audit) => `account:${audit.id}`),
    );
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { accounts, activationLinks, clientKeys, outbox, smsMessages } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainAccountSchema, wizardAccountSchema } from '../account-schemas.ts';
import { hashLinkToken } from '../activation/activation-link.ts';
import { LOOKUP_WINDOW_MS, MAX_LOOKUP_FAILURES } from '../activation/lookup-limit.ts';
import { prepareSmsDelivery, recordSmsHandedOver } from '../activation/sms-delivery.ts';
import {
  type ActivationTestDeps,
  activationTestDeps,
  LINK_TTL_MS,
  lastSmsOutbox,
  linksOf,
  PUBLIC_BASE_URL,
} from '../testing/activation-fixture.ts';
import {
  ACTOR,
  accountRow,
  countRows,
  e164,
  extension,
  mobileNumber,
  outboxRows,
  refusal,
  seedGroups,
} from '../testing/test-fixture.ts';
import { parseInput } from '../validation.ts';
import { activateAccount } from './activate-account.ts';
import { createPlainAccount } from './create-plain-account.ts';
import { createWizardAccount } from './create-wizard-account.ts';
import { deleteAccount } from './delete-account.ts';
import { fetchProvisioning } from './fetch-provisioning.ts';
import { listSms } from './list-sms.ts';
import { recordSmsStatus } from './record-sms-status.ts';
import { registerClientKey } from './register-client-key.ts';
import { resolveActivationLink } from './resolve-activation-link.ts';
import { revokeKeys } from './revoke-keys.ts';
import { sendActivationSms } from './send-activation-sms.ts';
import { disableAccount, enableAccount } from './set-account-enabled.ts';

const HOUR = 3_600_000;
const PHONE = '203.0.113.7';

describe.each(testDatabaseKinds())('automatic activation on %s', (kind) => {
  let database: TestDatabase;
  let deps: ActivationTestDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = activationTestDeps(database.db);
    // north and milano inherit "standard"; bare has no profile at all.
    await seedGroups(deps, [{ name: 'north', profile: 'standard' }, { name: 'bare' }]);
  }, 60_000);
  afterAll(() => database.close());

  const wizard = (number = mobileNumber()) =>
    createWizardAccount(deps, ACTOR, parseInput(wizardAccountSchema, { group: 'north', number }));
  const plain = (raw: Record<string, unknown>) =>
    createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, { password: 'secret-123', ...raw }),
    );
  const send = (account: string, kind?: 'installation' | 'activation') =>
    sendActivationSms(deps, ACTOR, { account, ...(kind ? { kind } : {}) });
  const access = (token: string, clientAddress = PHONE) => ({ token, clientAddress });

  /** A wizard account with its installation SMS sent; returns the account and the link's token. */
  async function sentWizard() {
    const account = await wizard();
    deps.clock.advance(1000);
    await send(account.username);
    const { token } = await lastSmsOutbox(deps, account.id);
    return { account, token };
  }

  async function refusedWithoutWrites(run: () => unknown) {
    const before = await countRows(deps.db);
    const links = await deps.db.$count(activationLinks);
    const error = await refusal(run);
    expect(await countRows(deps.db)).toEqual(before);
    expect(await deps.db.$count(activationLinks)).toBe(links);
    return error;
  }

  describe('sendActivationSms', () => {
    it('issues a link stored only as its hash, moves the status and queues the SMS with it', async () => {
      const account = await wizard('+39 347 555 0101');
      const at = deps.clock.advance(HOUR);
      const result = await send(account.username);

      expect(result.account.status).toBe('installation_sms_sent');
      expect(result.account.statusChangedAt).toBe(at.toISOString());
      expect(result.account.enabled).toBe(false);
      expect(result.expiresAt).toBe(new Date(at.getTime() + LINK_TTL_MS).toISOString());

      const { row, payload, text, token } = await lastSmsOutbox(deps, account.id);
      expect(token.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits in base64url
      expect(text).toBe(
        `sipops: installa e configura l'app del tuo telefono sicuro: ${PUBLIC_BASE_URL}/a/${token}?lang=it`,
      );
      expect(payload).toMatchObject({
        accountId: account.id,
        to: '+393475550101',
        locale: 'it',
        validitySeconds: LINK_TTL_MS / 1000,
        expiresAt: result.expiresAt,
      });
      expect(payload.preview).not.toContain(token);
      expect(JSON.stringify(row.payload)).not.toContain(token);
      expect(row.state).toBe('pending');

      const [link] = await linksOf(deps.db, account.id);
      expect(link).toMatchObject({
        id: payload.linkId,
        kind: 'installation',
        tokenHash: hashLinkToken(token),
        spentAt: null,
        revokedAt: null,
      });
      expect(link?.tokenHash).toMatch(/^[0-9a-f]{64}$/);

      const notes = await outboxRows(deps.db, account.id);
      expect(notes.at(-1)?.payload).toMatchObject({
        event: 'account.status_changed',
        before: { status: 'created' },
        account: { status: 'installation_sms_sent' },
      });
    });

    it('writes English outside Italy', async () => {
      const account = await wizard('+44 7911 123456');
      await send(account.username);
      const { text, payload } = await lastSmsOutbox(deps, account.id);
      expect(payload.locale).toBe('en');
      expect(text).toMatch(/^sipops: install and set up your secure phone app: https:\/\//);
    });

    it('replaces the previous link: the old one dies, the new one works', async () => {
      const { account, token: first } = await sentWizard();
      deps.clock.advance(1000);
      await send(account.username);
      const { token: second } = await lastSmsOutbox(deps, account.id);
      expect(second).not.toBe(first);
      const links = await linksOf(deps.db, account.id);
      expect(links.map((l) => l.revokedAt !== null)).toEqual([true, false]);
      expect((await refusal(() => resolveActivationLink(deps, access(first)))).code).toBe(
        'LINK_EXPIRED',
      );
      await expect(resolveActivationLink(deps, access(second))).resolves.toMatchObject({
        kind: 'installation',
        canActivate: false,
      });
    });

    it('refuses SNOM accounts, numbers that are not mobile, accounts without a profile, and writes nothing', async () => {
      const snom = await plain({ type: 'snom', group: 'north', number: extension() });
      expect(await refusedWithoutWrites(() => send(snom.username))).toMatchObject({
        code: 'NOT_ALLOWED',
        field: 'type',
      });
      const shortNumber = await plain({ type: 'pgsm', group: 'north', number: extension() });
      expect(await refusedWithoutWrites(() => send(shortNumber.username))).toMatchObject({
        code: 'NOT_ALLOWED',
        field: 'number',
      });
      const landline = await plain({ type: 'pgsm', group: 'north', number: '+39 02 1234 5678' });
      expect(await refusedWithoutWrites(() => send(landline.username))).toMatchObject({
        code: 'NOT_ALLOWED',
        field: 'number',
      });
      const noProfile = await plain({ type: 'pgsm', group: 'bare', number: mobileNumber() });
      expect(await refusedWithoutWrites(() => send(noProfile.username))).toMatchObject({
        code: 'NOT_ALLOWED',
        field: 'profile',
      });
      expect(await refusedWithoutWrites(() => send('nobody'))).toMatchObject({
        code: 'NOT_FOUND',
        field: 'account',
      });
    });

    it('sends to a wizard account waiting disabled, refuses one staff disabled', async () => {
      const waiting = await wizard();
      await expect(send(waiting.username)).resolves.toBeDefined();

      const typed = mobileNumber();
      const staffDisabled = await plain({ type: 'pgsm', group: 'north', number: typed });
      await disableAccount(deps, ACTOR, staffDisabled.username);
      expect(await refusedWithoutWrites(() => send(staffDisabled.username))).toMatchObject({
        code: 'NOT_ALLOWED',
        field: 'enabled',
      });
      // A plain account may use automatic activation once it is enabled.
      await enableAccount(deps, ACTOR, e164(typed));
      await expect(send(e164(typed))).resolves.toMatchObject({
        account: { status: 'installation_sms_sent', enabled: true },
      });
    });

    it('sends the reminder only to an installed app, and it links straight to activation', async () => {
      const { account, token } = await sentWizard();
      expect(await refusedWithoutWrites(() => send(account.username, 'activation'))).toMatchObject({
        code: 'INVALID_TRANSITION',
      });
      await fetchProvisioning(deps, access(token));
      deps.clock.advance(HOUR);
      const reminded = await send(account.username, 'activation');
      expect(reminded.account.status).toBe('activation_sms_sent');
      const { text, token: reminder } = await lastSmsOutbox(deps, account.id);
      expect(text).toMatch(/manca un passo, attiva il tuo account/);
      await expect(resolveActivationLink(deps, access(reminder))).resolves.toMatchObject({
        kind: 'activation',
        canActivate: true,
      });
      expect((await refusal(() => resolveActivationLink(deps, access(token)))).code).toBe(
        'LINK_EXPIRED',
      );
    });
  });

  describe('the link through its life', () => {
    it('expires after the TTL', async () => {
      const { token } = await sentWizard();
      deps.clock.advance(LINK_TTL_MS - 1000);
      await expect(resolveActivationLink(deps, access(token))).resolves.toBeDefined();
      deps.clock.advance(2000);
      expect((await refusal(() => fetchProvisioning(deps, access(token)))).code).toBe(
        'LINK_EXPIRED',
      );
    });

    it('provisions, installs, activates, enables and is spent', async () => {
      const { account, token } = await sentWizard();
      expect(await refusal(() => activateAccount(deps, access(token)))).toMatchObject({
        code: 'INVALID_TRANSITION',
      });

      const fetchedAt = deps.clock.advance(HOUR);
      const doc = await fetchProvisioning(deps, access(token));
      expect(doc).toMatchObject({
        account: { username: account.username, number: account.number, realm: 'sip.example.com' },
        sip: { host: 'sip.example.com', port: 5061, transport: 'tls', registrationExpires: 3600 },
        security: { model: 'end-to-site', obfuscation: { enabled: true, key: 9 } },
        keepAlive: { enabled: false, intervalSeconds: 60 },
        profile: { name: 'standard', appScheme: 'sipops', credentials: 'password' },
        links: {
          activate: `${PUBLIC_BASE_URL}/a/${token}`,
          registerKey: `${PUBLIC_BASE_URL}/api/provisioning/${token}/key`,
        },
      });
      expect(doc.account.password).toMatch(/^[A-Za-z0-9]{24}$/);
      expect(doc.account.ha1).toBe((await accountRow(deps.db, account.id))?.sipHa1);
      const installed = await accountRow(deps.db, account.id);
      expect(installed).toMatchObject({ status: 'installed', statusChangedAt: fetchedAt });

      // A second fetch changes nothing and notifies nobody.
      const notes = (await outboxRows(deps.db, account.id)).length;
      deps.clock.advance(1000);
      await fetchProvisioning(deps, access(token));
      expect((await accountRow(deps.db, account.id))?.statusChangedAt).toEqual(fetchedAt);
      expect(await outboxRows(deps.db, account.id)).toHaveLength(notes);

      const activatedAt = deps.clock.advance(HOUR);
      const result = await activateAccount(deps, access(token));
      expect(result.account).toMatchObject({ status: 'activated', enabled: true });
      expect(await accountRow(deps.db, account.id)).toMatchObject({
        status: 'activated',
        enabled: true,
        statusChangedAt: activatedAt,
      });
      const [link] = await linksOf(deps.db, account.id);
      expect(link?.spentAt).toEqual(activatedAt);
      expect((await outboxRows(deps.db, account.id)).at(-1)?.payload).toMatchObject({
        event: 'account.status_changed',
        before: { status: 'installed', enabled: false },
        account: { status: 'activated', enabled: true },
      });

      // A double tap lands on the done page; later, the spent link is dead like any other.
      await expect(activateAccount(deps, access(token))).resolves.toEqual({
        account: null,
        isRepeat: true,
        // The done page it lands on wears the account's profile.
        profileId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      deps.clock.advance(HOUR);
      for (const use of [resolveActivationLink, fetchProvisioning, activateAccount]) {
        expect((await refusal(() => use(deps, access(token)))).code).toBe('LINK_EXPIRED');
      }
    });

    it('dies when the account is disabled, has its keys revoked, or is deleted', async () => {
      const typed = mobileNumber();
      const enabled = await plain({ type: 'pgsm', group: 'north', number: typed });
      await send(enabled.username);
      const { token: disabledToken } = await lastSmsOutbox(deps, enabled.id);
      await disableAccount(deps, ACTOR, enabled.username);
      expect((await refusal(() => resolveActivationLink(deps, access(disabledToken)))).code).toBe(
        'LINK_EXPIRED',
      );

      const revoked = await sentWizard();
      await revokeKeys(deps, ACTOR, revoked.account.username);
      expect((await refusal(() => fetchProvisioning(deps, access(revoked.token)))).code).toBe(
        'LINK_EXPIRED',
      );

      const deleted = await sentWizard();
      await deleteAccount(deps, ACTOR, deleted.account.username);
      expect((await refusal(() => resolveActivationLink(deps, access(deleted.token)))).code).toBe(
        'LINK_EXPIRED',
      );
    });

    it('looks the same for unknown, malformed, expired, spent and revoked tokens', async () => {
      const messages = new Set<string>();
      for (const token of ['x', 'A'.repeat(32), '../../etc/passwd']) {
        const error = await refusal(() =>
          resolveActivationLink(deps, access(token, '198.51.100.1')),
        );
        messages.add(`${error.code} ${error.message} ${error.field}`);
      }
      const { token } = await sentWizard();
      deps.clock.advance(LINK_TTL_MS + 1);
      const expired = await refusal(() =>
        resolveActivationLink(deps, access(token, '198.51.100.1')),
      );
      messages.add(`${expired.code} ${expired.message} ${expired.field}`);
      expect([...messages]).toEqual([
        'LINK_EXPIRED this link is not valid any more: ask support for a new one token',
      ]);
    });
  });

  describe('guessing', () => {
    it('blocks an address after its failed look-ups, good tokens too, until the window passes', async () => {
      const { token } = await sentWizard();
      const guesser = '192.0.2.99';
      for (let i = 0; i < MAX_LOOKUP_FAILURES; i++) {
        await refusal(() => resolveActivationLink(deps, access(`guess-${i}`, guesser)));
      }
      expect(
        await refusal(() => resolveActivationLink(deps, access(token, guesser))),
      ).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
      // Other addresses are not affected.
      await expect(
        resolveActivationLink(deps, access(token, '192.0.2.100')),
      ).resolves.toBeDefined();
      deps.clock.advance(LOOKUP_WINDOW_MS);
      await expect(resolveActivationLink(deps, access(token, guesser))).resolves.toBeDefined();
    });
  });

  describe('registerClientKey', () => {
    const pem = () =>
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
        type: 'spki',
        format: 'pem',
      }) as string;
    const activeKeys = (accountId: string) =>
      deps.db
        .select()
        .from(clientKeys)
        .where(eq(clientKeys.accountId, accountId))
        .orderBy(asc(clientKeys.registeredAt));

    it('stores the key with its fingerprint, replaces older keys, and is idempotent', async () => {
      const { account, token } = await sentWizard();
      const first = pem();
      const registered = await registerClientKey(deps, { ...access(token), publicKeyPem: first });
      expect(registered).toMatchObject({
        isNew: true,
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      await expect(
        registerClientKey(deps, { ...access(token), publicKeyPem: first }),
      ).resolves.toMatchObject({ isNew: false, fingerprint: registered.fingerprint });
      deps.clock.advance(1000);
      await registerClientKey(deps, { ...access(token), publicKeyPem: pem() });
      const keys = await activeKeys(account.id);
      expect(keys.map((k) => k.revokedAt === null)).toEqual([false, true]);
    });

    it('refuses private keys and garbage', async () => {
      const { token } = await sentWizard();
      const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      }) as string;
      for (const publicKeyPem of [
        privateKey,
        'hello',
        '-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----',
      ]) {
        expect(
          await refusal(() => registerClientKey(deps, { ...access(token), publicKeyPem })),
        ).toMatchObject({ code: 'VALIDATION', field: 'publicKey' });
      }
    });

    it('after revoke-keys, accepts a key only through a link issued after the revocation', async () => {
      const { account, token } = await sentWizard();
      await registerClientKey(deps, { ...access(token), publicKeyPem: pem() });
      deps.clock.advance(1000);
      await revokeKeys(deps, ACTOR, account.username);
      expect((await activeKeys(account.id)).every((k) => k.revokedAt !== null)).toBe(true);
      expect(
        (await refusal(() => registerClientKey(deps, { ...access(token), publicKeyPem: pem() })))
          .code,
      ).toBe('LINK_EXPIRED');

      // Even a link that survived (revoked by hand here) must be newer than the revocation.
      await deps.db
        .update(activationLinks)
        .set({ revokedAt: null })
        .where(eq(activationLinks.tokenHash, hashLinkToken(token)));
      expect(
        await refusal(() => registerClientKey(deps, { ...access(token), publicKeyPem: pem() })),
      ).toMatchObject({ code: 'NOT_ALLOWED' });

      deps.clock.advance(1000);
      await send(account.username);
      const { token: fresh } = await lastSmsOutbox(deps, account.id);
      await expect(
        registerClientKey(deps, { ...access(fresh), publicKeyPem: pem() }),
      ).resolves.toMatchObject({ isNew: true });
    });
  });

  describe('SMS delivery and its reports', () => {
    async function handedOver(sid: string) {
      const { account } = await sentWizard();
      const { row } = await lastSmsOutbox(deps, account.id);
      const plan = await prepareSmsDelivery(deps, row, 'twilio');
      if (plan.action !== 'send') throw new Error(`expected a send, got ${plan.action}`);
      expect(plan.validitySeconds).toBe(LINK_TTL_MS / 1000);
      await recordSmsHandedOver(deps, plan.smsId, {
        providerSid: sid,
        status: 'queued',
        actor: 'test',
      });
      return { account, smsId: plan.smsId, outboxId: row.id };
    }
    const sid = (n: number) => `SM${n.toString(16).padStart(32, '0')}`;
    const report = (MessageSid: string, MessageStatus: string, ErrorCode?: string) => ({
      report: { MessageSid, MessageStatus, ...(ErrorCode ? { ErrorCode } : {}) },
    });
    const smsFailedNotes = async (accountId: string) =>
      (await outboxRows(deps.db, accountId)).filter(
        (r) => (r.payload as { event: string }).event === 'sms.failed',
      );

    it('moves forward only, ignores duplicates and late reports', async () => {
      const { account } = await handedOver(sid(1));
      expect(await recordSmsStatus(deps, report(sid(1), 'sent'))).toEqual({
        isKnown: true,
        isChanged: true,
        status: 'sent',
      });
      expect(await recordSmsStatus(deps, report(sid(1), 'sent'))).toMatchObject({
        isChanged: false,
      });
      expect(await recordSmsStatus(deps, report(sid(1), 'delivered'))).toMatchObject({
        isChanged: true,
        status: 'delivered',
      });
      expect(await recordSmsStatus(deps, report(sid(1), 'sent'))).toMatchObject({
        isChanged: false,
        status: 'delivered',
      });
      expect(await recordSmsStatus(deps, report(sid(1), 'failed', '30008'))).toMatchObject({
        isChanged: false,
        status: 'delivered',
      });
      expect(await smsFailedNotes(account.id)).toHaveLength(0);
      expect(await recordSmsStatus(deps, report(sid(99), 'delivered'))).toMatchObject({
        isKnown: false,
      });
    });

    it('records a failure with its code once, and posts it in the channel once', async () => {
      const { account, smsId } = await handedOver(sid(2));
      await recordSmsStatus(deps, report(sid(2), 'undelivered', '30003'));
      await recordSmsStatus(deps, report(sid(2), 'undelivered', '30003'));
      await recordSmsStatus(deps, report(sid(2), 'sent'));
      const [row] = await deps.db.select().from(smsMessages).where(eq(smsMessages.id, smsId));
      expect(row).toMatchObject({ status: 'undelivered', errorCode: '30003' });
      const notes = await smsFailedNotes(account.id);
      expect(notes).toHaveLength(1);
      expect(notes[0]?.payload).toMatchObject({
        event: 'sms.failed',
        account: { id: account.id, group: 'north' },
        sms: { status: 'undelivered', errorCode: '30003' },
      });
    });

    it('finds its message by our id when the report comes before the SID was recorded', async () => {
      const { account } = await sentWizard();
      const { row } = await lastSmsOutbox(deps, account.id);
      const plan = await prepareSmsDelivery(deps, row, 'twilio');
      if (plan.action !== 'send') throw new Error('expected a send');
      await recordSmsStatus(deps, { ...report(sid(3), 'sent'), smsId: plan.smsId });
      const [sms] = await deps.db.select().from(smsMessages).where(eq(smsMessages.id, plan.smsId));
      expect(sms).toMatchObject({ providerSid: sid(3), status: 'sent' });
      // The same outbox message again: handed over already, nothing to send.
      await expect(prepareSmsDelivery(deps, row, 'twilio')).resolves.toEqual({
        action: 'done',
        providerSid: sid(3),
      });
    });

    it('skips an SMS whose link was replaced before it went out', async () => {
      const { account } = await sentWizard();
      const { row: first } = await lastSmsOutbox(deps, account.id);
      deps.clock.advance(1000);
      await send(account.username);
      await expect(prepareSmsDelivery(deps, first, 'twilio')).resolves.toMatchObject({
        action: 'skip',
      });
      const { row: second } = await lastSmsOutbox(deps, account.id);
      await expect(prepareSmsDelivery(deps, second, 'twilio')).resolves.toMatchObject({
        action: 'send',
      });
    });

    it('lists the local outbox with the whole text, others masked', async () => {
      const { account, token } = await sentWizard();
      const { row } = await lastSmsOutbox(deps, account.id);
      const plan = await prepareSmsDelivery(deps, row, 'local');
      if (plan.action !== 'send') throw new Error('expected a send');
      await recordSmsHandedOver(deps, plan.smsId, {
        providerSid: 'LOCAL1',
        status: 'sent',
        actor: 'test',
      });
      const [listed] = await listSms(deps, { account: account.username, limit: 10 });
      expect(listed).toMatchObject({
        provider: 'local',
        status: 'sent',
        account: account.username,
      });
      expect(listed?.body).toContain(`/a/${token}`);
      const stored = await deps.db
        .select()
        .from(smsMessages)
        .where(and(eq(smsMessages.id, plan.smsId)));
      expect(JSON.stringify(stored)).not.toContain(token);
    });
  });

  it('never stores a token in clear anywhere', async () => {
    const { account, token } = await sentWizard();
    await fetchProvisioning(deps, access(token));
    const tables = [accounts, activationLinks, outbox, smsMessages];
    for (const table of tables) {
      expect(JSON.stringify(await deps.db.select().from(table))).not.toContain(token);
    }
    expect(account.id).toBeDefined();
  });
});

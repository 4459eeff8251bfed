import { randomBytes } from 'node:crypto';
import { executeRows } from '@sipops/db/execute';
import { createTestDatabase, type TestDatabase } from '@sipops/db/testing';
import { plainAccountSchema, wizardAccountSchema } from '@sipops/shared/account-schemas';
import { type ActivationDeps, systemClock } from '@sipops/shared/deps';
import { lastSmsOutbox } from '@sipops/shared/testing/activation-fixture';
import { activateAccount } from '@sipops/shared/use-cases/activate-account';
import { createGroup, createGroupSchema } from '@sipops/shared/use-cases/create-group';
import { createPlainAccount } from '@sipops/shared/use-cases/create-plain-account';
import { createProfile } from '@sipops/shared/use-cases/create-profile';
import { createWizardAccount } from '@sipops/shared/use-cases/create-wizard-account';
import { fetchProvisioning } from '@sipops/shared/use-cases/fetch-provisioning';
import { createProfileSchema } from '@sipops/shared/use-cases/profile-schemas';
import { sendActivationSms } from '@sipops/shared/use-cases/send-activation-sms';
import { disableAccount, enableAccount } from '@sipops/shared/use-cases/set-account-enabled';
import { parseInput } from '@sipops/shared/validation';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEnv, runSip } from '../sip.ts';
import { type Kamailio, startKamailio } from './kamailio.ts';
import { registerWithSipp, sippRegister } from './sipp.ts';

const ACTOR = 'test:staff';
const DOMAIN = 'sip.example.com';
const CLIENT = { clientAddress: '127.0.0.1' };

/**
 * Real Kamailio over the registrar views, real sipp REGISTERs with digest. Accounts are made
 * the way staff make them (use cases, and the terminal for the profile's realm).
 */
describe('Kamailio registers sipops accounts through the registrar views', () => {
  let database: TestDatabase;
  let kamailio: Kamailio;
  let deps: ActivationDeps;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    deps = {
      db: database.db,
      clock: systemClock,
      secretKey: randomBytes(32),
      publicBaseUrl: 'https://sipops.example.test',
      linkTtlMs: 3_600_000,
    };
    await createProfile(
      deps,
      ACTOR,
      parseInput(createProfileSchema, { name: 'standard', sipHost: DOMAIN }),
    );
    await createGroup(
      deps,
      ACTOR,
      parseInput(createGroupSchema, { name: 'acme', profile: 'standard' }),
    );
    kamailio = await startKamailio({ databaseUrl: database.url, domain: DOMAIN });
  });

  afterAll(async () => {
    await kamailio?.stop();
    await database?.close();
  });

  const register = (request: {
    username: string;
    password: string;
    identity?: string;
    sourceAddress?: string;
  }) =>
    registerWithSipp({
      host: kamailio.host,
      port: kamailio.sipPort,
      domain: kamailio.domain,
      ...request,
    });

  const createPgsm = (number: string, password: string, extra: Record<string, unknown> = {}) =>
    createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, { group: 'acme', type: 'pgsm', number, password, ...extra }),
    );

  it('answers 200 to a created account, 403 once disabled, 200 again once enabled', async () => {
    const account = await createPgsm('+39 347 200 0001', 'Created-pass-1');
    expect(await register({ username: account.username, password: 'Created-pass-1' })).toBe(200);

    await disableAccount(deps, ACTOR, account.username);
    expect(await register({ username: account.username, password: 'Created-pass-1' })).toBe(403);

    await enableAccount(deps, ACTOR, account.username);
    expect(await register({ username: account.username, password: 'Created-pass-1' })).toBe(200);
  });

  it('answers 403 to a wrong password', async () => {
    const account = await createPgsm('+39 347 200 0002', 'Right-pass-2');
    expect(await register({ username: account.username, password: 'Wrong-pass-2' })).toBe(403);
  });

  it('answers 200 to an identity that is the primary or the secondary number', async () => {
    const account = await createPgsm('+39 347 200 0003', 'Number-pass-3', {
      secondaryNumber: '+39 347 200 0004',
    });
    for (const identity of ['+393472000003', '+393472000004']) {
      expect(
        await register({ identity, username: account.username, password: 'Number-pass-3' }),
      ).toBe(200);
    }
    // The registration is kept under the username, whichever number the phone used.
    const rows = await executeRows<{ username: string }>(
      database.db,
      sql`select distinct username from location
          where username in (${account.username}, '+393472000003', '+393472000004')`,
    );
    expect(rows.map((r) => r.username)).toEqual([account.username]);
  });

  it("refuses a wizard account until its user presses Activate, with the app's own credentials", async () => {
    const wizard = await createWizardAccount(
      deps,
      ACTOR,
      parseInput(wizardAccountSchema, { group: 'acme', number: '+39 347 200 0005' }),
    );
    await sendActivationSms(deps, ACTOR, { account: wizard.username });
    const { token } = await lastSmsOutbox(deps, wizard.id);
    const document = await fetchProvisioning(deps, { token, ...CLIENT });
    const credentials = {
      username: document.account.username,
      password: document.account.password ?? '',
    };
    expect(document.account.realm).toBe(DOMAIN);
    expect(await register(credentials)).toBe(403);

    await activateAccount(deps, { token, ...CLIENT });
    expect(await register(credentials)).toBe(200);
  });

  it('checks a SNOM phone source address against its access rules', async () => {
    const snom = await createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, {
        group: 'acme',
        type: 'snom',
        number: '2001',
        password: 'Desk-phone-1',
        deny: ['0.0.0.0/0.0.0.0'],
        permit: ['127.0.0.1/255.255.255.255'],
      }),
    );
    const credentials = { username: snom.username, password: 'Desk-phone-1' };
    expect(await register({ ...credentials, sourceAddress: '127.0.0.2' })).toBe(403);
    expect(await register({ ...credentials, sourceAddress: '127.0.0.1' })).toBe(200);
  });

  it("registers with the new realm after the profile's realm changed (terminal profile edit)", async () => {
    const account = await createPgsm('+39 347 200 0006', 'Realm-pass-6');
    const result = await runSip(
      ['profile', 'edit', 'standard', '--realm', 'voip.example.org', '--json'],
      { ...postgresEnv(database.url ?? ''), SIPOPS_SECRET_KEY: deps.secretKey.toString('hex') },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ realm: 'voip.example.org' });
    const [row] = await executeRows<{ domain: string }>(
      database.db,
      sql`select domain from subscriber where username = ${account.username}`,
    );
    expect(row?.domain).toBe('voip.example.org');

    const outcome = await sippRegister({
      host: kamailio.host,
      port: kamailio.sipPort,
      domain: kamailio.domain,
      username: account.username,
      password: 'Realm-pass-6',
    });
    expect(outcome).toEqual({ status: 200, challengeRealm: 'voip.example.org' });
  });
});

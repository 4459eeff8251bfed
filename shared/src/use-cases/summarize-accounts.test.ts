import { accounts, outbox } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountStatus } from '../account-lifecycle.ts';
import { plainAccountSchema, wizardAccountSchema } from '../account-schemas.ts';
import {
  ACTOR,
  extension,
  mobileNumber,
  seedGroups,
  type TestDeps,
  testDeps,
} from '../testing/test-fixture.ts';
import { parseInput } from '../validation.ts';
import { createPlainAccount } from './create-plain-account.ts';
import { createWizardAccount } from './create-wizard-account.ts';
import { disableAccount } from './set-account-enabled.ts';
import { summarizeAccounts } from './summarize-accounts.ts';

const HOUR = 3_600_000;

describe.each(testDatabaseKinds())('summarizing accounts on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
    await seedGroups(deps, [
      { name: 'acme' },
      { name: 'north', profile: 'standard' },
      { name: 'idle' },
    ]);
  }, 60_000);
  afterAll(() => database.close());

  const plain = (group: string, type: 'pgsm' | 'snom' = 'pgsm') =>
    createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, {
        type,
        group,
        number: type === 'pgsm' ? mobileNumber() : extension(),
        password: 'secret-123',
      }),
    );
  const wizard = () =>
    createWizardAccount(
      deps,
      ACTOR,
      parseInput(wizardAccountSchema, { group: 'north', number: mobileNumber() }),
    );
  /** Puts an account in a status at a time (the activation use cases are tested on their own). */
  const setStatus = (id: string, status: AccountStatus, at: Date) =>
    database.db.update(accounts).set({ status, statusChangedAt: at }).where(eq(accounts.id, id));

  it('counts by status per group, finds stuck activations by the clock, and lists changes and failures', async () => {
    const start = deps.clock.now();
    const acmePgsm = await plain('acme');
    await plain('acme', 'snom');
    const waitingLong = await wizard();
    const waitingShort = await wizard();
    const activatedLongAgo = await wizard();
    const installedLong = await wizard();
    await disableAccount(deps, ACTOR, acmePgsm.username);

    await setStatus(waitingLong.id, 'installation_sms_sent', start);
    await setStatus(installedLong.id, 'installed', new Date(start.getTime() + HOUR));
    await setStatus(waitingShort.id, 'activation_sms_sent', new Date(start.getTime() + 2 * HOUR));
    await setStatus(activatedLongAgo.id, 'activated', start);
    deps.clock.advance(50 * HOUR);

    await database.db.insert(outbox).values([
      {
        kind: 'notify',
        orderKey: `account:${acmePgsm.id}`,
        payload: { event: 'account.disabled', account: { username: acmePgsm.username } },
        state: 'failed',
        attempts: 8,
        lastError: 'Slack refused the post to C1: channel_not_found',
        doneAt: deps.clock.now(),
      },
      {
        kind: 'sms',
        orderKey: `account:${waitingLong.id}`,
        payload: { accountId: waitingLong.id, to: waitingLong.number },
        state: 'failed',
        attempts: 8,
        lastError: 'Twilio 21211',
        doneAt: deps.clock.now(),
      },
      { kind: 'notify', orderKey: 'account:x', payload: {}, state: 'done' },
    ]);

    const summary = await summarizeAccounts(deps, { recentLimit: 3 });

    expect(summary.totals).toMatchObject({ total: 6, enabled: 1, disabled: 5 });
    expect(summary.totals.byStatus).toEqual({
      created: 2,
      installation_sms_sent: 1,
      installed: 1,
      activation_sms_sent: 1,
      activated: 1,
    });
    expect(summary.groups.map((g) => [g.group, g.total, g.enabled, g.disabled])).toEqual([
      ['acme', 2, 1, 1],
      ['idle', 0, 0, 0],
      ['north', 4, 0, 4],
    ]);
    // 50 h and 49 h are stuck; the reminder sent exactly 48 h ago is not, yet.
    expect(summary.stuck.map((s) => [s.username, s.status, s.hours])).toEqual([
      [waitingLong.username, 'installation_sms_sent', 50],
      [installedLong.username, 'installed', 49],
    ]);
    expect(summary.stuckTotal).toBe(2);
    expect(summary.stuckAfterHours).toBe(48);

    deps.clock.advance(60_000);
    const later = await summarizeAccounts(deps, { stuckLimit: 2 });
    expect(later.stuck.map((s) => s.username)).toEqual([
      waitingLong.username,
      installedLong.username,
    ]);
    expect(later.stuckTotal).toBe(3);

    expect(summary.recentChanges).toHaveLength(3);
    expect(summary.recentChanges[0]).toMatchObject({
      action: 'account.disabled',
      subject: acmePgsm.username,
      actor: ACTOR,
    });
    expect(summary.failedTotal).toBe(2);
    expect(summary.failedDeliveries.map((f) => [f.kind, f.what, f.error])).toEqual([
      ['sms', `SMS to ${waitingLong.number} for account ${waitingLong.username}`, 'Twilio 21211'],
      [
        'notify',
        `notification disabled of account ${acmePgsm.username}`,
        'Slack refused the post to C1: channel_not_found',
      ],
    ]);
  });
});

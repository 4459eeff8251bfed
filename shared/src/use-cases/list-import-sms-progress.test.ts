import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSmsDelivery, recordSmsHandedOver } from '../activation/sms-delivery.ts';
import { formatCsvLine } from '../batch/csv-format.ts';
import { deliverDueMessages, type OutboxHandler } from '../outbox/outbox-worker.ts';
import { type ActivationTestDeps, activationTestDeps } from '../testing/activation-fixture.ts';
import { ACTOR, e164, mobileNumber, seedGroups } from '../testing/test-fixture.ts';
import { importAccounts } from './import-accounts.ts';
import {
  finishImportSms,
  listImportSmsProgress,
  recordImportSmsMessage,
} from './list-import-sms-progress.ts';
import { createActivationSmsQueue, sendActivationSms } from './send-activation-sms.ts';

const wizardFile = (numbers: string[]) =>
  formatCsvLine(['way', 'group', 'number']) +
  numbers.map((number) => formatCsvLine(['wizard', 'north', number])).join('');

describe.each(testDatabaseKinds())('the SMS progress of batch imports on %s', (kind) => {
  let database: TestDatabase;
  let deps: ActivationTestDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = activationTestDeps(database.db);
    await seedGroups(deps, [{ name: 'north', profile: 'standard' }]);
  });
  afterAll(() => database.close());

  const runImport = (importId: string, numbers: string[], isSmsRequested: boolean) =>
    importAccounts(
      deps,
      ACTOR,
      { source: wizardFile(numbers), importId, isSmsRequested, smsProgressChannel: 'D0DM' },
      { queueActivationSms: createActivationSmsQueue(deps, ACTOR) },
    );

  it('counts an import’s SMS by outbox state until none waits, and forgets it once finished', async () => {
    const numbers = [mobileNumber(), mobileNumber(), mobileNumber(), mobileNumber()];
    const [, refused, replaced] = numbers;
    await runImport('with-sms', numbers, true);
    await runImport('without-sms', [mobileNumber()], false);

    expect(await listImportSmsProgress(deps)).toEqual([
      expect.objectContaining({
        importId: 'with-sms',
        actor: ACTOR,
        smsQueued: 4,
        channel: 'D0DM',
        ts: null,
        waiting: 4,
        sent: 0,
        failed: 0,
        skipped: 0,
        isDone: false,
      }),
    ]);

    // A new link sent by hand replaces the import's: that SMS is dropped unsent, and the new
    // one (not the import's) is not counted.
    await sendActivationSms(deps, ACTOR, { account: replaced ?? '' });
    // The provider's side: one number refused for good, the others taken.
    const provider: OutboxHandler = async (message) => {
      const plan = await prepareSmsDelivery(deps, message, 'local');
      if (plan.action === 'skip') return undefined;
      if (plan.action === 'done') return { externalId: plan.providerSid };
      if (plan.to === e164(refused ?? '')) throw new Error('the provider refused the number');
      const providerSid = `LOCAL${message.id}`;
      await recordSmsHandedOver(deps, plan.smsId, { providerSid, status: 'sent', actor: 'test' });
      return { externalId: providerSid };
    };
    await deliverDueMessages(deps.db, deps.clock, 'sms', {
      handlers: { sms: provider },
      maxAttempts: 1,
    });

    const [progress, ...others] = await listImportSmsProgress(deps);
    expect(others).toEqual([]);
    expect(progress).toMatchObject({ waiting: 0, sent: 2, failed: 1, skipped: 1, isDone: true });

    await recordImportSmsMessage(deps, 'with-sms', { channel: 'D0DM', ts: '1700000000.000100' });
    expect((await listImportSmsProgress(deps))[0]?.ts).toBe('1700000000.000100');
    await finishImportSms(deps, 'with-sms');
    expect(await listImportSmsProgress(deps)).toEqual([]);
  });
});

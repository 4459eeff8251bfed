import { createNotifyClient } from '@sipops/bot/process/notifications/start-notification-worker';
import {
  IMPORT_SMS_PROGRESS_EVENT_TYPE,
  reportImportSmsProgress,
} from '@sipops/bot/process/sms/start-import-sms-progress';
import { batchImports, outbox } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { systemClock } from '@sipops/shared/deps';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fake-slack.ts';

const CHANNEL = 'C0HANDOVER';

/**
 * A leader of the import progress that died between posting the message and recording it: the
 * next leader finds the message by its metadata and updates it, never posting a second one.
 */
describe.each(testDatabaseKinds())('the import progress after its leader died (%s)', (kind) => {
  let database: TestDatabase;
  let slack: FakeSlack;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack?.close();
    await database?.close();
  });

  async function importWithOneSms(importId: string, postingAt: Date | null): Promise<void> {
    await database.db.insert(batchImports).values({
      id: importId,
      actor: 'terminal:ops',
      createdAt: new Date(),
      accountCount: 1,
      smsQueued: 1,
      smsProgressPostingAt: postingAt,
    });
    await database.db.insert(outbox).values({
      kind: 'sms',
      orderKey: `sms:${importId}`,
      payload: { importId },
    });
  }

  const options = () => ({
    deps: { db: database.db, clock: systemClock },
    client: createNotifyClient('xoxb-test', slack.url, { timeoutMs: 2000 }),
    defaultChannel: CHANNEL,
    perSecond: 1,
    log: () => {},
  });

  it('updates the message its predecessor posted without recording it', async () => {
    const importId = `died-after-post-${kind}`;
    await importWithOneSms(importId, new Date());
    // What the dead leader posted: the message is in the channel, its ts nowhere in the database.
    const client = options().client;
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'Activation SMS of 1 imported account: 0 of 1 sent',
      metadata: {
        event_type: IMPORT_SMS_PROGRESS_EVENT_TYPE,
        event_payload: { import_id: importId },
      },
    });
    const postsBefore = slack.callsTo('chat.postMessage').length;

    await reportImportSmsProgress(options());

    expect(slack.callsTo('chat.postMessage')).toHaveLength(postsBefore);
    const [row] = await database.db
      .select({ ts: batchImports.smsProgressTs })
      .from(batchImports)
      .where(eq(batchImports.id, importId));
    expect(row?.ts).toBe(posted.ts);
    const mine = slack
      .history(CHANNEL)
      .filter((m) => m.metadata?.event_payload.import_id === importId);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.text).toContain('1 waiting');
  });

  it('posts the message when its predecessor died before posting it, and marks the try first', async () => {
    const importId = `died-before-post-${kind}`;
    await importWithOneSms(importId, new Date());
    await reportImportSmsProgress(options());
    const mine = slack
      .history(CHANNEL)
      .filter((m) => m.metadata?.event_payload.import_id === importId);
    expect(mine).toHaveLength(1);

    const fresh = `fresh-${kind}`;
    await importWithOneSms(fresh, null);
    await reportImportSmsProgress(options());
    const [row] = await database.db
      .select({ postingAt: batchImports.smsProgressPostingAt, ts: batchImports.smsProgressTs })
      .from(batchImports)
      .where(eq(batchImports.id, fresh));
    expect(row?.postingAt).toBeInstanceOf(Date);
    expect(row?.ts).toBeTruthy();
  });
});

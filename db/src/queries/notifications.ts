import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { groups, outbox } from '../schema/index.ts';

/** The Slack channel a group's notifications go to; undefined when the group has none (or is gone). */
export async function findGroupChannel(
  db: Database,
  groupName: string,
): Promise<string | undefined> {
  const [row] = await db
    .select({ channel: groups.slackChannel })
    .from(groups)
    .where(eq(groups.name, groupName));
  return row?.channel?.trim() || undefined;
}

/**
 * Queues a message that must exist once only (a group's digest of a day); false when a message
 * with the same key was queued before, by this process or another, before a restart or not.
 */
export async function queueOnce(
  db: Database,
  message: { onceKey: string; orderKey: string; payload: unknown; at: Date },
): Promise<boolean> {
  const rows = await db
    .insert(outbox)
    .values({
      kind: 'notify',
      onceKey: message.onceKey,
      orderKey: message.orderKey,
      payload: message.payload,
      createdAt: message.at,
      nextAttemptAt: message.at,
    })
    .onConflictDoNothing({ target: outbox.onceKey })
    .returning({ id: outbox.id });
  return rows.length > 0;
}

export async function isQueuedOnce(db: Database, onceKey: string): Promise<boolean> {
  return (await db.$count(outbox, eq(outbox.onceKey, onceKey))) > 0;
}

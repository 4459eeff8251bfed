import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { accounts, smsMessages } from '../schema/index.ts';

export type SmsRow = typeof smsMessages.$inferSelect;

export async function findSmsById(db: Database, id: string): Promise<SmsRow | undefined> {
  const [row] = await db.select().from(smsMessages).where(eq(smsMessages.id, id));
  return row;
}

export async function findSmsByOutboxId(
  db: Database,
  outboxId: number,
): Promise<SmsRow | undefined> {
  const [row] = await db.select().from(smsMessages).where(eq(smsMessages.outboxId, outboxId));
  return row;
}

export async function findSmsByProviderSid(
  db: Database,
  providerSid: string,
): Promise<SmsRow | undefined> {
  const [row] = await db.select().from(smsMessages).where(eq(smsMessages.providerSid, providerSid));
  return row;
}

/** Locks the row for a status change, so two callbacks for one message queue up. */
export async function lockSms(db: Database, id: string): Promise<SmsRow | undefined> {
  const [row] = await db.select().from(smsMessages).where(eq(smsMessages.id, id)).for('update');
  return row;
}

/** The newest SMS first, with the username of its account when it still exists. */
export async function listSmsRows(
  db: Database,
  filters: { accountId?: string | undefined; limit: number },
): Promise<{ sms: SmsRow; username: string | null }[]> {
  return db
    .select({ sms: smsMessages, username: accounts.username })
    .from(smsMessages)
    .leftJoin(accounts, eq(accounts.id, smsMessages.accountId))
    .where(filters.accountId ? and(eq(smsMessages.accountId, filters.accountId)) : undefined)
    .orderBy(desc(smsMessages.createdAt), desc(smsMessages.id))
    .limit(filters.limit);
}

export async function findLastSms(db: Database, accountId: string): Promise<SmsRow | undefined> {
  const [row] = await db
    .select()
    .from(smsMessages)
    .where(eq(smsMessages.accountId, accountId))
    .orderBy(desc(smsMessages.createdAt))
    .limit(1);
  return row;
}

/** Sets new values on an SMS row (its status, its provider's id). */
export async function updateSms(
  tx: Database,
  id: string,
  set: Partial<typeof smsMessages.$inferInsert>,
): Promise<void> {
  await tx.update(smsMessages).set(set).where(eq(smsMessages.id, id));
}

/** Writes the SMS row of an outbox message once: a second try finds the first one's row. */
export async function insertSmsOnce(
  db: Database,
  row: typeof smsMessages.$inferInsert,
): Promise<void> {
  await db.insert(smsMessages).values(row).onConflictDoNothing({ target: smsMessages.outboxId });
}

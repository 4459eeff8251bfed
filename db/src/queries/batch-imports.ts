import { and, asc, eq, gt, isNull, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { batchImports, outbox, smsMessages } from '../schema/index.ts';

/** A batch import whose activation SMS are followed, with its SMS outbox rows counted by state. */
export type ImportSmsCounts = {
  importId: string;
  actor: string;
  createdAt: Date;
  smsQueued: number;
  channel: string | null;
  ts: string | null;
  /** When a first post of the progress message was tried (it may be there though ts is not). */
  postingAt: Date | null;
  /** Pending, or being sent. */
  waiting: number;
  /** Handed to the provider (or the local outbox). */
  sent: number;
  /** Given up after their tries. */
  failed: number;
  /** Dropped unsent: their link was replaced or revoked before their turn. */
  skipped: number;
};

const counted = (condition: SQL) =>
  sql<number>`count(${outbox.id}) filter (where ${condition})`.mapWith(Number);

/**
 * Imports that queued SMS and whose progress is not finished, oldest first. The outbox rows are
 * found by the import id in their payload (the partial index outbox_sms_import_idx); a done row
 * without an SMS row was skipped, not sent.
 */
export async function listImportSmsCounts(db: Database): Promise<ImportSmsCounts[]> {
  return db
    .select({
      importId: batchImports.id,
      actor: batchImports.actor,
      createdAt: batchImports.createdAt,
      smsQueued: batchImports.smsQueued,
      channel: batchImports.smsProgressChannel,
      ts: batchImports.smsProgressTs,
      postingAt: batchImports.smsProgressPostingAt,
      waiting: counted(sql`${outbox.state} in ('pending', 'sending')`),
      sent: counted(sql`${outbox.state} = 'done' and ${smsMessages.id} is not null`),
      failed: counted(sql`${outbox.state} = 'failed'`),
      skipped: counted(sql`${outbox.state} = 'done' and ${smsMessages.id} is null`),
    })
    .from(batchImports)
    .leftJoin(
      outbox,
      // Literals, not parameters: the planner matches them to the partial expression index.
      sql`${outbox.kind} = 'sms' and (${outbox.payload}->>'importId') = ${batchImports.id}`,
    )
    .leftJoin(smsMessages, eq(smsMessages.outboxId, outbox.id))
    .where(and(gt(batchImports.smsQueued, 0), isNull(batchImports.smsProgressDoneAt)))
    .groupBy(batchImports.id)
    .orderBy(asc(batchImports.createdAt), asc(batchImports.id));
}

/** Where the progress message of an import was posted. */
export async function setImportSmsMessage(
  db: Database,
  importId: string,
  message: { channel: string; ts: string },
): Promise<void> {
  await db
    .update(batchImports)
    .set({ smsProgressChannel: message.channel, smsProgressTs: message.ts })
    .where(eq(batchImports.id, importId));
}

/** A first post of the progress message is about to be tried: a successor looks for it first. */
export function markImportSmsPosting(db: Database, importId: string, at: Date): Promise<void> {
  return stampOnce(db, importId, 'smsProgressPostingAt', at);
}

/** The progress of an import is over: it is no longer listed. */
export function finishImportSmsProgress(db: Database, importId: string, at: Date): Promise<void> {
  return stampOnce(db, importId, 'smsProgressDoneAt', at);
}

/** Sets a time of an import's progress unless it is set already (the first one stands). */
async function stampOnce(
  db: Database,
  importId: string,
  column: 'smsProgressPostingAt' | 'smsProgressDoneAt',
  at: Date,
): Promise<void> {
  await db
    .update(batchImports)
    .set({ [column]: at })
    .where(and(eq(batchImports.id, importId), isNull(batchImports[column])));
}

export type BatchImportRow = typeof batchImports.$inferSelect;

/**
 * Claims an import id for this transaction; false when it is imported already (or being imported:
 * the claim then waits for that transaction to end).
 */
export async function claimImport(
  db: Database,
  params: { id: string; actor: string; at: Date; smsProgressChannel: string | null },
): Promise<boolean> {
  const [claimed] = await db
    .insert(batchImports)
    .values({
      id: params.id,
      actor: params.actor,
      createdAt: params.at,
      accountCount: 0,
      smsProgressChannel: params.smsProgressChannel,
    })
    .onConflictDoNothing()
    .returning({ id: batchImports.id });
  return claimed !== undefined;
}

export async function findImport(
  db: Database,
  params: { id: string },
): Promise<BatchImportRow | undefined> {
  const [row] = await db.select().from(batchImports).where(eq(batchImports.id, params.id));
  return row;
}

/** The figures of an import once written: accounts created, activation SMS queued. */
export async function setImportCounts(
  db: Database,
  params: { id: string; accountCount: number; smsQueued: number },
): Promise<void> {
  await db
    .update(batchImports)
    .set({ accountCount: params.accountCount, smsQueued: params.smsQueued })
    .where(eq(batchImports.id, params.id));
}

import { and, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { auditLog } from '../schema/index.ts';

export type AuditRow = typeof auditLog.$inferSelect;
export type AuditSubjectType = AuditRow['subjectType'];

/** Writes audit rows in the caller's transaction. */
export async function insertAuditRows(
  tx: Database,
  rows: readonly (typeof auditLog.$inferInsert)[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(auditLog).values([...rows]);
}

/**
 * One page of a subject's audit rows, newest first. A subject is named by its ids (an account
 * keeps its id for life) or, once deleted, by the name it had; `beforeId` continues a page.
 */
export async function listAuditPage(
  db: Database,
  params: {
    subjectType: AuditSubjectType;
    subjectIds?: readonly string[];
    subjectName?: string;
    beforeId?: number | undefined;
    limit: number;
  },
): Promise<{ rows: AuditRow[]; hasMore: boolean }> {
  const conditions: SQL[] = [eq(auditLog.subjectType, params.subjectType)];
  if (params.subjectIds) conditions.push(inArray(auditLog.subjectId, [...params.subjectIds]));
  if (params.subjectName !== undefined)
    conditions.push(eq(auditLog.subjectName, params.subjectName));
  if (params.beforeId !== undefined) conditions.push(lt(auditLog.id, params.beforeId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(params.limit + 1);
  return { rows: rows.slice(0, params.limit), hasMore: rows.length > params.limit };
}

/** The ids an account had under a name, from its audit rows (an account deleted keeps its log). */
export async function findAuditSubjectIds(
  db: Database,
  subjectType: AuditSubjectType,
  subjectName: string,
): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: auditLog.subjectId })
    .from(auditLog)
    .where(and(eq(auditLog.subjectType, subjectType), eq(auditLog.subjectName, subjectName)));
  return rows.map((r) => r.id);
}

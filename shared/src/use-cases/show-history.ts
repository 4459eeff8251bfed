import { type AuditRow, findAuditSubjectIds, listAuditPage } from '@sipops/db/queries';
import { z } from 'zod';
import { nameSchema } from '../account-schemas.ts';
import { type GroupScope, requireGroupInScope, scopeGroupNames } from '../authorize.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { requireAccount, requireGroup, requireProfile } from '../resolve.ts';

export const MAX_HISTORY_PAGE = 100;

export const showHistorySchema = z
  .strictObject({
    /** Username or either number; an account deleted is found by its username. */
    account: z.string().trim().min(1, 'must not be empty').optional(),
    group: nameSchema.optional(),
    profile: nameSchema.optional(),
    limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).default(20),
    /** The `next` of the previous page: entries older than this one. */
    before: z.number().int().min(1).optional(),
  })
  .superRefine((input, ctx) => {
    const named = [input.account, input.group, input.profile].filter((v) => v !== undefined);
    if (named.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['account'],
        message: 'name one account, or one group, or one profile',
      });
  });
export type ShowHistoryInput = z.output<typeof showHistorySchema>;

export type FieldChange = { field: string; before: unknown; after: unknown };

export type HistoryEntry = {
  id: number;
  at: string;
  actor: string;
  action: string;
  /** `created`: the changes are what it was made with; `deleted`: what it was is gone. */
  kind: 'created' | 'changed' | 'deleted';
  changes: FieldChange[];
};

export type History = {
  subject: { type: 'account' | 'group' | 'profile'; name: string };
  /** Newest first. */
  entries: HistoryEntry[];
  /** Pass as `before` for the next page; null on the last page. */
  next: number | null;
};

/** Bookkeeping that changes with every write: not something a person changed. */
const IGNORED_FIELDS = new Set([
  'id',
  'updatedAt',
  'createdAt',
  'statusChangedAt',
  'isProfileInherited',
]);
/** Never shown, whatever the audit row holds: only that they changed. */
const SECRET_FIELD = /password|secret|token|ha1|sealed/i;
const SECRET_SHOWN = '(secret)';

/**
 * What changed in one audit row, field by field, before → after. A secret (a password) shows
 * only that it changed; an account created lists what it was created with.
 */
export function diffAuditEntry(before: unknown, after: unknown): FieldChange[] {
  const from = asRecord(before);
  const to = asRecord(after);
  if (!to) return [];
  const fields = [...new Set([...Object.keys(from ?? {}), ...Object.keys(to)])];
  const changes: FieldChange[] = [];
  for (const field of fields) {
    if (IGNORED_FIELDS.has(field)) continue;
    const was = from ? (from[field] ?? null) : null;
    const is = to[field] ?? null;
    if (SECRET_FIELD.test(field)) {
      const isChanged = from === null || JSON.stringify(was) !== JSON.stringify(is);
      if (isChanged)
        changes.push({
          field,
          before: from ? SECRET_SHOWN : null,
          after: from ? 'changed' : 'set',
        });
      continue;
    }
    if (from === null && (is === null || (Array.isArray(is) && is.length === 0))) continue;
    if (JSON.stringify(was) !== JSON.stringify(is)) changes.push({ field, before: was, after: is });
  }
  return changes;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function toEntry(row: AuditRow): HistoryEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    kind: row.before === null ? 'created' : row.after === null ? 'deleted' : 'changed',
    changes: diffAuditEntry(row.before, row.after),
  };
}

/** Who changed what and when, of an account, a group or a profile: newest first, a page at a time. */
export async function showHistory(
  deps: Pick<Deps, 'db'>,
  input: ShowHistoryInput,
  scope: GroupScope = null,
): Promise<History> {
  const page = { beforeId: input.before, limit: input.limit };
  if (input.group !== undefined) {
    const group = await requireGroup(deps.db, input.group);
    requireGroupInScope(scope, group.id, `group "${group.name}"`);
    const { rows, hasMore } = await listAuditPage(deps.db, {
      subjectType: 'group',
      subjectIds: [group.id],
      ...page,
    });
    return result('group', group.name, rows, hasMore);
  }
  if (input.profile !== undefined) {
    const profile = await requireProfile(deps.db, input.profile);
    const { rows, hasMore } = await listAuditPage(deps.db, {
      subjectType: 'profile',
      subjectIds: [profile.id],
      ...page,
    });
    return result('profile', profile.name, rows, hasMore);
  }
  const name = input.account ?? '';
  const ids = await accountIds(deps, name, scope);
  const { rows, hasMore } = await listAuditPage(deps.db, {
    subjectType: 'account',
    subjectIds: ids.ids,
    ...page,
  });
  return result('account', ids.name, rows, hasMore);
}

/** The account's id; for an account deleted, the ids its username had in the log. */
async function accountIds(
  deps: Pick<Deps, 'db'>,
  name: string,
  scope: GroupScope,
): Promise<{ ids: string[]; name: string }> {
  try {
    const record = await requireAccount(deps.db, name);
    requireGroupInScope(scope, record.group.id, `account "${name}"`, 'account');
    return { ids: [record.account.id], name: record.account.username };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'NOT_FOUND') throw error;
    const ids = await findAuditSubjectIds(deps.db, 'account', name.trim());
    if (ids.length === 0) throw error;
    if (scope !== null) {
      // A deleted account is seen by those who saw its group.
      const { rows } = await listAuditPage(deps.db, {
        subjectType: 'account',
        subjectIds: ids,
        limit: 1,
      });
      const last = rows[0];
      const group = asRecord(last?.before)?.group ?? asRecord(last?.after)?.group;
      const mine = (await scopeGroupNames(deps, scope)) ?? [];
      if (typeof group !== 'string' || !mine.includes(group))
        throw new AppError('FORBIDDEN', `account "${name}" is not in your groups`, {
          field: 'account',
        });
    }
    return { ids, name: name.trim() };
  }
}

function result(
  type: History['subject']['type'],
  name: string,
  rows: AuditRow[],
  hasMore: boolean,
): History {
  return {
    subject: { type, name },
    entries: rows.map(toEntry),
    next: hasMore ? (rows.at(-1)?.id ?? null) : null,
  };
}

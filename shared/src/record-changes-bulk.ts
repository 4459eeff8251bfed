import type { Database } from '@sipops/db/client';
import { insertOutboxRows } from '@sipops/db/queries';
import type { Actor } from './deps.ts';

export type ImportedGroup = { groupId: string; group: string; accounts: number };

/**
 * The channel notification of a batch import: one message a group saying how many accounts
 * arrived, not one an account (a 100,000-row file must not post 100,000 Slack messages).
 */
export function recordAccountsImported(
  tx: Database,
  change: { actor: Actor; at: Date; importId: string; groups: readonly ImportedGroup[] },
): Promise<void> {
  return notifyGroupsOfImport(tx, 'accounts.imported', change, change.groups);
}

export type SmsQueuedGroup = { groupId: string; group: string; sms: number };

/**
 * The channel notification of the activation SMS a batch import queued: one line a group
 * ("42 activation SMS queued by @x for import <id>"); each account keeps its own audit row.
 */
export function recordActivationSmsQueued(
  tx: Database,
  change: { actor: Actor; at: Date; importId: string; groups: readonly SmsQueuedGroup[] },
): Promise<void> {
  return notifyGroupsOfImport(
    tx,
    'sms.queued_by_import',
    change,
    change.groups.map(({ sms, ...g }) => ({ ...g, accounts: sms })),
  );
}

/** One notification a group about an import, in that group's order, as one statement. */
async function notifyGroupsOfImport(
  tx: Database,
  event: 'accounts.imported' | 'sms.queued_by_import',
  change: { actor: Actor; at: Date; importId: string },
  groups: readonly ImportedGroup[],
): Promise<void> {
  if (groups.length === 0) return;
  await insertOutboxRows(
    tx,
    groups.map((g) => ({
      kind: 'notify' as const,
      orderKey: `group:${g.groupId}`,
      payload: {
        event,
        actor: change.actor,
        at: change.at.toISOString(),
        importId: change.importId,
        group: g.group,
        accounts: g.accounts,
      },
      createdAt: change.at,
      nextAttemptAt: change.at,
    })),
  );
}

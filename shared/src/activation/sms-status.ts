import type { Database } from '@sipops/db/client';
import { findAccountById, insertOutboxRows, type SmsRow, updateSms } from '@sipops/db/queries';
import { SMS_STATUSES } from '@sipops/db/schema';
import { toAccountView } from '../account-view.ts';
import type { Actor } from '../deps.ts';

export type SmsStatus = (typeof SMS_STATUSES)[number];
export { SMS_STATUSES };

const RANK: Record<SmsStatus, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  undelivered: 2,
  failed: 2,
};

const FAILED: ReadonlySet<SmsStatus> = new Set(['undelivered', 'failed']);

/** The provider's words for a message's state (Twilio's MessageStatus), in ours. */
const PROVIDER_STATUSES: Record<string, SmsStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

export function toSmsStatus(providerStatus: string): SmsStatus | undefined {
  return PROVIDER_STATUSES[providerStatus.trim().toLowerCase()];
}

/** Statuses only move forward; delivered, undelivered and failed are the end. */
export function isForwardMove(from: SmsStatus, to: SmsStatus): boolean {
  return RANK[to] > RANK[from];
}

export function isFailedSms(status: SmsStatus): boolean {
  return FAILED.has(status);
}

/**
 * Moves one SMS row forward (never back) in the caller's transaction; a move to a failure is
 * posted in the account group's channel (outbox 'notify', event `sms.failed`).
 */
export async function applySmsStatus(
  tx: Database,
  row: SmsRow,
  change: {
    status: SmsStatus;
    at: Date;
    actor: Actor;
    providerSid?: string | undefined;
    errorCode?: string | null | undefined;
    errorMessage?: string | null | undefined;
  },
): Promise<{ isChanged: boolean; status: SmsStatus }> {
  const isMoving = isForwardMove(row.status, change.status);
  const isSidNew = change.providerSid !== undefined && row.providerSid === null;
  if (!isMoving && !isSidNew) return { isChanged: false, status: row.status };
  await updateSms(tx, row.id, {
    ...(isSidNew ? { providerSid: change.providerSid } : {}),
    ...(isMoving
      ? {
          status: change.status,
          statusChangedAt: change.at,
          errorCode: change.errorCode ?? null,
          errorMessage: change.errorMessage ?? null,
        }
      : {}),
  });
  if (isMoving && isFailedSms(change.status) && row.accountId) {
    const record = await findAccountById(tx, row.accountId);
    if (record) {
      await insertOutboxRows(tx, [
        {
          kind: 'notify',
          orderKey: `account:${row.accountId}`,
          payload: {
            event: 'sms.failed',
            actor: change.actor,
            at: change.at.toISOString(),
            account: toAccountView(record),
            // `to` and `error` as the channel message reads them; `sms` for anything that wants more.
            to: row.to,
            error: {
              ...(change.errorCode ? { code: change.errorCode } : {}),
              ...(change.errorMessage ? { message: change.errorMessage } : {}),
            },
            sms: {
              id: row.id,
              to: row.to,
              provider: row.provider,
              providerSid: change.providerSid ?? row.providerSid,
              status: change.status,
              errorCode: change.errorCode ?? null,
              errorMessage: change.errorMessage ?? null,
            },
          },
          createdAt: change.at,
          nextAttemptAt: change.at,
        },
      ]);
    }
  }
  return { isChanged: isMoving, status: isMoving ? change.status : row.status };
}

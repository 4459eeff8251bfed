import type { SmsRow } from '@sipops/db/queries';
import { findLastSms, listSmsRows } from '@sipops/db/queries';
import { z } from 'zod';
import type { SmsStatus } from '../activation/sms-status.ts';
import { decryptSecret } from '../credentials.ts';
import type { Deps } from '../deps.ts';
import { requireAccount } from '../resolve.ts';

export const listSmsSchema = z.strictObject({
  account: z.string().trim().min(1).optional(),
  limit: z
    .number()
    .int()
    .min(1, 'must be a whole number from 1 to 500')
    .max(500, 'must be a whole number from 1 to 500')
    .default(50),
});
export type ListSmsInput = z.infer<typeof listSmsSchema>;

/** One SMS as the terminal and Slack show it. */
export type SmsView = {
  id: string;
  account: string | null;
  to: string;
  provider: 'twilio' | 'local';
  providerSid: string | null;
  status: SmsStatus;
  errorCode: string | null;
  errorMessage: string | null;
  /** The whole text with its link for the local outbox (it stands in for the phone); masked otherwise. */
  body: string;
  createdAt: string;
  statusChangedAt: string;
};

/** The last SMS of an account, as its card shows it. */
export type LastSms = { status: SmsStatus; errorCode: string | null; at: string };

function toSmsView(deps: Deps, sms: SmsRow, username: string | null): SmsView {
  let body = sms.body;
  if (sms.sealedBody) {
    try {
      body = decryptSecret(deps.secretKey, sms.sealedBody);
    } catch {
      // Sealed with another key (a data folder copied without its key): show the masked text.
    }
  }
  return {
    id: sms.id,
    account: username,
    to: sms.to,
    provider: sms.provider,
    providerSid: sms.providerSid,
    status: sms.status,
    errorCode: sms.errorCode,
    errorMessage: sms.errorMessage,
    body,
    createdAt: sms.createdAt.toISOString(),
    statusChangedAt: sms.statusChangedAt.toISOString(),
  };
}

/** The SMS sent, newest first, for one account or all. */
export async function listSms(deps: Deps, input: ListSmsInput): Promise<SmsView[]> {
  const accountId = input.account
    ? (await requireAccount(deps.db, input.account)).account.id
    : undefined;
  const rows = await listSmsRows(deps.db, { accountId, limit: input.limit });
  return rows.map((row) => toSmsView(deps, row.sms, row.username));
}

export async function findLastSmsOf(
  deps: Pick<Deps, 'db'>,
  accountId: string,
): Promise<LastSms | null> {
  const row = await findLastSms(deps.db, accountId);
  return row
    ? { status: row.status, errorCode: row.errorCode, at: row.statusChangedAt.toISOString() }
    : null;
}

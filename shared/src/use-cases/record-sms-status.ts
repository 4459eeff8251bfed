import { findSmsById, findSmsByProviderSid, lockSms } from '@sipops/db/queries';
import { z } from 'zod';
import { applySmsStatus, type SmsStatus, toSmsStatus } from '../activation/sms-status.ts';
import type { Deps } from '../deps.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A delivery report as the provider posts it (Twilio's status callback form fields). */
export const smsStatusReportSchema = z.object({
  MessageSid: z.string().regex(/^[A-Za-z]{2}[0-9a-fA-F]{32}$/, 'must be a message SID'),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
  ErrorMessage: z.string().optional(),
});
export type SmsStatusReport = z.infer<typeof smsStatusReportSchema>;

export type RecordSmsStatusInput = {
  report: SmsStatusReport;
  /** Our id of the message, from the callback URL (`?sms=`): it finds a message whose SID was not recorded yet. */
  smsId?: string | undefined;
};

export type RecordSmsStatusResult = {
  isKnown: boolean;
  isChanged: boolean;
  status: SmsStatus | null;
};

/**
 * Records a delivery report: only forward (queued, sent, delivered, or undelivered/failed with
 * the error code), so duplicated and out-of-order reports change nothing. A failure is posted in
 * the group's channel.
 */
export async function recordSmsStatus(
  deps: Deps,
  input: RecordSmsStatusInput,
): Promise<RecordSmsStatusResult> {
  const { report } = input;
  const status = toSmsStatus(report.MessageStatus);
  const found =
    (input.smsId && UUID.test(input.smsId) ? await findSmsById(deps.db, input.smsId) : undefined) ??
    (await findSmsByProviderSid(deps.db, report.MessageSid));
  // A report about another message than ours (a SID that does not match the row) is ignored.
  if (!found || (found.providerSid !== null && found.providerSid !== report.MessageSid)) {
    return { isKnown: false, isChanged: false, status: null };
  }
  if (!status) return { isKnown: true, isChanged: false, status: found.status };
  return deps.db.transaction(async (tx) => {
    const row = await lockSms(tx, found.id);
    if (!row) return { isKnown: false, isChanged: false, status: null };
    const result = await applySmsStatus(tx, row, {
      status,
      at: deps.clock.now(),
      actor: `sms:${row.provider}`,
      providerSid: report.MessageSid,
      errorCode: report.ErrorCode || null,
      errorMessage: report.ErrorMessage || null,
    });
    return { isKnown: true, ...result };
  });
}

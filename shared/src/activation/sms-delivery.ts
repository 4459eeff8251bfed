import { findLinkById, findSmsByOutboxId, insertSmsOnce, lockSms } from '@sipops/db/queries';
import { decryptSecret } from '../credentials.ts';
import type { Deps } from '../deps.ts';
import { applySmsStatus, type SmsStatus } from './sms-status.ts';
import { smsPayloadSchema } from './sms-text.ts';

/** A link with less life left than this is not worth an SMS. */
const MIN_VALIDITY_SECONDS = 60;

export type SmsProvider = 'twilio' | 'local';

/** What a sender should do with one outbox 'sms' message. */
export type SmsDeliveryPlan =
  /** The link died before the SMS went out (a newer one replaced it, the account changed). */
  | { action: 'skip'; reason: string }
  /** An earlier try handed it over already (the worker died before marking it done). */
  | { action: 'done'; providerSid: string }
  | {
      action: 'send';
      smsId: string;
      to: string;
      text: string;
      /** What is left of the link's life, in whole seconds. */
      validitySeconds: number;
      /** When the outbox message was written: a look-up for an earlier try starts there. */
      queuedAt: Date;
    };

/**
 * Prepares one SMS: checks its link is still alive and writes the row that delivery reports and
 * `sms list` read (one per outbox message, whatever the retries).
 */
export async function prepareSmsDelivery(
  deps: Deps,
  message: { id: number; payload: unknown },
  provider: SmsProvider,
): Promise<SmsDeliveryPlan> {
  const payload = smsPayloadSchema.parse(message.payload);
  const existing = await findSmsByOutboxId(deps.db, message.id);
  if (existing?.providerSid) return { action: 'done', providerSid: existing.providerSid };

  const link = await findLinkById(deps.db, payload.linkId);
  const now = deps.clock.now();
  if (!link || link.revokedAt || link.spentAt) {
    return { action: 'skip', reason: 'the link was replaced or revoked before the SMS went out' };
  }
  const validitySeconds = Math.floor((link.expiresAt.getTime() - now.getTime()) / 1000);
  if (validitySeconds < MIN_VALIDITY_SECONDS) {
    return { action: 'skip', reason: 'the link expired before the SMS went out' };
  }

  let row = existing;
  if (!row) {
    await insertSmsOnce(deps.db, {
      outboxId: message.id,
      accountId: payload.accountId,
      linkId: payload.linkId,
      to: payload.to,
      body: payload.preview,
      sealedBody: provider === 'local' ? payload.sealedText : null,
      provider,
      status: 'queued',
      createdAt: now,
      statusChangedAt: now,
    });
    row = await findSmsByOutboxId(deps.db, message.id);
    if (!row) throw new Error('the SMS row was not written');
  }
  return {
    action: 'send',
    smsId: row.id,
    to: payload.to,
    text: decryptSecret(deps.secretKey, payload.sealedText),
    validitySeconds,
    queuedAt: link.createdAt,
  };
}

/** The provider took the message: its id is what delivery reports and retries go by. */
export async function recordSmsHandedOver(
  deps: Deps,
  smsId: string,
  handed: { providerSid: string; status: SmsStatus; actor: string },
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const row = await lockSms(tx, smsId);
    if (!row) return;
    await applySmsStatus(tx, row, {
      status: handed.status,
      providerSid: handed.providerSid,
      at: deps.clock.now(),
      actor: handed.actor,
    });
  });
}

/** The provider refused it for good (a bad number, a blocked destination) or tries ran out. */
export async function recordSmsRefused(
  deps: Deps,
  smsId: string,
  refusal: { errorCode: string | null; errorMessage: string; actor: string },
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const row = await lockSms(tx, smsId);
    if (!row) return;
    await applySmsStatus(tx, row, {
      status: 'failed',
      at: deps.clock.now(),
      actor: refusal.actor,
      errorCode: refusal.errorCode,
      errorMessage: refusal.errorMessage.slice(0, 500),
    });
  });
}

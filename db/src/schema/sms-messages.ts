import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';

export const SMS_PROVIDERS = ['twilio', 'local'] as const;
/** Forward only: queued < sent < delivered; undelivered and failed end it too. */
export const SMS_STATUSES = ['queued', 'sent', 'delivered', 'undelivered', 'failed'] as const;

/** One row per SMS handed to a provider (or to the local outbox), with its delivery status. */
export const smsMessages = pgTable(
  'sms_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The outbox message it came from: one SMS per outbox message, whatever the retries. */
    outboxId: bigint('outbox_id', { mode: 'number' }).unique(),
    /** Kept when the account is deleted, so delivery reports still find their message. */
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    linkId: uuid('link_id'),
    to: text('to').notNull(),
    /** The text with the link's token masked. */
    body: text('body').notNull(),
    /** Local outbox only: the whole text sealed with the secret key, for `sms list` to show. */
    sealedBody: text('sealed_body'),
    provider: text('provider', { enum: SMS_PROVIDERS }).notNull(),
    /** Twilio's Message SID (`SM…`); local messages get a made-up `LOCAL…` id. */
    providerSid: text('provider_sid').unique(),
    status: text('status', { enum: SMS_STATUSES }).notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sms_messages_account_idx').on(t.accountId, t.createdAt)],
);

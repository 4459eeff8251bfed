import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { groups } from './groups.ts';
import { provisioningProfiles } from './provisioning-profiles.ts';

export const ACCOUNT_TYPES = ['pgsm', 'snom'] as const;
export const ACCOUNT_STATUSES = [
  'created',
  'installation_sms_sent',
  'installed',
  'activation_sms_sent',
  'activated',
] as const;
export const SECURITY_MODELS = ['end-to-site', 'end-to-end'] as const;
export const CREATION_WAYS = ['wizard', 'plain'] as const;

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    /** AES-256-GCM ciphertext: the provisioning document must hand the password to the client. */
    passwordEncrypted: text('password_encrypted').notNull(),
    /** MD5(username:realm:password), what SIP servers check digests against. */
    sipHa1: text('sip_ha1').notNull(),
    /** The realm sipHa1 was made with: the effective profile's realm when it was hashed. */
    sipHa1Realm: text('sip_ha1_realm').notNull().default('sipops'),
    number: text('number').notNull(),
    secondaryNumber: text('secondary_number'),
    type: text('type', { enum: ACCOUNT_TYPES }).notNull(),
    createdVia: text('created_via', { enum: CREATION_WAYS }).notNull(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'restrict' }),
    profileId: uuid('profile_id').references(() => provisioningProfiles.id, {
      onDelete: 'restrict',
    }),
    securityModel: text('security_model', { enum: SECURITY_MODELS }),
    obfuscation: boolean('obfuscation'),
    obfuscationKey: smallint('obfuscation_key'),
    keepAlive: boolean('keep_alive'),
    deny: text('deny').array().notNull().default(sql`'{}'::text[]`),
    permit: text('permit').array().notNull().default(sql`'{}'::text[]`),
    enabled: boolean('enabled').notNull(),
    /**
     * When staff disabled it; null otherwise. A wizard account waiting for activation is not
     * enabled either, but only one stopped by staff refuses Activate.
     */
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    status: text('status', { enum: ACCOUNT_STATUSES }).notNull().default('created'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull(),
    /** Keys registered before this instant are revoked; a new key needs a link issued after it. */
    keysRevokedAt: timestamp('keys_revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('accounts_group_idx').on(t.groupId),
    index('accounts_status_idx').on(t.status),
    check(
      'accounts_obfuscation_key_range',
      sql`${t.obfuscationKey} is null or ${t.obfuscationKey} between 0 and 255`,
    ),
    check(
      'accounts_pgsm_fields',
      sql`(${t.type} = 'pgsm') = (${t.securityModel} is not null and ${t.obfuscation} is not null and ${t.obfuscationKey} is not null and ${t.keepAlive} is not null)`,
    ),
    check(
      'accounts_snom_rules',
      sql`${t.type} = 'snom' or (cardinality(${t.deny}) = 0 and cardinality(${t.permit}) = 0)`,
    ),
  ],
);

import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { provisioningProfiles } from './provisioning-profiles.ts';

export const groups = pgTable('groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  profileId: uuid('profile_id').references(() => provisioningProfiles.id, {
    onDelete: 'restrict',
  }),
  /** Slack channel id for status notifications; null means the configured default channel. */
  slackChannel: text('slack_channel'),
  /** Local time (`08:30`) of the daily digest in the group's channel; null: no digest. */
  digestTime: text('digest_time'),
  /** IANA time zone the digest time is read in. */
  digestTimeZone: text('digest_time_zone').notNull().default('UTC'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

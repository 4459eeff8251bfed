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
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

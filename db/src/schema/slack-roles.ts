import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ROLES = ['admin', 'support', 'manager'] as const;

export const slackRoles = pgTable(
  'slack_roles',
  {
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** The groups the role is given for; null means every group (admins always have null). */
    groupIds: uuid('group_ids').array(),
    grantedBy: text('granted_by').notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);

import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Who did what, when, with the record before and after. No foreign key: it outlives deletes. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type', {
      enum: ['account', 'group', 'profile', 'role', 'setting'],
    }).notNull(),
    subjectId: text('subject_id').notNull(),
    /** Human name of the subject at the time (username, group name), for reading the log. */
    subjectName: text('subject_name').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [index('audit_log_subject_idx').on(t.subjectType, t.subjectId)],
);

import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const provisioningProfiles = pgTable('provisioning_profiles', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  sipHost: text('sip_host').notNull(),
  /** SIP digest realm of the profile's accounts; null means the SIP host. */
  realm: text('realm'),
  sipPort: integer('sip_port').notNull().default(5061),
  transport: text('transport', { enum: ['tls', 'tcp', 'udp'] })
    .notNull()
    .default('tls'),
  iosUrl: text('ios_url'),
  androidUrl: text('android_url'),
  brand: text('brand').notNull().default('sipops'),
  /** URL scheme of the client app, used by the mobile page to hand it the provisioning link. */
  appScheme: text('app_scheme').notNull().default('sipops'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

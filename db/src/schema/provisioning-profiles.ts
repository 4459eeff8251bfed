import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A profile's own SMS wording: by link kind, then by language; absent means the built-in text. */
export type SmsTemplates = Partial<
  Record<'installation' | 'activation', Partial<Record<string, string>>>
>;

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
  /**
   * The mobile page's "open in the app" link: {scheme} is the app scheme, {url} / {xml_url} the
   * provisioning URL as JSON / Linphone XML, {url_encoded} / {xml_url_encoded} the same escaped.
   */
  appLink: text('app_link').notNull().default('{scheme}://provision?url={url_encoded}'),
  /** Seconds a phone's registration lasts before it registers again (Linphone's reg_expires). */
  registrationExpires: integer('registration_expires').notNull().default(3600),
  /** What Linphone's XML carries: the clear password, or only its HA1 with the realm. */
  credentials: text('credentials', { enum: ['password', 'ha1'] })
    .notNull()
    .default('password'),
  /** `#rrggbb` of the pages' buttons; null: the default blue. */
  accentColor: text('accent_color'),
  /** A phone number, an e-mail address or an https URL, shown on every page. */
  supportContact: text('support_contact'),
  /** IANA time zone the pages show dates in. */
  timeZone: text('time_zone').notNull().default('Europe/Rome'),
  /** The SHA-256 (hex) of its logo in profile_logos; null: no logo. */
  logoSha256: text('logo_sha256'),
  smsTemplates: jsonb('sms_templates').$type<SmsTemplates>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

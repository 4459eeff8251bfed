import { z } from 'zod';
import { nameSchema } from '../account-schemas.ts';
import { appLinkSchema } from '../app-link.ts';
import { appSchemeSchema } from '../app-scheme.ts';
import { contrastRatio, MIN_ACCENT_CONTRAST } from '../branding/contrast.ts';
import { readLogo } from '../branding/logo.ts';
import { parseSupportContact } from '../branding/support-contact.ts';
import { isAppError } from '../errors.ts';
import { LOCALES } from '../locales/index.ts';
import { isSipHost } from '../sip-host.ts';

const hostSchema = z
  .string({ error: 'is required' })
  .trim()
  .refine(isSipHost, 'must be a host name, an IPv4 address or an IPv6 address (no brackets)');

const portSchema = z
  .union([z.number(), z.string().trim().regex(/^\d+$/, 'must be a port number from 1 to 65535')])
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, 'must be a port number from 1 to 65535')
      .max(65535, 'must be a port number from 1 to 65535'),
  );

const httpsUrlSchema = z
  .string()
  .trim()
  .url('must be a URL')
  .refine((value) => /^https:\/\//i.test(value), 'must start with https://');

const schemeSchema = appSchemeSchema;

/** A digest realm goes inside quotes in SIP headers and into varchar(64) registrar columns. */
const realmSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:@-]{1,64}$/, 'must be 1 to 64 letters, digits or . _ : @ -');

/** An empty realm means "the SIP host", the default. */
const optionalRealmSchema = z.union([z.literal('').transform(() => null), realmSchema]);
/** A blank value clears the field (back to its default). */
const blankAsNull = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? null : value;

const accentColorSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^#[0-9a-f]{6}$/, 'must be a colour written #rrggbb')
  .superRefine((color, ctx) => {
    const ratio = contrastRatio(color, '#ffffff');
    if (ratio < MIN_ACCENT_CONTRAST)
      ctx.addIssue({
        code: 'custom',
        message: `${color} has a contrast of ${ratio.toFixed(2)}:1 with white; buttons need at least ${MIN_ACCENT_CONTRAST}:1 (pick a darker colour)`,
      });
  });

const supportContactSchema = z
  .string()
  .trim()
  .max(200, 'must be at most 200 characters')
  .refine(
    (value) => parseSupportContact(value) !== undefined,
    'must be a phone number with its country code (+39…), an e-mail address or an https:// URL',
  );

const timeZoneSchema = z
  .string()
  .trim()
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be a time zone such as Europe/Rome or UTC');

const smsTemplateSchema = z
  .string()
  .trim()
  .max(480, 'must be at most 480 characters')
  .refine((text) => text.includes('{link}'), 'must contain {link}, where the link goes');

const templatesByLocale = z.strictObject(
  Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      z.preprocess(blankAsNull, smsTemplateSchema.nullable()).optional(),
    ]),
  ),
);

/** `{installation: {en: '…'}, activation: {…}}`; null or blank puts the built-in text back. */
export const smsTemplatesSchema = z.strictObject({
  installation: templatesByLocale.optional(),
  activation: templatesByLocale.optional(),
});
export type SmsTemplatesInput = z.output<typeof smsTemplatesSchema>;

/** The logo file's bytes, checked for type and size. */
const logoSchema = z.instanceof(Uint8Array).transform((data, ctx) => {
  try {
    return readLogo(Buffer.from(data));
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: isAppError(error) ? error.message : String(error) });
    return z.NEVER;
  }
});

/** Seconds between a phone's registrations: from one minute to one day. */
const registrationExpiresSchema = z
  .union([
    z.number(),
    z.string().trim().regex(/^\d+$/, 'must be a number of seconds from 60 to 86400'),
  ])
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(60, 'must be a number of seconds from 60 to 86400')
      .max(86400, 'must be a number of seconds from 60 to 86400'),
  );

const credentialsSchema = z.enum(['password', 'ha1'], { error: 'must be password or ha1' });

/** How a stock app (Linphone) is provisioned: its link, registration time and credentials. */
const appProvisioningShape = {
  appLink: appLinkSchema.optional(),
  registrationExpires: registrationExpiresSchema.optional(),
  credentials: credentialsSchema.optional(),
};

const brandingShape = {
  accentColor: z.preprocess(blankAsNull, accentColorSchema.nullable()).optional(),
  supportContact: z.preprocess(blankAsNull, supportContactSchema.nullable()).optional(),
  timeZone: timeZoneSchema.optional(),
  logo: logoSchema.nullable().optional(),
  smsTemplates: smsTemplatesSchema.optional(),
};

export const profileFieldsShape = {
  sipHost: hostSchema,
  sipPort: portSchema,
  transport: z.enum(['tls', 'tcp', 'udp'], { error: 'must be tls, tcp or udp' }),
  iosUrl: httpsUrlSchema.nullable(),
  androidUrl: httpsUrlSchema.nullable(),
  brand: z.string().trim().min(1, 'is required').max(40, 'must be at most 40 characters'),
  appScheme: schemeSchema,
  realm: optionalRealmSchema,
};

export const createProfileSchema = z.strictObject({
  name: nameSchema,
  ...profileFieldsShape,
  sipPort: portSchema.optional(),
  transport: profileFieldsShape.transport.default('tls'),
  iosUrl: httpsUrlSchema.optional(),
  androidUrl: httpsUrlSchema.optional(),
  brand: profileFieldsShape.brand.optional(),
  appScheme: schemeSchema.optional(),
  realm: optionalRealmSchema.optional(),
  ...appProvisioningShape,
  ...brandingShape,
});
export type CreateProfileInput = z.output<typeof createProfileSchema>;

export const editProfileSchema = z.strictObject({
  name: nameSchema,
  sipHost: hostSchema.optional(),
  sipPort: portSchema.optional(),
  transport: profileFieldsShape.transport.optional(),
  iosUrl: httpsUrlSchema.nullable().optional(),
  androidUrl: httpsUrlSchema.nullable().optional(),
  brand: profileFieldsShape.brand.optional(),
  appScheme: schemeSchema.optional(),
  realm: optionalRealmSchema.optional(),
  ...appProvisioningShape,
  ...brandingShape,
});
export type EditProfileInput = z.output<typeof editProfileSchema>;

/** The default SIP port of each transport: 5061 for TLS, 5060 otherwise. */
export function defaultSipPort(transport: 'tls' | 'tcp' | 'udp'): number {
  return transport === 'tls' ? 5061 : 5060;
}

import { z } from 'zod';
import { nameSchema } from '../account-schemas.ts';
import { appSchemeSchema } from '../app-scheme.ts';

const hostSchema = z
  .string({ error: 'is required' })
  .trim()
  .regex(
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\d{1,3}(\.\d{1,3}){3}$/,
    'must be a host name or an IPv4 address',
  );

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
});
export type EditProfileInput = z.output<typeof editProfileSchema>;

/** The default SIP port of each transport: 5061 for TLS, 5060 otherwise. */
export function defaultSipPort(transport: 'tls' | 'tcp' | 'udp'): number {
  return transport === 'tls' ? 5061 : 5060;
}

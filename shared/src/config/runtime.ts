import { z } from 'zod';
import { decodeSecretKey } from '../secret-key.ts';
import { dataDirOf } from './data-dir.ts';
import { blankAsUnset, httpUrlSchema, postgresUrlSchema } from './fields.ts';
import { definePart, type Env, readPart } from './read.ts';

const DEFAULT_LINK_TTL_MS = 72 * 3_600_000;
const DURATION_UNITS_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `72h`, `30m`, `3d`, `90s` or bare seconds (`3600`) in milliseconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/i.exec(text.trim());
  if (!match?.[1]) return undefined;
  const ms = Number(match[1]) * (DURATION_UNITS_MS[(match[2] || 's').toLowerCase()] ?? 1000);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** The settings every sipops process shares: where the data is and the key of its secrets. */
export const runtimeSchema = z
  .object({
    DATABASE_URL: postgresUrlSchema,
    /** Where Kamailio's usrloc keeps its `location` table, when not in DATABASE_URL's database. */
    SIPOPS_LOCATION_DATABASE_URL: postgresUrlSchema,
    SIPOPS_DATA_DIR: blankAsUnset(z.string()),
    SIPOPS_SECRET_KEY: blankAsUnset(
      z.string().transform((value, ctx) => {
        const key = decodeSecretKey(value);
        if (!key) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be 32 bytes as 64 hex characters or base64',
          });
          return z.NEVER;
        }
        return key;
      }),
    ),
    /** Where phones reach the web app: the SMS links and Twilio's signatures are built on it. */
    PUBLIC_BASE_URL: httpUrlSchema('https://sip.example.com', { bare: true }).transform((url) =>
      url?.replace(/\/+$/, ''),
    ),
    SIPOPS_LINK_TTL: blankAsUnset(
      z.string().transform((value, ctx) => {
        const ms = parseDuration(value);
        if (ms === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be a duration such as 72h, 30m, 3d or a number of seconds',
          });
          return z.NEVER;
        }
        return ms;
      }),
    ),
    // Read here only for the default public URL; the server part checks it.
    PORT: blankAsUnset(z.string()),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL && !env.SIPOPS_SECRET_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['SIPOPS_SECRET_KEY'],
        message:
          'is required with DATABASE_URL, so that every process reads the same passwords (generate one with: openssl rand -hex 32)',
      });
    }
  });

export type RuntimeConfig = {
  databaseUrl: string | undefined;
  /** SIPOPS_LOCATION_DATABASE_URL: the registrar's `location` table; the main database when unset. */
  locationDatabaseUrl: string | undefined;
  dataDir: string;
  secretKey: Buffer | undefined;
  /** PUBLIC_BASE_URL without a trailing slash; `http://localhost:<PORT>` by default. */
  publicBaseUrl: string;
  /** SIPOPS_LINK_TTL: how long an activation link lives. */
  linkTtlMs: number;
};

/** The database, the data folder, the secrets' key, the public URL and the links' lifetime. */
export const runtimePart = definePart(
  runtimeSchema,
  (values): RuntimeConfig => ({
    databaseUrl: values.DATABASE_URL,
    locationDatabaseUrl: values.SIPOPS_LOCATION_DATABASE_URL,
    dataDir: dataDirOf(values.SIPOPS_DATA_DIR),
    secretKey: values.SIPOPS_SECRET_KEY,
    publicBaseUrl:
      values.PUBLIC_BASE_URL ??
      `http://localhost:${/^\d+$/.test(values.PORT ?? '') ? values.PORT : '3000'}`,
    linkTtlMs: values.SIPOPS_LINK_TTL ?? DEFAULT_LINK_TTL_MS,
  }),
);

/** Reads the shared settings from an environment; a wrong value names its variable. */
export function readRuntimeConfig(env: Env): RuntimeConfig {
  return readPart(env, runtimePart);
}

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { decodeSecretKey } from './secret-key.ts';

/** The settings every sipops process shares: where the data is and the key of its secrets. */
export const runtimeConfigSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    SIPOPS_DATA_DIR: z.string().trim().min(1).optional(),
    SIPOPS_SECRET_KEY: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (!value) return undefined;
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
  dataDir: string;
  secretKey: Buffer | undefined;
};

/** The repository's `.data/` folder, where the embedded default keeps its database and key. */
// import.meta.url, not import.meta.dirname: Next's bundler leaves the latter undefined.
export const DEFAULT_DATA_DIR = resolve(
  /* turbopackIgnore: true */ dirname(fileURLToPath(import.meta.url)),
  '../../.data',
);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the shared settings from an environment; a wrong value names its variable. */
export function readRuntimeConfig(env: Record<string, string | undefined>): RuntimeConfig {
  const parsed = runtimeConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return {
    databaseUrl: parsed.data.DATABASE_URL,
    dataDir: resolve(parsed.data.SIPOPS_DATA_DIR ?? DEFAULT_DATA_DIR),
    secretKey: parsed.data.SIPOPS_SECRET_KEY,
  };
}

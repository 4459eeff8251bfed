import { ConfigError, type RuntimeConfig, readRuntimeConfig } from '@sipops/shared/runtime-config';
import { z } from 'zod';

/** The only place in bot/ that reads process.env. */
export function readTerminalConfig(): RuntimeConfig {
  return readRuntimeConfig(process.env);
}

const portSchema = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a port number')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'must be a port number from 1 to 65535')
        .max(65535, 'must be a port number from 1 to 65535'),
    )
    .default(fallback);

const serverEnvSchema = z.object({
  PORT: portSchema(3000),
});

export type ServerConfig = { runtime: RuntimeConfig; port: number };

/** Settings of `npm start`: the shared ones and the ports; every wrong variable is named. */
export function readServerConfig(): ServerConfig {
  const parsed = serverEnvSchema.safeParse(process.env);
  let runtime: RuntimeConfig | undefined;
  const problems: string[] = [];
  try {
    runtime = readRuntimeConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  if (!runtime || !parsed.success) throw new ConfigError(problems);
  return { runtime, port: parsed.data.PORT };
}

import type { z } from 'zod';

/** The variables a process was started with (process.env, or a test's own). */
export type Env = Record<string, string | undefined>;

/** A wrong configuration: every problem found, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** One part of the configuration read from the environment: its value, or what is wrong. */
export type ConfigPart<T> = (env: Env) => { value: T } | { problems: string[] };

/**
 * A part: one schema over the variables it reads, then `build` turning the parsed values into
 * settings (it may throw a ConfigError for what only the values together say is wrong).
 */
export function definePart<S extends z.ZodType, T>(
  schema: S,
  build: (values: z.output<S>, env: Env) => T,
): ConfigPart<T> {
  return (env) => {
    const parsed = schema.safeParse(env);
    if (!parsed.success)
      return { problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
    try {
      return { value: build(parsed.data, env) };
    } catch (error) {
      if (error instanceof ConfigError) return { problems: error.problems };
      throw error;
    }
  };
}

type Values<P extends Record<string, ConfigPart<unknown>>> = {
  [K in keyof P]: P[K] extends ConfigPart<infer T> ? T : never;
};

/**
 * Reads every part named, and reports every problem of every part at once: one ConfigError.
 * `check` sees the parts that could be read, for what only several of them together say.
 */
export function readConfig<P extends Record<string, ConfigPart<unknown>>>(
  env: Env,
  parts: P,
  check?: (values: Partial<Values<P>>) => string[],
): Values<P> {
  const values: Partial<Record<keyof P, unknown>> = {};
  const problems: string[] = [];
  for (const [name, part] of Object.entries(parts)) {
    const result = part(env);
    if ('value' in result) values[name as keyof P] = result.value;
    else problems.push(...result.problems);
  }
  problems.push(...(check?.(values as Partial<Values<P>>) ?? []));
  if (problems.length > 0) throw new ConfigError(problems);
  return values as Values<P>;
}

/** Reads one part alone; a ConfigError names every wrong variable. */
export function readPart<T>(env: Env, part: ConfigPart<T>): T {
  return readConfig(env, { part }).part;
}

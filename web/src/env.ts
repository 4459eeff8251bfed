import { type RuntimeConfig, readRuntimeConfig } from '@sipops/shared/runtime-config';

/** The only place in web/ that reads process.env; a wrong value throws a ConfigError naming it. */
export function readWebConfig(): RuntimeConfig {
  return readRuntimeConfig(process.env);
}

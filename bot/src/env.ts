import { type RuntimeConfig, readRuntimeConfig } from '@sipops/shared/runtime-config';

/** The only place in bot/ that reads process.env: the settings shared by every process. */
export function readTerminalConfig(): RuntimeConfig {
  return readRuntimeConfig(process.env);
}

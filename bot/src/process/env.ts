import {
  readStartConfig,
  readTerminalConfig,
  readWorkersConfig,
  type StartConfig,
  type TerminalConfig,
  type WorkersConfig,
} from '@sipops/shared/config/processes';
import { type RuntimeConfig, readRuntimeConfig } from '@sipops/shared/config/runtime';

/*
 * With forward-env.ts, the only place in bot/ that reads process.env: each process reads its
 * settings once, here, through shared/src/config (every wrong variable named at once), and hands
 * them on.
 */

/** `npm start` (`partsFlag`: what --parts gave). */
export function readStartEnv(partsFlag: string | undefined): StartConfig {
  return readStartConfig(process.env, partsFlag);
}

/** `npm run workers`. */
export function readWorkersEnv(): WorkersConfig {
  return readWorkersConfig(process.env);
}

/** `npm run sip`: the runtime, and the settings its commands are given. */
export function readTerminalEnv(): TerminalConfig {
  return readTerminalConfig(process.env);
}

/** `npm run db:migrate`: the database alone. */
export function readMigrateEnv(): RuntimeConfig {
  return readRuntimeConfig(process.env);
}

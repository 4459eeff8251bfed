import type { Database } from '@sipops/db/client';
import type { StartRowWorkers } from './batch/row-checks.ts';

export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

/** What every use case is given; tests pass a test database and a fixed clock. */
export type Deps = {
  db: Database;
  clock: Clock;
  /** AES-256-GCM key for SIP passwords (SIPOPS_SECRET_KEY or the data folder's key file). */
  secretKey: Buffer;
  /** Where the registrar's `location` table is (SIPOPS_LOCATION_DATABASE_URL); `db` when unset. */
  locationDb?: Database;
  /** Threads that check a large batch file's rows on the other cores (the compiled bot's). */
  startRowWorkers?: StartRowWorkers | undefined;
};

/** Deps of the automatic activation: where links point and how long they live. */
export type ActivationDeps = Deps & {
  /** PUBLIC_BASE_URL, without a trailing slash. */
  publicBaseUrl: string;
  linkTtlMs: number;
};

/** Who asked: `slack:T1/U1`, `terminal:alice`. Written to the audit log. */
export type Actor = string;

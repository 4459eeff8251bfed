import { readMigrationState } from '@sipops/db/migrate';
import { pingDatabase } from '@sipops/db/queries';
import { describeDatabaseError } from '../database-errors.ts';
import type { Deps } from '../deps.ts';

export type MigrationState = { committed: number; applied: number };

export type HealthReport = {
  isHealthy: boolean;
  /** Why the service is not healthy, in one line an operator can act on (for the server log). */
  reason?: string;
  /** The same without addresses or driver text, for anyone who asks. */
  publicReason: string;
  migrations: MigrationState;
};

/** Does the database answer, and has it applied every committed migration? */
export async function checkHealth(deps: Pick<Deps, 'db'>): Promise<HealthReport> {
  // Both at once, so a database that hangs costs one timeout; the migration count alone cannot
  // tell a database that is down from one that has applied nothing.
  const [ping, state] = await Promise.allSettled([
    pingDatabase(deps.db),
    readMigrationState(deps.db),
  ]);
  const migrations = state.status === 'fulfilled' ? state.value : { committed: 0, applied: 0 };
  if (ping.status === 'rejected') {
    return {
      isHealthy: false,
      reason: `the database does not answer: ${describeDatabaseError(ping.reason)}`,
      publicReason: 'the database does not answer',
      migrations,
    };
  }
  if (state.status === 'rejected') {
    return {
      isHealthy: false,
      reason: `the migration state cannot be read: ${describeDatabaseError(state.reason)}`,
      publicReason: 'the migration state cannot be read',
      migrations,
    };
  }
  if (migrations.applied < migrations.committed) {
    const missing = migrations.committed - migrations.applied;
    return {
      isHealthy: false,
      reason: `${missing} of ${migrations.committed} migrations are not applied`,
      publicReason: 'the database migrations are not applied',
      migrations,
    };
  }
  return { isHealthy: true, publicReason: 'ok', migrations };
}

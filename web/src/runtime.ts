import { ConfigError } from '@sipops/shared/config/read';
import { describeDatabaseError } from '@sipops/shared/database-errors';
import { getProcessRuntime, openRuntime, type Runtime } from '@sipops/shared/runtime';

/**
 * The runtime `npm start` opened before starting Next, or, when Next runs on its own
 * (`next start`), one opened here on first use.
 */
export function getWebRuntime(): Promise<Runtime> {
  return getProcessRuntime(async () => {
    // Read only when Next opens its own runtime, so that a wrong setting reaches the caller.
    const { readWebConfig } = await import('./env.ts');
    return openRuntime(readWebConfig(), { role: 'server', pid: process.pid });
  });
}

/** Why getWebRuntime failed, in words an operator can act on. */
export function describeOpenFailure(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  return `the database could not be opened: ${describeDatabaseError(error)}`;
}

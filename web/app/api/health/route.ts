import type { Runtime } from '@sipops/shared/runtime';
import { readParts } from '@sipops/shared/service-parts';
import { checkHealth } from '@sipops/shared/use-cases/check-health';
import { describeOpenFailure, getWebRuntime } from '../../../src/runtime.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * Says which part is down (database, slack, workers) and no more: addresses and driver errors
 * go to the server log, not to whoever asks.
 */
export async function GET(): Promise<Response> {
  const parts = readParts();
  let webRuntime: Runtime;
  try {
    webRuntime = await getWebRuntime();
  } catch (error) {
    console.error(`[sipops] health: ${describeOpenFailure(error)}`);
    return unavailable('the database cannot be opened', { database: 'down', ...parts });
  }
  const health = await checkHealth(webRuntime.deps);
  if (!health.isHealthy) {
    console.error(`[sipops] health: ${health.reason ?? 'the database is not healthy'}`);
    return unavailable(health.publicReason, { database: 'down', ...parts });
  }
  const down = Object.entries(parts)
    .filter(([, state]) => state === 'down')
    .map(([part]) => part);
  return Response.json(
    {
      // Slack or the workers down leave the web app serving: not a reason to take it out.
      status: down.length > 0 ? 'degraded' : 'ok',
      database: webRuntime.database.kind,
      migrations: health.migrations,
      parts: { database: 'up', ...parts },
      ...(down.length > 0 ? { down } : {}),
    },
    { headers: NO_STORE },
  );
}

function unavailable(reason: string, parts: Record<string, string>): Response {
  return Response.json(
    { status: 'unavailable', reason, parts },
    { status: 503, headers: NO_STORE },
  );
}

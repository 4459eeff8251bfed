import type { Runtime } from '@sipops/shared/runtime';
import { checkHealth } from '@sipops/shared/use-cases/check-health';
import { describeOpenFailure, getWebRuntime } from '../../../src/runtime.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const NO_STORE = { 'Cache-Control': 'no-store' };

export async function GET(): Promise<Response> {
  let webRuntime: Runtime;
  try {
    webRuntime = await getWebRuntime();
  } catch (error) {
    const reason = describeOpenFailure(error);
    console.error(`[sipops] health: ${reason}`);
    return unavailable(reason);
  }
  const health = await checkHealth(webRuntime.deps);
  if (!health.isHealthy) return unavailable(health.reason ?? 'the service is not healthy');
  return Response.json(
    { status: 'ok', database: webRuntime.database.kind, migrations: health.migrations },
    { headers: NO_STORE },
  );
}

function unavailable(reason: string): Response {
  return Response.json({ status: 'unavailable', reason }, { status: 503, headers: NO_STORE });
}

import type { Database } from '@sipops/db/client';
import { readSetting } from '@sipops/db/queries';

export const DEFAULT_KEEP_ALIVE_INTERVAL_SECONDS = 60;
export const DEFAULT_SIP_REALM = 'sipops';

export async function readKeepAliveInterval(db: Database): Promise<number> {
  return (
    (await readSetting<number>(db, 'keep_alive_interval_seconds')) ??
    DEFAULT_KEEP_ALIVE_INTERVAL_SECONDS
  );
}

/** The SIP digest realm the HA1 values are computed for. */
export async function readSipRealm(db: Database): Promise<string> {
  return (await readSetting<string>(db, 'sip_realm')) ?? DEFAULT_SIP_REALM;
}

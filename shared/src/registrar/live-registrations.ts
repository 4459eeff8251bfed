import type { Database } from '@sipops/db/client';
import { type LocationRow, listLocationContacts } from '@sipops/db/queries';
import type { Clock } from '../deps.ts';

/** One phone registered now, as the front ends show it. */
export type Registration = {
  /** The name it registered under (the username, or a number). */
  user: string;
  /** Set only when usrloc's `use_domain` is on. */
  domain: string | null;
  contact: string;
  /** The address Kamailio saw it come from, when that differs from the contact (NAT). */
  received: string | null;
  userAgent: string;
  /** ISO instant; null for a permanent contact. */
  expires: string | null;
};

/** What the registrar's `location` table says, or why it cannot say. */
export type RegistrarReading =
  | { state: 'connected'; registrations: Registration[] }
  | { state: 'not-connected'; reason: string };

export const NOT_CONNECTED_REASON =
  'registrar not connected: no Kamailio location table in this database (see SIPOPS_LOCATION_DATABASE_URL)';

/**
 * The unexpired contacts registered under these users (all when undefined). A missing table or an
 * unreachable database is a reading too, never a crash: the registrar is another program.
 */
export async function readRegistrations(
  db: Database,
  clock: Clock,
  usernames: readonly string[] | undefined,
): Promise<RegistrarReading> {
  let rows: LocationRow[] | null;
  try {
    rows = await listLocationContacts(db, { usernames });
  } catch (error) {
    return {
      state: 'not-connected',
      reason: `registrar not connected: cannot read its location table (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  if (rows === null) return { state: 'not-connected', reason: NOT_CONNECTED_REASON };
  const now = clock.now().getTime();
  const registrations = rows
    .map((row) => ({ row, expires: parseKamailioTime(row.expires) }))
    .filter(({ expires }) => expires === null || expires.getTime() > now)
    .map(({ row, expires }) => ({
      user: row.username,
      domain: row.domain || null,
      contact: row.contact,
      received: row.received || null,
      userAgent: row.userAgent,
      expires: expires?.toISOString() ?? null,
    }));
  return { state: 'connected', registrations };
}

/**
 * Kamailio writes times in its own local time, without a zone; it runs beside sipops, so this
 * process's zone reads them. The epoch (0) marks a contact that never expires.
 */
export function parseKamailioTime(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const date = new Date(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  return date.getTime() <= 86_400_000 ? null : date;
}

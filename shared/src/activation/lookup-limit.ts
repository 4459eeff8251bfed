import type { Database } from '@sipops/db/client';
import { addLinkLookupFailure, type LookupWindow } from '@sipops/db/queries';

/** Failed look-ups one client address may make per window before every look-up is refused. */
export const MAX_LOOKUP_FAILURES = 20;
export const LOOKUP_WINDOW_MS = 15 * 60_000;
/** Windows older than this are swept when a failure is counted. */
const KEEP_WINDOWS_MS = 24 * 3_600_000;

/** The address's current window: failed look-ups are counted per address and window. */
export function lookupWindow(clientAddress: string, at: Date): LookupWindow {
  const windowStart = new Date(Math.floor(at.getTime() / LOOKUP_WINDOW_MS) * LOOKUP_WINDOW_MS);
  return { clientAddress, windowStart };
}

/**
 * Whether an address with this many failures in its window is refused. The count lives in
 * Postgres, so the limit holds across every web process.
 */
export function isOverLookupLimit(failures: number): boolean {
  return failures >= MAX_LOOKUP_FAILURES;
}

/** Counts one failed look-up in the window it was checked against, and sweeps old windows. */
export async function countLookupFailure(
  db: Database,
  window: LookupWindow,
  at: Date,
): Promise<void> {
  await addLinkLookupFailure(db, {
    ...window,
    sweepBefore: new Date(at.getTime() - KEEP_WINDOWS_MS),
  });
}

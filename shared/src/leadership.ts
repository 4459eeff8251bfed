import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { findLeaderLease, releaseLeaderLease, takeLeaderLease } from '@sipops/db/queries';
import type { Deps } from './deps.ts';

/** Work that exactly one process does at a time, whatever the number of workers. */
export const LEADS = {
  /** Posting and updating each batch import's SMS progress message. */
  importSmsProgress: 'import-sms-progress',
} as const;

export type Lead = (typeof LEADS)[keyof typeof LEADS];

/** Who this process is, in a lease row: host and pid (an operator can find it), and a nonce. */
export function describeLeaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * How long a lead is held without renewal: three passes of the work, so one slow pass does not
 * lose it, while a process that died is replaced within a few passes.
 */
export function leaseTtlMs(passIntervalMs: number): number {
  return Math.max(3 * passIntervalMs, 1000);
}

/**
 * Takes or renews the lead. A process must renew before each pass and skip the pass when this
 * says no: a paused process whose lease ran out then gives way to the new leader.
 */
export function takeLead(
  deps: Pick<Deps, 'db'>,
  lead: Lead,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  return takeLeaderLease(deps.db, { name: lead, holder, ttlMs });
}

/** A clean stop hands the lead over at once instead of after the lease. */
export function giveUpLead(deps: Pick<Deps, 'db'>, lead: Lead, holder: string): Promise<void> {
  return releaseLeaderLease(deps.db, { name: lead, holder });
}

/** The live holder of a lead (for operators and tests). */
export async function findLeader(deps: Pick<Deps, 'db'>, lead: Lead): Promise<string | undefined> {
  return (await findLeaderLease(deps.db, lead))?.holder;
}

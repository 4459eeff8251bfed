import {
  countFailedSmsSince,
  isQueuedOnce,
  listGroupsWithDigest,
  queueOnce,
} from '@sipops/db/queries';
import type { AccountStatus } from '../account-lifecycle.ts';
import type { Deps } from '../deps.ts';
import { summarizeAccounts } from './summarize-accounts.ts';

const DAY_MS = 24 * 3_600_000;

/** What a group's channel reads once a day. */
export type GroupDigest = {
  group: string;
  /** The group's local date it covers (`2026-11-30`). */
  date: string;
  total: number;
  enabled: number;
  disabled: number;
  byStatus: Record<AccountStatus, number>;
  /** Activations waiting on their user for more than 48 hours: how many, and the longest. */
  stuckTotal: number;
  stuck: { username: string; status: AccountStatus; hours: number }[];
  stuckAfterHours: number;
  /** SMS that gave up in the last 24 hours. */
  failedSms: number;
};

/** The local date and `HH:MM` of an instant in a time zone. */
export function localDateTime(at: Date, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    time: `${part('hour')}:${part('minute')}`,
  };
}

/**
 * Queues the daily digest of every group whose time has come today (its own time, in its own
 * zone). Each is keyed by group and local date in the outbox, so it is posted once a day
 * however many processes run this, and however often they restart. Returns the groups queued.
 */
export async function queueGroupDigests(deps: Pick<Deps, 'db' | 'clock'>): Promise<string[]> {
  const now = deps.clock.now();
  const queued: string[] = [];
  for (const group of await listGroupsWithDigest(deps.db)) {
    if (!group.digestTime) continue;
    const local = localDateTime(now, group.digestTimeZone);
    if (local.time < group.digestTime) continue;
    const onceKey = `digest:${group.id}:${local.date}`;
    if (await isQueuedOnce(deps.db, onceKey)) continue;
    const summary = await summarizeAccounts(deps, {
      scope: [group.id],
      stuckLimit: 5,
      recentLimit: 0,
      failedLimit: 0,
    });
    const counts = summary.groups.find((g) => g.group === group.name) ?? summary.totals;
    const digest: GroupDigest = {
      group: group.name,
      date: local.date,
      total: counts.total,
      enabled: counts.enabled,
      disabled: counts.disabled,
      byStatus: counts.byStatus,
      stuckTotal: summary.stuckTotal,
      stuck: summary.stuck.map((s) => ({ username: s.username, status: s.status, hours: s.hours })),
      stuckAfterHours: summary.stuckAfterHours,
      failedSms: await countFailedSmsSince(deps.db, [group.id], new Date(now.getTime() - DAY_MS)),
    };
    const isNew = await queueOnce(deps.db, {
      onceKey,
      orderKey: `group:${group.id}`,
      payload: {
        event: 'group.digest',
        actor: 'system',
        at: now.toISOString(),
        group: group.name,
        digest,
      },
      at: now,
    });
    if (isNew) queued.push(group.name);
  }
  return queued;
}

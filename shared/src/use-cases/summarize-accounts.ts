import {
  countAccountsByGroup,
  countFailedMessages,
  findUsernames,
  listAccountsInStatusSince,
  listFailedDeliveries,
  listRecentAuditEntries,
} from '@sipops/db/queries';
import { ACCOUNT_STATUSES, type AccountStatus } from '../account-lifecycle.ts';
import type { GroupScope } from '../authorize.ts';
import type { Deps } from '../deps.ts';

/** The steps of the automatic activation where an account waits on its user. */
export const ACTIVATION_STEPS = [
  'installation_sms_sent',
  'installed',
  'activation_sms_sent',
] as const satisfies readonly AccountStatus[];

export const STUCK_AFTER_MS = 48 * 3_600_000;

export type StatusCounts = {
  total: number;
  enabled: number;
  disabled: number;
  byStatus: Record<AccountStatus, number>;
};

export type AccountsSummary = {
  generatedAt: string;
  totals: StatusCounts;
  /** Every group, by name, also those without accounts. */
  groups: ({ group: string } & StatusCounts)[];
  /** Waiting in an activation step for longer than `stuckAfterMs`, the longest first. */
  stuck: {
    username: string;
    group: string;
    number: string;
    status: AccountStatus;
    since: string;
    hours: number;
  }[];
  stuckTotal: number;
  stuckAfterHours: number;
  /** The last entries of the audit log, newest first. */
  recentChanges: { at: string; actor: string; action: string; subject: string }[];
  /** Notifications and SMS that gave up after their last try, newest first. */
  failedDeliveries: {
    id: number;
    kind: 'notify' | 'sms';
    what: string;
    error: string;
    at: string;
  }[];
  /** All the deliveries that failed, of which `failedDeliveries` are the newest. */
  failedTotal: number;
};

export type SummarizeAccountsOptions = {
  stuckAfterMs?: number;
  stuckLimit?: number;
  recentLimit?: number;
  failedLimit?: number;
  /** The groups of the person looking; absent or null: every group. */
  scope?: GroupScope;
};

/**
 * What the App Home shows: accounts by status per group, activations that are stuck, the last
 * changes and the deliveries that failed, of the person's groups only (admins: every group).
 */
export async function summarizeAccounts(
  deps: Pick<Deps, 'db' | 'clock'>,
  options: SummarizeAccountsOptions = {},
): Promise<AccountsSummary> {
  const now = deps.clock.now();
  const stuckAfterMs = options.stuckAfterMs ?? STUCK_AFTER_MS;
  const scope = options.scope ?? null;
  const [counts, stuck, recent, failed, allFailedTotal] = await Promise.all([
    countAccountsByGroup(deps.db, scope),
    listAccountsInStatusSince(
      deps.db,
      [...ACTIVATION_STEPS],
      new Date(now.getTime() - stuckAfterMs),
      options.stuckLimit ?? 20,
      scope,
    ),
    listRecentAuditEntries(deps.db, options.recentLimit ?? 10, scope),
    listFailedDeliveries(deps.db, {
      kinds: ['notify', 'sms'],
      limit: options.failedLimit ?? 10,
      scope,
    }).then((rows) =>
      rows.filter(
        (row): row is typeof row & { kind: 'notify' | 'sms' } => row.kind !== 'registrar',
      ),
    ),
    // The installation-wide count; a person with a scope sees only their groups' failures.
    scope ? Promise.resolve(0) : countFailedMessages(deps.db, ['notify', 'sms']),
  ]);
  const failedTotal = scope ? failed.length : allFailedTotal;

  const totals = emptyCounts();
  const byGroup = new Map<string, StatusCounts>();
  for (const row of counts) {
    const group = byGroup.get(row.group) ?? emptyCounts();
    byGroup.set(row.group, group);
    if (!row.status) continue;
    for (const target of [group, totals]) {
      target.total += row.count;
      target.byStatus[row.status] += row.count;
      if (row.enabled) target.enabled += row.count;
      else target.disabled += row.count;
    }
  }

  const smsAccountIds = failed
    .filter((m) => m.kind === 'sms')
    .map((m) => readString(m.payload, 'accountId'))
    .filter((id): id is string => id !== undefined);
  const usernames = await findUsernames(deps.db, [...new Set(smsAccountIds)]);

  return {
    generatedAt: now.toISOString(),
    totals,
    groups: [...byGroup].map(([group, c]) => ({ group, ...c })),
    stuck: stuck.rows.map((row) => ({
      username: row.username,
      group: row.group,
      number: row.number,
      status: row.status,
      since: row.statusChangedAt.toISOString(),
      hours: Math.floor((now.getTime() - row.statusChangedAt.getTime()) / 3_600_000),
    })),
    stuckTotal: stuck.total,
    stuckAfterHours: Math.round(stuckAfterMs / 3_600_000),
    recentChanges: recent.map((entry) => ({
      at: entry.at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subjectName,
    })),
    failedDeliveries: failed.map((message) => ({
      id: message.id,
      kind: message.kind,
      what: describeDelivery(message.kind, message.payload, usernames),
      error: message.lastError ?? 'unknown error',
      at: (message.doneAt ?? message.createdAt).toISOString(),
    })),
    failedTotal,
  };
}

function emptyCounts(): StatusCounts {
  return {
    total: 0,
    enabled: 0,
    disabled: 0,
    byStatus: Object.fromEntries(ACCOUNT_STATUSES.map((s) => [s, 0])) as Record<
      AccountStatus,
      number
    >,
  };
}

/** A line a manager understands for a failed outbox row, from whatever its payload holds. */
function describeDelivery(
  kind: 'notify' | 'sms',
  payload: unknown,
  usernames: Map<string, string>,
): string {
  if (kind === 'sms') {
    const accountId = readString(payload, 'accountId');
    const username = accountId ? usernames.get(accountId) : undefined;
    const to = readString(payload, 'to') ?? 'unknown number';
    return `SMS to ${to}${username ? ` for account ${username}` : ''}`;
  }
  const event = readString(payload, 'event') ?? 'change';
  const account = (payload as { account?: unknown } | null)?.account;
  const username = readString(account, 'username');
  return `notification ${event.replace(/^account\./, '').replace(/_/g, ' ')}${username ? ` of account ${username}` : ''}`;
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

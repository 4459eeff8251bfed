import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { executePreparedRows } from '../execute.ts';
import {
  accounts,
  activationLinks,
  groups,
  linkLookupFailures,
  provisioningProfiles,
} from '../schema/index.ts';
import type { BrandingRow } from './branding.ts';
import { findRow } from './first-row.ts';
import type { LookupWindow } from './link-lookup-failures.ts';

export type ActivationLinkRow = typeof activationLinks.$inferSelect;

export function findLinkByTokenHash(db: Database, tokenHash: string) {
  return findRow(db, activationLinks, eq(activationLinks.tokenHash, tokenHash));
}

export function findLinkById(db: Database, id: string) {
  return findRow(db, activationLinks, eq(activationLinks.id, id));
}

/** Kills every live activation link of an account, or of many (disable, revoke keys, a newer link). */
export async function revokeLiveLinks(
  tx: Database,
  accountIds: string | readonly string[],
  at: Date,
): Promise<void> {
  await tx
    .update(activationLinks)
    .set({ revokedAt: at })
    .where(
      and(
        typeof accountIds === 'string'
          ? eq(activationLinks.accountId, accountIds)
          : inArray(activationLinks.accountId, [...accountIds]),
        isNull(activationLinks.spentAt),
        isNull(activationLinks.revokedAt),
      ),
    );
}

/** The link row locked for a change (activation spends it; a fetch moves the account). */
export async function lockLink(db: Database, id: string): Promise<ActivationLinkRow | undefined> {
  const [row] = await db
    .select()
    .from(activationLinks)
    .where(eq(activationLinks.id, id))
    .for('update');
  return row;
}

export type LinkPageRow = {
  link: ActivationLinkRow;
  status: (typeof accounts.$inferSelect)['status'];
  /** The account's own profile, else its group's, else null. */
  profile:
    | (BrandingRow & {
        iosUrl: string | null;
        androidUrl: string | null;
        appScheme: string;
        appLink: string;
      })
    | null;
};

type LinkPageSqlRow = {
  id: string;
  account_id: string;
  token_hash: string;
  kind: ActivationLinkRow['kind'];
  created_at: Date | string;
  expires_at: Date | string;
  spent_at: Date | string | null;
  revoked_at: Date | string | null;
  status: LinkPageRow['status'];
  brand: string | null;
  ios_url: string | null;
  android_url: string | null;
  app_scheme: string | null;
  app_link: string | null;
  profile_id: string | null;
  accent_color: string | null;
  support_contact: string | null;
  time_zone: string | null;
  logo_sha256: string | null;
};

const toDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));

/**
 * A link with just what the mobile page shows, and the failed look-ups of the client's address in
 * the current window, in one plain query: the page is what phones and link previews hit, and
 * loading the whole account through the ORM, or a second statement, costs it a good part more.
 */
export async function findLinkForPage(
  db: Database,
  tokenHash: string,
  window: LookupWindow,
): Promise<{ found: LinkPageRow | undefined; failures: number }> {
  const [row] = await executePreparedRows<{ failures: number } & (LinkPageSqlRow | { id: null })>(
    db,
    'sipops_find_link_for_page',
    sql`select f.failures, l.id, l.account_id, l.token_hash, l.kind, l.created_at, l.expires_at,
        l.spent_at, l.revoked_at, a.status, p.brand, p.ios_url, p.android_url, p.app_scheme,
        p.app_link, p.id as profile_id, p.accent_color, p.support_contact, p.time_zone, p.logo_sha256
      from (select coalesce((select failures from ${linkLookupFailures}
          where client_address = ${window.clientAddress}
            and window_start = ${window.windowStart.toISOString()}), 0)::int as failures) f
      left join (${activationLinks} l
        join ${accounts} a on a.id = l.account_id
        join ${groups} g on g.id = a.group_id
        left join ${provisioningProfiles} p on p.id = coalesce(a.profile_id, g.profile_id))
      on l.token_hash = ${tokenHash}`,
  );
  const failures = Number(row?.failures ?? 0);
  if (!row || row.id === null) return { found: undefined, failures };
  return {
    failures,
    found: {
      link: {
        id: row.id,
        accountId: row.account_id,
        tokenHash: row.token_hash,
        kind: row.kind,
        createdAt: toDate(row.created_at),
        expiresAt: toDate(row.expires_at),
        spentAt: row.spent_at === null ? null : toDate(row.spent_at),
        revokedAt: row.revoked_at === null ? null : toDate(row.revoked_at),
      },
      status: row.status,
      profile:
        row.brand !== null && row.app_scheme !== null && row.profile_id !== null
          ? {
              id: row.profile_id,
              brand: row.brand,
              accentColor: row.accent_color,
              supportContact: row.support_contact,
              timeZone: row.time_zone ?? 'UTC',
              logoSha256: row.logo_sha256,
              iosUrl: row.ios_url,
              androidUrl: row.android_url,
              appScheme: row.app_scheme,
              appLink: row.app_link ?? '{scheme}://provision?url={url_encoded}',
            }
          : null,
    },
  };
}

/** Marks a link used: it opens no page any more. */
export async function spendLink(tx: Database, id: string, at: Date): Promise<void> {
  await tx.update(activationLinks).set({ spentAt: at }).where(eq(activationLinks.id, id));
}

/** Inserts links (activation SMS, one or a batch's); the id each account's link was given. */
export function insertLinks(
  tx: Database,
  rows: readonly (typeof activationLinks.$inferInsert)[],
): Promise<{ id: string; accountId: string }[]> {
  return tx
    .insert(activationLinks)
    .values([...rows])
    .returning({ id: activationLinks.id, accountId: activationLinks.accountId });
}

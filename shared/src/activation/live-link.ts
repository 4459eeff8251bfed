import type { Database } from '@sipops/db/client';
import {
  type AccountRecord,
  type ActivationLinkRow,
  countLinkLookupFailures,
  findAccountById,
  findLinkByTokenHash,
  type LookupWindow,
  lockAccountRow,
  lockLink,
} from '@sipops/db/queries';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { hashLinkToken, isWellFormedToken } from './activation-link.ts';
import { countLookupFailure, isOverLookupLimit, lookupWindow } from './lookup-limit.ts';

/** How a phone reaches a link: the token it holds and the address it comes from. */
export type LinkAccess = { token: string; clientAddress: string };

export type LiveLink = { link: ActivationLinkRow; record: AccountRecord };

/** Unknown, expired, spent and revoked links get this one answer, so none can be told apart. */
export function deadLinkError(): AppError {
  return new AppError(
    'LINK_EXPIRED',
    'this link is not valid any more: ask support for a new one',
    {
      field: 'token',
    },
  );
}

export function isLinkLive(link: ActivationLinkRow, at: Date): boolean {
  return !link.spentAt && !link.revokedAt && link.expiresAt.getTime() > at.getTime();
}

/** What a finder answers: the link (and what it needs with it), and the address's failures. */
export type LinkFinder<T> = (
  db: Database,
  tokenHash: string,
  window: LookupWindow,
) => Promise<{ found: T | undefined; failures: number }>;

/**
 * The guarded look-up every use of a token goes through, outside any transaction so that a
 * failure is counted against the client's address even when the caller's work is rolled back.
 * Over the limit, every look-up from that address is refused, good token or not. The finder
 * reads the address's failures with the link (the page does both in one query).
 */
export async function lookUpLink<T extends { link: ActivationLinkRow }>(
  deps: Deps,
  access: LinkAccess,
  find: LinkFinder<T>,
): Promise<T> {
  const now = deps.clock.now();
  const window = lookupWindow(access.clientAddress, now);
  const { found, failures } = isWellFormedToken(access.token)
    ? await find(deps.db, hashLinkToken(access.token), window)
    : { found: undefined, failures: await countLinkLookupFailures(deps.db, window) };
  if (isOverLookupLimit(failures)) {
    throw new AppError(
      'TOO_MANY_ATTEMPTS',
      'too many attempts with links that are not valid: try again later',
      { field: 'token' },
    );
  }
  if (!found || !isLinkLive(found.link, now)) {
    await countLookupFailure(deps.db, window, now);
    throw deadLinkError();
  }
  return found;
}

/** A live link and its whole account, for the changes made through it. */
export function findLiveLink(deps: Deps, access: LinkAccess): Promise<LiveLink> {
  return lookUpLink(deps, access, async (db, tokenHash, window) => {
    const [failures, link] = await Promise.all([
      countLinkLookupFailures(db, window),
      findLinkByTokenHash(db, tokenHash),
    ]);
    const record = link ? await findAccountById(db, link.accountId) : undefined;
    return { found: link && record ? { link, record } : undefined, failures };
  });
}

/**
 * The same link and account locked inside a change's transaction, checked again: a link spent or
 * revoked meanwhile (a double-pressed Activate) is dead now.
 */
export async function lockLiveLink(tx: Database, deps: Deps, found: LiveLink): Promise<LiveLink> {
  const link = await lockLink(tx, found.link.id);
  if (!link || !isLinkLive(link, deps.clock.now())) throw deadLinkError();
  await lockAccountRow(tx, link.accountId);
  const record = await findAccountById(tx, link.accountId);
  if (!record) throw deadLinkError();
  return { link, record };
}

import { findAccountById, findLinkByTokenHash } from '@sipops/db/queries';
import { activationLinks } from '@sipops/db/schema';
import { eq } from 'drizzle-orm';
import { nextStatus } from '../account-lifecycle.ts';
import type { AccountView } from '../account-view.ts';
import { hashLinkToken, isWellFormedToken } from '../activation/activation-link.ts';
import {
  deadLinkError,
  findLiveLink,
  type LinkAccess,
  lockLiveLink,
} from '../activation/live-link.ts';
import type { ActivationDeps } from '../deps.ts';
import { isAppError } from '../errors.ts';
import { updateAccount } from '../update-account.ts';

/** A second press within this time of the first (a double tap) still lands on the done page. */
const REPEAT_PRESS_MS = 2 * 60_000;

export type ActivateAccountResult = {
  /** The activated account; null for a repeated press, which changes nothing. */
  account: AccountView | null;
  isRepeat: boolean;
};

/**
 * The Activate button: the account becomes `activated` and enabled, and the link is spent. Only
 * after the app fetched its settings: the state machine refuses it before.
 */
export async function activateAccount(
  deps: ActivationDeps,
  access: LinkAccess,
): Promise<ActivateAccountResult> {
  if (await isRepeatPress(deps, access)) return { account: null, isRepeat: true };
  const found = await findLiveLink(deps, access);
  try {
    return await deps.db.transaction(async (tx) => {
      const { link, record } = await lockLiveLink(tx, deps, found);
      // Staff stopped it: no link brings it back, only staff's enable.
      if (record.account.disabledAt) throw deadLinkError();
      const status = nextStatus(record.account.status, 'activated');
      const now = deps.clock.now();
      await tx.update(activationLinks).set({ spentAt: now }).where(eq(activationLinks.id, link.id));
      const account = await updateAccount(deps, tx, record, {
        event: 'account.status_changed',
        actor: `web:${access.clientAddress}`,
        set: { status, statusChangedAt: now, enabled: true },
      });
      return { account, isRepeat: false };
    });
  } catch (error) {
    // Pressed at the same time as another press that won the lock: the same done page.
    if (isAppError(error) && error.code === 'LINK_EXPIRED' && (await isRepeatPress(deps, access)))
      return { account: null, isRepeat: true };
    throw error;
  }
}

/** Only Activate spends a link: one spent moments ago, on an enabled account, is a double tap. */
async function isRepeatPress(deps: ActivationDeps, access: LinkAccess): Promise<boolean> {
  if (!isWellFormedToken(access.token)) return false;
  const link = await findLinkByTokenHash(deps.db, hashLinkToken(access.token));
  if (!link?.spentAt || link.revokedAt) return false;
  if (deps.clock.now().getTime() - link.spentAt.getTime() > REPEAT_PRESS_MS) return false;
  const record = await findAccountById(deps.db, link.accountId);
  return record?.account.enabled === true;
}

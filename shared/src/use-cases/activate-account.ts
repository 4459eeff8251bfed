import {
  type AccountRecord,
  findAccountById,
  findLinkByTokenHash,
  spendLink,
} from '@sipops/db/queries';
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
  /** The account's profile, whose branding the done page shows. */
  profileId: string | null;
};

/**
 * The Activate button: the account becomes `activated` and enabled, and the link is spent. Only
 * after the app fetched its settings: the state machine refuses it before.
 */
export async function activateAccount(
  deps: ActivationDeps,
  access: LinkAccess,
): Promise<ActivateAccountResult> {
  const repeat = await findRepeatPress(deps, access);
  if (repeat) return { account: null, isRepeat: true, profileId: repeat.profile?.id ?? null };
  const found = await findLiveLink(deps, access);
  try {
    return await deps.db.transaction(async (tx) => {
      const { link, record } = await lockLiveLink(tx, deps, found);
      // Staff stopped it: no link brings it back, only staff's enable.
      if (record.account.disabledAt) throw deadLinkError();
      const status = nextStatus(record.account.status, 'activated');
      const now = deps.clock.now();
      await spendLink(tx, link.id, now);
      const account = await updateAccount(deps, tx, record, {
        event: 'account.status_changed',
        actor: `web:${access.clientAddress}`,
        set: { status, statusChangedAt: now, enabled: true },
      });
      return { account, isRepeat: false, profileId: record.profile?.id ?? null };
    });
  } catch (error) {
    // Pressed at the same time as another press that won the lock: the same done page.
    const winner =
      isAppError(error) && error.code === 'LINK_EXPIRED'
        ? await findRepeatPress(deps, access)
        : undefined;
    if (winner) return { account: null, isRepeat: true, profileId: winner.profile?.id ?? null };
    throw error;
  }
}

/** Only Activate spends a link: one spent moments ago, on an enabled account, is a double tap. */
async function findRepeatPress(
  deps: ActivationDeps,
  access: LinkAccess,
): Promise<AccountRecord | undefined> {
  if (!isWellFormedToken(access.token)) return undefined;
  const link = await findLinkByTokenHash(deps.db, hashLinkToken(access.token));
  if (!link?.spentAt || link.revokedAt) return undefined;
  if (deps.clock.now().getTime() - link.spentAt.getTime() > REPEAT_PRESS_MS) return undefined;
  const record = await findAccountById(deps.db, link.accountId);
  return record?.account.enabled === true ? record : undefined;
}

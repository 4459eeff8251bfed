import { ACCOUNT_STATUSES } from '@sipops/db/schema';
import { AppError } from './errors.ts';

export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
export { ACCOUNT_STATUSES };

/** What can happen to an account on its way to activation. */
export type LifecycleEvent =
  | 'installation_sms_sent'
  | 'provisioning_fetched'
  | 'activation_sms_sent'
  | 'activated';

/**
 * The one table of the automatic activation. A new installation link may be sent at any point
 * (it replaces the previous one and restarts the flow, as after a revocation of keys); the app's
 * fetch installs; the reminder needs an installed app; Activate needs the app to have fetched
 * its document, since activating an unprovisioned client leaves the user with nothing that works.
 */
const TRANSITIONS: Record<LifecycleEvent, Partial<Record<AccountStatus, AccountStatus>>> = {
  installation_sms_sent: {
    created: 'installation_sms_sent',
    installation_sms_sent: 'installation_sms_sent',
    installed: 'installation_sms_sent',
    activation_sms_sent: 'installation_sms_sent',
    activated: 'installation_sms_sent',
  },
  provisioning_fetched: {
    installation_sms_sent: 'installed',
    installed: 'installed',
    activation_sms_sent: 'activation_sms_sent',
    activated: 'activated',
  },
  activation_sms_sent: {
    installed: 'activation_sms_sent',
    activation_sms_sent: 'activation_sms_sent',
  },
  activated: {
    installed: 'activated',
    activation_sms_sent: 'activated',
  },
};

const REFUSALS: Record<LifecycleEvent, string> = {
  installation_sms_sent: 'an installation link cannot be sent now',
  provisioning_fetched: 'the account has no installation link to fetch',
  activation_sms_sent: 'a reminder needs an installed app that has not activated yet',
  activated: 'the app must fetch its settings through the link before activation',
};

export function canTransition(status: AccountStatus, event: LifecycleEvent): boolean {
  return TRANSITIONS[event][status] !== undefined;
}

/** The status after `event`, or INVALID_TRANSITION saying why not. */
export function nextStatus(status: AccountStatus, event: LifecycleEvent): AccountStatus {
  const next = TRANSITIONS[event][status];
  if (!next) {
    throw new AppError('INVALID_TRANSITION', `${REFUSALS[event]} (status is ${status})`, {
      field: 'status',
    });
  }
  return next;
}

export function isAccountStatus(value: string): value is AccountStatus {
  return (ACCOUNT_STATUSES as readonly string[]).includes(value);
}

/**
 * A disabled account may get an activation link only while it waits for its first activation
 * (a wizard account is disabled until then) and staff have not disabled it. Any other was,
 * and the link's Activate would enable it behind their back: they enable it first.
 */
export function canGetLinkWhileDisabled(account: {
  createdVia: 'wizard' | 'plain';
  status: AccountStatus;
  disabledAt: Date | null;
}): boolean {
  return account.createdVia === 'wizard' && account.status !== 'activated' && !account.disabledAt;
}

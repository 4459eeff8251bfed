import { nextStatus } from '../account-lifecycle.ts';
import type { SecurityModel } from '../account-schemas.ts';
import { activationPageUrl, provisioningUrl } from '../activation/activation-link.ts';
import { findLiveLink, type LinkAccess, lockLiveLink } from '../activation/live-link.ts';
import { decryptSecret } from '../credentials.ts';
import type { ActivationDeps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { readKeepAliveInterval } from '../settings.ts';
import { updateAccount } from '../update-account.ts';

/** Everything a client needs to register and call; handed out only through a live link. */
export type ProvisioningDocument = {
  version: 1;
  account: {
    username: string;
    /** The clear password; absent when the profile hands out only the HA1. */
    password?: string;
    /** MD5(username:realm:password), what the registrar checks: enough to register, not to read. */
    ha1: string;
    /** The virtual number, shown as caller id. */
    number: string;
    realm: string;
  };
  sip: {
    host: string;
    port: number;
    transport: 'tls' | 'tcp' | 'udp';
    /** Seconds a registration lasts before the phone registers again. */
    registrationExpires: number;
  };
  security: {
    model: SecurityModel;
    obfuscation: { enabled: boolean; key: number };
  };
  keepAlive: { enabled: boolean; intervalSeconds: number };
  profile: {
    name: string;
    brand: string;
    appScheme: string;
    /** Whether the clear password is handed out, or only its HA1. */
    credentials: 'password' | 'ha1';
    iosUrl: string | null;
    androidUrl: string | null;
  };
  /** Where the app goes next: the page with the Activate button, and where to upload its key. */
  links: { activate: string; registerKey: string };
};

/**
 * The app's fetch of its settings (as JSON, or as Linphone's XML: the same document). The first successful one moves the account to `installed`;
 * the link stays valid for the Activate button (and for fetching again).
 */
export async function fetchProvisioning(
  deps: ActivationDeps,
  access: LinkAccess,
): Promise<ProvisioningDocument> {
  const found = await findLiveLink(deps, access);
  return deps.db.transaction(async (tx) => {
    const { record } = await lockLiveLink(tx, deps, found);
    const { account, profile } = record;
    if (account.type !== 'pgsm' || !profile) {
      throw new AppError('NOT_ALLOWED', 'the account cannot be provisioned automatically', {
        field: 'account',
      });
    }
    const status = nextStatus(account.status, 'provisioning_fetched');
    if (status !== account.status) {
      const now = deps.clock.now();
      await updateAccount(deps, tx, record, {
        event: 'account.status_changed',
        actor: `web:${access.clientAddress}`,
        set: { status, statusChangedAt: now },
      });
    }
    const pageUrl = activationPageUrl(deps.publicBaseUrl, access.token);
    return {
      version: 1,
      account: {
        username: account.username,
        ...(profile.credentials === 'password'
          ? { password: decryptSecret(deps.secretKey, account.passwordEncrypted) }
          : {}),
        ha1: account.sipHa1,
        number: account.number,
        // The realm its HA1 was made with, which the registrar challenges with.
        realm: account.sipHa1Realm,
      },
      sip: {
        host: profile.sipHost,
        port: profile.sipPort,
        transport: profile.transport,
        registrationExpires: profile.registrationExpires,
      },
      security: {
        // The pgsm check constraint guarantees these columns for PGSM accounts.
        model: account.securityModel ?? 'end-to-site',
        obfuscation: { enabled: account.obfuscation ?? true, key: account.obfuscationKey ?? 9 },
      },
      keepAlive: {
        enabled: account.keepAlive ?? false,
        intervalSeconds: await readKeepAliveInterval(tx),
      },
      profile: {
        name: profile.name,
        brand: profile.brand,
        appScheme: profile.appScheme,
        credentials: profile.credentials,
        iosUrl: profile.iosUrl,
        androidUrl: profile.androidUrl,
      },
      links: {
        activate: pageUrl,
        registerKey: `${provisioningUrl(deps.publicBaseUrl, access.token)}/key`,
      },
    };
  });
}

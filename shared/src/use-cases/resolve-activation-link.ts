import { findLinkForPage } from '@sipops/db/queries';
import { canTransition } from '../account-lifecycle.ts';
import {
  activationPageUrl,
  type LinkKind,
  provisioningUrl,
} from '../activation/activation-link.ts';
import { type LinkAccess, lookUpLink } from '../activation/live-link.ts';
import { type PageBranding, toPageBranding } from '../branding/page-branding.ts';
import type { ActivationDeps } from '../deps.ts';

/** What the mobile page needs to show a live link; nothing secret. */
export type ActivationLinkView = {
  kind: LinkKind;
  branding: PageBranding;
  iosUrl: string | null;
  androidUrl: string | null;
  appScheme: string;
  pageUrl: string;
  provisioningUrl: string;
  /** The app fetched its settings: the Activate button can finish the flow. */
  canActivate: boolean;
  expiresAt: string;
};

/**
 * Reads a link for the mobile page. It changes nothing (link previews open it too), except
 * counting a failed look-up against the client's address.
 */
export async function resolveActivationLink(
  deps: ActivationDeps,
  access: LinkAccess,
): Promise<ActivationLinkView> {
  // One lean query: this is what phones and link previews hit.
  const { link, status, profile } = await lookUpLink(deps, access, findLinkForPage);
  // The profile may have been unset since the link was sent: the page falls back to defaults.
  return {
    kind: link.kind,
    branding: toPageBranding(profile),
    iosUrl: profile?.iosUrl ?? null,
    androidUrl: profile?.androidUrl ?? null,
    appScheme: profile?.appScheme ?? 'sipops',
    pageUrl: activationPageUrl(deps.publicBaseUrl, access.token),
    provisioningUrl: provisioningUrl(deps.publicBaseUrl, access.token),
    canActivate: canTransition(status, 'activated'),
    expiresAt: link.expiresAt.toISOString(),
  };
}

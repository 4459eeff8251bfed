import { findLinkForPage } from '@sipops/db/queries';
import { canTransition } from '../account-lifecycle.ts';
import {
  activationPageUrl,
  type LinkKind,
  linphoneXmlUrl,
  provisioningUrl,
} from '../activation/activation-link.ts';
import { type LinkAccess, lookUpLink } from '../activation/live-link.ts';
import { DEFAULT_APP_LINK, renderAppLink } from '../app-link.ts';
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
  /** Linphone's XML of the same document. */
  linphoneXmlUrl: string;
  /** The "open in the app" link, from the profile's template. */
  openInAppUrl: string;
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
  const urls = {
    scheme: profile?.appScheme ?? 'sipops',
    url: provisioningUrl(deps.publicBaseUrl, access.token),
    xmlUrl: linphoneXmlUrl(deps.publicBaseUrl, access.token),
  };
  return {
    kind: link.kind,
    branding: toPageBranding(profile),
    iosUrl: profile?.iosUrl ?? null,
    androidUrl: profile?.androidUrl ?? null,
    appScheme: profile?.appScheme ?? 'sipops',
    pageUrl: activationPageUrl(deps.publicBaseUrl, access.token),
    provisioningUrl: urls.url,
    linphoneXmlUrl: urls.xmlUrl,
    // A template is checked when saved; one that still renders an unsafe link gets the default.
    openInAppUrl:
      renderAppLink(profile?.appLink ?? DEFAULT_APP_LINK, urls) ??
      renderAppLink(DEFAULT_APP_LINK, urls) ??
      '',
    canActivate: canTransition(status, 'activated'),
    expiresAt: link.expiresAt.toISOString(),
  };
}

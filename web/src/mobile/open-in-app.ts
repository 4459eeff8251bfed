import type { ActivationLinkView } from '@sipops/shared/use-cases/resolve-activation-link';

/** The "open in the app" link: hands the provisioning link to the installed app, per the profile. */
export function openInAppUrl(link: ActivationLinkView): string {
  return link.openInAppUrl;
}

import { findBrandingById, findDefaultBranding } from '@sipops/db/queries';
import { type PageBranding, toPageBranding } from '../branding/page-branding.ts';
import type { Deps } from '../deps.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The branding of a page that has no live link: the done page names its profile; a dead link
 * gets the default one (the same for unknown, expired and spent links, so none can be told apart).
 */
export async function findPageBranding(
  deps: Deps,
  input: { profileId?: string | null },
): Promise<PageBranding> {
  const byId =
    input.profileId && UUID.test(input.profileId)
      ? await findBrandingById(deps.db, input.profileId)
      : undefined;
  return toPageBranding(byId ?? (await findDefaultBranding(deps.db)));
}

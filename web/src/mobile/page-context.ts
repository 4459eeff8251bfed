import { type PageBranding, UNBRANDED } from '@sipops/shared/branding/page-branding';
import { findPageBranding } from '@sipops/shared/use-cases/find-page-branding';
import { getWebRuntime } from '../runtime.ts';
import type { PageContext } from './layout.tsx';
import { languageLinks, localeOf } from './respond.ts';

export function pageContext(
  request: Request,
  branding: PageBranding,
  keep: string[] = [],
): PageContext {
  return { locale: localeOf(request), branding, hrefFor: languageLinks(request, keep) };
}

/**
 * A page without a live link to say whose it is (a dead link, the done page, `/`): the named
 * profile's branding, else the default one; unbranded when even the database fails, so that the
 * page itself still shows.
 */
export async function brandedContext(
  request: Request,
  profileId: string | null = null,
  keep: string[] = [],
): Promise<PageContext> {
  let branding = UNBRANDED;
  try {
    const { deps } = await getWebRuntime();
    branding = await findPageBranding(deps, { profileId });
  } catch (error) {
    console.error(
      `[sipops] page branding: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return pageContext(request, branding, keep);
}

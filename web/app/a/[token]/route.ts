import { isAppError } from '@sipops/shared/errors';
import { activateAccount } from '@sipops/shared/use-cases/activate-account';
import { resolveActivationLink } from '@sipops/shared/use-cases/resolve-activation-link';
import { clientAddress } from '../../../src/client-address.ts';
import { brandedContext, pageContext } from '../../../src/mobile/page-context.ts';
import { renderSetUpPage } from '../../../src/mobile/pages.tsx';
import { detectPlatform } from '../../../src/mobile/platform.ts';
import { localeOf, mobileErrorPage, mobilePage, seeOther } from '../../../src/mobile/respond.ts';
import { getWebRuntime } from '../../../src/runtime.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Context = { params: Promise<{ token: string }> };

/**
 * The page an SMS link opens. GET (and HEAD, which Next answers with GET) only reads: SMS apps
 * and link previews open it too. The page is server HTML with no script at all.
 */
export async function GET(request: Request, { params }: Context): Promise<Response> {
  const { token } = await params;
  const locale = localeOf(request);
  try {
    const { deps } = await getWebRuntime();
    const link = await resolveActivationLink(deps, {
      token,
      clientAddress: clientAddress(request.headers),
    });
    const page = renderSetUpPage({
      context: pageContext(request, link.branding),
      platform: detectPlatform(request.headers.get('user-agent')),
      link,
      actionPath: `/a/${token}?lang=${locale}`,
      isNotReady: new URL(request.url).searchParams.get('notice') === 'not-ready',
    });
    return mobilePage(page, locale);
  } catch (error) {
    return mobileErrorPage(error, await brandedContext(request), 'activation page');
  }
}

/** The Activate button: a plain form POST, so it works with JavaScript off. */
export async function POST(request: Request, { params }: Context): Promise<Response> {
  const { token } = await params;
  const locale = localeOf(request);
  try {
    const { deps } = await getWebRuntime();
    const { profileId } = await activateAccount(deps, {
      token,
      clientAddress: clientAddress(request.headers),
    });
    const query = new URLSearchParams({
      lang: locale,
      ...(profileId ? { profile: profileId } : {}),
    });
    return seeOther(`/a/done?${query}`, locale);
  } catch (error) {
    // Pressed before the app fetched its settings: back to the page, which says what to do.
    if (isAppError(error) && error.code === 'INVALID_TRANSITION')
      return seeOther(`/a/${token}?lang=${locale}&notice=not-ready#activate`, locale);
    return mobileErrorPage(error, await brandedContext(request), 'activate');
  }
}

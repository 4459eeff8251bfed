import { brandedContext } from '../../../src/mobile/page-context.ts';
import { renderDonePage } from '../../../src/mobile/pages.tsx';
import { mobilePage } from '../../../src/mobile/respond.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Where Activate lands: no token in the address any more; the profile only brands the page. */
export async function GET(request: Request): Promise<Response> {
  const profileId = new URL(request.url).searchParams.get('profile');
  const context = await brandedContext(request, profileId, ['profile']);
  return mobilePage(renderDonePage(context), context.locale);
}

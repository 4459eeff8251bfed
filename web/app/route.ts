import { brandedContext } from '../src/mobile/page-context.ts';
import { renderHomePage } from '../src/mobile/pages.tsx';
import { mobilePage } from '../src/mobile/respond.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** `/`: a small page of its own that sends a visitor to their SMS, rather than a bare 404. */
export async function GET(request: Request): Promise<Response> {
  const context = await brandedContext(request);
  return mobilePage(renderHomePage(context), context.locale);
}

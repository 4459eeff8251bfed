import { renderDonePage } from '../../../src/mobile/pages.ts';
import { localeOf, mobilePage } from '../../../src/mobile/respond.ts';

export const dynamic = 'force-dynamic';

/** Where Activate lands: no token in the address any more, nothing to look up. */
export function GET(request: Request): Response {
  const locale = localeOf(request);
  return mobilePage(renderDonePage(locale), locale);
}

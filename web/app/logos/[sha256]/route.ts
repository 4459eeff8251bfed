import { isAppError } from '@sipops/shared/errors';
import { findLogo } from '@sipops/shared/use-cases/find-logo';
import { getWebRuntime } from '../../../src/runtime.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Context = { params: Promise<{ sha256: string }> };

/** A year: the address is the file's hash, so its bytes never change. */
const ONE_YEAR = 365 * 24 * 3600;

/** A profile's logo, served by sipops itself: the pages make no third-party request. */
export async function GET(request: Request, { params }: Context): Promise<Response> {
  const { sha256 } = await params;
  try {
    const { deps } = await getWebRuntime();
    const logo = await findLogo(deps, { sha256 });
    const etag = `"${logo.sha256}"`;
    const headers = {
      'Content-Type': logo.contentType,
      'Cache-Control': `public, max-age=${ONE_YEAR}, immutable`,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
      // An SVG opened on its own runs nothing and loads nothing.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (request.headers.get('if-none-match') === etag)
      return new Response(null, { status: 304, headers });
    return new Response(new Uint8Array(logo.data), { headers });
  } catch (error) {
    const isMissing = isAppError(error) && error.code === 'NOT_FOUND';
    if (!isMissing)
      console.error(`[sipops] logo: ${error instanceof Error ? error.message : String(error)}`);
    return new Response(isMissing ? 'no such logo\n' : 'try again later\n', {
      status: isMissing ? 404 : 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
}

import { toLinphoneXml } from '@sipops/shared/activation/linphone-xml';
import { fetchProvisioning } from '@sipops/shared/use-cases/fetch-provisioning';
import { resolveActivationLink } from '@sipops/shared/use-cases/resolve-activation-link';
import { apiError, PRIVATE_HEADERS } from '../../../../src/api-response.ts';
import { clientAddress } from '../../../../src/client-address.ts';
import { getWebRuntime } from '../../../../src/runtime.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The app's fetch of its settings: JSON, or Linphone's remote-provisioning XML when the request
 * carries `x-linphone-provisioning`. The first fetch moves the account to `installed`.
 */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ token: string }> },
): Promise<Response> {
  const { token } = await params;
  try {
    const { deps } = await getWebRuntime();
    const doc = await fetchProvisioning(deps, {
      token,
      clientAddress: clientAddress(request.headers),
    });
    if (request.headers.has('x-linphone-provisioning')) {
      return new Response(toLinphoneXml(doc), {
        headers: { ...PRIVATE_HEADERS, 'Content-Type': 'application/xml; charset=utf-8' },
      });
    }
    return Response.json(doc, { headers: PRIVATE_HEADERS });
  } catch (error) {
    return apiError(error, 'provisioning');
  }
}

/**
 * HEAD (link checkers, previews) changes nothing: it says whether the link is live, with the
 * headers a GET would have, and no document. Without it Next answers HEAD with GET.
 */
export async function HEAD(
  request: Request,
  { params }: { params: Promise<{ token: string }> },
): Promise<Response> {
  const { token } = await params;
  try {
    const { deps } = await getWebRuntime();
    await resolveActivationLink(deps, { token, clientAddress: clientAddress(request.headers) });
    return new Response(null, {
      headers: { ...PRIVATE_HEADERS, 'Content-Type': 'application/json' },
    });
  } catch (error) {
    const answer = apiError(error, 'provisioning');
    return new Response(null, { status: answer.status, headers: answer.headers });
  }
}

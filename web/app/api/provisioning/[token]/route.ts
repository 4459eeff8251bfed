import { emptyLinphoneXml, toLinphoneXml } from '@sipops/shared/activation/linphone-xml';
import { fetchProvisioning } from '@sipops/shared/use-cases/fetch-provisioning';
import { resolveActivationLink } from '@sipops/shared/use-cases/resolve-activation-link';
import { apiError, describeApiError, PRIVATE_HEADERS } from '../../../../src/api-response.ts';
import { clientAddress } from '../../../../src/client-address.ts';
import {
  type ProvisioningFormat,
  provisioningRequest,
} from '../../../../src/provisioning-format.ts';
import { getWebRuntime } from '../../../../src/runtime.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const CONTENT_TYPES: Record<ProvisioningFormat, string> = {
  json: 'application/json',
  xml: 'application/xml; charset=utf-8',
};

/**
 * A refusal in the client's format: JSON clients get `{ error }`; Linphone gets the same status
 * with an empty configuration it parses, so a spent link leaves its settings alone, and the same
 * message in a comment.
 */
function refusal(error: unknown, format: ProvisioningFormat): Response {
  if (format === 'json') return apiError(error, 'provisioning');
  const { status, headers, error: refused } = describeApiError(error, 'provisioning');
  return new Response(emptyLinphoneXml(refused.message), {
    status,
    headers: { ...headers, 'Content-Type': CONTENT_TYPES.xml },
  });
}

/**
 * The app's fetch of its settings: JSON, or Linphone's remote-provisioning XML at `<token>.xml`
 * (or when asked for XML). The first fetch moves the account to `installed`.
 */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ token: string }> },
): Promise<Response> {
  const { token, format } = provisioningRequest((await params).token, request.headers);
  try {
    const { deps } = await getWebRuntime();
    const doc = await fetchProvisioning(deps, {
      token,
      clientAddress: clientAddress(request.headers),
    });
    if (format === 'xml') {
      return new Response(toLinphoneXml(doc), {
        headers: { ...PRIVATE_HEADERS, 'Content-Type': CONTENT_TYPES.xml },
      });
    }
    return Response.json(doc, { headers: PRIVATE_HEADERS });
  } catch (error) {
    return refusal(error, format);
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
  const { token, format } = provisioningRequest((await params).token, request.headers);
  try {
    const { deps } = await getWebRuntime();
    await resolveActivationLink(deps, { token, clientAddress: clientAddress(request.headers) });
    return new Response(null, {
      headers: { ...PRIVATE_HEADERS, 'Content-Type': CONTENT_TYPES[format] },
    });
  } catch (error) {
    const { status, headers } = describeApiError(error, 'provisioning');
    return new Response(null, {
      status,
      headers: { ...headers, 'Content-Type': CONTENT_TYPES[format] },
    });
  }
}

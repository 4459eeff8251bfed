import { AppError } from '@sipops/shared/errors';
import {
  MAX_PUBLIC_KEY_BYTES,
  registerClientKey,
} from '@sipops/shared/use-cases/register-client-key';
import { apiError, PRIVATE_HEADERS } from '../../../../../src/api-response.ts';
import { clientAddress } from '../../../../../src/client-address.ts';
import { readSmallBody } from '../../../../../src/read-small-body.ts';
import { getWebRuntime } from '../../../../../src/runtime.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The app's TLS public key, as a PEM body (or JSON `{ "publicKey": "…" }`). */
export async function POST(
  request: Request,
  { params }: { params: Promise<{ token: string }> },
): Promise<Response> {
  const { token } = await params;
  try {
    const body = await readSmallBody(request, MAX_PUBLIC_KEY_BYTES + 1024);
    if (body === undefined)
      throw new AppError('VALIDATION', 'is too large for a public key', { field: 'publicKey' });
    const publicKeyPem = request.headers.get('content-type')?.includes('json')
      ? readJsonKey(body)
      : body;
    const { deps } = await getWebRuntime();
    const key = await registerClientKey(deps, {
      token,
      clientAddress: clientAddress(request.headers),
      publicKeyPem,
    });
    return Response.json(key, { status: key.isNew ? 201 : 200, headers: PRIVATE_HEADERS });
  } catch (error) {
    return apiError(error, 'register key');
  }
}

function readJsonKey(body: string): string {
  try {
    const parsed = JSON.parse(body) as { publicKey?: unknown };
    if (typeof parsed.publicKey === 'string') return parsed.publicKey;
  } catch {
    // Refused below like any other wrong body.
  }
  throw new AppError('VALIDATION', 'must be JSON with a publicKey string, or a PEM body', {
    field: 'publicKey',
  });
}

import { recordSmsStatus, smsStatusReportSchema } from '@sipops/shared/use-cases/record-sms-status';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { apiError } from '../../../../src/api-response.ts';
import { readTwilioAuthToken } from '../../../../src/env.ts';
import { readSmallBody } from '../../../../src/read-small-body.ts';
import { getWebRuntime } from '../../../../src/runtime.ts';

/** A delivery report is a dozen short form fields. */
const MAX_REPORT_BYTES = 16 * 1024;

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Twilio's delivery reports. The signature is checked against the public URL Twilio was given
 * (PUBLIC_BASE_URL + path + query), not the one this process sees behind a proxy.
 */
export async function POST(request: Request): Promise<Response> {
  const signature = request.headers.get('x-twilio-signature');
  try {
    const authToken = readTwilioAuthToken();
    const { deps, config } = await getWebRuntime();
    const url = new URL(request.url);
    const body = await readSmallBody(request, MAX_REPORT_BYTES);
    if (body === undefined) return new Response('too large', { status: 413 });
    const params = Object.fromEntries(new URLSearchParams(body));
    const publicUrl = `${config.publicBaseUrl}${url.pathname}${url.search}`;
    if (!authToken || !signature || !validateRequest(authToken, signature, publicUrl, params)) {
      return new Response('bad signature', { status: 403 });
    }
    const parsed = smsStatusReportSchema.safeParse(params);
    // A report we cannot read is acknowledged: Twilio would only send the same again.
    if (!parsed.success) return new Response(null, { status: 204 });
    await recordSmsStatus(deps, {
      report: parsed.data,
      smsId: url.searchParams.get('sms') ?? undefined,
    });
    return new Response(null, { status: 204 });
  } catch (error) {
    return apiError(error, 'twilio status');
  }
}

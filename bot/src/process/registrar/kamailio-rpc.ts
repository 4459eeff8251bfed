import { RetryableError } from '@sipops/shared/outbox/outbox-worker';

export const KAMAILIO_RPC_TIMEOUT_MS = 5000;
/** usrloc's table, as Kamailio's `save("location")` names it. */
export const LOCATION_TABLE = 'location';

type JsonRpcAnswer = { result?: unknown; error?: { code?: number; message?: string } };

/**
 * Removes one AOR's contacts through Kamailio's JSON-RPC (`jsonrpcs` over `xhttp`): `ul.rm`.
 * Nothing registered counts as removed. Anything else that fails is worth another try later.
 */
export async function removeAor(
  rpcUrl: string,
  aor: string,
  timeoutMs = KAMAILIO_RPC_TIMEOUT_MS,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'ul.rm',
        params: [LOCATION_TABLE, aor],
        id: 1,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // No answer: ul.rm may have run; sending it again does no harm.
    throw new RetryableError(
      `Kamailio at ${rpcUrl} did not answer: ${error instanceof Error ? error.message : String(error)}`,
      undefined,
      true,
    );
  }
  const text = await response.text().catch(() => '');
  let answer: JsonRpcAnswer | undefined;
  try {
    answer = JSON.parse(text) as JsonRpcAnswer;
  } catch {
    answer = undefined;
  }
  // jsonrpcs answers a fault with the fault's code as the HTTP status, and the error in the body.
  if (answer?.error) {
    if (isNothingToRemove(answer.error, aor)) return;
    throw new RetryableError(
      `Kamailio refused ul.rm ${aor}: ${answer.error.code ?? response.status} ${answer.error.message ?? ''}`.trim(),
    );
  }
  if (!response.ok || typeof answer !== 'object' || answer === null) {
    throw new RetryableError(
      `Kamailio at ${rpcUrl} answered HTTP ${response.status}: ${text.slice(0, 200) || '(empty)'}`,
    );
  }
}

/** Nothing registered; or a bare name while usrloc wants domains (then the domain form is sent too). */
function isNothingToRemove(error: { code?: number; message?: string }, aor: string): boolean {
  const message = error.message ?? '';
  return (
    error.code === 404 ||
    /not found/i.test(message) ||
    (!aor.includes('@') && /domain missing/i.test(message))
  );
}

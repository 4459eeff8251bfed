import { isAppError } from '@sipops/shared/errors';
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from './http-errors.ts';

/** Headers of the API answers that carry secrets: never cached, indexed or referred. */
export const PRIVATE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Robots-Tag': 'noindex, nofollow',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
} as const;

/** A refusal as JSON `{ error: { code, message, field } }` with its status; anything else a 503. */
export function apiError(error: unknown, where: string): Response {
  if (isAppError(error)) {
    const response = Response.json(
      { error: { code: error.code, message: error.message, field: error.field ?? null } },
      { status: HTTP_STATUS[error.code], headers: PRIVATE_HEADERS },
    );
    if (error.code === 'TOO_MANY_ATTEMPTS')
      response.headers.set('Retry-After', String(RETRY_AFTER_SECONDS));
    return response;
  }
  console.error(`[sipops] ${where}: ${error instanceof Error ? error.message : String(error)}`);
  return Response.json(
    { error: { code: 'UNAVAILABLE', message: 'try again later', field: null } },
    { status: 503, headers: PRIVATE_HEADERS },
  );
}

import { isAppError } from '@sipops/shared/errors';
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from './http-errors.ts';

/** Headers of the API answers that carry secrets: never cached, indexed or referred. */
export const PRIVATE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Robots-Tag': 'noindex, nofollow',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
} as const;

export type ApiRefusal = {
  status: number;
  headers: Record<string, string>;
  error: { code: string; message: string; field: string | null };
};

/** What a refusal says, whatever format carries it; anything not an AppError is a 503. */
export function describeApiError(error: unknown, where: string): ApiRefusal {
  if (isAppError(error)) {
    return {
      status: HTTP_STATUS[error.code],
      headers:
        error.code === 'TOO_MANY_ATTEMPTS'
          ? { ...PRIVATE_HEADERS, 'Retry-After': String(RETRY_AFTER_SECONDS) }
          : { ...PRIVATE_HEADERS },
      error: { code: error.code, message: error.message, field: error.field ?? null },
    };
  }
  console.error(`[sipops] ${where}: ${error instanceof Error ? error.message : String(error)}`);
  return {
    status: 503,
    headers: { ...PRIVATE_HEADERS },
    error: { code: 'UNAVAILABLE', message: 'try again later', field: null },
  };
}

/** A refusal as JSON `{ error: { code, message, field } }` with its status. */
export function apiError(error: unknown, where: string): Response {
  const { status, headers, error: body } = describeApiError(error, where);
  return Response.json({ error: body }, { status, headers });
}

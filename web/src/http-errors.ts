import { LOOKUP_WINDOW_MS } from '@sipops/shared/activation/lookup-limit';
import type { AppErrorCode } from '@sipops/shared/errors';

/** The one table from domain refusals to HTTP statuses for the web app's routes. */
export const HTTP_STATUS: Record<AppErrorCode, number> = {
  VALIDATION: 400,
  INVALID_PHONE: 400,
  NOT_MOBILE: 400,
  INVALID_RULE: 400,
  DUPLICATE_NUMBER: 409,
  DUPLICATE_USERNAME: 409,
  DUPLICATE_NAME: 409,
  // Unknown, expired, spent and revoked links all answer the same.
  NOT_FOUND: 404,
  LINK_EXPIRED: 404,
  AMBIGUOUS: 409,
  FORBIDDEN: 403,
  INVALID_TRANSITION: 409,
  NOT_ALLOWED: 409,
  TOO_MANY_ATTEMPTS: 429,
  CONFLICT: 409,
};

/** How long a client over the look-up limit is told to wait (the limit's window). */
export const RETRY_AFTER_SECONDS = LOOKUP_WINDOW_MS / 1000;

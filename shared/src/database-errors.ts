import type { AppError } from './errors.ts';

type PgErrorLike = {
  code?: string;
  constraint?: string;
  constraint_name?: string;
  detail?: string;
};

/** The Postgres error under a driver's or Drizzle's wrapping, if there is one. */
function findPgError(error: unknown): PgErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (
      typeof current === 'object' &&
      current !== null &&
      typeof (current as PgErrorLike).code === 'string' &&
      /^[0-9A-Z]{5}$/.test((current as PgErrorLike).code ?? '')
    ) {
      return current as PgErrorLike;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Name of the unique constraint a write broke, when it broke one (a race the checks lost). */
export function uniqueViolation(error: unknown): string | undefined {
  const pg = findPgError(error);
  if (pg?.code !== '23505') return undefined;
  return pg.constraint ?? pg.constraint_name ?? 'unknown';
}

/** Maps a lost race on a unique key to the refusal the up-front check would have given. */
export function rethrowUniqueViolation(error: unknown, messages: Record<string, AppError>): never {
  const constraint = uniqueViolation(error);
  if (constraint) {
    const mapped = messages[constraint];
    if (mapped) throw mapped;
  }
  throw error;
}

/** What went wrong underneath Drizzle's "Failed query" wrapping (`connect ECONNREFUSED …`). */
export function describeDatabaseError(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    message = current.message;
    current = current.cause;
  }
  return message;
}

const CONNECTION_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name cannot be resolved now',
  ETIMEDOUT: 'the connection timed out',
  CONNECT_TIMEOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
  '28P01': 'password authentication failed',
  '28000': 'the server refused this user',
  '3D000': 'the database does not exist',
  '57P03': 'the server is starting up or shutting down',
};

/**
 * Why a database could not be opened at start, naming DATABASE_URL and where it points (never
 * its password), in place of Drizzle's "Failed query: CREATE SCHEMA …".
 */
export function describeOpenError(url: string, error: unknown): string {
  let where = 'an unreadable URL';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    // Described as unreadable.
  }
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    const cause = typeof code === 'string' ? CONNECTION_CAUSES[code] : undefined;
    if (cause) return `cannot reach the database at DATABASE_URL (${where}): ${cause}`;
    current = current.cause;
  }
  return `the database at DATABASE_URL (${where}) failed at start: ${describeDatabaseError(error)}`;
}

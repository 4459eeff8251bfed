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

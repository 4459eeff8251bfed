import { embeddedDataDirOf } from '@sipops/shared/config/data-dir';

/**
 * The terminal's first question, whether a running server takes its command, needs only where
 * the embedded database is: read here, apart from env.ts, whose schemas take a tenth of a second
 * to load. Undefined on Postgres (DATABASE_URL set).
 */
export function readEmbeddedDataDirEnv(): string | undefined {
  return embeddedDataDirOf(process.env);
}

import {
  finishImportSmsProgress,
  type ImportSmsCounts,
  listImportSmsCounts,
  markImportSmsPosting,
  setImportSmsMessage,
} from '@sipops/db/queries';
import type { Deps } from '../deps.ts';

/** How the activation SMS of one batch import go out, and where that is reported. */
export type ImportSmsProgress = ImportSmsCounts & {
  /** Nothing left waiting: this is the last report of the import. */
  isDone: boolean;
};

/**
 * The batch imports whose queued activation SMS are still followed (some waiting, or the last
 * report not made yet), oldest first, each with its SMS counted by outbox state.
 */
export async function listImportSmsProgress(deps: Pick<Deps, 'db'>): Promise<ImportSmsProgress[]> {
  const rows = await listImportSmsCounts(deps.db);
  return rows.map((row) => ({ ...row, isDone: row.waiting === 0 }));
}

/** The progress message was posted there: later reports update it. */
export async function recordImportSmsMessage(
  deps: Pick<Deps, 'db'>,
  importId: string,
  message: { channel: string; ts: string },
): Promise<void> {
  await setImportSmsMessage(deps.db, importId, message);
}

/** A first post is about to be tried: whoever leads after a crash looks for it before posting. */
export async function recordImportSmsPosting(
  deps: Pick<Deps, 'db' | 'clock'>,
  importId: string,
): Promise<void> {
  await markImportSmsPosting(deps.db, importId, deps.clock.now());
}

/** The last report was made (or there is nowhere to make it): the import is no longer followed. */
export async function finishImportSms(
  deps: Pick<Deps, 'db' | 'clock'>,
  importId: string,
): Promise<void> {
  await finishImportSmsProgress(deps.db, importId, deps.clock.now());
}

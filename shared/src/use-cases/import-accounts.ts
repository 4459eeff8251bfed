import { createHash } from 'node:crypto';
import type { Database } from '@sipops/db/client';
import { claimImport, findImport, readerBeside, setImportCounts } from '@sipops/db/queries';
import { z } from 'zod';
import { AccountWriter } from '../account-writer.ts';
import { type GroupScope, isGroupInScope } from '../authorize.ts';
import {
  BatchChecker,
  type BatchSummary,
  type CsvSource,
  type ProgressListener,
} from '../batch/check-batch.ts';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { recordAccountsImported } from '../record-changes-bulk.ts';
import { parseInput } from '../validation.ts';

/** A unique key of the file's values violated at insert: taken by another account since the check. */
const TAKEN_MEANWHILE = {
  accounts_username_unique: new AppError(
    'DUPLICATE_USERNAME',
    'a username of the file was taken by another account a moment ago: check the file again',
    { field: 'username' },
  ),
  virtual_numbers_pkey: new AppError(
    'DUPLICATE_NUMBER',
    'a number of the file was taken by another account a moment ago: check the file again',
    { field: 'number' },
  ),
};

export const importIdSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters');

export type ImportAccountsInput = {
  source: CsvSource;
  /**
   * The idempotency key: a second import with the same id returns the first one's result and
   * writes nothing (a retried or double-clicked confirmation). See deriveImportId.
   */
  importId: string;
  /** Queue the activation SMS of the wizard rows not yet activated. */
  isSmsRequested: boolean;
  /**
   * Where to report how the queued SMS go out, opaque here (the Slack channel of the import's
   * status message); none: the default notification channel, if there is one.
   */
  smsProgressChannel?: string | undefined;
};

/** Queues the activation SMS of these new accounts, inside the import's transaction. */
export type QueueActivationSms = (
  tx: Database,
  accountIds: string[],
  importId: string,
) => Promise<void>;

export type ImportAccountsOptions = {
  onProgress?: ProgressListener | undefined;
  /** Undefined while no SMS sender is wired: an import asking for SMS is then refused. */
  queueActivationSms?: QueueActivationSms | undefined;
  /** The groups the person importing may change; a row of another group refuses the import. */
  scope?: GroupScope | undefined;
};

export type ImportAccountsResult =
  | { outcome: 'imported'; imported: number; smsQueued: number; summary: BatchSummary }
  /** The id was imported before: nothing done, the first import's figures. */
  | { outcome: 'repeated'; imported: number; importedAt: Date; actor: Actor }
  /** The file has errors: nothing written. */
  | { outcome: 'refused'; summary: BatchSummary };

/** Refuses an import that asks for SMS where nothing can queue them. */
export function assertSmsQueuing(
  isSmsRequested: boolean,
  queueActivationSms: QueueActivationSms | undefined,
): void {
  if (isSmsRequested && !queueActivationSms) {
    throw new AppError(
      'NOT_ALLOWED',
      'queuing activation SMS is not available yet: import without it and send the SMS later',
    );
  }
}

/** The import id of a file: the same bytes with the same options are the same import. */
export async function deriveImportId(
  source: CsvSource,
  options: { isSmsRequested: boolean },
): Promise<string> {
  const hash = createHash('sha256');
  if (typeof source === 'string' || source instanceof Uint8Array) hash.update(source);
  else for await (const chunk of source) hash.update(chunk);
  hash.update(`\0sms=${options.isSmsRequested ? 'yes' : 'no'}`);
  return `sha256:${hash.digest('hex')}`;
}

/** Thrown inside the transaction to roll it back; carries what the caller is told. */
class RefusedBatch extends Error {
  constructor(readonly summary: BatchSummary) {
    super('the batch has errors');
  }
}

/**
 * The batch way: in one transaction, the file is read and checked row by row with the same
 * rules as a single creation, and its accounts are written in chunks as it goes (their numbers,
 * their audit rows), then one channel notification a group. All or nothing: an error anywhere in
 * the file, a number taken a moment ago or a killed process rolls everything back.
 */
export async function importAccounts(
  deps: Deps,
  actor: Actor,
  input: ImportAccountsInput,
  options: ImportAccountsOptions = {},
): Promise<ImportAccountsResult> {
  // Parsed as a field, so that a refusal names it (the terminal's --import-id).
  const { importId } = parseInput(z.object({ importId: importIdSchema }), {
    importId: input.importId,
  });
  assertSmsQueuing(input.isSmsRequested, options.queueActivationSms);
  try {
    return await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      // Claimed first: a second confirmation of the same import waits here for this one to end.
      const claimed = await claimImport(tx, {
        id: importId,
        actor,
        at: now,
        smsProgressChannel: input.smsProgressChannel ?? null,
      });
      if (!claimed) {
        const first = await findImport(tx, { id: importId });
        if (!first) throw new Error('the import id vanished after its conflict');
        return {
          outcome: 'repeated',
          imported: first.accountCount,
          importedAt: first.createdAt,
          actor: first.actor,
        };
      }
      // The look-ups of existing accounts read beside the transaction, while it writes.
      const reader = readerBeside(deps.db, tx);
      const checker = new BatchChecker(reader, deps.secretKey, input.isSmsRequested, {
        onProgress: options.onProgress,
        startRowWorkers: deps.startRowWorkers,
      });
      const writer = new AccountWriter(deps, tx, actor, now, checker, {
        onProgress: options.onProgress,
        takenMeanwhile: TAKEN_MEANWHILE,
        reader,
      });
      await Promise.all([checker.load(), writer.load()]);
      await checker.read(input.source, (account) => writer.add(account));
      await writer.finish();
      const summary = checker.summarise();
      if (summary.errorCount > 0) throw new RefusedBatch(summary);
      const foreign = [...writer.groups.values()].filter(
        (g) => !isGroupInScope(options.scope ?? null, g.groupId),
      );
      if (foreign.length > 0)
        throw new AppError(
          'FORBIDDEN',
          `the file has accounts of ${foreign.map((g) => `"${g.group}"`).join(', ')}, not one of your groups; nothing was imported`,
          { field: 'group' },
        );
      await recordAccountsImported(tx, {
        actor,
        at: now,
        importId,
        groups: [...writer.groups.values()],
      });
      let smsQueued = 0;
      if (input.isSmsRequested && options.queueActivationSms) {
        // The one place the activation SMS of a batch are queued, in the import's transaction.
        await options.queueActivationSms(tx, writer.smsCandidateIds, importId);
        smsQueued = writer.smsCandidateIds.length;
      }
      await setImportCounts(tx, { id: importId, accountCount: writer.written, smsQueued });
      return { outcome: 'imported', imported: writer.written, smsQueued, summary };
    });
  } catch (error) {
    if (error instanceof RefusedBatch) return { outcome: 'refused', summary: error.summary };
    throw error;
  }
}

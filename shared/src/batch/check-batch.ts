import type { Database } from '@sipops/db/client';
import { listGroupsWithProfiles, listProfiles } from '@sipops/db/queries';
import type { Deps } from '../deps.ts';
import { AcrossRows } from './check-across.ts';
import { checkRow } from './check-row.ts';
import { type BatchError, batchError, type CsvHeader, parseHeader } from './csv-format.ts';
import { type ProgressListener, throttleProgress } from './progress.ts';
import {
  CsvError,
  type CsvSource,
  csvErrorMessage,
  type NumberedRecord,
  readNumberedRecords,
} from './read-records.ts';
import type { CheckedAccount, RowContext } from './row-fields.ts';
import { type BatchSummary, BatchTally } from './summary.ts';
import { NotUtf8Error } from './utf8.ts';

export { DATABASE_CHECK_BATCH } from './check-across.ts';
export { formatErrorRows } from './error-rows.ts';
export type { BatchProgress, ProgressListener } from './progress.ts';
export { throttleProgress } from './progress.ts';
export type { CsvSource } from './read-records.ts';
export type { CheckedAccount } from './row-fields.ts';
export type { BatchRowPreview, BatchSummary } from './summary.ts';
export { MAX_KEPT_ERRORS, SAMPLE_SIZE } from './summary.ts';

export type CheckBatchInput = { source: CsvSource; isSmsRequested: boolean };
export type CheckBatchOptions = { onProgress?: ProgressListener | undefined };

/**
 * The preview of a batch: every row checked against the same schemas and rules as a single
 * creation, and against the database, without writing anything. Memory stays bounded whatever
 * the file's size: rows are streamed and forgotten, only their usernames and numbers are kept.
 */
export async function checkBatch(
  deps: Pick<Deps, 'db' | 'secretKey'>,
  input: CheckBatchInput,
  options: CheckBatchOptions = {},
): Promise<BatchSummary> {
  const checker = new BatchChecker(deps.db, deps.secretKey, input.isSmsRequested, options);
  await checker.load();
  await checker.read(input.source);
  return checker.summarise();
}

/** Told of each account whose row passed its checks, in file order, before the next is read. */
export type CheckedAccountListener = (account: CheckedAccount) => Promise<void> | void;

/**
 * Reads a CSV file record by record (read-records.ts) and checks each row on its own
 * (check-row.ts), then across rows (check-across.ts), counting as it goes (summary.ts):
 * checkBatch for a preview, the import for the accounts it writes as it reads.
 */
export class BatchChecker {
  private context: RowContext;
  private header: CsvHeader | undefined;
  private readonly tally: BatchTally;
  private readonly across: AcrossRows;
  private readonly reportProgress: ReturnType<typeof throttleProgress>;

  constructor(
    private readonly db: Database,
    secretKey: Buffer,
    isSmsRequested: boolean,
    options: CheckBatchOptions = {},
  ) {
    this.context = { groupsByName: new Map(), profilesByName: new Map(), secretKey };
    this.tally = new BatchTally(isSmsRequested);
    this.across = new AcrossRows(db, (account, error) => {
      this.tally.addError(error);
      if (!account.isRefused) {
        account.isRefused = true;
        this.tally.count(account, -1);
      }
    });
    this.reportProgress = throttleProgress(options.onProgress);
  }

  /** Groups and profiles are few: loaded once, looked up in memory for every row. */
  async load(): Promise<void> {
    const [groupRows, profileRows] = await Promise.all([
      listGroupsWithProfiles(this.db),
      listProfiles(this.db),
    ]);
    this.context = {
      ...this.context,
      groupsByName: new Map(groupRows.map(({ group }) => [group.name, group])),
      profilesByName: new Map(profileRows.map((p) => [p.name, p])),
    };
  }

  get errorCount(): number {
    return this.tally.errorCount;
  }

  /** Whether the file names this value as a username or a number. */
  isNamed(value: string): boolean {
    return this.across.isNamed(value);
  }

  async read(source: CsvSource, onAccount?: CheckedAccountListener): Promise<void> {
    const records = readNumberedRecords(source);
    const parser = records.parser;
    this.progress(true);
    try {
      for await (const { record, line } of parser as AsyncIterable<NumberedRecord>) {
        // A blank line is no record (csv-parse's skip_empty_lines would hide its line break).
        if (record.length === 1 && record[0] === '') continue;
        if (!this.header) {
          const parsed = parseHeader(record, line);
          if (!parsed.header) {
            for (const error of parsed.errors) this.tally.addError(error);
            parser.destroy();
            return;
          }
          this.header = parsed.header;
          continue;
        }
        const account = await this.checkRecord(record, line, this.header);
        if (account && onAccount) await onAccount(account);
        this.progress(false);
      }
    } catch (error) {
      if (error instanceof NotUtf8Error) {
        // The whole file is refused as such: errors found so far read mangled text anyway.
        this.tally.replaceErrors(batchError(error.line, '', '', error.message));
        return;
      }
      if (!(error instanceof CsvError)) throw error;
      // The record that could not be read starts where the last one read ended.
      this.tally.addError(batchError(records.nextLine(), '', '', csvErrorMessage(error)));
      return;
    }
    if (!this.header)
      this.tally.addError(batchError(1, '', '', 'the file is empty: it needs a header row'));
    await this.flushDatabaseChecks();
    this.progress(true);
  }

  /** Looks up in the database the usernames and numbers of the rows read since the last time. */
  async flushDatabaseChecks(): Promise<void> {
    await this.across.flushDatabaseChecks();
  }

  summarise(): BatchSummary {
    return this.tally.summarise();
  }

  private progress(isForced: boolean): void {
    this.reportProgress({ phase: 'checking', rows: this.tally.rows }, isForced);
  }

  /** The account of a row that passed its own checks (the database's come later), if it did. */
  private async checkRecord(
    record: string[],
    line: number,
    header: CsvHeader,
  ): Promise<CheckedAccount | undefined> {
    this.tally.rows++;
    const { checked, cell } = checkRow(this.context, record, line, header);
    if (!checked.data) return this.refuse(checked.errors);
    const account = checked.data;
    const duplicates = this.across.registerInFile(account, cell);
    if (duplicates.length > 0) return this.refuse(duplicates);
    this.tally.count(account, 1);
    await this.across.queueDatabaseChecks(account, cell);
    return account.isRefused ? undefined : account;
  }

  private refuse(errors: readonly BatchError[]): undefined {
    for (const error of errors) this.tally.addError(error);
    return undefined;
  }
}

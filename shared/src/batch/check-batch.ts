import type { Database } from '@sipops/db/client';
import { listGroupsWithProfiles, listProfiles } from '@sipops/db/queries';
import type { Deps } from '../deps.ts';
import { AcrossRows } from './check-across.ts';
import { cellReader } from './check-row.ts';
import { type BatchError, batchError, type CsvHeader, parseHeader } from './csv-format.ts';
import { type ProgressListener, throttleProgress } from './progress.ts';
import {
  CsvError,
  type CsvSource,
  csvErrorMessage,
  type NumberedRecord,
  readNumberedRecords,
} from './read-records.ts';
import {
  type CheckedRow,
  checkRows,
  type RowWorkContext,
  type RowWorkers,
  type StartRowWorkers,
} from './row-checks.ts';
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
export type CheckBatchOptions = {
  onProgress?: ProgressListener | undefined;
  /** Where a large file's rows can be checked on other cores; by default all here. */
  startRowWorkers?: StartRowWorkers | undefined;
};

/** Rows checked here before a file counts as large enough for row workers (their start-up). */
const ROWS_BEFORE_WORKERS = 2000;
/** Records sent to a row worker at a time. */
const WORKER_BATCH_ROWS = 500;
/** Rows checked by the workers and not yet taken here, at most: about one chunk written. */
const ROWS_AHEAD = 5000;

/**
 * The preview of a batch: every row checked against the same schemas and rules as a single
 * creation, and against the database, without writing anything. Memory stays bounded whatever
 * the file's size: rows are streamed and forgotten, only their usernames and numbers are kept.
 */
export async function checkBatch(
  deps: Pick<Deps, 'db' | 'secretKey' | 'startRowWorkers'>,
  input: CheckBatchInput,
  options: Pick<CheckBatchOptions, 'onProgress'> = {},
): Promise<BatchSummary> {
  const checker = new BatchChecker(deps.db, deps.secretKey, input.isSmsRequested, {
    ...options,
    startRowWorkers: deps.startRowWorkers,
  });
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
  private readonly startRowWorkers: StartRowWorkers | undefined;

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
    this.startRowWorkers = options.startRowWorkers;
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

  /**
   * Reads the file and checks its rows in order, telling `onAccount` (the writer) of each
   * account as it goes. A large file has its rows' own checks done by row workers when there are
   * (ROWS_BEFORE_WORKERS), a few batches ahead of the checks across rows.
   */
  async read(source: CsvSource, onAccount?: CheckedAccountListener): Promise<void> {
    const records = readNumberedRecords(source);
    const parser = records.parser;
    const ahead: { records: NumberedRecord[]; checked: Promise<CheckedRow[]> }[] = [];
    let batch: NumberedRecord[] = [];
    let workers: RowWorkers | undefined;
    let work: RowWorkContext | undefined;
    // The accounts a writer takes have their passwords sealed with the rest of their row's work.
    const isSealing = onAccount !== undefined;
    const takeAhead = async (count: number) => {
      for (const entry of ahead.splice(0, count)) {
        const rows = await entry.checked;
        if (rows.length !== entry.records.length)
          throw new Error(`a row worker answered ${rows.length} rows of ${entry.records.length}`);
        for (const [index, row] of rows.entries())
          await this.take(row, entry.records[index]?.record ?? [], onAccount);
      }
    };
    const sendBatch = (to: RowWorkers) => {
      const checked = to.check(batch);
      // Awaited in order by takeAhead; a failure before then must not go unhandled.
      checked.catch(() => {});
      ahead.push({ records: batch, checked });
      batch = [];
    };
    this.progress(true);
    try {
      for await (const numbered of parser as AsyncIterable<NumberedRecord>) {
        const { record, line } = numbered;
        // A blank line is no record (csv-parse's skip_empty_lines would hide its line break).
        if (record.length === 1 && record[0] === '') continue;
        if (!work) {
          const parsed = parseHeader(record, line);
          if (!parsed.header) {
            for (const error of parsed.errors) this.tally.addError(error);
            parser.destroy();
            return;
          }
          this.header = parsed.header;
          work = { ...this.context, header: parsed.header, isSealing };
          continue;
        }
        if (!workers && this.startRowWorkers && this.tally.rows >= ROWS_BEFORE_WORKERS)
          workers = this.startRowWorkers(work);
        if (!workers) {
          const [row] = checkRows(work, [numbered]);
          if (row) await this.take(row, record, onAccount);
          continue;
        }
        batch.push(numbered);
        if (batch.length < WORKER_BATCH_ROWS) continue;
        sendBatch(workers);
        // Far enough ahead that the workers keep checking while this thread waits for the
        // database to write a chunk.
        if (ahead.length * WORKER_BATCH_ROWS > ROWS_AHEAD) await takeAhead(1);
      }
      if (workers && batch.length > 0) sendBatch(workers);
      await takeAhead(ahead.length);
    } catch (error) {
      if (error instanceof NotUtf8Error) {
        // The whole file is refused as such: errors found so far read mangled text anyway.
        this.tally.replaceErrors(batchError(error.line, '', '', error.message));
        return;
      }
      if (!(error instanceof CsvError)) throw error;
      // The rows read before the one that could not be are checked as usual.
      await takeAhead(ahead.length);
      // The record that could not be read starts where the last one read ended.
      this.tally.addError(batchError(records.nextLine(), '', '', csvErrorMessage(error)));
      return;
    } finally {
      await workers?.close();
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

  /**
   * A row whose own checks are done, in file order: counted, checked across rows and against the
   * database (queued), and its account handed on unless refused.
   */
  private async take(
    row: CheckedRow,
    record: string[],
    onAccount: CheckedAccountListener | undefined,
  ): Promise<void> {
    this.tally.rows++;
    this.progress(false);
    const account = row.account;
    if (!account) return this.refuse(row.errors);
    const header = this.header;
    if (!header) throw new Error('a row was checked before the header');
    const cell = cellReader(record, header);
    const duplicates = this.across.registerInFile(account, cell);
    if (duplicates.length > 0) return this.refuse(duplicates);
    this.tally.count(account, 1);
    await this.across.queueDatabaseChecks(account, cell);
    if (!account.isRefused && onAccount) await onAccount(account);
  }

  private refuse(errors: readonly BatchError[]): void {
    for (const error of errors) this.tally.addError(error);
  }
}

import type { Database } from '@sipops/db/client';
import { findNumberClashes, findUsernameClashes } from '../account-creation.ts';
import { type BatchError, batchError, type CsvColumn } from './csv-format.ts';
import type { CellReader, CheckedAccount } from './row-fields.ts';

/**
 * The checks across rows: a number or username given twice in the file, or one that an existing
 * account holds (the same look-ups as a single creation's, batched: DATABASE_CHECK_BATCH values a
 * query, and whenever the writer needs a chunk's answers).
 */

/** Values looked up in the database per query, for duplicates against existing accounts. */
export const DATABASE_CHECK_BATCH = 5000;

type PendingValue = { value: string; column: CsvColumn; raw: string; account: CheckedAccount };

/** Told of a row that a database look-up refuses after it passed its own checks. */
export type RefusedListener = (account: CheckedAccount, error: BatchError) => void;

export class AcrossRows {
  /** The usernames and the numbers the file names, each with the line of its first row. */
  private readonly usernames = new Map<string, number>();
  private readonly numbers = new Map<string, number>();
  private pendingNumbers: PendingValue[] = [];
  private pendingUsernames: PendingValue[] = [];

  constructor(
    private readonly db: Database,
    private readonly onRefused: RefusedListener,
  ) {}

  /** Whether the file names this value as a username or a number (drawn usernames avoid them). */
  isNamed(value: string): boolean {
    return this.usernames.has(value) || this.numbers.has(value);
  }

  /** Duplicates inside the file: the later row is refused, naming the line of the first. */
  registerInFile(account: CheckedAccount, cell: CellReader): BatchError[] {
    const line = account.line;
    const errors: BatchError[] = [];
    const numbers: [CsvColumn, string | null][] = [
      ['number', account.number],
      ['secondary_number', account.secondaryNumber],
    ];
    for (const [column, value] of numbers) {
      if (!value) continue;
      const first = this.numbers.get(value);
      if (first === undefined) this.numbers.set(value, line);
      else errors.push(batchError(line, column, cell(column), `${value} is also on line ${first}`));
      const named = this.usernames.get(value);
      if (named !== undefined && named !== line)
        errors.push(
          batchError(line, column, cell(column), `${value} is the username on line ${named}`),
        );
    }
    if (account.username) {
      const numbered = this.numbers.get(account.username);
      if (numbered !== undefined && numbered !== line)
        errors.push(
          batchError(
            line,
            'username',
            cell('username'),
            `${account.username} is the number on line ${numbered}`,
          ),
        );
      const first = this.usernames.get(account.username);
      if (first === undefined) this.usernames.set(account.username, line);
      else
        errors.push(
          batchError(
            line,
            'username',
            cell('username'),
            `${account.username} is also on line ${first}`,
          ),
        );
    }
    return errors;
  }

  /** Queues the row's values for the database look-up; runs it once enough are queued. */
  async queueDatabaseChecks(account: CheckedAccount, cell: CellReader): Promise<void> {
    const raw = (column: CsvColumn) => cell(column) ?? '';
    this.pendingNumbers.push({
      value: account.number,
      column: 'number',
      raw: raw('number'),
      account,
    });
    if (account.secondaryNumber)
      this.pendingNumbers.push({
        value: account.secondaryNumber,
        column: 'secondary_number',
        raw: raw('secondary_number'),
        account,
      });
    if (account.username)
      this.pendingUsernames.push({
        value: account.username,
        column: 'username',
        raw: raw('username'),
        account,
      });
    if (this.pendingNumbers.length >= DATABASE_CHECK_BATCH) await this.flushNumbers();
    if (this.pendingUsernames.length >= DATABASE_CHECK_BATCH) await this.flushUsernames();
  }

  /** Looks up in the database the usernames and numbers of the rows queued since the last time. */
  async flushDatabaseChecks(): Promise<void> {
    await this.flushNumbers();
    await this.flushUsernames();
  }

  private async flushNumbers(): Promise<void> {
    const pending = this.pendingNumbers;
    this.pendingNumbers = [];
    if (pending.length === 0) return;
    this.refuse(pending, await findNumberClashes(this.db, values(pending)));
  }

  private async flushUsernames(): Promise<void> {
    const pending = this.pendingUsernames;
    this.pendingUsernames = [];
    if (pending.length === 0) return;
    this.refuse(pending, await findUsernameClashes(this.db, values(pending)));
  }

  private refuse(pending: PendingValue[], clashes: ReadonlyMap<string, string>): void {
    if (clashes.size === 0) return;
    for (const p of pending) {
      const message = clashes.get(p.value);
      if (message !== undefined)
        this.onRefused(p.account, batchError(p.account.line, p.column, p.raw, message));
    }
  }
}

function values(pending: readonly PendingValue[]): string[] {
  return pending.map((p) => p.value);
}

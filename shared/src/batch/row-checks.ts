import { encryptSecret } from '../credentials.ts';
import { checkRow } from './check-row.ts';
import type { BatchError, CsvHeader } from './csv-format.ts';
import type { NumberedRecord } from './read-records.ts';
import type { CheckedAccount, RowContext } from './row-fields.ts';

/**
 * The part of a batch's work that each row does on its own, needing nothing of the other rows:
 * its schemas, its phone numbers and access rules, its password drawn and sealed. That is most of
 * an import's work, so a large file has it done by row workers on the other cores (the bot's
 * process/row-workers.ts), a batch of records at a time, while the checks across rows and the
 * writing stay in order on the main thread. The same function runs there and here.
 */

/** A row's own checks done: the account it asks for (its password sealed), or its errors. */
export type CheckedRow =
  | { line: number; account: CheckedAccount; errors?: undefined }
  | { line: number; account?: undefined; errors: BatchError[] };

/** What rows are checked with: the rows' context and the file's header; plain data to a worker. */
export type RowWorkContext = RowContext & {
  header: CsvHeader;
  /** An import seals each password for writing; a preview has no use for it. */
  isSealing: boolean;
};

/** Checks records on other threads, a batch at a time, each batch answered in its order. */
export type RowWorkers = {
  check(records: readonly NumberedRecord[]): Promise<CheckedRow[]>;
  close(): Promise<void>;
};

/** Starts row workers for one batch file; the bot's compiled process has them. */
export type StartRowWorkers = (context: RowWorkContext) => RowWorkers;

export function checkRows(work: RowWorkContext, records: readonly NumberedRecord[]): CheckedRow[] {
  return records.map(({ record, line }) => {
    const { checked } = checkRow(work, record, line, work.header);
    if (!checked.data) return { line, errors: checked.errors };
    const account = checked.data;
    if (work.isSealing) account.sealedPassword ??= encryptSecret(work.secretKey, account.password);
    return { line, account };
  });
}

/**
 * Checked rows as text to cross to another thread, given up by the caller: a row's group and
 * profile go by name (JSON has no place for their dates, and the receiver has them already), put
 * back by readCheckedRows.
 */
export function writeCheckedRows(rows: CheckedRow[]): string {
  for (const { account } of rows) {
    if (!account) continue;
    const sent = account as unknown as { group: string; profile: string | null };
    sent.group = account.group.name;
    sent.profile = account.profile?.name ?? null;
  }
  return JSON.stringify(rows);
}

export function readCheckedRows(
  text: string,
  context: Omit<RowContext, 'secretKey'>,
): CheckedRow[] {
  const rows = JSON.parse(text) as CheckedRow[];
  for (const { account } of rows) {
    if (!account) continue;
    const sent = account as unknown as { group: string; profile: string | null };
    const group = context.groupsByName.get(sent.group);
    if (!group) throw new Error(`a row worker named a group not loaded: ${sent.group}`);
    const profile = sent.profile === null ? null : context.profilesByName.get(sent.profile);
    if (profile === undefined)
      throw new Error(`a row worker named a profile not loaded: ${sent.profile}`);
    account.group = group;
    account.profile = profile;
  }
  return rows;
}

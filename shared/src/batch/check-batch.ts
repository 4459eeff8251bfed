import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '@sipops/db/client';
import type { GroupRow, ProfileRow } from '@sipops/db/queries';
import { accounts, groups, provisioningProfiles, virtualNumbers } from '@sipops/db/schema';
import { CsvError, type Options, parse } from 'csv-parse';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import {
  type AccountType,
  DEFAULT_OBFUSCATION_KEY,
  DEFAULT_SECURITY_MODEL,
  plainAccountSchema,
  type SecurityModel,
  switchSchema,
  wizardAccountSchema,
} from '../account-schemas.ts';
import { decryptSecret, generatePassword } from '../credentials.ts';
import type { Deps } from '../deps.ts';
import { isAppError } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { isAnyOf } from './bulk-sql.ts';
import {
  type BatchError,
  batchError,
  COLUMN_FIELDS,
  type CreationWay,
  type CsvColumn,
  type CsvHeader,
  columnOfField,
  formatCsvLine,
  parseHeader,
  unprotectCsvCell,
  WAYS,
} from './csv-format.ts';
import { checkUtf8, NotUtf8Error } from './utf8.ts';

/** The errors kept in memory; past this only their count grows. */
export const MAX_KEPT_ERRORS = 1000;
export const SAMPLE_SIZE = 10;
/** Values looked up in the database per query, for duplicates against existing accounts. */
export const DATABASE_CHECK_BATCH = 5000;
const PROGRESS_INTERVAL_MS = 1000;
const PROGRESS_INTERVAL_ROWS = 5000;
/** A record larger than this is a quote left open, not an account: stop before it fills memory. */
const MAX_RECORD_BYTES = 1024 * 1024;

/** A CSV file's bytes: whole, or streamed (a file stream, an HTTP body). */
export type CsvSource =
  | string
  | Uint8Array
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>;

/** Rows checked so far, or accounts written so far: an import does both as it reads. */
export type BatchProgress = { phase: 'checking' | 'importing'; rows: number };
export type ProgressListener = (progress: BatchProgress) => void;

/** One account of the file as the preview shows it; username null when it will be generated. */
export type BatchRowPreview = {
  line: number;
  way: CreationWay;
  type: AccountType;
  group: string;
  username: string | null;
  number: string;
  secondaryNumber: string | null;
  profile: string | null;
  enabled: boolean;
};

export type BatchSummary = {
  /** Data rows read (the header apart). */
  rows: number;
  /** Rows without errors: what an import would create. */
  accounts: number;
  byType: Record<AccountType, number>;
  byWay: Record<CreationWay, number>;
  byGroup: { group: string; accounts: number }[];
  /** Wizard rows not yet activated: each gets an activation SMS when the import asks for them. */
  activationSmsRows: number;
  /** How many SMS the import would queue, given whether it asks for them. */
  smsToQueue: number;
  sample: BatchRowPreview[];
  /** The first MAX_KEPT_ERRORS errors, in file order. */
  errors: BatchError[];
  errorCount: number;
};

/** An account the file asks for, checked; what the import writes. */
export type CheckedAccount = {
  line: number;
  way: CreationWay;
  type: AccountType;
  /** Undefined: the file gives none, the import draws one. */
  username: string | undefined;
  /** In clear (typed, opened from `sealed_password`, or generated), for the digest HA1. */
  password: string;
  /** The exported ciphertext, stored as given so that a second export gives the same bytes. */
  sealedPassword: string | undefined;
  number: string;
  secondaryNumber: string | null;
  group: GroupRow;
  /** The account's own profile; null means its group's. */
  profile: ProfileRow | null;
  securityModel: SecurityModel | null;
  obfuscation: boolean | null;
  obfuscationKey: number | null;
  keepAlive: boolean | null;
  deny: string[];
  permit: string[];
  enabled: boolean;
  isSmsCandidate: boolean;
  /** Set when a database lookup refuses it after it was counted. */
  isRefused: boolean;
};

export type CheckBatchInput = { source: CsvSource; isSmsRequested: boolean };
/**
 * Calls the listener at the start and end of a phase (forced), and in between once a second or
 * every 5,000 rows, whichever comes first: enough for a progress bar, few enough for Slack.
 */
export function throttleProgress(
  listener: ProgressListener | undefined,
): (progress: BatchProgress, isForced?: boolean) => void {
  if (!listener) return () => {};
  let lastAt = 0;
  let lastRows = 0;
  return (progress, isForced = false) => {
    const now = Date.now();
    if (
      !isForced &&
      now - lastAt < PROGRESS_INTERVAL_MS &&
      progress.rows - lastRows < PROGRESS_INTERVAL_ROWS
    )
      return;
    lastAt = now;
    lastRows = progress.rows;
    listener(progress);
  };
}

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

/**
 * Which of these usernames are taken already: as an account's username, or as its number
 * (usernames and numbers share one namespace, so that `show 111` names one account).
 */
export async function findTakenUsernames(
  db: Database,
  usernames: readonly string[],
): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const [named, numbered] = await Promise.all([
    db
      .select({ username: accounts.username })
      .from(accounts)
      .where(isAnyOf(accounts.username, usernames)),
    db
      .select({ number: virtualNumbers.number })
      .from(virtualNumbers)
      .where(isAnyOf(virtualNumbers.number, usernames)),
  ]);
  return new Set([...named.map((row) => row.username), ...numbered.map((row) => row.number)]);
}

/** Told of each account whose row passed its checks, in file order, before the next is read. */
export type CheckedAccountListener = (account: CheckedAccount) => Promise<void> | void;

type NumberedRecord = { record: string[]; line: number };
type PendingValue = { value: string; column: CsvColumn; raw: string; account: CheckedAccount };
type CellReader = (column: CsvColumn) => string | undefined;
type RowParse<T> = { data: T; errors: [] } | { data: undefined; errors: BatchError[] };

const SETTINGS_COLUMNS = [
  'security_model',
  'obfuscation',
  'obfuscation_key',
  'keep_alive',
  'deny',
  'permit',
] as const satisfies CsvColumn[];
const PLAIN_COLUMNS = [
  'group',
  'username',
  'type',
  'number',
  'secondary_number',
  'profile',
  ...SETTINGS_COLUMNS,
] as const satisfies (keyof typeof COLUMN_FIELDS)[];
/** Words that spreadsheets like to capitalise; the schemas take them lower-case. */
const LOWER_CASE_COLUMNS = new Set<CsvColumn>(['type', 'security_model']);

const SEALED_PASSWORD_REFUSAL =
  "cannot be opened with this sipops's secret key: import it where SIPOPS_SECRET_KEY is the exporting one's";

const CSV_ERROR_MESSAGES: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed: a " is missing',
  CSV_INVALID_CLOSING_QUOTE:
    'a quote inside a quoted field must be doubled (""), and the field must end after its closing quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows the closing quote of a field',
  INVALID_OPENING_QUOTE: 'a quote inside a field that is not quoted: quote the whole field',
  CSV_MAX_RECORD_SIZE: 'a record is larger than 1 MB: a quote is probably left open',
};

/** CRLF, LF or a lone CR: one line break each, as editors count them. */
function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) count++;
    else if (code === 13 && text.charCodeAt(i + 1) !== 10) count++;
  }
  return count;
}

function fieldsOf(cell: CellReader, columns: readonly (keyof typeof COLUMN_FIELDS)[]) {
  const raw: Record<string, unknown> = {};
  for (const column of columns) {
    const value = cell(column);
    if (value !== undefined)
      raw[COLUMN_FIELDS[column]] = LOWER_CASE_COLUMNS.has(column)
        ? value.trim().toLowerCase()
        : value;
  }
  return raw;
}

async function* chunksOf(source: CsvSource): AsyncGenerator<string | Buffer> {
  const toChunk = (part: string | Uint8Array) =>
    typeof part === 'string' ? part : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
  if (typeof source === 'string' || source instanceof Uint8Array) {
    yield toChunk(source);
    return;
  }
  for await (const part of source) yield toChunk(part);
}

/**
 * A CSV file's records, each with the physical line it starts on (the header is line 1). Lines
 * are counted as csv-parse reads each record, from its raw text: its own count is off after a
 * CRLF inside a quoted field, and a record that fails to parse starts where the last one read
 * ended (`nextLine`), whether or not the caller has taken that one yet.
 */
function readNumberedRecords(source: CsvSource): {
  parser: AsyncIterable<NumberedRecord> & { destroy(): void };
  nextLine: () => number;
} {
  let parsedLines = 1;
  const numberLines = (parsed: { record: string[]; raw: string }): NumberedRecord => {
    const line = parsedLines;
    parsedLines += countLineBreaks(parsed.raw);
    return { record: parsed.record, line };
  };
  const options = {
    bom: true,
    raw: true,
    // Rows of the wrong length are reported with their line like any other error, not thrown.
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
    on_record: numberLines,
  };
  // csv-parse's types do not model the record shape of its raw mode.
  const parser = parse(options as unknown as Options);
  const feeding = pipeline(Readable.from(checkUtf8(chunksOf(source))), parser);
  // The reader of the records reports parse errors; this only keeps the rejection handled.
  feeding.catch(() => {});
  return {
    parser: parser as unknown as AsyncIterable<NumberedRecord> & { destroy(): void },
    nextLine: () => parsedLines,
  };
}

/**
 * The rows of a file that have errors, as they are in the file with an `error` column added, for
 * the person to fix and import again; the header first. Clear passwords are left out, so that
 * the file can be shared. Undefined when no data row has an error (the header, the encoding).
 */
export async function formatErrorRows(
  source: CsvSource,
  errors: readonly BatchError[],
): Promise<string | undefined> {
  const byLine = new Map<number, string[]>();
  for (const error of errors) {
    if (error.line < 2) continue;
    const messages = byLine.get(error.line) ?? [];
    messages.push(error.column ? `${error.column}: ${error.message}` : error.message);
    byLine.set(error.line, messages);
  }
  if (byLine.size === 0) return undefined;
  const { parser } = readNumberedRecords(source);
  let header: CsvHeader | undefined;
  let text = '';
  try {
    for await (const { record, line } of parser) {
      if (record.length === 1 && record[0] === '') continue;
      if (!header) {
        header = parseHeader(record, line).header;
        if (!header) break;
        text += formatCsvLine([...record, 'error']);
        continue;
      }
      const messages = byLine.get(line);
      if (!messages) continue;
      const password = header.positions.password;
      const cells = record.map((cell, i) => (i === password ? '' : cell));
      text += formatCsvLine([...cells, messages.join('; ')]);
    }
  } catch (error) {
    // The rows up to a record that cannot be read, or bytes that are not UTF-8.
    if (!(error instanceof CsvError) && !(error instanceof NotUtf8Error)) throw error;
  } finally {
    parser.destroy();
  }
  return header && text.includes('\n', text.indexOf('\n') + 1) ? text : undefined;
}

/**
 * Reads a CSV file record by record and checks each one: checkBatch for a preview, the import
 * for the accounts it writes as it reads. Database lookups of duplicates are batched: they run
 * every DATABASE_CHECK_BATCH values, at the end, and whenever flushDatabaseChecks is called.
 */
export class BatchChecker {
  private groupsByName = new Map<string, GroupRow>();
  private profilesByName = new Map<string, ProfileRow>();
  private header: CsvHeader | undefined;
  private readonly usernames = new Map<string, number>();
  private readonly numbers = new Map<string, number>();
  private pendingNumbers: PendingValue[] = [];
  private pendingUsernames: PendingValue[] = [];
  private errors: BatchError[] = [];
  private errorTotal = 0;
  private rows = 0;
  private readonly summary: Omit<BatchSummary, 'byGroup' | 'errors' | 'errorCount' | 'rows'> = {
    accounts: 0,
    byType: { pgsm: 0, snom: 0 },
    byWay: { wizard: 0, plain: 0 },
    activationSmsRows: 0,
    smsToQueue: 0,
    sample: [],
  };
  private readonly byGroup = new Map<string, number>();
  private readonly reportProgress: ReturnType<typeof throttleProgress>;

  constructor(
    private readonly db: Database,
    private readonly secretKey: Buffer,
    private readonly isSmsRequested: boolean,
    options: CheckBatchOptions = {},
  ) {
    this.reportProgress = throttleProgress(options.onProgress);
  }

  /** Groups and profiles are few: loaded once, looked up in memory for every row. */
  async load(): Promise<void> {
    const [groupRows, profileRows] = await Promise.all([
      this.db.select().from(groups),
      this.db.select().from(provisioningProfiles),
    ]);
    this.groupsByName = new Map(groupRows.map((g) => [g.name, g]));
    this.profilesByName = new Map(profileRows.map((p) => [p.name, p]));
  }

  get errorCount(): number {
    return this.errorTotal;
  }

  /** The numbers the file names (generated usernames must avoid them too), each with its line. */
  get namedNumbers(): ReadonlyMap<string, number> {
    return this.numbers;
  }

  /** The usernames the file names (generated ones must avoid them), each with its line. */
  get namedUsernames(): ReadonlyMap<string, number> {
    return this.usernames;
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
            for (const error of parsed.errors) this.addError(error);
            parser.destroy();
            return;
          }
          this.header = parsed.header;
          continue;
        }
        const account = this.checkRecord(record, line, this.header);
        if (account && onAccount) await onAccount(account);
        if (this.pendingNumbers.length >= DATABASE_CHECK_BATCH) await this.flushNumbers();
        if (this.pendingUsernames.length >= DATABASE_CHECK_BATCH) await this.flushUsernames();
        this.progress(false);
      }
    } catch (error) {
      if (error instanceof NotUtf8Error) {
        // The whole file is refused as such: errors found so far read mangled text anyway.
        this.errors = [];
        this.errorTotal = 0;
        this.addError(batchError(error.line, '', '', error.message));
        return;
      }
      if (!(error instanceof CsvError)) throw error;
      // The record that could not be read starts where the last one read ended.
      this.addError(
        batchError(
          records.nextLine(),
          '',
          '',
          CSV_ERROR_MESSAGES[error.code] ?? `not valid CSV: ${error.message}`,
        ),
      );
      return;
    }
    if (!this.header)
      this.addError(batchError(1, '', '', 'the file is empty: it needs a header row'));
    await this.flushDatabaseChecks();
    this.progress(true);
  }

  /** Looks up in the database the usernames and numbers of the rows read since the last time. */
  async flushDatabaseChecks(): Promise<void> {
    await this.flushNumbers();
    await this.flushUsernames();
  }

  summarise(): BatchSummary {
    this.trimErrors();
    const refused = new Set(this.errors.map((e) => e.line));
    return {
      rows: this.rows,
      ...this.summary,
      sample: this.summary.sample.filter((row) => !refused.has(row.line)),
      byGroup: [...this.byGroup]
        .filter(([, count]) => count > 0)
        .map(([group, count]) => ({ group, accounts: count }))
        .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)),
      errors: [...this.errors],
      errorCount: this.errorTotal,
    };
  }

  private progress(isForced: boolean): void {
    this.reportProgress({ phase: 'checking', rows: this.rows }, isForced);
  }

  private addError(error: BatchError): void {
    this.errorTotal++;
    this.errors.push(error);
    if (this.errors.length >= 2 * MAX_KEPT_ERRORS) this.trimErrors();
  }

  /** Database duplicates arrive after later rows' errors: keep the first ones by line, not by arrival. */
  private trimErrors(): void {
    // A stable sort: a row's errors stay in the order its columns were checked.
    this.errors.sort((a, b) => a.line - b.line);
    if (this.errors.length > MAX_KEPT_ERRORS) this.errors.length = MAX_KEPT_ERRORS;
  }

  /** The account of a row that passed its own checks (the database's come later), if it did. */
  private checkRecord(
    record: string[],
    line: number,
    header: CsvHeader,
  ): CheckedAccount | undefined {
    this.rows++;
    if (record.length !== header.fieldCount) {
      this.addError(
        batchError(
          line,
          '',
          '',
          `has ${record.length} fields where the header has ${header.fieldCount}`,
        ),
      );
      return undefined;
    }
    const cell: CellReader = (column) => {
      const position = header.positions[column];
      if (position === undefined) return undefined;
      const stored = record[position];
      // A clear password is never exported, so a leading ' in it is the password's own.
      const value =
        stored === undefined || column === 'password' ? stored : unprotectCsvCell(stored);
      return value === undefined || value.trim() === '' ? undefined : value;
    };
    const way = cell('way')?.trim().toLowerCase();
    let checked: RowParse<CheckedAccount>;
    if (way === 'plain' || way === 'wizard') {
      checked = way === 'plain' ? this.checkPlain(cell, line) : this.checkWizard(cell, line);
    } else {
      checked = {
        data: undefined,
        errors: [
          batchError(
            line,
            'way',
            cell('way'),
            way === undefined ? 'is required: wizard or plain' : `must be ${WAYS.join(' or ')}`,
          ),
        ],
      };
    }
    if (!checked.data) {
      for (const error of checked.errors) this.addError(error);
      return undefined;
    }
    const account = checked.data;
    const duplicates = this.registerUniqueValues(account, cell, line);
    if (duplicates.length > 0) {
      for (const error of duplicates) this.addError(error);
      return undefined;
    }
    this.count(account, 1);
    if (this.summary.sample.length < SAMPLE_SIZE) this.summary.sample.push(previewOf(account));
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
    return account;
  }

  /** Duplicates inside the file: the later row is refused, naming the line of the first. */
  private registerUniqueValues(
    account: CheckedAccount,
    cell: CellReader,
    line: number,
  ): BatchError[] {
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
    }
    if (account.username) {
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

  private count(account: CheckedAccount, step: 1 | -1): void {
    const s = this.summary;
    s.accounts += step;
    s.byType[account.type] += step;
    s.byWay[account.way] += step;
    this.byGroup.set(account.group.name, (this.byGroup.get(account.group.name) ?? 0) + step);
    if (account.isSmsCandidate) {
      s.activationSmsRows += step;
      if (this.isSmsRequested) s.smsToQueue += step;
    }
  }

  private refuseChecked(pending: PendingValue, message: string): void {
    this.addError(batchError(pending.account.line, pending.column, pending.raw, message));
    if (!pending.account.isRefused) {
      pending.account.isRefused = true;
      this.count(pending.account, -1);
    }
  }

  private async flushNumbers(): Promise<void> {
    const pending = this.pendingNumbers;
    this.pendingNumbers = [];
    if (pending.length === 0) return;
    const rows = await this.db
      .select({ number: virtualNumbers.number, username: accounts.username })
      .from(virtualNumbers)
      .innerJoin(accounts, eq(accounts.id, virtualNumbers.accountId))
      .where(
        isAnyOf(
          virtualNumbers.number,
          pending.map((p) => p.value),
        ),
      );
    const taken = new Map(rows.map((t) => [t.number, t.username]));
    const usernames = new Set(
      (
        await this.db
          .select({ username: accounts.username })
          .from(accounts)
          .where(
            isAnyOf(
              accounts.username,
              pending.map((p) => p.value),
            ),
          )
      ).map((row) => row.username),
    );
    for (const p of pending) {
      const holder = taken.get(p.value);
      if (holder !== undefined)
        this.refuseChecked(p, `${p.value} is already used by account ${holder}`);
      else if (usernames.has(p.value))
        this.refuseChecked(p, `${p.value} is the username of another account`);
    }
  }

  private async flushUsernames(): Promise<void> {
    const pending = this.pendingUsernames;
    this.pendingUsernames = [];
    if (pending.length === 0) return;
    const taken = await findTakenUsernames(
      this.db,
      pending.map((p) => p.value),
    );
    for (const p of pending) {
      if (taken.has(p.value))
        this.refuseChecked(p, `${p.value} is already taken (a username or an account's number)`);
    }
  }

  private parseRow<S extends z.ZodType>(
    schema: S,
    raw: Record<string, unknown>,
    line: number,
    cell: CellReader,
    passwordColumn: CsvColumn,
  ): RowParse<z.output<S>> {
    try {
      return { data: parseInput(schema, raw), errors: [] };
    } catch (error) {
      if (!isAppError(error)) throw error;
      return {
        data: undefined,
        errors: error.issues.map((issue) => {
          const column =
            issue.field === 'password' ? passwordColumn : (columnOfField(issue.field) ?? '');
          return batchError(line, column, column ? cell(column as CsvColumn) : '', issue.message);
        }),
      };
    }
  }

  private openSealed(sealed: string): string | undefined {
    try {
      return decryptSecret(this.secretKey, sealed.trim());
    } catch {
      return undefined;
    }
  }

  private parseEnabled(cell: CellReader, line: number, byDefault: boolean): RowParse<boolean> {
    const text = cell('enabled');
    if (text === undefined) return { data: byDefault, errors: [] };
    const parsed = switchSchema.safeParse(text);
    return parsed.success
      ? { data: parsed.data, errors: [] }
      : {
          data: undefined,
          errors: [batchError(line, 'enabled', text, 'must be yes or no')],
        };
  }

  private findGroup(name: string, line: number, cell: CellReader, errors: BatchError[]) {
    const group = this.groupsByName.get(name);
    if (!group) errors.push(batchError(line, 'group', cell('group'), `no group named "${name}"`));
    return group;
  }

  private findProfile(
    name: string | undefined,
    line: number,
    cell: CellReader,
    errors: BatchError[],
  ): ProfileRow | null {
    if (name === undefined) return null;
    const profile = this.profilesByName.get(name);
    if (!profile)
      errors.push(
        batchError(line, 'profile', cell('profile'), `no provisioning profile named "${name}"`),
      );
    return profile ?? null;
  }

  /** A plain row: every field as the plain form takes it, the password in clear or sealed. */
  private checkPlain(cell: CellReader, line: number): RowParse<CheckedAccount> {
    const errors: BatchError[] = [];
    const typed = cell('password');
    const sealed = cell('sealed_password');
    let password = typed;
    let passwordColumn: CsvColumn = 'password';
    if (typed !== undefined && sealed !== undefined) {
      errors.push(
        batchError(line, 'sealed_password', sealed, 'give either password or sealed_password'),
      );
    } else if (sealed !== undefined) {
      passwordColumn = 'sealed_password';
      password = this.openSealed(sealed);
      if (password === undefined)
        errors.push(batchError(line, 'sealed_password', sealed, SEALED_PASSWORD_REFUSAL));
    }
    const raw = fieldsOf(cell, PLAIN_COLUMNS);
    if (password !== undefined) raw.password = password;
    const parsed = this.parseRow(plainAccountSchema, raw, line, cell, passwordColumn);
    const hasPasswordError = errors.length > 0;
    errors.push(...parsed.errors.filter((e) => !(hasPasswordError && e.column === passwordColumn)));
    const enabled = this.parseEnabled(cell, line, true);
    errors.push(...enabled.errors);
    const input = parsed.data;
    if (!input) return { data: undefined, errors };
    const group = this.findGroup(input.group, line, cell, errors);
    const profile = this.findProfile(input.profile, line, cell, errors);
    if (!group || errors.length > 0 || enabled.data === undefined)
      return { data: undefined, errors };
    const isPgsm = input.type === 'pgsm';
    return {
      data: {
        line,
        way: 'plain',
        type: input.type,
        username: input.username,
        password: input.password,
        sealedPassword: passwordColumn === 'sealed_password' ? sealed?.trim() : undefined,
        number: input.number.value,
        secondaryNumber: input.secondaryNumber?.value ?? null,
        group,
        profile,
        securityModel: isPgsm ? input.securityModel : null,
        obfuscation: isPgsm ? input.obfuscation : null,
        obfuscationKey: isPgsm ? input.obfuscationKey : null,
        keepAlive: isPgsm ? input.keepAlive : null,
        deny: isPgsm ? [] : input.deny,
        permit: isPgsm ? [] : input.permit,
        enabled: enabled.data,
        isSmsCandidate: false,
        isRefused: false,
      },
      errors: [],
    };
  }

  /**
   * A wizard row: group, mobile number and profile as the wizard takes them, the credentials
   * generated. An exported wizard account comes back with its username and sealed password, and
   * may carry the PGSM settings it was edited to since.
   */
  private checkWizard(cell: CellReader, line: number): RowParse<CheckedAccount> {
    const errors: BatchError[] = [];
    const refuse = (column: CsvColumn, message: string) =>
      errors.push(batchError(line, column, cell(column), message));
    if (cell('secondary_number') !== undefined)
      refuse('secondary_number', 'does not apply to wizard rows: a wizard account has one number');
    if (cell('password') !== undefined)
      refuse('password', 'is generated for wizard rows: leave it empty');
    const type = cell('type')?.trim().toLowerCase();
    if (type !== undefined && type !== 'pgsm')
      refuse('type', 'must be pgsm (or empty) on wizard rows');
    const username = cell('username');
    const sealed = cell('sealed_password');
    if (username !== undefined && sealed === undefined)
      refuse(
        'username',
        'is generated for wizard rows (give one only with the sealed_password of an exported account)',
      );
    if (sealed !== undefined && username === undefined)
      refuse('sealed_password', 'needs the username of the exported account');
    const isRestored = username !== undefined && sealed !== undefined;
    let password: string | undefined = generatePassword();
    if (isRestored) {
      password = this.openSealed(sealed);
      if (password === undefined) refuse('sealed_password', SEALED_PASSWORD_REFUSAL);
    }
    const hasPasswordError = errors.some((e) => e.column === 'sealed_password');

    const wizard = this.parseRow(
      wizardAccountSchema,
      fieldsOf(cell, ['group', 'number', 'profile']),
      line,
      cell,
      'password',
    );
    errors.push(...wizard.errors);
    let settings = {
      securityModel: DEFAULT_SECURITY_MODEL as SecurityModel,
      obfuscation: true,
      obfuscationKey: DEFAULT_OBFUSCATION_KEY,
      keepAlive: false,
    };
    let restoredUsername: string | undefined;
    if (isRestored || SETTINGS_COLUMNS.some((column) => cell(column) !== undefined)) {
      // The settings and the restored credentials go through the plain schema of a PGSM account.
      const raw: Record<string, unknown> = {
        ...fieldsOf(cell, ['group', 'number', 'username', ...SETTINGS_COLUMNS]),
        type: 'pgsm',
      };
      if (password !== undefined) raw.password = password;
      const plain = this.parseRow(plainAccountSchema, raw, line, cell, 'sealed_password');
      errors.push(
        ...plain.errors.filter(
          (e) =>
            e.column !== 'group' &&
            e.column !== 'number' &&
            !(hasPasswordError && e.column === 'sealed_password'),
        ),
      );
      if (plain.data?.type === 'pgsm') {
        settings = {
          securityModel: plain.data.securityModel,
          obfuscation: plain.data.obfuscation,
          obfuscationKey: plain.data.obfuscationKey,
          keepAlive: plain.data.keepAlive,
        };
        restoredUsername = plain.data.username;
      }
    }
    const enabled = this.parseEnabled(cell, line, false);
    errors.push(...enabled.errors);
    if (enabled.data === true && !isRestored)
      refuse('enabled', 'a new wizard account stays disabled until the user activates it');
    const input = wizard.data;
    if (!input) return { data: undefined, errors };
    const group = this.findGroup(input.group, line, cell, errors);
    const profile = this.findProfile(input.profile, line, cell, errors);
    if (group && !profile && !group.profileId && input.profile === undefined)
      refuse('profile', `is required: group "${group.name}" has no profile of its own`);
    if (!group || errors.length > 0 || enabled.data === undefined || password === undefined)
      return { data: undefined, errors };
    return {
      data: {
        line,
        way: 'wizard',
        type: 'pgsm',
        username: restoredUsername,
        password,
        sealedPassword: isRestored ? sealed?.trim() : undefined,
        number: input.number,
        secondaryNumber: null,
        group,
        profile,
        ...settings,
        deny: [],
        permit: [],
        enabled: enabled.data,
        isSmsCandidate: !enabled.data,
        isRefused: false,
      },
      errors: [],
    };
  }
}

function previewOf(account: CheckedAccount): BatchRowPreview {
  return {
    line: account.line,
    way: account.way,
    type: account.type,
    group: account.group.name,
    username: account.username ?? null,
    number: account.number,
    secondaryNumber: account.secondaryNumber,
    profile: account.profile?.name ?? null,
    enabled: account.enabled,
  };
}

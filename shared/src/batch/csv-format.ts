import {
  ACCOUNT_FIELDS,
  type AccountFieldColumn,
  type AccountFieldName,
  type RegisteredField,
} from '../account-fields.ts';

const IDENTITY_COLUMNS = [
  'group',
  'username',
  'way',
  'type',
  'number',
  'secondary_number',
  'profile',
  'enabled',
] as const;
const PASSWORD_COLUMNS = ['password', 'sealed_password'] as const;

export type CsvColumn =
  | (typeof IDENTITY_COLUMNS)[number]
  | AccountFieldColumn
  | (typeof PASSWORD_COLUMNS)[number];

/**
 * The account CSV that batch import reads and export writes: the identity, each setting of the
 * account registry, the password. Column names are a published interface (SPEC: "the CSV column
 * names once published"): add columns, never rename them.
 */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  ...IDENTITY_COLUMNS,
  ...ACCOUNT_FIELDS.map((field) => field.csv),
  ...PASSWORD_COLUMNS,
];

/** A file without one of these is refused as a whole: no row could be read without them. */
export const REQUIRED_COLUMNS: readonly CsvColumn[] = ['way', 'group', 'number'];

/** What export writes, in this order: every column but the clear `password`. */
export const EXPORT_COLUMNS: readonly CsvColumn[] = CSV_COLUMNS.filter((c) => c !== 'password');

export const WAYS = ['wizard', 'plain'] as const;
export type CreationWay = (typeof WAYS)[number];

/** Several access rules in one cell. */
export const RULE_SEPARATOR = ';';

/** The field of the account schemas each column fills (`way`, `enabled`, the passwords apart). */
export const COLUMN_FIELDS: Readonly<
  Record<Exclude<CsvColumn, 'way' | 'enabled' | 'sealed_password'>, string>
> = {
  group: 'group',
  username: 'username',
  type: 'type',
  number: 'number',
  secondary_number: 'secondaryNumber',
  profile: 'profile',
  ...(Object.fromEntries(ACCOUNT_FIELDS.map((field) => [field.csv, field.name])) as Record<
    AccountFieldColumn,
    AccountFieldName
  >),
  password: 'password',
};

const COLUMNS_BY_FIELD = new Map<string, CsvColumn>(
  Object.entries(COLUMN_FIELDS).map(([column, field]) => [field, column as CsvColumn]),
);

/** The column a schema field (`secondaryNumber`, `deny`) comes from, for an error report. */
export function columnOfField(field: string): CsvColumn | undefined {
  return COLUMNS_BY_FIELD.get(field.split('.')[0] ?? '');
}

/** Columns whose values never appear in an error report. */
const SECRET_COLUMNS = new Set<string>(['password', 'sealed_password']);
const HIDDEN_VALUE = '(hidden)';

/** One refused value: where it is in the file (line 1 is the header), and why. */
export type BatchError = { line: number; column: string; value: string; message: string };

export function batchError(
  line: number,
  column: string,
  value: string | undefined,
  message: string,
): BatchError {
  const shown = value === undefined || value === '' ? '' : value;
  return {
    line,
    column,
    value: SECRET_COLUMNS.has(column) && shown !== '' ? HIDDEN_VALUE : shown,
    message,
  };
}

/** Header names are case-insensitive, and `Secondary Number` or `secondary-number` will do. */
export function normaliseColumnName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

const KNOWN_COLUMNS = new Set<string>(CSV_COLUMNS);
const OTHER_SEPARATORS = [';', '\t', '|'];
/** The longest unknown header cell shown whole: longer than any column's name. */
const MAX_SHOWN_HEADER_CELL = 32;

function clipCell(cell: string): string {
  const chars = [...cell];
  return chars.length > MAX_SHOWN_HEADER_CELL
    ? `${chars.slice(0, MAX_SHOWN_HEADER_CELL).join('')}…`
    : cell;
}

export type CsvHeader = {
  /** The position of each column present. */
  positions: Partial<Record<CsvColumn, number>>;
  fieldCount: number;
};

/**
 * Reads the header row. Order is free; an unknown, repeated or missing required column refuses
 * the whole file, each one named, so that one try shows every problem of the header.
 */
export function parseHeader(
  cells: readonly string[],
  line: number,
): { header: CsvHeader; errors: [] } | { header: undefined; errors: BatchError[] } {
  const positions: Partial<Record<CsvColumn, number>> = {};
  const errors: BatchError[] = [];
  const names = cells.map(normaliseColumnName);
  // Not an accounts file at all (a password file, a document): its first line is not shown.
  if (!names.some((name) => KNOWN_COLUMNS.has(name))) {
    // A spreadsheet's export with another separator names the columns, just not apart.
    const separator = OTHER_SEPARATORS.find((sep) =>
      cells.some((cell) =>
        cell.split(sep).some((name) => KNOWN_COLUMNS.has(normaliseColumnName(name))),
      ),
    );
    const why = separator
      ? `its columns are separated by ${separator === '\t' ? 'tabs' : `"${separator}"`}: separate them with commas`
      : `its first row names none of the columns (known: ${CSV_COLUMNS.join(', ')})`;
    return {
      header: undefined,
      errors: [batchError(line, '', '', `not a CSV of accounts: ${why}`)],
    };
  }
  cells.forEach((cell, index) => {
    const name = names[index] ?? '';
    if (!KNOWN_COLUMNS.has(name)) {
      // The cell is the column at fault; a long one is cut, it is no column's name anyway.
      const shown = clipCell(cell);
      errors.push(
        batchError(
          line,
          name === '' ? '' : shown,
          '',
          name === ''
            ? `column ${index + 1} has no name`
            : `is not a known column (known: ${CSV_COLUMNS.join(', ')})`,
        ),
      );
      return;
    }
    const column = name as CsvColumn;
    if (positions[column] !== undefined) {
      errors.push(batchError(line, column, cell, `column "${column}" appears twice`));
      return;
    }
    positions[column] = index;
  });
  for (const column of REQUIRED_COLUMNS) {
    if (positions[column] === undefined)
      errors.push(batchError(line, column, '', `required column "${column}" is missing`));
  }
  if (errors.length > 0) return { header: undefined, errors };
  return { header: { positions, fieldCount: cells.length }, errors: [] };
}

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first)
 * leaves with a `'` in front, and so does one that starts with `'` itself; import takes one
 * leading `'` off every cell but `password`. So `+393471234567` exports as `'+393471234567`,
 * which spreadsheets show as text, and export → import → export gives the same bytes.
 */
export function protectCsvCell(value: string): string {
  return /^['=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function unprotectCsvCell(value: string): string {
  return value.startsWith("'") ? value.slice(1) : value;
}

/** RFC 4180 quoting, only where needed, so that the same account always gives the same bytes. */
export function formatCsvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatCsvLine(values: readonly string[]): string {
  return `${values.map(formatCsvField).join(',')}\n`;
}

export const formatOnOff = (value: boolean | null): string =>
  value === null ? '' : value ? 'on' : 'off';
export const formatYesNo = (value: boolean): string => (value ? 'yes' : 'no');
export const formatRules = (rules: readonly string[] | null): string =>
  (rules ?? []).join(RULE_SEPARATOR);

/** A setting as its cell: on/off, rules joined by `;`, empty when there is none. */
export function formatFieldCell(field: RegisteredField, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field.kind === 'switch') return formatOnOff(value as boolean);
  if (field.kind === 'rules') return formatRules(value as readonly string[]);
  return String(value);
}

/** The errors as a CSV of their own, for a front end to offer as a download. */
export function formatErrorsCsv(errors: readonly BatchError[]): string {
  return (
    formatCsvLine(['line', 'column', 'value', 'message']) +
    errors
      .map((e) => formatCsvLine([String(e.line), e.column, e.value, e.message].map(protectCsvCell)))
      .join('')
  );
}

/** `line 3, number "+39 12": is not a valid international number`, as a terminal prints it. */
export function describeBatchError(error: BatchError): string {
  // A refusal of the whole file names its line itself.
  if (!error.column && error.message.includes(`(line ${error.line})`)) return error.message;
  const where = [`line ${error.line}`];
  if (error.column) where.push(error.value ? `${error.column} "${error.value}"` : error.column);
  return `${where.join(', ')}: ${error.message}`;
}

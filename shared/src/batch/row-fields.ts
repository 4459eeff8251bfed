import type { GroupRow, ProfileRow } from '@sipops/db/queries';
import type { z } from 'zod';
import type { AccountToCreate } from '../account-creation.ts';
import { ACCOUNT_FIELDS, switchSchema } from '../account-fields.ts';
import { decryptSecret } from '../credentials.ts';
import { isAppError } from '../errors.ts';
import { parseInput } from '../validation.ts';
import {
  type BatchError,
  batchError,
  COLUMN_FIELDS,
  type CsvColumn,
  columnOfField,
} from './csv-format.ts';

/**
 * What the checks of one row share: the types of a checked row, and how a row's cells go through
 * the schemas of the forms, each error naming its line and column.
 */

/** An account the file asks for, checked; what the import writes. */
export type CheckedAccount = AccountToCreate & {
  line: number;
  /** Set when a database lookup refuses it after it was counted. */
  isRefused: boolean;
};

/** A cell of the row by its column, trimmed to undefined when blank. */
export type CellReader = (column: CsvColumn) => string | undefined;
export type RowParse<T> = { data: T; errors: [] } | { data: undefined; errors: BatchError[] };

/** What the rows are checked against: the groups and profiles, and the key of sealed passwords. */
export type RowContext = {
  groupsByName: ReadonlyMap<string, GroupRow>;
  profilesByName: ReadonlyMap<string, ProfileRow>;
  secretKey: Buffer;
};

/** The settings' columns, from the account registry. */
export const SETTINGS_COLUMNS = ACCOUNT_FIELDS.map((field) => field.csv);
export const PLAIN_COLUMNS = [
  'group',
  'username',
  'type',
  'number',
  'secondary_number',
  'profile',
  ...SETTINGS_COLUMNS,
] as const satisfies (keyof typeof COLUMN_FIELDS)[];
/** Words that spreadsheets like to capitalise; the schemas take them lower-case. */
export const LOWER_CASE_COLUMNS = new Set<CsvColumn>([
  'type',
  ...ACCOUNT_FIELDS.filter((field) => field.kind === 'choice').map((field) => field.csv),
]);

export const SEALED_PASSWORD_REFUSAL =
  "cannot be opened with this sipops's secret key: import it where SIPOPS_SECRET_KEY is the exporting one's";

export function fieldsOf(cell: CellReader, columns: readonly (keyof typeof COLUMN_FIELDS)[]) {
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

/** A row's fields through a form's schema; each issue becomes an error naming its column. */
export function parseRow<S extends z.ZodType>(
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

/** An exported password opened with this installation's key; undefined when it cannot be. */
export function openSealed(secretKey: Buffer, sealed: string): string | undefined {
  try {
    return decryptSecret(secretKey, sealed.trim());
  } catch {
    return undefined;
  }
}

export function parseEnabled(
  cell: CellReader,
  line: number,
  byDefault: boolean,
): RowParse<boolean> {
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

export function findGroup(
  context: RowContext,
  name: string,
  line: number,
  cell: CellReader,
  errors: BatchError[],
): GroupRow | undefined {
  const group = context.groupsByName.get(name);
  if (!group) errors.push(batchError(line, 'group', cell('group'), `no group named "${name}"`));
  return group;
}

export function findProfile(
  context: RowContext,
  name: string | undefined,
  line: number,
  cell: CellReader,
  errors: BatchError[],
): ProfileRow | null {
  if (name === undefined) return null;
  const profile = context.profilesByName.get(name);
  if (!profile)
    errors.push(
      batchError(line, 'profile', cell('profile'), `no provisioning profile named "${name}"`),
    );
  return profile ?? null;
}

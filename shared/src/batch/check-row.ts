import { WIZARD_SETTINGS, wizardAccount, wizardProfileRefusal } from '../account-creation.ts';
import { accountFieldColumns } from '../account-fields.ts';
import { plainAccountSchema, wizardAccountSchema } from '../account-schemas.ts';
import { generatePassword } from '../credentials.ts';
import {
  type BatchError,
  batchError,
  type CsvColumn,
  type CsvHeader,
  unprotectCsvCell,
  WAYS,
} from './csv-format.ts';
import {
  type CellReader,
  type CheckedAccount,
  fieldsOf,
  findGroup,
  findProfile,
  openSealed,
  PLAIN_COLUMNS,
  parseEnabled,
  parseRow,
  type RowContext,
  type RowParse,
  SEALED_PASSWORD_REFUSAL,
  SETTINGS_COLUMNS,
} from './row-fields.ts';

/**
 * The checks of one row on its own, with the same schemas and rules as the forms of a single
 * creation: the account it asks for, or its errors. Checks across rows (duplicates in the file,
 * clashes with the database) come after (check-across.ts).
 */
export function checkRow(
  context: RowContext,
  record: string[],
  line: number,
  header: CsvHeader,
): { checked: RowParse<CheckedAccount>; cell: CellReader } {
  const cell = cellReader(record, header);
  if (record.length !== header.fieldCount) {
    const message = `has ${record.length} fields where the header has ${header.fieldCount}`;
    return { checked: { data: undefined, errors: [batchError(line, '', '', message)] }, cell };
  }
  const way = cell('way')?.trim().toLowerCase();
  if (way === 'plain') return { checked: checkPlain(context, cell, line), cell };
  if (way === 'wizard') return { checked: checkWizard(context, cell, line), cell };
  const message =
    way === undefined ? 'is required: wizard or plain' : `must be ${WAYS.join(' or ')}`;
  return {
    checked: { data: undefined, errors: [batchError(line, 'way', cell('way'), message)] },
    cell,
  };
}

/** The cells of a record by their column, as the checks read them. */
export function cellReader(record: readonly string[], header: CsvHeader): CellReader {
  return (column) => {
    const position = header.positions[column];
    if (position === undefined) return undefined;
    const stored = record[position];
    // A clear password is never exported, so a leading ' in it is the password's own.
    const value = stored === undefined || column === 'password' ? stored : unprotectCsvCell(stored);
    return value === undefined || value.trim() === '' ? undefined : value;
  };
}

/** A plain row: every field as the plain form takes it, the password in clear or sealed. */
function checkPlain(context: RowContext, cell: CellReader, line: number): RowParse<CheckedAccount> {
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
    password = openSealed(context.secretKey, sealed);
    if (password === undefined)
      errors.push(batchError(line, 'sealed_password', sealed, SEALED_PASSWORD_REFUSAL));
  }
  const raw = fieldsOf(cell, PLAIN_COLUMNS);
  if (password !== undefined) raw.password = password;
  const parsed = parseRow(plainAccountSchema, raw, line, cell, passwordColumn);
  const hasPasswordError = errors.length > 0;
  errors.push(...parsed.errors.filter((e) => !(hasPasswordError && e.column === passwordColumn)));
  const enabled = parseEnabled(cell, line, true);
  errors.push(...enabled.errors);
  const input = parsed.data;
  if (!input) return { data: undefined, errors };
  const group = findGroup(context, input.group, line, cell, errors);
  const profile = findProfile(context, input.profile, line, cell, errors);
  if (!group || errors.length > 0 || enabled.data === undefined) return { data: undefined, errors };
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
      ...accountFieldColumns(input.type, input),
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
function checkWizard(
  context: RowContext,
  cell: CellReader,
  line: number,
): RowParse<CheckedAccount> {
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
    password = openSealed(context.secretKey, sealed);
    if (password === undefined) refuse('sealed_password', SEALED_PASSWORD_REFUSAL);
  }
  const hasPasswordError = errors.some((e) => e.column === 'sealed_password');

  const wizard = parseRow(
    wizardAccountSchema,
    fieldsOf(cell, ['group', 'number', 'profile']),
    line,
    cell,
    'password',
  );
  errors.push(...wizard.errors);
  let settings = WIZARD_SETTINGS;
  let restoredUsername: string | undefined;
  if (isRestored || SETTINGS_COLUMNS.some((column) => cell(column) !== undefined)) {
    // The settings and the restored credentials go through the plain schema of a PGSM account.
    const raw: Record<string, unknown> = {
      ...fieldsOf(cell, ['group', 'number', 'username', ...SETTINGS_COLUMNS]),
      type: 'pgsm',
    };
    if (password !== undefined) raw.password = password;
    const plain = parseRow(plainAccountSchema, raw, line, cell, 'sealed_password');
    errors.push(
      ...plain.errors.filter(
        (e) =>
          e.column !== 'group' &&
          e.column !== 'number' &&
          !(hasPasswordError && e.column === 'sealed_password'),
      ),
    );
    if (plain.data?.type === 'pgsm') {
      settings = accountFieldColumns('pgsm', plain.data);
      restoredUsername = plain.data.username;
    }
  }
  const enabled = parseEnabled(cell, line, false);
  errors.push(...enabled.errors);
  if (enabled.data === true && !isRestored)
    refuse('enabled', 'a new wizard account stays disabled until the user activates it');
  const input = wizard.data;
  if (!input) return { data: undefined, errors };
  const group = findGroup(context, input.group, line, cell, errors);
  const profile = findProfile(context, input.profile, line, cell, errors);
  const noProfile = group && input.profile === undefined && wizardProfileRefusal(group, profile);
  if (noProfile) refuse('profile', noProfile);
  if (!group || errors.length > 0 || enabled.data === undefined || password === undefined)
    return { data: undefined, errors };
  const account = wizardAccount({
    number: input.number,
    group,
    profile,
    username: restoredUsername,
    password,
    sealedPassword: isRestored ? sealed?.trim() : undefined,
    settings,
    enabled: enabled.data,
  });
  return { data: { ...account, line, isRefused: false }, errors: [] };
}

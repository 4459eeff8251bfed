import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  batchError,
  CSV_COLUMNS,
  columnOfField,
  describeBatchError,
  EXPORT_COLUMNS,
  formatCsvField,
  formatCsvLine,
  formatErrorsCsv,
  formatOnOff,
  formatRules,
  formatYesNo,
  normaliseColumnName,
  parseHeader,
} from './csv-format.ts';

describe('the CSV header', () => {
  it('takes column names in any order and any case, spaces or dashes for underscores', () => {
    const parsed = parseHeader(['Number', ' GROUP ', 'way', 'Secondary Number', 'keep-alive'], 1);
    expect(parsed.errors).toEqual([]);
    expect(parsed.header?.positions).toEqual({
      number: 0,
      group: 1,
      way: 2,
      secondary_number: 3,
      keep_alive: 4,
    });
    expect(parsed.header?.fieldCount).toBe(5);
  });

  it.each([
    ['secondary_number', 'secondary_number'],
    ['Sealed-Password', 'sealed_password'],
    ['  Obfuscation   Key ', 'obfuscation_key'],
  ])('reads %j as %s', (name, column) => {
    expect(normaliseColumnName(name)).toBe(column);
  });

  it('refuses the whole file for an unknown column, naming it', () => {
    const parsed = parseHeader(['way', 'group', 'number', 'colour'], 1);
    expect(parsed.header).toBeUndefined();
    expect(parsed.errors).toEqual([
      {
        line: 1,
        column: 'colour',
        value: '',
        message: expect.stringMatching(/^is not a known column \(known: group, /),
      },
    ]);
  });

  it('shows no cell of a first row that names no column: not a CSV of accounts', () => {
    const parsed = parseHeader(['root:x:0:0:root:/root:/bin/bash'], 1);
    expect(parsed.errors).toEqual([
      {
        line: 1,
        column: '',
        value: '',
        message: expect.stringMatching(/^not a CSV of accounts: its first row names none/),
      },
    ]);
    expect(JSON.stringify(parsed.errors)).not.toMatch(/root|bash/);
  });

  it('says so when the columns are separated by something else than commas', () => {
    expect(parseHeader(['way;group;number'], 1).errors.map((e) => e.message)).toEqual([
      'not a CSV of accounts: its columns are separated by ";": separate them with commas',
    ]);
    expect(parseHeader(['way\tgroup\tnumber'], 1).errors[0]?.message).toMatch(/separated by tabs/);
  });

  it('cuts an unknown column name that is longer than any column', () => {
    const long = `way${'x'.repeat(100)}`;
    const parsed = parseHeader(['way', 'group', 'number', long], 1);
    expect(parsed.errors.map((e) => [e.column, e.value])).toEqual([[`${long.slice(0, 32)}…`, '']]);
  });

  it('refuses a file without a required column, naming each missing one', () => {
    const parsed = parseHeader(['type', 'number'], 1);
    expect(parsed.errors.map((e) => [e.column, e.message])).toEqual([
      ['way', 'required column "way" is missing'],
      ['group', 'required column "group" is missing'],
    ]);
  });

  it('refuses a column given twice and a column without a name', () => {
    const parsed = parseHeader(['way', 'group', 'number', 'Number', ''], 3);
    expect(parsed.errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [3, 'number', 'column "number" appears twice'],
      [3, '', 'column 5 has no name'],
    ]);
  });

  it('knows every column export writes, and export never writes the clear password', () => {
    expect(EXPORT_COLUMNS).not.toContain('password');
    expect(EXPORT_COLUMNS).toContain('sealed_password');
    expect(parseHeader([...EXPORT_COLUMNS], 1).errors).toEqual([]);
    expect(parseHeader([...CSV_COLUMNS], 1).errors).toEqual([]);
  });

  it('maps schema fields back to their columns', () => {
    expect(columnOfField('secondaryNumber')).toBe('secondary_number');
    expect(columnOfField('obfuscationKey')).toBe('obfuscation_key');
    expect(columnOfField('deny')).toBe('deny');
    expect(columnOfField('passwordConfirm')).toBeUndefined();
  });
});

describe('writing CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    [' spaced ', ' spaced '],
    ['+393471234567', '+393471234567'],
  ])('writes %j as %j', (value, written) => {
    expect(formatCsvField(value)).toBe(written);
  });

  it('writes values that csv-parse reads back unchanged', () => {
    const values = ['Acme "East", Inc.', 'a\nb', '', '0.0.0.0/0.0.0.0;10.0.0.0/255.0.0.0', 'é ü'];
    const line = formatCsvLine(values);
    expect(line.endsWith('\n')).toBe(true);
    expect(parse(line)).toEqual([values]);
  });

  it('writes switches, rules and absent values the one way import reads them', () => {
    expect([formatOnOff(true), formatOnOff(false), formatOnOff(null)]).toEqual(['on', 'off', '']);
    expect([formatYesNo(true), formatYesNo(false)]).toEqual(['yes', 'no']);
    expect(formatRules(['0.0.0.0/0.0.0.0', '10.0.0.1/255.255.255.255'])).toBe(
      '0.0.0.0/0.0.0.0;10.0.0.1/255.255.255.255',
    );
    expect([formatRules([]), formatRules(null)]).toEqual(['', '']);
  });
});

describe('batch errors', () => {
  it('never carry a password, clear or sealed', () => {
    expect(batchError(4, 'password', 'hunter2', 'is too short').value).toBe('(hidden)');
    expect(batchError(4, 'sealed_password', 'v1:abc', 'cannot be opened').value).toBe('(hidden)');
    expect(batchError(4, 'password', undefined, 'is required').value).toBe('');
    expect(batchError(4, 'number', '+39 12', 'is too short').value).toBe('+39 12');
  });

  it('read as one line each in a terminal, and as a CSV of their own', () => {
    const errors = [
      batchError(3, 'number', '+39 12', 'is not a valid international number (too short)'),
      batchError(7, '', '', 'has 3 fields where the header has 4'),
    ];
    expect(errors.map(describeBatchError)).toEqual([
      'line 3, number "+39 12": is not a valid international number (too short)',
      'line 7: has 3 fields where the header has 4',
    ]);
    expect(parse(formatErrorsCsv(errors), { columns: true })).toEqual([
      {
        line: '3',
        column: 'number',
        // A spreadsheet would run +39 12 as a formula.
        value: "'+39 12",
        message: 'is not a valid international number (too short)',
      },
      { line: '7', column: '', value: '', message: 'has 3 fields where the header has 4' },
    ]);
  });
});

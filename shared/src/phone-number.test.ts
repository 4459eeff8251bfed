import { describe, expect, it } from 'vitest';
import type { AppErrorCode } from './errors.ts';
import { AppError } from './errors.ts';
import type { ParsedNumber } from './phone-number.ts';
import { describeNumberWarning, parseMobileNumber, parseVirtualNumber } from './phone-number.ts';

type Expected = ParsedNumber | { code: AppErrorCode; message: string };

const mobile = (value: string): ParsedNumber => ({ value, isE164: true, isMobile: true });
const landline = (value: string): ParsedNumber => ({ value, isE164: true, isMobile: false });
const extension = (value: string): ParsedNumber => ({ value, isE164: false, isMobile: false });
const invalid = (message: string): Expected => ({ code: 'INVALID_PHONE', message });

const LETTERS = 'must contain only digits, optionally starting with +';

const captureError = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
};

const VIRTUAL_NUMBERS: [string, Expected][] = [
  // formats
  ['+393471234567', mobile('+393471234567')],
  ['+39 347 123 4567', mobile('+393471234567')],
  ['+39-347-123-4567', mobile('+393471234567')],
  ['(+39) 347.123.4567', mobile('+393471234567')],
  ['+39 347/1234567', mobile('+393471234567')],
  ['0039 347 1234567', mobile('+393471234567')],
  ['  +39 347 1234567  ', mobile('+393471234567')],
  ['\t+39\u00a0347 1234567\n', mobile('+393471234567')],
  // Italy
  ['+39 06 1234 5678', landline('+390612345678')],
  ['0039 02 1234 5678', landline('+390212345678')],
  // US and Canada: the NANP cannot tell mobiles from landlines
  ['+1 (202) 555-0123', mobile('+12025550123')],
  ['001 212 555 0123', mobile('+12125550123')],
  ['+1 416 555 0123', mobile('+14165550123')],
  ['+1-613-555-0199', mobile('+16135550199')],
  ['+1 800 555 0199', landline('+18005550199')],
  // Europe
  ['+44 7400 123456', mobile('+447400123456')],
  ['+44 20 7946 0000', landline('+442079460000')],
  ['+49 151 23456789', mobile('+4915123456789')],
  ['+49 30 12345678', landline('+493012345678')],
  ['+33 6 12 34 56 78', mobile('+33612345678')],
  ['+33 1 42 68 53 00', landline('+33142685300')],
  ['+34 612 345 678', mobile('+34612345678')],
  ['+34 912 345 678', landline('+34912345678')],
  ['+41 79 123 45 67', mobile('+41791234567')],
  ['+41 44 123 45 67', landline('+41441234567')],
  ['+7 495 123 4567', landline('+74951234567')],
  // elsewhere
  ['+55 11 96123-4567', mobile('+5511961234567')],
  ['+55 (11) 2345-6789', landline('+551123456789')],
  ['+91 98765 43210', mobile('+919876543210')],
  ['+91 11 2345 6789', landline('+911123456789')],
  ['+81 90-1234-5678', mobile('+819012345678')],
  ['+81 3-1234-5678', landline('+81312345678')],
  ['+61 412 345 678', mobile('+61412345678')],
  ['+61 2 1234 5678', landline('+61212345678')],
  ['+86 138 1234 5678', mobile('+8613812345678')],
  // invalid international numbers
  ['+39 347 12', invalid('is not a valid international number (too short)')],
  ['+39', invalid('is not a valid international number (too short)')],
  ['+', invalid('is not a valid international number (too short)')],
  ['00', invalid('is not a valid international number (too short)')],
  ['+49 30', invalid('is not a valid international number (too short)')],
  ['+39 347 1234567890123', invalid('is not a valid international number (too long)')],
  ['+12345678901234567890', invalid('is not a valid international number (too long)')],
  ['+999 123456', invalid('is not a valid international number (invalid country code)')],
  [
    '+39 123 456 7890',
    invalid('is not a valid international number (no such number for country code +39)'),
  ],
  [
    '+1 555 555 0123',
    invalid('is not a valid international number (no such number for country code +1)'),
  ],
  // letters and garbage
  ['+39 abc', invalid(LETTERS)],
  ['abc', invalid(LETTERS)],
  ['111x', invalid(LETTERS)],
  ['+39 347 1234567 ext 12', invalid(LETTERS)],
  ['+39+3471234567', invalid(LETTERS)],
  ['', { code: 'VALIDATION', message: 'is required' }],
  ['   ', { code: 'VALIDATION', message: 'is required' }],
  // extensions
  ['111', extension('111')],
  ['2001', extension('2001')],
  ['20-01', extension('2001')],
  [' 42 ', extension('42')],
  ['123456789012345', extension('123456789012345')],
  ['393471234567', extension('393471234567')],
  ['7', invalid('is too short: an extension has at least 2 digits')],
  [
    '1234567890123456',
    invalid(
      'is too long: an extension has at most 15 digits (write an international number with +)',
    ),
  ],
];

describe('parseVirtualNumber', () => {
  it.each(VIRTUAL_NUMBERS)('%j → %j', (input, expected) => {
    if ('code' in expected) {
      const error = captureError(() => parseVirtualNumber(input));
      expect(error.code).toBe(expected.code);
      expect(error.message).toBe(expected.message);
      expect(error.field).toBe('number');
    } else {
      expect(parseVirtualNumber(input)).toEqual(expected);
    }
  });

  it('names the field it is given', () => {
    expect(captureError(() => parseVirtualNumber('x', 'secondaryNumber')).field).toBe(
      'secondaryNumber',
    );
  });

  it('is idempotent on its own output', () => {
    for (const [, expected] of VIRTUAL_NUMBERS) {
      if ('code' in expected) continue;
      expect(parseVirtualNumber(expected.value)).toEqual(expected);
    }
  });
});

describe('parseMobileNumber', () => {
  it.each([
    ['+39 347 123 4567', '+393471234567'],
    ['0039 347 1234567', '+393471234567'],
    ['+1 (202) 555-0123', '+12025550123'],
    ['+44 7400 123456', '+447400123456'],
  ])('accepts %j as %j', (input, expected) => {
    expect(parseMobileNumber(input)).toBe(expected);
  });

  it.each<[string, AppErrorCode]>([
    ['+39 06 1234 5678', 'NOT_MOBILE'],
    ['+1 800 555 0199', 'NOT_MOBILE'],
    ['111', 'NOT_MOBILE'],
    ['393471234567', 'NOT_MOBILE'],
    ['+39 347 12', 'INVALID_PHONE'],
    ['abc', 'INVALID_PHONE'],
    ['', 'VALIDATION'],
  ])('refuses %j with %s', (input, code) => {
    const error = captureError(() => parseMobileNumber(input, 'vpn'));
    expect(error.code).toBe(code);
    expect(error.field).toBe('vpn');
  });

  it('explains why a mobile is needed', () => {
    expect(captureError(() => parseMobileNumber('+390612345678')).message).toBe(
      'must be an international mobile number such as +393471234567 (automatic activation needs one)',
    );
  });
});

describe('describeNumberWarning', () => {
  const WARNING =
    'automatic activation will not be possible: the number is not an international mobile number';

  it.each<[string, 'pgsm' | 'snom', string | undefined]>([
    ['+393471234567', 'pgsm', undefined],
    ['+12025550123', 'pgsm', undefined],
    ['+390612345678', 'pgsm', WARNING],
    ['111', 'pgsm', WARNING],
    ['+393471234567', 'snom', undefined],
    ['+390612345678', 'snom', undefined],
    ['111', 'snom', undefined],
  ])('%j on %s → %j', (input, accountType, expected) => {
    expect(describeNumberWarning(parseVirtualNumber(input), accountType)).toBe(expected);
  });
});

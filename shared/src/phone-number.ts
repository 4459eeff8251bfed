import type { ValidatePhoneNumberLengthResult } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';
import { AppError } from './errors.ts';

export type ParsedNumber = {
  /** E.164 (`+393471234567`) for an international number, the bare digits for an extension. */
  value: string;
  isE164: boolean;
  isMobile: boolean;
};

const SEPARATORS = /[\s\-.()/]/g;
const EXTENSION_MIN_DIGITS = 2;
const EXTENSION_MAX_DIGITS = 15;

const LENGTH_REASONS: Record<ValidatePhoneNumberLengthResult, string> = {
  TOO_SHORT: 'too short',
  TOO_LONG: 'too long',
  INVALID_COUNTRY: 'invalid country code',
  INVALID_LENGTH: 'invalid length for its country',
  // Only a lone `+` gets here: everything else was checked to be digits.
  NOT_A_NUMBER: 'too short',
};

const cleanNumber = (input: string): string => {
  const compact = input.trim().replace(SEPARATORS, '');
  return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
};

const parseInternational = (text: string, field: string): ParsedNumber => {
  const parsed = parsePhoneNumberFromString(text);
  // A number with a type is valid (with the full metadata, isValid finds the type the same way):
  // matched once, not twice, which a 100,000-row import feels. isValid stays for the rest.
  const type = parsed?.getType();
  if (parsed && (type !== undefined || parsed.isValid())) {
    // The NANP (US, CA, …) does not tell mobiles from landlines, so its numbers have to count as mobile.
    const isMobile = type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
    return { value: parsed.number, isE164: true, isMobile };
  }
  const lengthProblem = validatePhoneNumberLength(text);
  const reason = lengthProblem
    ? LENGTH_REASONS[lengthProblem]
    : `no such number for country code +${parsed?.countryCallingCode ?? '?'}`;
  throw new AppError('INVALID_PHONE', `is not a valid international number (${reason})`, {
    field,
  });
};

const parseExtension = (text: string, field: string): ParsedNumber => {
  if (text.length < EXTENSION_MIN_DIGITS) {
    throw new AppError(
      'INVALID_PHONE',
      `is too short: an extension has at least ${EXTENSION_MIN_DIGITS} digits`,
      { field },
    );
  }
  if (text.length > EXTENSION_MAX_DIGITS) {
    throw new AppError(
      'INVALID_PHONE',
      `is too long: an extension has at most ${EXTENSION_MAX_DIGITS} digits (write an international number with +)`,
      { field },
    );
  }
  return { value: text, isE164: false, isMobile: false };
};

/**
 * A virtual phone number as typed by staff: an international number with `+` (or `00`),
 * or a short extension of digits only.
 */
export const parseVirtualNumber = (input: string, field = 'number'): ParsedNumber => {
  const text = cleanNumber(input);
  if (text === '') {
    throw new AppError('VALIDATION', 'is required', { field });
  }
  if (!/^\+?\d*$/.test(text)) {
    throw new AppError('INVALID_PHONE', 'must contain only digits, optionally starting with +', {
      field,
    });
  }
  return text.startsWith('+') ? parseInternational(text, field) : parseExtension(text, field);
};

/** The number the activation SMS goes to: only an international mobile number will do. */
export const parseMobileNumber = (input: string, field = 'number'): string => {
  const parsed = parseVirtualNumber(input, field);
  if (!parsed.isE164 || !parsed.isMobile) {
    throw new AppError(
      'NOT_MOBILE',
      'must be an international mobile number such as +393471234567 (automatic activation needs one)',
      { field },
    );
  }
  return parsed.value;
};

/** The non-blocking warning shown next to the number field, if any. */
export const describeNumberWarning = (
  parsed: ParsedNumber,
  accountType: 'pgsm' | 'snom',
): string | undefined => {
  if (accountType !== 'pgsm' || (parsed.isE164 && parsed.isMobile)) {
    return undefined;
  }
  return 'automatic activation will not be possible: the number is not an international mobile number';
};

import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type SupportContact =
  | { kind: 'phone'; text: string; href: string }
  | { kind: 'email'; text: string; href: string }
  | { kind: 'web'; text: string; href: string };

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/**
 * Every page shows its profile's contact, and reading a phone number with the full metadata costs
 * about as much as the rest of the page: each stored value is read once. The bound only guards
 * against an unbounded set of values (a profile has one).
 */
const parsed = new Map<string, Readonly<SupportContact> | undefined>();
const MAX_PARSED = 500;

/** What was stored, as a link the pages can show; undefined when it is none of the three. */
export function parseSupportContact(value: string): Readonly<SupportContact> | undefined {
  if (parsed.has(value)) return parsed.get(value);
  const contact = readSupportContact(value);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(value, contact && Object.freeze(contact));
  return contact;
}

function readSupportContact(value: string): SupportContact | undefined {
  const text = value.trim();
  if (EMAIL.test(text)) return { kind: 'email', text, href: `mailto:${text}` };
  if (/^https:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      return {
        kind: 'web',
        text: url.host + (url.pathname === '/' ? '' : url.pathname),
        href: url.href,
      };
    } catch {
      return undefined;
    }
  }
  if (text.startsWith('+')) {
    const phone = parsePhoneNumberFromString(text);
    if (phone?.isValid())
      return { kind: 'phone', text: phone.formatInternational(), href: phone.getURI() };
  }
  return undefined;
}

import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type SupportContact =
  | { kind: 'phone'; text: string; href: string }
  | { kind: 'email'; text: string; href: string }
  | { kind: 'web'; text: string; href: string };

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** What was stored, as a link the pages can show; undefined when it is none of the three. */
export function parseSupportContact(value: string): SupportContact | undefined {
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

import { en } from './en.ts';
import { it } from './it.ts';
import type { Messages } from './messages.ts';

export type { Messages } from './messages.ts';

/** The languages of the pages and the SMS; a new one is its messages file plus a line here. */
export const MESSAGES = { en, it } satisfies Record<string, Messages>;

export type Locale = keyof typeof MESSAGES;
export const LOCALES = Object.keys(MESSAGES) as Locale[];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: string): value is Locale {
  return Object.hasOwn(MESSAGES, value);
}

/**
 * The page's language: `?lang=` first (the SMS link carries the SMS's), then the best
 * Accept-Language match, then English.
 */
export function pickLocale(query: string | null, acceptLanguage: string | null): Locale {
  const asked = query?.trim().toLowerCase() ?? '';
  if (isLocale(asked)) return asked;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return {
        language: tag.trim().toLowerCase().split('-')[0] ?? '',
        q: q ? Number(q) : 1,
        index,
      };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { language } of ranked) if (isLocale(language)) return language;
  return DEFAULT_LOCALE;
}

/**
 * Building a formatter costs far more than using one (it loads the locale's and the zone's data),
 * and every set-up page shows a date: one per language and zone, kept. Profiles name few zones;
 * the bound only guards against an unbounded set of them.
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const MAX_DATE_TIME_FORMATS = 200;

function dateTimeFormat(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(MESSAGES[locale].intlTag, {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    });
    if (dateTimeFormats.size >= MAX_DATE_TIME_FORMATS) dateTimeFormats.clear();
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** A moment in the profile's time zone, in the language's own format, with the zone named. */
export function formatDateTime(locale: Locale, timeZone: string, iso: string): string {
  return dateTimeFormat(locale, timeZone).format(new Date(iso));
}

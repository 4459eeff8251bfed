import { describe, expect, it } from 'vitest';
import { formatDateTime, LOCALES, MESSAGES, pickLocale } from './index.ts';

describe('pickLocale', () => {
  it.each([
    ['?lang= wins over Accept-Language', 'it', 'en-US,en;q=0.9', 'it'],
    ['?lang= in capitals', 'IT', null, 'it'],
    ['an unknown ?lang= falls to Accept-Language', 'xx', 'it-IT,it;q=0.9', 'it'],
    ['Accept-Language by quality, not order', null, 'de;q=0.9,en;q=0.5,it;q=0.8', 'it'],
    ['q=0 means not wanted', null, 'it;q=0,en', 'en'],
    ['nothing known: English', null, 'de-DE,fr', 'en'],
    ['nothing at all: English', null, null, 'en'],
  ])('%s', (_name, query, header, expected) => {
    expect(pickLocale(query, header)).toBe(expected);
  });
});

describe('formatDateTime', () => {
  const at = '2026-07-01T10:30:00.000Z';
  it.each([
    ['en', 'Europe/Rome', '1 July 2026 at 12:30 CEST'],
    ['it', 'Europe/Rome', '1 luglio 2026 alle ore 12:30 CEST'],
    ['en', 'UTC', '1 July 2026 at 10:30 UTC'],
    ['it', 'America/New_York', '1 luglio 2026 alle ore 06:30 GMT-4'],
  ] as const)('%s in %s', (locale, zone, expected) => {
    expect(formatDateTime(locale, zone, at)).toBe(expected);
  });
});

describe('the messages files', () => {
  it('say every text in every language, and each built-in SMS has its link', () => {
    const keys = Object.keys(MESSAGES.en).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(MESSAGES[locale]).sort()).toEqual(keys);
      for (const text of Object.values(MESSAGES[locale].sms)) expect(text).toContain('{link}');
    }
  });
});

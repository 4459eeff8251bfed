import { describe, expect, it } from 'vitest';
import { measureSms } from './sms-segments.ts';

describe('measureSms', () => {
  it.each([
    [
      'plain GSM-7 up to 160 is one',
      'a'.repeat(160),
      { encoding: 'GSM-7', segments: 1, units: 160 },
    ],
    [
      '161 GSM-7 characters are two parts of 153',
      'a'.repeat(161),
      { encoding: 'GSM-7', segments: 2, units: 161 },
    ],
    ['306 fill two parts exactly', 'a'.repeat(306), { encoding: 'GSM-7', segments: 2, units: 306 }],
    ['307 need a third', 'a'.repeat(307), { encoding: 'GSM-7', segments: 3, units: 307 }],
    ['accents of GSM stay GSM-7', 'è é ù ì ò à', { encoding: 'GSM-7', segments: 1, units: 11 }],
    [
      'the euro sign is two septets',
      '€'.repeat(80),
      { encoding: 'GSM-7', segments: 1, units: 160 },
    ],
    [
      'an escape pair is not split across parts',
      `${'a'.repeat(152)}€`,
      { encoding: 'GSM-7', segments: 1, units: 154 },
    ],
    [
      'an escape pair that would straddle parts moves to the next',
      `${'a'.repeat(152)}€${'a'.repeat(7)}`,
      { encoding: 'GSM-7', segments: 2, units: 161 },
    ],
    [
      'one curly quote makes it UCS-2',
      `l’app ${'a'.repeat(64)}`,
      { encoding: 'UCS-2', segments: 1, units: 70 },
    ],
    [
      'UCS-2 over 70 is parts of 67',
      `’${'a'.repeat(70)}`,
      { encoding: 'UCS-2', segments: 2, units: 71 },
    ],
    ['an emoji is two UCS-2 units', '😀'.repeat(35), { encoding: 'UCS-2', segments: 1, units: 70 }],
  ])('%s', (_name, text, expected) => {
    expect(measureSms(text)).toEqual(expected);
  });
});

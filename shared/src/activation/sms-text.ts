import { z } from 'zod';
import type { LinkKind } from './activation-link.ts';

export const SMS_LOCALES = ['en', 'it'] as const;
export type SmsLocale = (typeof SMS_LOCALES)[number];

/** Italy, San Marino and the Vatican get the Italian text; every other number the English one. */
const ITALIAN_PREFIXES = ['+39', '+378', '+379'];

export function smsLocaleFor(e164Number: string): SmsLocale {
  return ITALIAN_PREFIXES.some((prefix) => e164Number.startsWith(prefix)) ? 'it' : 'en';
}

// GSM-7 characters only (no curly quotes, no accents beyond GSM's), so one SMS is 160 characters.
const TEXTS: Record<SmsLocale, Record<LinkKind, (brand: string, url: string) => string>> = {
  en: {
    installation: (brand, url) => `${brand}: install and set up your secure phone app: ${url}`,
    activation: (brand, url) => `${brand}: one step left, activate your account: ${url}`,
  },
  it: {
    installation: (brand, url) =>
      `${brand}: installa e configura l'app del tuo telefono sicuro: ${url}`,
    activation: (brand, url) => `${brand}: manca un passo, attiva il tuo account: ${url}`,
  },
};

export function composeSmsText(input: {
  locale: SmsLocale;
  kind: LinkKind;
  brand: string;
  url: string;
}): string {
  return TEXTS[input.locale][input.kind](input.brand, input.url);
}

/** The text with the link's token hidden, for logs, lists and Slack. */
export function maskSmsText(text: string, token: string): string {
  return text.replace(token, '…');
}

/** What an outbox 'sms' row carries from the use case to the worker's sender. */
export const smsPayloadSchema = z.object({
  accountId: z.string(),
  linkId: z.string(),
  to: z.string(),
  locale: z.enum(SMS_LOCALES),
  /** The text sealed with the secret key: the token lives nowhere in clear in the database. */
  sealedText: z.string(),
  /** The text with the token masked. */
  preview: z.string(),
  /** How long the link was valid when it was issued; the sender clamps to what remains. */
  validitySeconds: z.number().int().positive(),
  expiresAt: z.string(),
  /** The batch import that queued it, whose progress message counts it. */
  importId: z.string().optional(),
});
export type SmsPayload = z.infer<typeof smsPayloadSchema>;

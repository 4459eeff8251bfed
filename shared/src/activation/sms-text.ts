import type { SmsTemplates } from '@sipops/db/schema';
import { z } from 'zod';
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale, MESSAGES } from '../locales/index.ts';
import type { LinkKind } from './activation-link.ts';

export const SMS_LOCALES = LOCALES as [Locale, ...Locale[]];
export type SmsLocale = Locale;

/** Italy, San Marino and the Vatican get the Italian text; every other number the English one. */
const ITALIAN_PREFIXES = ['+39', '+378', '+379'];

export function smsLocaleFor(e164Number: string): SmsLocale {
  const wanted = ITALIAN_PREFIXES.some((prefix) => e164Number.startsWith(prefix)) ? 'it' : 'en';
  return isLocale(wanted) ? wanted : DEFAULT_LOCALE;
}

/** The wording an SMS is made from: the profile's own for that kind and language, else built in. */
export function smsTemplateFor(
  templates: SmsTemplates | null | undefined,
  kind: LinkKind,
  locale: SmsLocale,
): string {
  return templates?.[kind]?.[locale] || MESSAGES[locale].sms[kind];
}

/** A template with its placeholders filled: `{brand}` and `{link}`. */
export function fillSmsTemplate(template: string, brand: string, url: string): string {
  return template.replaceAll('{brand}', brand).replaceAll('{link}', url);
}

export function composeSmsText(input: {
  locale: SmsLocale;
  kind: LinkKind;
  brand: string;
  url: string;
  templates?: SmsTemplates | null | undefined;
}): string {
  return fillSmsTemplate(
    smsTemplateFor(input.templates, input.kind, input.locale),
    input.brand,
    input.url,
  );
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

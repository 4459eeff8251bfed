import type { SmsTemplates } from '@sipops/db/schema';
import { type LinkKind, SAMPLE_TOKEN, smsLinkUrl } from '../activation/activation-link.ts';
import { describeSmsLength, measureSms, type SmsLength } from '../activation/sms-segments.ts';
import { fillSmsTemplate, smsTemplateFor } from '../activation/sms-text.ts';
import { assertNoIssues, type FieldIssue } from '../errors.ts';
import { LOCALES, type Locale } from '../locales/index.ts';
import type { SmsTemplatesInput } from '../use-cases/profile-schemas.ts';

const KINDS: LinkKind[] = ['installation', 'activation'];

/** An SMS may take two segments at most: a third costs more and arrives split on some phones. */
export const MAX_SMS_SEGMENTS = 2;

export type SmsMeasures = Record<LinkKind, Record<Locale, SmsLength & { isOwn: boolean }>>;

/** The stored templates with the input's changes: a null or blank one goes back to built-in. */
export function mergeSmsTemplates(
  before: SmsTemplates,
  input: SmsTemplatesInput | undefined,
): SmsTemplates {
  const merged: SmsTemplates = structuredClone(before);
  for (const kind of KINDS) {
    const changes = input?.[kind];
    if (!changes) continue;
    const own = { ...merged[kind] };
    for (const [locale, text] of Object.entries(changes)) {
      if (text === undefined) continue;
      if (text === null) delete own[locale];
      else own[locale] = text;
    }
    merged[kind] = own;
  }
  return merged;
}

/**
 * Every SMS a profile sends, measured as it will go out: its brand and a real link (the base URL,
 * a token's length, the language). Over two segments is refused, with the count.
 */
export function measureProfileSms(
  templates: SmsTemplates,
  brand: string,
  publicBaseUrl: string,
): SmsMeasures {
  const issues: FieldIssue[] = [];
  const measures = Object.fromEntries(
    KINDS.map((kind) => [
      kind,
      Object.fromEntries(
        LOCALES.map((locale) => {
          const url = smsLinkUrl(publicBaseUrl, SAMPLE_TOKEN, locale);
          const text = fillSmsTemplate(smsTemplateFor(templates, kind, locale), brand, url);
          const length = measureSms(text);
          if (length.segments > MAX_SMS_SEGMENTS)
            issues.push({
              field: `smsTemplates.${kind}.${locale}`,
              message: `is ${describeSmsLength(length)} with the brand and a ${url.length}-character link; at most ${MAX_SMS_SEGMENTS} SMS are allowed`,
            });
          return [locale, { ...length, isOwn: Boolean(templates[kind]?.[locale]) }];
        }),
      ),
    ]),
  ) as SmsMeasures;
  assertNoIssues('VALIDATION', issues);
  return measures;
}

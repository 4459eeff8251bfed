import type { Database } from '@sipops/db/client';
import { saveLogo } from '@sipops/db/queries';
import type { SmsTemplates } from '@sipops/db/schema';
import type { EditProfileInput } from '../use-cases/profile-schemas.ts';
import { mergeSmsTemplates } from './profile-sms.ts';

/** Where the SMS measures come from when a caller has no public address (tests, benches). */
export const FALLBACK_BASE_URL = 'https://sipops.example.com';

type BrandingInput = Pick<
  EditProfileInput,
  'accentColor' | 'supportContact' | 'timeZone' | 'logo' | 'smsTemplates'
>;

/**
 * The profile columns a branding input sets (absent fields stay as they are); a new logo is
 * stored once, by its hash.
 */
export async function brandingChanges(
  tx: Database,
  input: BrandingInput,
  beforeTemplates: SmsTemplates,
): Promise<{
  accentColor?: string | null;
  supportContact?: string | null;
  timeZone?: string;
  logoSha256?: string | null;
  smsTemplates: SmsTemplates;
}> {
  if (input.logo)
    await saveLogo(tx, {
      sha256: input.logo.sha256,
      contentType: input.logo.contentType,
      data: input.logo.data.toString('base64'),
    });
  return {
    ...(input.accentColor === undefined ? {} : { accentColor: input.accentColor }),
    ...(input.supportContact === undefined ? {} : { supportContact: input.supportContact }),
    ...(input.timeZone === undefined ? {} : { timeZone: input.timeZone }),
    ...(input.logo === undefined ? {} : { logoSha256: input.logo?.sha256 ?? null }),
    smsTemplates: mergeSmsTemplates(beforeTemplates, input.smsTemplates),
  };
}

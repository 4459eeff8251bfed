import type { BrandingRow } from '@sipops/db/queries';
import { DEFAULT_ACCENT } from './contrast.ts';
import { logoPath } from './logo.ts';
import { parseSupportContact, type SupportContact } from './support-contact.ts';

/** How a profile dresses the end user's pages. */
export type PageBranding = {
  brand: string;
  accentColor: string;
  support: SupportContact | null;
  timeZone: string;
  /** Where the page loads the logo from (a path of this site); null: no logo. */
  logoPath: string | null;
  profileId: string | null;
};

export const DEFAULT_TIME_ZONE = 'Europe/Rome';

/** No profile at all (a fresh install): the pages still work, unbranded. */
export const UNBRANDED: PageBranding = {
  brand: 'sipops',
  accentColor: DEFAULT_ACCENT,
  support: null,
  timeZone: DEFAULT_TIME_ZONE,
  logoPath: null,
  profileId: null,
};

export function toPageBranding(row: BrandingRow | null | undefined): PageBranding {
  if (!row) return UNBRANDED;
  return {
    brand: row.brand,
    accentColor: row.accentColor ?? DEFAULT_ACCENT,
    support: row.supportContact ? (parseSupportContact(row.supportContact) ?? null) : null,
    timeZone: row.timeZone,
    logoPath: row.logoSha256 ? logoPath(row.logoSha256) : null,
    profileId: row.id,
  };
}

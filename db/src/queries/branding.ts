import { desc, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { profileLogos, provisioningProfiles } from '../schema/index.ts';

export type LogoRow = typeof profileLogos.$inferSelect;

/** Stores a logo once: the same file for two profiles is one row. */
export async function saveLogo(
  db: Database,
  logo: Pick<LogoRow, 'sha256' | 'contentType' | 'data'>,
): Promise<void> {
  await db.insert(profileLogos).values(logo).onConflictDoNothing();
}

export async function findLogo(db: Database, sha256: string): Promise<LogoRow | undefined> {
  const [row] = await db.select().from(profileLogos).where(eq(profileLogos.sha256, sha256));
  return row;
}

const BRANDING = {
  id: provisioningProfiles.id,
  brand: provisioningProfiles.brand,
  accentColor: provisioningProfiles.accentColor,
  supportContact: provisioningProfiles.supportContact,
  timeZone: provisioningProfiles.timeZone,
  logoSha256: provisioningProfiles.logoSha256,
};

export type BrandingRow = {
  id: string;
  brand: string;
  accentColor: string | null;
  supportContact: string | null;
  timeZone: string;
  logoSha256: string | null;
};

export async function findBrandingById(
  db: Database,
  profileId: string,
): Promise<BrandingRow | undefined> {
  const [row] = await db
    .select(BRANDING)
    .from(provisioningProfiles)
    .where(eq(provisioningProfiles.id, profileId));
  return row;
}

/** The profile most recently saved with a support contact, else the most recently saved. */
export async function findDefaultBranding(db: Database): Promise<BrandingRow | undefined> {
  const [row] = await db
    .select(BRANDING)
    .from(provisioningProfiles)
    .orderBy(
      desc(isNotNull(provisioningProfiles.supportContact)),
      desc(provisioningProfiles.updatedAt),
    )
    .limit(1);
  return row;
}

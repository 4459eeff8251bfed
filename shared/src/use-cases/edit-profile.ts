import { provisioningProfiles } from '@sipops/db/schema';
import { eq } from 'drizzle-orm';
import { measureProfileSms } from '../branding/profile-sms.ts';
import { brandingChanges, FALLBACK_BASE_URL } from '../branding/save-branding.ts';
import type { Actor } from '../deps.ts';
import { recordAudit } from '../record-change.ts';
import { requireProfile } from '../resolve.ts';
import { profileRealm, rehashProfileAccounts } from '../sip-realm.ts';
import type { ProfileDeps } from './create-profile.ts';
import type { EditProfileInput } from './profile-schemas.ts';
import { type ProfileView, toProfileView } from './profile-view.ts';

export async function editProfile(
  deps: ProfileDeps,
  actor: Actor,
  input: EditProfileInput,
): Promise<ProfileView> {
  return deps.db.transaction(async (tx) => {
    const before = await requireProfile(tx, input.name, 'name');
    const {
      name: _name,
      accentColor,
      supportContact,
      timeZone,
      logo,
      smsTemplates,
      ...changes
    } = input;
    const branding = await brandingChanges(
      tx,
      { accentColor, supportContact, timeZone, logo, smsTemplates },
      before.smsTemplates,
    );
    const now = deps.clock.now();
    const [row] = await tx
      .update(provisioningProfiles)
      .set({ ...changes, ...branding, updatedAt: now })
      .where(eq(provisioningProfiles.id, before.id))
      .returning();
    if (!row) throw new Error('update returned no profile');
    // Every HA1 is made with its profile's realm, so a new realm (or SIP host) means new hashes.
    if (profileRealm(row) !== profileRealm(before)) {
      await rehashProfileAccounts(tx, deps.secretKey, row.id, profileRealm(row));
    }
    // Measured with the brand as saved: a longer brand can push a template over its limit too.
    measureProfileSms(row.smsTemplates, row.brand, deps.publicBaseUrl ?? FALLBACK_BASE_URL);
    const view = toProfileView(row);
    await recordAudit(tx, {
      action: 'profile.edited',
      actor,
      at: now,
      subjectType: 'profile',
      subjectId: row.id,
      subjectName: row.name,
      before: toProfileView(before),
      after: view,
    });
    return view;
  });
}

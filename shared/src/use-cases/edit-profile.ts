import { updateProfile } from '@sipops/db/queries';
import { brandingChanges } from '../branding/save-branding.ts';
import type { Actor } from '../deps.ts';
import { requireProfile } from '../resolve.ts';
import { profileRealm, rehashProfileAccounts } from '../sip-realm.ts';
import { type ProfileDeps, recordProfileSaved } from './create-profile.ts';
import type { EditProfileInput } from './profile-schemas.ts';
import type { ProfileView } from './profile-view.ts';

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
    const row = await updateProfile(tx, before.id, { ...changes, ...branding, updatedAt: now });
    // Every HA1 is made with its profile's realm, so a new realm (or SIP host) means new hashes.
    if (profileRealm(row) !== profileRealm(before)) {
      await rehashProfileAccounts(tx, deps.secretKey, row.id, profileRealm(row));
    }
    // Measured with the brand as saved: a longer brand can push a template over its limit too.
    return recordProfileSaved(tx, deps, { action: 'profile.edited', actor, at: now, row, before });
  });
}

import { provisioningProfiles } from '@sipops/db/schema';
import { rethrowUniqueViolation } from '../database-errors.ts';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from '../record-change.ts';
import { type CreateProfileInput, defaultSipPort } from './profile-schemas.ts';
import { type ProfileView, toProfileView } from './profile-view.ts';

export async function createProfile(
  deps: Deps,
  actor: Actor,
  input: CreateProfileInput,
): Promise<ProfileView> {
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const [row] = await tx
      .insert(provisioningProfiles)
      .values({
        name: input.name,
        sipHost: input.sipHost,
        realm: input.realm ?? null,
        sipPort: input.sipPort ?? defaultSipPort(input.transport),
        transport: input.transport,
        iosUrl: input.iosUrl ?? null,
        androidUrl: input.androidUrl ?? null,
        ...(input.brand ? { brand: input.brand } : {}),
        ...(input.appScheme ? { appScheme: input.appScheme } : {}),
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .catch((error: unknown) =>
        rethrowUniqueViolation(error, {
          provisioning_profiles_name_unique: new AppError(
            'DUPLICATE_NAME',
            `a profile named "${input.name}" exists already`,
            { field: 'name' },
          ),
        }),
      );
    if (!row) throw new Error('insert returned no profile');
    const view = toProfileView(row);
    await recordAudit(tx, {
      action: 'profile.created',
      actor,
      at: now,
      subjectType: 'profile',
      subjectId: row.id,
      subjectName: row.name,
      before: null,
      after: view,
    });
    return view;
  });
}

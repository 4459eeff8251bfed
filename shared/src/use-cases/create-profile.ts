import type { Database } from '@sipops/db/client';
import { insertProfile, type ProfileRow } from '@sipops/db/queries';
import { measureProfileSms } from '../branding/profile-sms.ts';
import { brandingChanges, FALLBACK_BASE_URL } from '../branding/save-branding.ts';
import { rethrowUniqueViolation } from '../database-errors.ts';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from '../record-change.ts';
import { type CreateProfileInput, defaultSipPort } from './profile-schemas.ts';
import { type ProfileView, toProfileView } from './profile-view.ts';

/** The deps of saving a profile: the public address measures its SMS with their real link. */
export type ProfileDeps = Deps & { publicBaseUrl?: string };

export async function createProfile(
  deps: ProfileDeps,
  actor: Actor,
  input: CreateProfileInput,
): Promise<ProfileView> {
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const {
      name,
      sipHost,
      realm,
      sipPort,
      transport,
      iosUrl,
      androidUrl,
      brand,
      appScheme,
      appLink,
      registrationExpires,
      credentials,
      ...branding
    } = input;
    const row = await insertProfile(tx, {
      name,
      sipHost,
      realm: realm ?? null,
      sipPort: sipPort ?? defaultSipPort(transport),
      transport,
      iosUrl: iosUrl ?? null,
      androidUrl: androidUrl ?? null,
      ...(brand ? { brand } : {}),
      ...(appScheme ? { appScheme } : {}),
      ...(appLink ? { appLink } : {}),
      ...(registrationExpires ? { registrationExpires } : {}),
      ...(credentials ? { credentials } : {}),
      ...(await brandingChanges(tx, branding, {})),
      createdAt: now,
      updatedAt: now,
    }).catch((error: unknown) =>
      rethrowUniqueViolation(error, {
        provisioning_profiles_name_unique: new AppError(
          'DUPLICATE_NAME',
          `a profile named "${name}" exists already`,
          { field: 'name' },
        ),
      }),
    );
    return recordProfileSaved(tx, deps, { action: 'profile.created', actor, at: now, row });
  });
}

/**
 * After a profile is created or edited: its SMS measured with the brand as saved (over two
 * segments is refused, as the front ends show staff), then the change audited; its view.
 */
export async function recordProfileSaved(
  tx: Database,
  deps: ProfileDeps,
  saved: {
    action: 'profile.created' | 'profile.edited';
    actor: Actor;
    at: Date;
    row: ProfileRow;
    before?: ProfileRow;
  },
): Promise<ProfileView> {
  const { row } = saved;
  measureProfileSms(row.smsTemplates, row.brand, deps.publicBaseUrl ?? FALLBACK_BASE_URL);
  const view = toProfileView(row);
  await recordAudit(tx, {
    action: saved.action,
    actor: saved.actor,
    at: saved.at,
    subjectType: 'profile',
    subjectId: row.id,
    subjectName: row.name,
    before: saved.before ? toProfileView(saved.before) : null,
    after: view,
  });
  return view;
}

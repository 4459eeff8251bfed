import { listProfiles as selectProfiles } from '@sipops/db/queries';
import type { Deps } from '../deps.ts';
import { type ProfileView, toProfileView } from './profile-view.ts';

export async function listProfiles(deps: Pick<Deps, 'db'>): Promise<ProfileView[]> {
  return (await selectProfiles(deps.db)).map(toProfileView);
}

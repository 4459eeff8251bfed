import { listGroupsWithProfiles } from '@sipops/db/queries';
import type { Deps } from '../deps.ts';
import type { GroupView } from './create-group.ts';

export async function listGroups(deps: Pick<Deps, 'db'>): Promise<GroupView[]> {
  const rows = await listGroupsWithProfiles(deps.db);
  return rows.map(({ group, profile }) => ({
    id: group.id,
    name: group.name,
    profile: profile?.name ?? null,
    channel: group.slackChannel,
  }));
}

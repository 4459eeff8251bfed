import { listGroupsWithProfiles } from '@sipops/db/queries';
import type { GroupScope } from '../authorize.ts';
import type { Deps } from '../deps.ts';
import type { GroupView } from './create-group.ts';

export async function listGroups(
  deps: Pick<Deps, 'db'>,
  scope: GroupScope = null,
): Promise<GroupView[]> {
  const rows = await listGroupsWithProfiles(deps.db, scope);
  return rows.map(({ group, profile }) => ({
    id: group.id,
    name: group.name,
    profile: profile?.name ?? null,
    channel: group.slackChannel,
  }));
}

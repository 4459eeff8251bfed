import { findGroupsByIds, listSlackRoles } from '@sipops/db/queries';
import type { Deps } from '../deps.ts';
import { type ConfiguredAdmins, ROLE_RANK } from '../role-schemas.ts';
import type { RoleView } from './grant-role.ts';

/** Everyone with a role in a team: the configured admins, then the granted roles, highest first. */
export async function listRoles(
  deps: Pick<Deps, 'db'> & ConfiguredAdmins,
  input: { teamId: string },
): Promise<RoleView[]> {
  const rows = await listSlackRoles(deps.db, input);
  const configured: RoleView[] = deps.configuredAdmins.map((userId) => ({
    teamId: input.teamId,
    userId,
    role: 'admin',
    groups: null,
    grantedBy: 'configuration',
    grantedAt: null,
  }));
  const ids = [...new Set(rows.flatMap((row) => row.groupIds ?? []))];
  const names = new Map((await findGroupsByIds(deps.db, ids)).map((g) => [g.id, g.name]));
  const granted: RoleView[] = rows
    .filter((row) => !deps.configuredAdmins.includes(row.userId))
    .map((row) => ({
      teamId: row.teamId,
      userId: row.userId,
      role: row.role,
      groups: row.groupIds ? row.groupIds.map((id) => names.get(id) ?? id).sort() : null,
      grantedBy: row.grantedBy,
      grantedAt: row.grantedAt.toISOString(),
    }))
    .sort((a, b) => ROLE_RANK[b.role] - ROLE_RANK[a.role]);
  return [...configured, ...granted];
}

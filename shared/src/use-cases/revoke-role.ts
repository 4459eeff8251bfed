import { deleteSlackRole } from '@sipops/db/queries';
import type { Actor, Deps } from '../deps.ts';
import type { ConfiguredAdmins, RevokeRoleInput } from '../role-schemas.ts';
import {
  lockRole,
  type RoleChange,
  recordRoleAudit,
  refuseConfiguredAdmin,
  refuseLastAdmin,
} from './grant-role.ts';

/** Takes a Slack user's role away (`/sip role @user none`); a user without one is left as is. */
export async function revokeRole(
  deps: Deps & ConfiguredAdmins,
  actor: Actor,
  input: RevokeRoleInput,
): Promise<RoleChange> {
  refuseConfiguredAdmin(deps, input);
  return deps.db.transaction(async (tx) => {
    const before = await lockRole(tx, input);
    if (before === null) return { before, after: null, groups: null, isChanged: false };
    if (before === 'admin') await refuseLastAdmin(deps, tx, input);
    await deleteSlackRole(tx, input);
    await recordRoleAudit(tx, 'role.revoked', actor, deps.clock.now(), input, before, null);
    return { before, after: null, groups: null, isChanged: true };
  });
}

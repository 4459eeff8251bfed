import type { Database } from '@sipops/db/client';
import {
  findGroupsByIds,
  findGroupsByNames,
  lockOtherAdmins,
  lockSlackRole,
  upsertSlackRole,
} from '@sipops/db/queries';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from '../record-change.ts';
import type { ConfiguredAdmins, GrantRoleInput, Role, SlackUser } from '../role-schemas.ts';

export type RoleView = {
  teamId: string;
  userId: string;
  role: Role;
  /** The groups the role is given for, by name; null: every group. */
  groups: string[] | null;
  /** `configuration` for the admins of SIPOPS_ADMINS; else who granted it. */
  grantedBy: string;
  grantedAt: string | null;
};

export type RoleChange = {
  before: Role | null;
  after: Role | null;
  /** The groups of the role after the change, by name; null: every group. */
  groups: string[] | null;
  isChanged: boolean;
};

/** Gives a Slack user a role in a team, replacing the one they had. */
export async function grantRole(
  deps: Deps & ConfiguredAdmins,
  actor: Actor,
  input: GrantRoleInput,
): Promise<RoleChange> {
  refuseConfiguredAdmin(deps, input);
  if (input.role === 'admin' && input.groups)
    throw new AppError('NOT_ALLOWED', 'admins see every group: give admin without groups', {
      field: 'groups',
    });
  return deps.db.transaction(async (tx) => {
    const scope = input.groups ? await requireGroupIds(tx, input.groups) : null;
    const groups = scope ? scope.map((g) => g.name) : null;
    const groupIds = scope ? scope.map((g) => g.id).sort() : null;
    const before = await lockRoleRow(tx, input);
    const isSame =
      before?.role === input.role &&
      JSON.stringify([...(before.groupIds ?? [])].sort()) === JSON.stringify(groupIds ?? []) &&
      (before.groupIds === null) === (groupIds === null);
    if (isSame) return { before: input.role, after: input.role, groups, isChanged: false };
    if (before?.role === 'admin') await refuseLastAdmin(deps, tx, input);
    const now = deps.clock.now();
    const { groups: _names, ...who } = input;
    await upsertSlackRole(tx, { ...who, groupIds, grantedBy: actor, grantedAt: now });
    await recordRoleAudit(tx, 'role.granted', actor, now, input, before?.role ?? null, input.role, {
      before: before?.groupNames ?? null,
      after: groups,
    });
    return { before: before?.role ?? null, after: input.role, groups, isChanged: true };
  });
}

/** Groups named for a role, every name checked: one that is no group is refused by name. */
async function requireGroupIds(
  tx: Database,
  names: readonly string[],
): Promise<{ id: string; name: string }[]> {
  const found = await findGroupsByNames(tx, names);
  const missing = names.filter((name) => !found.some((g) => g.name === name));
  if (missing.length > 0)
    throw new AppError('NOT_FOUND', `no group named ${missing.map((n) => `"${n}"`).join(', ')}`, {
      field: 'groups',
    });
  return found;
}

/** The user's current role and groups, its row locked so that two changes queue up. */
async function lockRoleRow(
  tx: Database,
  who: SlackUser,
): Promise<{ role: Role; groupIds: string[] | null; groupNames: string[] | null } | null> {
  const row = await lockSlackRole(tx, who);
  if (!row) return null;
  const groupNames = row.groupIds
    ? (await findGroupsByIds(tx, row.groupIds)).map((g) => g.name)
    : null;
  return { ...row, groupNames };
}

/** Changing a configured admin in the database would do nothing: say where it is set instead. */
export function refuseConfiguredAdmin(deps: ConfiguredAdmins, who: SlackUser): void {
  if (deps.configuredAdmins.includes(who.userId)) {
    throw new AppError(
      'NOT_ALLOWED',
      `${who.userId} is an admin from SIPOPS_ADMINS; change that setting to change their role`,
      { field: 'user' },
    );
  }
}

/** The user's current role, its row locked so that two changes queue up. */
export async function lockRole(tx: Database, who: SlackUser): Promise<Role | null> {
  return (await lockSlackRole(tx, who))?.role ?? null;
}

/** Nobody could grant roles any more: keep one admin per team unless configuration names some. */
export async function refuseLastAdmin(
  deps: ConfiguredAdmins,
  tx: Database,
  who: SlackUser,
): Promise<void> {
  if (deps.configuredAdmins.length > 0) return;
  const others = await lockOtherAdmins(tx, who);
  if (others.length === 0) {
    throw new AppError(
      'NOT_ALLOWED',
      `${who.userId} is the last admin of this team; make someone else admin first`,
      { field: 'user' },
    );
  }
}

export async function recordRoleAudit(
  tx: Database,
  action: 'role.granted' | 'role.revoked',
  actor: Actor,
  at: Date,
  who: SlackUser,
  before: Role | null,
  after: Role | null,
  groups: { before: string[] | null; after: string[] | null } = { before: null, after: null },
): Promise<void> {
  await recordAudit(tx, {
    action,
    actor,
    at,
    subjectType: 'role',
    subjectId: `${who.teamId}/${who.userId}`,
    subjectName: who.userId,
    before:
      before === null
        ? null
        : { teamId: who.teamId, userId: who.userId, role: before, groups: groups.before },
    after:
      after === null
        ? null
        : { teamId: who.teamId, userId: who.userId, role: after, groups: groups.after },
  });
}

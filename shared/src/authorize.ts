import { findGroupsByIds, findSlackRole } from '@sipops/db/queries';
import type { Deps } from './deps.ts';
import { AppError } from './errors.ts';
import { type ConfiguredAdmins, ROLE_RANK, type Role, type SlackUser } from './role-schemas.ts';

/** The least role each action needs; a higher role may do everything a lower one may. */
export const ACTION_ROLES = {
  help: 'manager',
  'account.show': 'manager',
  'account.list': 'manager',
  'account.find': 'manager',
  'group.list': 'manager',
  'profile.list': 'manager',
  'notification.receive': 'manager',
  'account.create': 'support',
  'account.edit': 'support',
  'account.delete': 'support',
  'account.disable': 'support',
  'account.enable': 'support',
  'account.revoke-keys': 'support',
  'account.activate': 'support',
  'account.batch': 'support',
  'group.create': 'admin',
  'profile.create': 'admin',
  'profile.edit': 'admin',
  'role.list': 'admin',
  'role.grant': 'admin',
  'history.show': 'manager',
  'group.edit': 'admin',
} as const satisfies Record<string, Role>;
export type Action = keyof typeof ACTION_ROLES;

export type AuthorizeDeps = Pick<Deps, 'db'> & ConfiguredAdmins;

/**
 * The groups a person sees and changes: the ids of their groups, or null for every group (admins,
 * the terminal's operator, the workers). Use cases hand it to the queries, which filter by it.
 */
export type GroupScope = readonly string[] | null;

/** A person's role and the groups it is given for. */
export type Access = { role: Role; groupIds: GroupScope };

/** The operator at the terminal and the server's own work: everything, every group. */
export const FULL_ACCESS: Access = { role: 'admin', groupIds: null };

/** The role a Slack user holds in a team, and where: configured admins first, then the granted role. */
export async function findAccess(deps: AuthorizeDeps, who: SlackUser): Promise<Access | undefined> {
  if (deps.configuredAdmins.includes(who.userId)) return FULL_ACCESS;
  const row = await findSlackRole(deps.db, who);
  if (!row) return undefined;
  return { role: row.role, groupIds: row.role === 'admin' ? null : row.groupIds };
}

/** The role a Slack user holds in a team. */
export async function findRole(deps: AuthorizeDeps, who: SlackUser): Promise<Role | undefined> {
  return (await findAccess(deps, who))?.role;
}

export function isAllowed(role: Role | undefined, action: Action): boolean {
  return role !== undefined && ROLE_RANK[role] >= ROLE_RANK[ACTION_ROLES[action]];
}

/** The user's role and groups when the role allows the action; FORBIDDEN naming the role needed otherwise. */
export async function authorize(
  deps: AuthorizeDeps,
  who: SlackUser,
  action: Action,
): Promise<Access> {
  const access = await findAccess(deps, who);
  if (access === undefined || !isAllowed(access.role, action)) {
    throw new AppError(
      'FORBIDDEN',
      `needs the ${ACTION_ROLES[action]} role (you have ${access?.role ?? 'none'})`,
    );
  }
  return access;
}

export function isGroupInScope(scope: GroupScope, groupId: string): boolean {
  return scope === null || scope.includes(groupId);
}

/** Refuses an account or group outside the person's groups, without saying what it holds. */
export function requireGroupInScope(
  scope: GroupScope,
  groupId: string,
  what: string,
  field = 'group',
): void {
  if (!isGroupInScope(scope, groupId))
    throw new AppError('FORBIDDEN', `${what} is not in your groups`, { field });
}

/** The names of a scope's groups, for saying where a role applies; null for every group. */
export async function scopeGroupNames(
  deps: Pick<Deps, 'db'>,
  scope: GroupScope,
): Promise<string[] | null> {
  if (scope === null) return null;
  return (await findGroupsByIds(deps.db, scope)).map((g) => g.name);
}

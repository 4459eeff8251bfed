import { slackRoles } from '@sipops/db/schema';
import { and, eq } from 'drizzle-orm';
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
} as const satisfies Record<string, Role>;
export type Action = keyof typeof ACTION_ROLES;

export type AuthorizeDeps = Pick<Deps, 'db'> & ConfiguredAdmins;

/** The role a Slack user holds in a team: configured admins first, then the granted role. */
export async function findRole(deps: AuthorizeDeps, who: SlackUser): Promise<Role | undefined> {
  if (deps.configuredAdmins.includes(who.userId)) return 'admin';
  const [row] = await deps.db
    .select({ role: slackRoles.role })
    .from(slackRoles)
    .where(and(eq(slackRoles.teamId, who.teamId), eq(slackRoles.userId, who.userId)));
  return row?.role;
}

export function isAllowed(role: Role | undefined, action: Action): boolean {
  return role !== undefined && ROLE_RANK[role] >= ROLE_RANK[ACTION_ROLES[action]];
}

/** The user's role when it allows the action; FORBIDDEN naming the role needed otherwise. */
export async function authorize(
  deps: AuthorizeDeps,
  who: SlackUser,
  action: Action,
): Promise<Role> {
  const role = await findRole(deps, who);
  if (role === undefined || !isAllowed(role, action)) {
    throw new AppError(
      'FORBIDDEN',
      `needs the ${ACTION_ROLES[action]} role (you have ${role ?? 'none'})`,
    );
  }
  return role;
}

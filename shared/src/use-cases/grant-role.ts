import type { Database } from '@sipops/db/client';
import { slackRoles } from '@sipops/db/schema';
import { and, eq, ne } from 'drizzle-orm';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from '../record-change.ts';
import type { ConfiguredAdmins, GrantRoleInput, Role, SlackUser } from '../role-schemas.ts';

export type RoleView = {
  teamId: string;
  userId: string;
  role: Role;
  /** `configuration` for the admins of SIPOPS_ADMINS; else who granted it. */
  grantedBy: string;
  grantedAt: string | null;
};

export type RoleChange = { before: Role | null; after: Role | null; isChanged: boolean };

/** Gives a Slack user a role in a team, replacing the one they had. */
export async function grantRole(
  deps: Deps & ConfiguredAdmins,
  actor: Actor,
  input: GrantRoleInput,
): Promise<RoleChange> {
  refuseConfiguredAdmin(deps, input);
  return deps.db.transaction(async (tx) => {
    const before = await lockRole(tx, input);
    if (before === input.role) return { before, after: before, isChanged: false };
    if (before === 'admin') await refuseLastAdmin(deps, tx, input);
    const now = deps.clock.now();
    await tx
      .insert(slackRoles)
      .values({ ...input, grantedBy: actor, grantedAt: now })
      .onConflictDoUpdate({
        target: [slackRoles.teamId, slackRoles.userId],
        set: { role: input.role, grantedBy: actor, grantedAt: now },
      });
    await recordRoleAudit(tx, 'role.granted', actor, now, input, before, input.role);
    return { before, after: input.role, isChanged: true };
  });
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
  const [row] = await tx
    .select({ role: slackRoles.role })
    .from(slackRoles)
    .where(and(eq(slackRoles.teamId, who.teamId), eq(slackRoles.userId, who.userId)))
    .for('update');
  return row?.role ?? null;
}

/** Nobody could grant roles any more: keep one admin per team unless configuration names some. */
export async function refuseLastAdmin(
  deps: ConfiguredAdmins,
  tx: Database,
  who: SlackUser,
): Promise<void> {
  if (deps.configuredAdmins.length > 0) return;
  const others = await tx
    .select({ userId: slackRoles.userId })
    .from(slackRoles)
    .where(
      and(
        eq(slackRoles.teamId, who.teamId),
        eq(slackRoles.role, 'admin'),
        ne(slackRoles.userId, who.userId),
      ),
    )
    .for('update');
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
): Promise<void> {
  await recordAudit(tx, {
    action,
    actor,
    at,
    subjectType: 'role',
    subjectId: `${who.teamId}/${who.userId}`,
    subjectName: who.userId,
    before: before === null ? null : { teamId: who.teamId, userId: who.userId, role: before },
    after: after === null ? null : { teamId: who.teamId, userId: who.userId, role: after },
  });
}

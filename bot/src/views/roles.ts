import type { RoleChange, RoleView } from '@sipops/shared/use-cases/grant-role';
import { LIMITS, linesToSections, type SlackMessage, slackDate } from './blocks.ts';

export function buildRoleList(roles: RoleView[]): SlackMessage {
  if (roles.length === 0) {
    return { text: 'Nobody has a role yet. Grant one with `/sip role @user support`.' };
  }
  const lines = roles.map((role) =>
    role.grantedBy === 'configuration'
      ? `• <@${role.userId}> — *admin* (SIPOPS_ADMINS)`
      : `• <@${role.userId}> — *${role.role}* (granted by ${describeActor(role.grantedBy)}${role.grantedAt ? `, ${slackDate(role.grantedAt)}` : ''})`,
  );
  return {
    text: `${roles.length} people with a role`,
    blocks: linesToSections(
      ['*Roles in this workspace*', ...lines],
      LIMITS.messageBlocks,
      (left) => `…and ${left} more`,
    ),
  };
}

/** `slack:T1/U1` as a mention; other actors (the terminal) as written. */
function describeActor(actor: string): string {
  const user = /^slack:[^/]+\/([A-Z0-9]+)$/.exec(actor)?.[1];
  return user ? `<@${user}>` : actor;
}

export function buildRoleChange(userId: string, change: RoleChange): SlackMessage {
  const text = !change.isChanged
    ? `<@${userId}> ${change.after ? `is ${change.after} already` : 'has no role already'}; nothing changed.`
    : change.after
      ? `<@${userId}> is now *${change.after}*${change.before ? ` (was ${change.before})` : ''}.`
      : `<@${userId}> has no role any more (was ${change.before}).`;
  return { text };
}

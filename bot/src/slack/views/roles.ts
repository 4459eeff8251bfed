import type { RoleChange, RoleView } from '@sipops/shared/use-cases/grant-role';
import { LIMITS, linesToSections, type SlackMessage, slackDate } from './blocks.ts';

export function buildRoleList(roles: RoleView[]): SlackMessage {
  if (roles.length === 0) {
    return { text: 'Nobody has a role yet. Grant one with `/sip role @user support`.' };
  }
  const lines = roles.map((role) =>
    role.grantedBy === 'configuration'
      ? `• <@${role.userId}> — *admin* (SIPOPS_ADMINS)`
      : `• <@${role.userId}> — *${role.role}*${scopeText(role.groups)} (granted by ${describeActor(role.grantedBy)}${role.grantedAt ? `, ${slackDate(role.grantedAt)}` : ''})`,
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

/** Where a role applies: nothing for every group, else the groups' names. */
function scopeText(groups: string[] | null): string {
  return groups === null ? '' : ` of ${groups.length === 0 ? 'no group' : groups.join(', ')}`;
}

/** `slack:T1/U1` as a mention; other actors (the terminal) as written. */
function describeActor(actor: string): string {
  const user = /^slack:[^/]+\/([A-Z0-9]+)$/.exec(actor)?.[1];
  return user ? `<@${user}>` : actor;
}

export function buildRoleChange(userId: string, change: RoleChange): SlackMessage {
  const where = change.after ? scopeText(change.groups) || ' of every group' : '';
  const text = !change.isChanged
    ? `<@${userId}> ${change.after ? `is ${change.after}${where} already` : 'has no role already'}; nothing changed.`
    : change.after
      ? `<@${userId}> is now *${change.after}*${where}${change.before ? ` (was ${change.before})` : ''}.`
      : `<@${userId}> has no role any more (was ${change.before}).`;
  return { text };
}

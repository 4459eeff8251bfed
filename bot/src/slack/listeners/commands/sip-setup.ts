import { type Access, isAllowed } from '@sipops/shared/authorize';
import { grantRoleSchema, revokeRoleSchema } from '@sipops/shared/role-schemas';
import { grantRole } from '@sipops/shared/use-cases/grant-role';
import { listGroups } from '@sipops/shared/use-cases/list-groups';
import { listProfiles } from '@sipops/shared/use-cases/list-profiles';
import { listRoles } from '@sipops/shared/use-cases/list-roles';
import { revokeRole } from '@sipops/shared/use-cases/revoke-role';
import { parseInput } from '@sipops/shared/validation';
import { actorOf } from '../../bot-context.ts';
import { openBatchForm, openGroupForm, openProfileForm } from '../../open-forms.ts';
import { parseUserMention } from '../../sip-line.ts';
import { CommandUsageError } from '../../slack-errors.ts';
import { type Interaction, reply } from '../../slack-io.ts';
import { usageOf } from '../../views/help.ts';
import { buildRoleChange, buildRoleList } from '../../views/roles.ts';
import { buildGroupList, buildProfileList } from '../../views/setup-lists.ts';

const NEW_WORDS = new Set(['new', 'create', 'add']);

export function groupsAction(args: string[]) {
  return args.length === 0 ? ('group.list' as const) : ('group.create' as const);
}

export async function runGroups(
  interaction: Interaction,
  args: string[],
  access: Access,
): Promise<void> {
  const [first, ...rest] = args;
  if (first === undefined) {
    const groups = await listGroups(interaction.context.deps, access.groupIds);
    await reply(interaction, buildGroupList(groups, isAllowed(access.role, 'group.create')));
    return;
  }
  if (!NEW_WORDS.has(first.toLowerCase()) || rest.length > 0)
    throw new CommandUsageError(`\`${args.join(' ')}\` is not understood`, usageOf('groups'));
  await openGroupForm(interaction);
}

export function profilesAction(args: string[]) {
  const [first] = args;
  if (first === undefined) return 'profile.list' as const;
  return first.toLowerCase() === 'edit' ? ('profile.edit' as const) : ('profile.create' as const);
}

export async function runProfiles(
  interaction: Interaction,
  args: string[],
  access: Access,
): Promise<void> {
  const [first, ...rest] = args;
  if (first === undefined) {
    const profiles = await listProfiles(interaction.context.deps);
    await reply(interaction, buildProfileList(profiles, isAllowed(access.role, 'profile.edit')));
    return;
  }
  if (NEW_WORDS.has(first.toLowerCase()) && rest.length === 0) {
    await openProfileForm(interaction, undefined);
    return;
  }
  if (first.toLowerCase() === 'edit' && rest.length === 1 && rest[0]) {
    await openProfileForm(interaction, rest[0]);
    return;
  }
  throw new CommandUsageError(`\`${args.join(' ')}\` is not understood`, usageOf('profiles'));
}

export function roleAction(args: string[]) {
  return args.length === 0 || args[0]?.toLowerCase() === 'list'
    ? ('role.list' as const)
    : ('role.grant' as const);
}

export async function runRole(interaction: Interaction, args: string[]): Promise<void> {
  const { context, who } = interaction;
  const deps = { ...context.deps, configuredAdmins: context.configuredAdmins };
  if (roleAction(args) === 'role.list') {
    if (args.length > 1)
      throw new CommandUsageError(`\`${args.join(' ')}\` is not understood`, usageOf('role'));
    await reply(interaction, buildRoleList(await listRoles(deps, { teamId: who.teamId })));
    return;
  }
  const [person = '', role, groupList, ...rest] = args;
  const userId = parseUserMention(person);
  if (!userId) {
    throw new CommandUsageError(
      `\`${person}\` is not a person: mention them, picking the name Slack offers as you type`,
      usageOf('role'),
    );
  }
  if (role === undefined || rest.length > 0)
    throw new CommandUsageError(
      'say which role (admin, support, manager or none), then the groups it is for, if not all (`acme,north`)',
      usageOf('role'),
    );
  const groups = groupList
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (role.toLowerCase() === 'none' && groupList !== undefined)
    throw new CommandUsageError(
      '`none` takes away the whole role: name no groups',
      usageOf('role'),
    );
  const target = { teamId: who.teamId, userId };
  const change =
    role.toLowerCase() === 'none'
      ? await revokeRole(deps, actorOf(who), parseInput(revokeRoleSchema, target))
      : await grantRole(
          deps,
          actorOf(who),
          parseInput(grantRoleSchema, {
            ...target,
            role: role.toLowerCase(),
            ...(groups ? { groups } : {}),
          }),
        );
  await reply(interaction, buildRoleChange(userId, change));
}

/** `/sip batch`: the modal opens at once; the file is checked after it is submitted. */
export function runBatch(interaction: Interaction): Promise<void> {
  return openBatchForm(interaction);
}

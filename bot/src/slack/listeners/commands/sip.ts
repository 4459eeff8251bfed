import type { AccountType } from '@sipops/shared/account-schemas';
import type { Access, Action } from '@sipops/shared/authorize';
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { authorizeUser, type BotContext } from '../../bot-context.ts';
import { openCreateAccountForm, openEditAccountForm, openWizardForm } from '../../open-forms.ts';
import { isSubcommand, noArguments, oneArgument, tokenize } from '../../sip-line.ts';
import { CommandUsageError } from '../../slack-errors.ts';
import { type Interaction, reply, replyFailure } from '../../slack-io.ts';
import { buildHelp, type SubcommandName, usageOf } from '../../views/help.ts';
import { runClients, runFind, runHistory, runList, runPrompt, runShow } from './sip-accounts.ts';
import {
  groupsAction,
  profilesAction,
  roleAction,
  runBatch,
  runGroups,
  runProfiles,
  runRole,
} from './sip-setup.ts';

type Subcommand = {
  /** What the user must be allowed to do; some subcommands do more with more arguments. */
  action: (args: string[]) => Action;
  run: (interaction: Interaction, args: string[], access: Access) => Promise<void>;
};

const ACCOUNT_TYPES = new Set<AccountType>(['pgsm', 'snom']);

/** Every subcommand of `/sip`, with the permission it needs. */
export const SUBCOMMANDS: Record<SubcommandName, Subcommand> = {
  create: {
    action: () => 'account.create',
    run: async (interaction, args, access) => {
      const [type = 'pgsm', ...rest] = args.map((arg) => arg.toLowerCase());
      if (!ACCOUNT_TYPES.has(type as AccountType) || rest.length > 0)
        throw new CommandUsageError(`\`${args.join(' ')}\` is not pgsm or snom`, usageOf('create'));
      await openCreateAccountForm(interaction, type as AccountType, access.groupIds);
    },
  },
  wizard: {
    action: () => 'account.create',
    run: async (interaction, args, access) => {
      noArguments('wizard', args);
      await openWizardForm(interaction, access.groupIds);
    },
  },
  edit: {
    action: () => 'account.edit',
    run: (interaction, args, access) =>
      openEditAccountForm(
        interaction,
        oneArgument('edit', args, 'account'),
        false,
        access.groupIds,
      ),
  },
  show: { action: () => 'account.show', run: runShow },
  list: { action: () => 'account.list', run: runList },
  find: { action: () => 'account.find', run: runFind },
  clients: { action: () => 'account.list', run: runClients },
  batch: { action: () => 'account.batch', run: runBatch },
  disable: {
    action: () => 'account.disable',
    run: (interaction, args, access) => runPrompt(interaction, 'disable', args, access),
  },
  enable: {
    action: () => 'account.enable',
    run: (interaction, args, access) => runPrompt(interaction, 'enable', args, access),
  },
  delete: {
    action: () => 'account.delete',
    run: (interaction, args, access) => runPrompt(interaction, 'delete', args, access),
  },
  'revoke-keys': {
    action: () => 'account.revoke-keys',
    run: (interaction, args, access) => runPrompt(interaction, 'revoke-keys', args, access),
  },
  activate: {
    action: () => 'account.activate',
    run: (interaction, args, access) => runPrompt(interaction, 'activate', args, access),
  },
  groups: { action: groupsAction, run: runGroups },
  profiles: { action: profilesAction, run: runProfiles },
  role: { action: roleAction, run: runRole },
  history: { action: () => 'history.show', run: runHistory },
  help: { action: () => 'help', run: (interaction) => reply(interaction, buildHelp()) },
};

/**
 * `/sip <subcommand> …`: acknowledged at once, then the user's role is checked for what the
 * subcommand does, and the subcommand runs. Unknown input gets the help; failures, a message.
 */
export async function sipCommand(
  { command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs,
  context: BotContext,
): Promise<void> {
  await ack();
  const who = { teamId: command.team_id, userId: command.user_id };
  const interaction: Interaction = {
    context,
    who,
    client,
    triggerId: command.trigger_id,
    responseUrl: command.response_url,
    respond,
  };
  const [word = 'help', ...args] = tokenize(command.text ?? '');
  const name = word.toLowerCase();
  try {
    if (!isSubcommand(name)) {
      await authorizeUser(context, who, 'help');
      await reply(
        interaction,
        buildHelp(`“${word}” is not a /sip subcommand. This is what /sip does:`),
      );
      return;
    }
    const subcommand = SUBCOMMANDS[name];
    const access = await authorizeUser(context, who, subcommand.action(args));
    await subcommand.run(interaction, args, access);
  } catch (error) {
    await replyFailure(interaction, error);
  }
}

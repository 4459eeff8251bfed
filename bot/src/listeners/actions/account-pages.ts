import { AppError } from '@sipops/shared/errors';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { authorizeUser, type BotContext } from '../../bot-context.ts';
import { reply, replyFailure } from '../../slack-io.ts';
import { decodeQuery } from '../../views/account-list.ts';
import { cardWithRegistrations, replyAccountPage } from '../commands/sip-accounts.ts';
import { type ButtonArgs, interactionOfButton } from './interaction.ts';

/** Previous / Next under a list or find: the page is replaced by the one asked for. */
export async function pageButton(args: ButtonArgs, context: BotContext): Promise<void> {
  await args.ack();
  const interaction = interactionOfButton(args, context);
  try {
    const query = decodeQuery(args.action.value);
    if (!query) throw new AppError('CONFLICT', 'this page button is out of date; list again');
    await authorizeUser(
      context,
      interaction.who,
      query.text === undefined ? 'account.list' : 'account.find',
    );
    await replyAccountPage(interaction, query, true);
  } catch (error) {
    await replyFailure(interaction, error);
  }
}

/** Open on a row of a list: the account's card, below the list (which stays). */
export async function openAccountButton(args: ButtonArgs, context: BotContext): Promise<void> {
  await args.ack();
  const interaction = interactionOfButton(args, context);
  try {
    await authorizeUser(context, interaction.who, 'account.show');
    const account = await showAccount(context.deps, args.action.value ?? '');
    await reply(interaction, await cardWithRegistrations(interaction, account));
  } catch (error) {
    await replyFailure(interaction, error);
  }
}

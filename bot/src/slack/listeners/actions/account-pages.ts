import { AppError } from '@sipops/shared/errors';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { authorizeUser } from '../../bot-context.ts';
import { reply } from '../../slack-io.ts';
import { decodeCardValue } from '../../views/account-card.ts';
import { decodeQuery } from '../../views/account-list.ts';
import { decodeHistoryCursor } from '../../views/history.ts';
import { cardWithRegistrations, replyAccountPage, replyHistory } from '../commands/sip-accounts.ts';
import { onButton } from './interaction.ts';

/** Previous / Next under a list or find: the page is replaced by the one asked for. */
export const pageButton = onButton(async (interaction, args, context) => {
  const query = decodeQuery(args.action.value);
  if (!query) throw new AppError('CONFLICT', 'this page button is out of date; list again');
  const access = await authorizeUser(
    context,
    interaction.who,
    query.text === undefined ? 'account.list' : 'account.find',
  );
  await replyAccountPage(interaction, query, true, access.groupIds);
});

/** Open on a row of a list: the account's card, below the list (which stays). */
export const openAccountButton = onButton(async (interaction, args, context) => {
  const access = await authorizeUser(context, interaction.who, 'account.show');
  const account = await showAccount(context.deps, args.action.value ?? '', access.groupIds);
  await reply(interaction, await cardWithRegistrations(interaction, account));
});

/** History on a card: the account's history, below the card. */
export const historyButton = onButton(async (interaction, args, context) => {
  const value = decodeCardValue(args.action.value);
  if (!value) throw new AppError('CONFLICT', 'this button is out of date; show the account again');
  const access = await authorizeUser(context, interaction.who, 'history.show');
  await replyHistory(interaction, { account: value.account }, access);
});

/** More under a history: the next, older page replaces the one shown. */
export const historyMoreButton = onButton(async (interaction, args, context) => {
  const cursor = decodeHistoryCursor(args.action.value);
  if (!cursor)
    throw new AppError('CONFLICT', 'this button is out of date; ask for the history again');
  const access = await authorizeUser(context, interaction.who, 'history.show');
  await replyHistory(
    interaction,
    { [cursor.type]: cursor.name, before: cursor.before },
    access,
    true,
  );
});

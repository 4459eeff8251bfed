import type { Action } from '@sipops/shared/authorize';
import { AppError, isAppError } from '@sipops/shared/errors';
import { deleteAccount } from '@sipops/shared/use-cases/delete-account';
import { revokeKeys } from '@sipops/shared/use-cases/revoke-keys';
import { sendActivationSms } from '@sipops/shared/use-cases/send-activation-sms';
import { disableAccount, enableAccount } from '@sipops/shared/use-cases/set-account-enabled';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { actorOf, authorizeUser, type BotContext } from '../../bot-context.ts';
import { openEditAccountForm } from '../../open-forms.ts';
import { type Interaction, reply } from '../../slack-io.ts';
import { buildDeletedMessage, decodeCardValue } from '../../views/account-card.ts';
import { escapeText, type SlackMessage, slackDate } from '../../views/blocks.ts';
import { cardOf, cardWithRegistrations } from '../commands/sip-accounts.ts';
import { onButton } from './interaction.ts';

const NOT_A_CARD = new AppError(
  'CONFLICT',
  'this button does not come from an account card of this version of sipops; show the account again with `/sip show <account>`',
);

export const editButton = onButton(async (interaction, args, context) => {
  const value = decodeCardValue(args.action.value);
  if (!value) throw NOT_A_CARD;
  const access = await authorizeUser(context, interaction.who, 'account.edit');
  await openEditAccountForm(interaction, value.account, true, access.groupIds);
});

/**
 * A risky card button, after its confirmation dialog. Actions on one account run one at a time,
 * and act only if the card shows the account as it is: a double click, or a click on a card that
 * is out of date, acts once, and the card is refreshed instead.
 */
function actOnCard(
  action: Action,
  act: (interaction: Interaction, account: string, context: BotContext) => Promise<SlackMessage>,
) {
  return onButton(async (interaction, args, context) => {
    const value = decodeCardValue(args.action.value);
    if (!value) throw NOT_A_CARD;
    const access = await authorizeUser(context, interaction.who, action);
    await context.accountQueue.run(value.account, async () => {
      // Outside the person's groups the card is refused here, before anything acts.
      const current = await showAccount(context.deps, value.account, access.groupIds).catch(
        (error: unknown) => {
          if (isAppError(error) && error.code === 'NOT_FOUND') return undefined;
          throw error;
        },
      );
      if (!current) {
        await reply(interaction, {
          text: `Account ${value.account} does not exist any more; nothing was done.`,
        });
        return;
      }
      if (current.updatedAt !== value.version) {
        await reply(
          interaction,
          cardOf(
            interaction,
            current,
            ':information_source: The account changed since this card was shown, so nothing was done. This is how it is now: press again if you still want to.',
          ),
          true,
        );
        return;
      }
      await reply(interaction, await act(interaction, value.account, context), true);
    });
  });
}

const by = (interaction: Interaction) => `<@${interaction.who.userId}>`;

export const disableButton = actOnCard('account.disable', async (interaction, name, context) => {
  const result = await disableAccount(context.deps, actorOf(interaction.who), name);
  return cardWithRegistrations(
    interaction,
    result.account,
    result.isChanged ? `:no_entry: Disabled by ${by(interaction)}.` : 'It was disabled already.',
  );
});

export const enableButton = actOnCard('account.enable', async (interaction, name, context) => {
  const result = await enableAccount(context.deps, actorOf(interaction.who), name);
  return cardOf(
    interaction,
    result.account,
    result.isChanged
      ? `:white_check_mark: Enabled by ${by(interaction)}.`
      : 'It was enabled already.',
  );
});

export const revokeKeysButton = actOnCard(
  'account.revoke-keys',
  async (interaction, name, context) => {
    const result = await revokeKeys(context.deps, actorOf(interaction.who), name);
    return cardWithRegistrations(
      interaction,
      result.account,
      `:key: ${result.revokedKeys} key(s) revoked by ${by(interaction)}, with the live activation links. The client gets a new key only through a fresh provisioning (a new activation link), a PIN change or a duress code.`,
    );
  },
);

export const deleteButton = actOnCard('account.delete', async (interaction, name, context) => {
  const account = await deleteAccount(context.deps, actorOf(interaction.who), name);
  return buildDeletedMessage(account, interaction.who.userId);
});

export const activateButton = actOnCard('account.activate', async (interaction, name, context) => {
  if (!context.isActivationAvailable)
    throw new AppError('NOT_ALLOWED', 'activation SMS are not available yet in this installation');
  const result = await sendActivationSms(context.deps, actorOf(interaction.who), {
    account: name,
  });
  return cardOf(
    interaction,
    result.account,
    `:incoming_envelope: Activation SMS to ${escapeText(result.account.number)} queued by ${by(interaction)}; its link works until ${slackDate(result.expiresAt)}.`,
  );
});

import type { AccountType } from '@sipops/shared/account-schemas';
import type {
  AllMiddlewareArgs,
  BlockAction,
  RadioButtonsAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { authorizeUser, type BotContext } from '../../bot-context.ts';
import { loadChoices } from '../../open-forms.ts';
import { describeFailure, slackApiError } from '../../slack-errors.ts';
import { userOfPayload } from '../../slack-io.ts';
import { buildCreateAccountModal } from '../../views/account-forms.ts';
import { buildNoticeModal } from '../../views/blocks.ts';

export type RadioArgs = SlackActionMiddlewareArgs<BlockAction<RadioButtonsAction>> &
  AllMiddlewareArgs;

/** PGSM or SNOM chosen in the create modal: the type's own fields replace the other's, in place. */
export async function accountTypeChanged(args: RadioArgs, context: BotContext): Promise<void> {
  await args.ack();
  const { body, client } = args;
  const view = body.view;
  if (!view) return;
  const type: AccountType = args.action.selected_option?.value === 'snom' ? 'snom' : 'pgsm';
  try {
    const access = await authorizeUser(context, userOfPayload(body), 'account.create');
    const choices = await loadChoices(
      {
        context,
        who: userOfPayload(body),
        client,
        triggerId: undefined,
        responseUrl: undefined,
        respond: undefined,
      },
      access.groupIds,
    );
    await client.views.update({
      view_id: view.id,
      hash: view.hash,
      view: buildCreateAccountModal(type, choices, view.private_metadata),
    });
  } catch (error) {
    // A later switch already replaced the view: that one stands.
    if (slackApiError(error) === 'hash_conflict') return;
    const failure = describeFailure(error, context.logger);
    await client.views
      .update({ view_id: view.id, view: buildNoticeModal('New account', `:x: ${failure.text}`) })
      .catch((updateError: unknown) =>
        context.logger.error('sipops slack: could not show a failure in a modal', updateError),
      );
  }
}

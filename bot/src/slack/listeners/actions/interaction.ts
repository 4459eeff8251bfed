import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { BotContext } from '../../bot-context.ts';
import { type Interaction, replyFailure, userOfPayload } from '../../slack-io.ts';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** The interaction of a button press: its user, trigger id and the response URL of its message. */
export function interactionOfButton(args: ButtonArgs, context: BotContext): Interaction {
  return {
    context,
    who: userOfPayload(args.body),
    client: args.client,
    triggerId: args.body.trigger_id,
    responseUrl: args.body.response_url,
    respond: args.respond,
  };
}

/**
 * A button's listener: the press is acknowledged first, then `act` runs; whatever it throws is
 * told to the person who pressed, in words.
 */
export function onButton(
  act: (interaction: Interaction, args: ButtonArgs, context: BotContext) => Promise<void>,
): (args: ButtonArgs, context: BotContext) => Promise<void> {
  return async (args, context) => {
    await args.ack();
    const interaction = interactionOfButton(args, context);
    try {
      await act(interaction, args, context);
    } catch (error) {
      await replyFailure(interaction, error);
    }
  };
}

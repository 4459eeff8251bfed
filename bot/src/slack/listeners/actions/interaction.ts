import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { BotContext } from '../../bot-context.ts';
import { type Interaction, userOfPayload } from '../../slack-io.ts';

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

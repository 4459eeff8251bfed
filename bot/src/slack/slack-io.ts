import type { SlackUser } from '@sipops/shared/role-schemas';
import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { BotContext } from './bot-context.ts';
import { describeFailure, slackApiError } from './slack-errors.ts';
import { decodeMetadata } from './view-metadata.ts';
import { buildLoadingModal, buildNoticeModal, type SlackMessage, section } from './views/blocks.ts';

/** One request of a Slack user, as every handler needs it. */
export type Interaction = {
  context: BotContext;
  who: SlackUser;
  client: WebClient;
  triggerId: string | undefined;
  /** Where to answer the user (ephemeral), and to replace the card a button was on. */
  responseUrl: string | undefined;
  respond: RespondFn | undefined;
};

/** The user of an interaction payload (block_actions, view_submission). */
export function userOfPayload(body: {
  user: { id: string; team_id?: string };
  team?: { id: string } | null;
}): SlackUser {
  return { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id ?? '' };
}

/** Answers only the user who asked; `replace` swaps the message a button was on. */
export async function reply(
  interaction: Interaction,
  message: SlackMessage,
  replace = false,
): Promise<void> {
  const args: RespondArguments = {
    response_type: 'ephemeral',
    replace_original: replace,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
  };
  if (interaction.respond) {
    await interaction.respond(args);
    return;
  }
  await postToUser(interaction, interaction.responseUrl, message, replace);
}

/** Tells the user what went wrong, in words they can act on. */
export async function replyFailure(interaction: Interaction, error: unknown): Promise<void> {
  const failure = describeFailure(error, interaction.context.logger);
  try {
    await reply(interaction, { text: failure.text, blocks: [section(`:x: ${failure.text}`)] });
  } catch (replyError) {
    interaction.context.logger.error(
      'sipops slack: could not tell the user about a failure',
      replyError,
    );
  }
}

/**
 * Posts to a response URL (a modal's result goes where its command was typed); when that is gone
 * (they last 30 minutes), to the user's direct messages with the app.
 */
export async function postToUser(
  interaction: Pick<Interaction, 'client' | 'who' | 'context'>,
  responseUrl: string | undefined,
  message: SlackMessage,
  replace = false,
): Promise<void> {
  if (responseUrl) {
    try {
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: replace, ...message }),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.ok) return;
      interaction.context.logger.warn(`sipops slack: response URL answered ${response.status}`);
    } catch (error) {
      interaction.context.logger.warn('sipops slack: response URL failed', error);
    }
  }
  await interaction.client.chat.postMessage({
    channel: interaction.who.userId,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
  });
}

/**
 * Opens a modal at once (a trigger id lives 3 seconds and serves once), then loads what it needs
 * and replaces it. A failure while loading is shown in the modal; one opening it is thrown.
 */
export async function openModalThenFill(
  interaction: Interaction,
  title: string,
  fill: () => Promise<ModalView>,
): Promise<void> {
  if (!interaction.triggerId) throw new Error('no trigger id to open a modal with');
  const opened = await interaction.client.views.open({
    trigger_id: interaction.triggerId,
    view: buildLoadingModal(title),
  });
  let view: ModalView;
  try {
    view = await fill();
  } catch (error) {
    view = buildNoticeModal(
      title,
      `:x: ${describeFailure(error, interaction.context.logger).text}`,
    );
  }
  try {
    await interaction.client.views.update({
      view_id: opened.view?.id ?? '',
      ...(opened.view?.hash ? { hash: opened.view.hash } : {}),
      view,
    });
  } catch (error) {
    // The user closed the modal before it was filled: nobody is waiting for it.
    if (slackApiError(error) === 'not_found') return;
    throw error;
  }
}

/** Where a submitted modal's result goes, from what the modal remembered. */
export function resultTarget(privateMetadata: string | undefined) {
  const metadata = decodeMetadata(privateMetadata);
  return { responseUrl: metadata.responseUrl, replace: metadata.isFromCard === true, metadata };
}

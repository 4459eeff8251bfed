import { authorizeUser, type BotContext } from '../../bot-context.ts';
import { openGroupForm, openProfileForm } from '../../open-forms.ts';
import { replyFailure } from '../../slack-io.ts';
import { type ButtonArgs, interactionOfButton } from './interaction.ts';

export async function newGroupButton(args: ButtonArgs, context: BotContext): Promise<void> {
  await args.ack();
  const interaction = interactionOfButton(args, context);
  try {
    await authorizeUser(context, interaction.who, 'group.create');
    await openGroupForm(interaction);
  } catch (error) {
    await replyFailure(interaction, error);
  }
}

export async function newProfileButton(args: ButtonArgs, context: BotContext): Promise<void> {
  await args.ack();
  const interaction = interactionOfButton(args, context);
  try {
    await authorizeUser(context, interaction.who, 'profile.create');
    await openProfileForm(interaction, undefined);
  } catch (error) {
    await replyFailure(interaction, error);
  }
}

export async function editProfileButton(args: ButtonArgs, context: BotContext): Promise<void> {
  await args.ack();
  const interaction = interactionOfButton(args, context);
  try {
    await authorizeUser(context, interaction.who, 'profile.edit');
    await openProfileForm(interaction, args.action.value ?? '');
  } catch (error) {
    await replyFailure(interaction, error);
  }
}

import { authorizeUser } from '../../bot-context.ts';
import { openGroupForm, openProfileForm } from '../../open-forms.ts';
import { onButton } from './interaction.ts';

export const newGroupButton = onButton(async (interaction, _args, context) => {
  await authorizeUser(context, interaction.who, 'group.create');
  await openGroupForm(interaction);
});

export const newProfileButton = onButton(async (interaction, _args, context) => {
  await authorizeUser(context, interaction.who, 'profile.create');
  await openProfileForm(interaction, undefined);
});

export const editProfileButton = onButton(async (interaction, args, context) => {
  await authorizeUser(context, interaction.who, 'profile.edit');
  await openProfileForm(interaction, args.action.value ?? '');
});

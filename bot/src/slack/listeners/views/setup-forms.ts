import { measureProfileSms } from '@sipops/shared/branding/profile-sms';
import type { SlackUser } from '@sipops/shared/role-schemas';
import { hostPort } from '@sipops/shared/sip-host';
import { createGroup, createGroupSchema } from '@sipops/shared/use-cases/create-group';
import { createProfile } from '@sipops/shared/use-cases/create-profile';
import { editProfile } from '@sipops/shared/use-cases/edit-profile';
import { createProfileSchema, editProfileSchema } from '@sipops/shared/use-cases/profile-schemas';
import type { ProfileView } from '@sipops/shared/use-cases/profile-view';
import { parseInput } from '@sipops/shared/validation';
import { actorOf, type BotContext } from '../../bot-context.ts';
import { readGroupForm, readProfileForm } from '../../form-input.ts';
import { escapeText, type SlackMessage, section } from '../../views/blocks.ts';
import { describeGroup, describeProfileSms } from '../../views/setup-forms.ts';
import { type SubmissionArgs, submitForm } from './submit-form.ts';

export function groupSubmitted(args: SubmissionArgs, context: BotContext): Promise<void> {
  return submitForm(args, context, {
    action: 'group.create',
    title: 'New group',
    run: async ({ state, who }) => {
      const input = parseInput(createGroupSchema, readGroupForm(state));
      const group = await createGroup(context.deps, actorOf(who), input);
      const text = `:white_check_mark: Group ${describeGroup(group)} created by <@${who.userId}>.`;
      return { text: `Group ${group.name} created`, blocks: [section(text)] };
    },
  });
}

export function profileSubmitted(args: SubmissionArgs, context: BotContext): Promise<void> {
  return submitForm(args, context, {
    action: 'profile.create',
    title: 'New profile',
    run: async ({ state, who }) => {
      const input = parseInput(createProfileSchema, readProfileForm(state));
      const profile = await createProfile(context.deps, actorOf(who), input);
      return profileSaved(profile, ':white_check_mark:', 'created', who, context);
    },
  });
}

export function profileEditSubmitted(args: SubmissionArgs, context: BotContext): Promise<void> {
  return submitForm(args, context, {
    action: 'profile.edit',
    title: 'Edit profile',
    run: async ({ state, metadata, who }) => {
      const input = parseInput(editProfileSchema, readProfileForm(state, metadata.subject ?? ''));
      const profile = await editProfile(context.deps, actorOf(who), input);
      return profileSaved(profile, ':pencil2:', 'saved', who, context);
    },
  });
}

/** What the channel reads after a profile is created or saved: its address and its SMS' length. */
function profileSaved(
  profile: ProfileView,
  emoji: string,
  verb: 'created' | 'saved',
  who: SlackUser,
  context: BotContext,
): SlackMessage {
  const address = `${hostPort(profile.sipHost, profile.sipPort)} ${profile.transport.toUpperCase()}`;
  const sms = describeProfileSms(
    measureProfileSms(profile.smsTemplates, profile.brand, context.deps.publicBaseUrl),
  );
  return {
    text: `Profile ${profile.name} ${verb}`,
    blocks: [
      section(
        `${emoji} Provisioning profile *${escapeText(profile.name)}* (${escapeText(address)}) ${verb} by <@${who.userId}>.\n${sms}`,
      ),
    ],
  };
}

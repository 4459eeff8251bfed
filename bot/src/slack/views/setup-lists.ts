import { hostPort } from '@sipops/shared/sip-host';
import type { GroupView } from '@sipops/shared/use-cases/create-group';
import type { ProfileView } from '@sipops/shared/use-cases/profile-view';
import type { KnownBlock } from '@slack/types';
import {
  escapeText,
  LIMITS,
  linesToSections,
  plain,
  type SlackMessage,
  section,
} from './blocks.ts';
import { describeGroup } from './setup-forms.ts';

export const SETUP_ACTIONS = {
  newGroup: 'group_new',
  newProfile: 'profile_new',
  /** Followed by `:<row>`, one per profile. */
  editProfile: 'profile_edit',
} as const;

/** Profiles listed with their own Edit button; past that, as lines. */
const PROFILES_WITH_BUTTONS = 40;

export function buildGroupList(groups: GroupView[], canCreate: boolean): SlackMessage {
  const blocks: KnownBlock[] =
    groups.length === 0
      ? [section('No groups yet.')]
      : linesToSections(
          groups.map((group) => `• ${describeGroup(group)}`),
          LIMITS.messageBlocks - 2,
          (left) => `…and ${left} more (\`npm run sip -- group list\` shows them all)`,
        );
  if (canCreate) {
    blocks.push(newButton('group_actions', SETUP_ACTIONS.newGroup, 'New group'));
  }
  return { text: `${groups.length} group(s)`, blocks };
}

function describeProfile(profile: ProfileView): string {
  return `*${escapeText(profile.name)}* · ${escapeText(hostPort(profile.sipHost, profile.sipPort))} ${profile.transport.toUpperCase()} · brand ${escapeText(profile.brand)}`;
}

export function buildProfileList(profiles: ProfileView[], canEdit: boolean): SlackMessage {
  const blocks: KnownBlock[] = [];
  if (profiles.length === 0) blocks.push(section('No provisioning profiles yet.'));
  const withButtons = canEdit ? profiles.slice(0, PROFILES_WITH_BUTTONS) : [];
  withButtons.forEach((profile, row) => {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: describeProfile(profile) },
      accessory: {
        type: 'button',
        action_id: `${SETUP_ACTIONS.editProfile}:${row}`,
        text: plain('Edit'),
        value: profile.name,
      },
    });
  });
  const rest = profiles.slice(withButtons.length);
  if (rest.length > 0) {
    blocks.push(
      ...linesToSections(
        rest.map((profile) => `• ${describeProfile(profile)}`),
        LIMITS.messageBlocks - blocks.length - 2,
        (left) => `…and ${left} more (\`npm run sip -- profile list\` shows them all)`,
      ),
    );
  }
  if (canEdit) {
    blocks.push(newButton('profile_actions', SETUP_ACTIONS.newProfile, 'New profile'));
  }
  return { text: `${profiles.length} provisioning profile(s)`, blocks };
}

/** The row under a list with its one button to create another. */
function newButton(blockId: string, actionId: string, label: string): KnownBlock {
  return {
    type: 'actions',
    block_id: blockId,
    elements: [{ type: 'button', action_id: actionId, text: plain(label), value: 'new' }],
  };
}

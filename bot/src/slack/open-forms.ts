import type { AccountType } from '@sipops/shared/account-schemas';
import type { GroupScope } from '@sipops/shared/authorize';
import { AppError } from '@sipops/shared/errors';
import { listGroups } from '@sipops/shared/use-cases/list-groups';
import { listProfiles } from '@sipops/shared/use-cases/list-profiles';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { type Interaction, openModalThenFill } from './slack-io.ts';
import { encodeMetadata } from './view-metadata.ts';
import {
  buildCreateAccountModal,
  buildEditAccountModal,
  buildWizardModal,
  type FormChoices,
} from './views/account-forms.ts';
import { buildBatchModal } from './views/batch.ts';
import { buildNoticeModal } from './views/blocks.ts';
import { buildGroupModal, buildProfileModal } from './views/setup-forms.ts';

/** The groups and profiles a form offers; a form without any group cannot be filled. */
export async function loadChoices(
  interaction: Interaction,
  scope: GroupScope,
): Promise<FormChoices> {
  const { deps } = interaction.context;
  const [groups, profiles] = await Promise.all([listGroups(deps, scope), listProfiles(deps)]);
  return { groups, profiles };
}

const NO_GROUPS =
  'There are no groups yet, and every account belongs to one. An admin creates one with `/sip groups new`.';

export function openCreateAccountForm(
  interaction: Interaction,
  type: AccountType,
  scope: GroupScope,
): Promise<void> {
  return openModalThenFill(interaction, 'New account', async () => {
    const choices = await loadChoices(interaction, scope);
    if (choices.groups.length === 0) return buildNoticeModal('New account', NO_GROUPS);
    return buildCreateAccountModal(
      type,
      choices,
      encodeMetadata({ responseUrl: interaction.responseUrl }),
    );
  });
}

export function openWizardForm(interaction: Interaction, scope: GroupScope): Promise<void> {
  return openModalThenFill(interaction, 'New account (wizard)', async () => {
    const choices = await loadChoices(interaction, scope);
    if (choices.groups.length === 0) return buildNoticeModal('New account (wizard)', NO_GROUPS);
    return buildWizardModal(choices, encodeMetadata({ responseUrl: interaction.responseUrl }));
  });
}

export function openEditAccountForm(
  interaction: Interaction,
  name: string,
  isFromCard: boolean,
  scope: GroupScope,
): Promise<void> {
  return openModalThenFill(interaction, 'Edit account', async () => {
    const [account, choices] = await Promise.all([
      showAccount(interaction.context.deps, name, scope),
      loadChoices(interaction, scope),
    ]);
    return buildEditAccountModal(
      account,
      choices,
      encodeMetadata({
        responseUrl: interaction.responseUrl,
        subject: account.username,
        ...(isFromCard ? { isFromCard } : {}),
      }),
    );
  });
}

export function openGroupForm(interaction: Interaction): Promise<void> {
  return openModalThenFill(interaction, 'New group', async () =>
    buildGroupModal(
      await listProfiles(interaction.context.deps),
      encodeMetadata({ responseUrl: interaction.responseUrl }),
    ),
  );
}

export function openProfileForm(interaction: Interaction, name: string | undefined): Promise<void> {
  return openModalThenFill(interaction, name ? 'Edit profile' : 'New profile', async () => {
    if (name === undefined)
      return buildProfileModal(undefined, encodeMetadata({ responseUrl: interaction.responseUrl }));
    const profile = (await listProfiles(interaction.context.deps)).find((p) => p.name === name);
    if (!profile)
      throw new AppError('NOT_FOUND', `no provisioning profile named "${name}"`, {
        field: 'profile',
      });
    return buildProfileModal(
      profile,
      encodeMetadata({ responseUrl: interaction.responseUrl, subject: profile.name }),
    );
  });
}

/** The batch modal needs nothing loaded: it opens with the trigger id straight away. */
export async function openBatchForm(interaction: Interaction): Promise<void> {
  if (!interaction.triggerId) throw new Error('no trigger id to open a modal with');
  await interaction.client.views.open({
    trigger_id: interaction.triggerId,
    view: buildBatchModal(encodeMetadata({ responseUrl: interaction.responseUrl }), {
      isSmsOffered: interaction.context.isActivationAvailable,
    }),
  });
}

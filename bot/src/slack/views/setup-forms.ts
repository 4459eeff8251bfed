import { describeSmsLength } from '@sipops/shared/activation/sms-segments';
import { DEFAULT_ACCENT } from '@sipops/shared/branding/contrast';
import { DEFAULT_TIME_ZONE } from '@sipops/shared/branding/page-branding';
import type { SmsMeasures } from '@sipops/shared/branding/profile-sms';
import { LOCALES, MESSAGES } from '@sipops/shared/locales/index';
import type { GroupView } from '@sipops/shared/use-cases/create-group';
import type { ProfileView } from '@sipops/shared/use-cases/profile-view';
import type { KnownBlock, ModalView } from '@slack/types';
import { escapeText, modal, option, section } from './blocks.ts';
import { choiceInput, input, radioInput, textInput } from './form-elements.ts';

/** The callback ids of the group and profile modals. */
export const SETUP_FORMS = {
  group: 'group_create',
  profileCreate: 'profile_create',
  profileEdit: 'profile_edit',
} as const;

export function buildGroupModal(profiles: ProfileView[], privateMetadata: string): ModalView {
  return modal(
    'New group',
    [
      input('name', 'Name', textInput('name', { maxLength: 80 })),
      input(
        'profile',
        'Provisioning profile',
        choiceInput(
          'profile',
          profiles.map((profile) => option(profile.name, profile.name)),
          { placeholder: 'Choose a profile' },
        ),
        {
          optional: true,
          hint: 'The profile of its accounts that have none of their own (wizard accounts need one).',
        },
      ),
      input(
        'channel',
        'Notification channel',
        {
          type: 'conversations_select',
          action_id: 'channel',
          filter: { include: ['public', 'private'], exclude_bot_users: true },
        },
        {
          optional: true,
          hint: 'Status changes of its accounts are posted there; without one, to the default channel. Invite the bot to a private channel first.',
        },
      ),
    ],
    { callbackId: SETUP_FORMS.group, submit: 'Create', close: 'Cancel', privateMetadata },
  );
}

const TRANSPORTS = [option('TLS', 'tls'), option('TCP', 'tcp'), option('UDP', 'udp')];

/** The names of the SMS wording inputs, one per SMS kind and language. */
export const smsTemplateField = (kind: 'installation' | 'activation', locale: string) =>
  `smsTemplates.${kind}.${locale}`;

/** What the end user sees: colour, support, time zone, SMS wording; the logo is terminal-only. */
function brandingBlocks(profile: ProfileView | undefined): KnownBlock[] {
  const blocks: KnownBlock[] = [
    input(
      'accentColor',
      'Accent colour',
      textInput('accentColor', {
        initial: profile?.accentColor ?? null,
        placeholder: DEFAULT_ACCENT,
        maxLength: 7,
      }),
      {
        optional: true,
        hint: 'The buttons of the mobile pages, #rrggbb; it needs 4.5:1 against white.',
      },
    ),
    input(
      'supportContact',
      'Support contact',
      textInput('supportContact', {
        initial: profile?.supportContact ?? null,
        placeholder: '+39 06 1234 5678, help@example.com or https://…',
        maxLength: 200,
      }),
      { optional: true, hint: 'Shown on every mobile page, dead links included.' },
    ),
    input(
      'timeZone',
      'Time zone',
      textInput('timeZone', {
        initial: profile?.timeZone ?? null,
        placeholder: DEFAULT_TIME_ZONE,
        maxLength: 64,
      }),
      { optional: true, hint: `The mobile pages' dates and times (default ${DEFAULT_TIME_ZONE}).` },
    ),
  ];
  for (const kind of ['installation', 'activation'] as const)
    for (const locale of LOCALES)
      blocks.push(
        input(
          smsTemplateField(kind, locale),
          `${kind === 'installation' ? 'SMS' : 'Reminder SMS'} (${MESSAGES[locale].name})`,
          textInput(smsTemplateField(kind, locale), {
            initial: profile?.smsTemplates[kind]?.[locale] ?? null,
            placeholder: MESSAGES[locale].sms[kind],
            multiline: true,
            maxLength: 480,
          }),
          {
            optional: true,
            hint: '{brand} and {link} are filled in; blank: the text shown. At most 2 SMS; the count shows once saved.',
          },
        ),
      );
  blocks.push(
    section(
      `Logo: ${profile?.logoSha256 ? 'set' : 'none'}. Slack forms cannot hand files over, so upload it from the terminal: \`npm run sip -- profile edit ${profile ? escapeText(profile.name) : '<name>'} --logo logo.png\` (PNG or SVG, at most 100 KB).`,
    ),
  );
  return blocks;
}

/** Creates a profile, or edits one when given (its name then cannot change). */
export function buildProfileModal(
  profile: ProfileView | undefined,
  privateMetadata: string,
): ModalView {
  const blocks: KnownBlock[] = profile
    ? [section(`Profile *${escapeText(profile.name)}*`)]
    : [input('name', 'Name', textInput('name', { maxLength: 80 }))];
  const isEdit = profile !== undefined;
  blocks.push(
    input(
      'sipHost',
      'SIP server host',
      textInput('sipHost', { initial: profile?.sipHost ?? null, placeholder: 'sip.example.com' }),
    ),
    input(
      'realm',
      'SIP realm',
      textInput('realm', {
        // Empty while it follows the SIP host, so a new host moves the realm too.
        initial: profile && profile.realm !== profile.sipHost ? profile.realm : null,
        maxLength: 64,
      }),
      {
        optional: true,
        hint: "The digest realm the registrar challenges with; empty means the SIP host. Changing it re-hashes the profile's accounts.",
      },
    ),
    input(
      'sipPort',
      'SIP port',
      textInput('sipPort', {
        initial: profile ? String(profile.sipPort) : null,
        maxLength: 5,
      }),
      { optional: !isEdit, hint: 'Default 5061 for TLS, 5060 for TCP and UDP.' },
    ),
    input(
      'transport',
      'Transport',
      radioInput('transport', TRANSPORTS, profile?.transport ?? 'tls'),
    ),
    input(
      'iosUrl',
      'iOS App Store link',
      textInput('iosUrl', {
        initial: profile?.iosUrl ?? null,
        placeholder: 'https://apps.apple.com/…',
      }),
      { optional: true },
    ),
    input(
      'androidUrl',
      'Google Play link',
      textInput('androidUrl', {
        initial: profile?.androidUrl ?? null,
        placeholder: 'https://play.google.com/…',
      }),
      { optional: true },
    ),
    input(
      'brand',
      'Brand name',
      textInput('brand', { initial: profile?.brand ?? null, maxLength: 40 }),
      {
        optional: !isEdit,
        hint: 'Shown on the mobile page and in the SMS (default sipops).',
      },
    ),
    input(
      'appScheme',
      'App URL scheme',
      textInput('appScheme', { initial: profile?.appScheme ?? null, maxLength: 32 }),
      {
        optional: !isEdit,
        hint: 'How the mobile page opens the installed app (default sipops).',
      },
    ),
    ...brandingBlocks(profile),
  );
  return modal(profile ? 'Edit profile' : 'New profile', blocks, {
    callbackId: profile ? SETUP_FORMS.profileEdit : SETUP_FORMS.profileCreate,
    submit: profile ? 'Save' : 'Create',
    close: 'Cancel',
    privateMetadata,
  });
}

/** The value a group's form gives, for the message that confirms it. */
export function describeGroup(group: GroupView): string {
  return `*${escapeText(group.name)}* · profile ${group.profile ? escapeText(group.profile) : '—'} · channel ${group.channel ? `<#${group.channel}>` : 'default'}`;
}

/** What each SMS of a saved profile costs, for the staff who saved it. */
export function describeProfileSms(sms: SmsMeasures): string {
  return (['installation', 'activation'] as const)
    .map(
      (kind) =>
        `${kind === 'installation' ? 'SMS' : 'Reminder SMS'}: ${Object.entries(sms[kind])
          .map(([locale, length]) => `${locale} ${describeSmsLength(length)}`)
          .join(' · ')}`,
    )
    .join('\n');
}

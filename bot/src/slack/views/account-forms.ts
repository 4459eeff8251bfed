import { accountFieldsOf, type RegisteredField } from '@sipops/shared/account-fields';
import {
  type AccountType,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '@sipops/shared/account-schemas';
import type { AccountView } from '@sipops/shared/account-view';
import { describeNumberWarning } from '@sipops/shared/phone-number';
import { hostPort } from '@sipops/shared/sip-host';
import type { GroupView } from '@sipops/shared/use-cases/create-group';
import type { ProfileView } from '@sipops/shared/use-cases/profile-view';
import type { KnownBlock, ModalView } from '@slack/types';
import { context, escapeText, LIMITS, modal, option, section } from './blocks.ts';
import { choiceInput, input, radioInput, switchInput, textInput } from './form-elements.ts';

/** The callback ids of the account modals. */
export const ACCOUNT_FORMS = {
  create: 'account_create',
  wizard: 'account_wizard',
  edit: 'account_edit',
} as const;

/** The value of the profile choice that means "the group's profile". */
export const GROUP_PROFILE = '__group__';

export type FormChoices = { groups: GroupView[]; profiles: ProfileView[] };

const NUMBER_WARNING =
  describeNumberWarning({ value: '', isE164: false, isMobile: false }, 'pgsm') ?? '';

const PASSWORD_HINT = `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} printable characters, no spaces. Slack shows what you type.`;

function groupInput(choices: FormChoices, initial?: string) {
  return input(
    'group',
    'Group',
    choiceInput(
      'group',
      choices.groups.map((group) =>
        option(group.name, group.name, group.profile ? `profile ${group.profile}` : undefined),
      ),
      { initial, placeholder: 'Choose a group' },
    ),
  );
}

function profileInput(choices: FormChoices, hint: string, initial?: string, withGroup = false) {
  const profiles = choices.profiles.map((profile) =>
    option(profile.name, profile.name, hostPort(profile.sipHost, profile.sipPort)),
  );
  const all = withGroup ? [option("The group's profile", GROUP_PROFILE), ...profiles] : profiles;
  // Typed instead of picked (over 100 profiles): empty means the group's profile.
  const isTyped = all.length > LIMITS.selectOptions;
  return input(
    'profile',
    'Provisioning profile',
    choiceInput('profile', all, {
      initial: isTyped && initial === GROUP_PROFILE ? undefined : initial,
      placeholder: 'Choose a profile',
    }),
    { optional: true, hint },
  );
}

/** The input of an account setting, from the account registry; an edit shows the account's. */
function settingInput(field: RegisteredField, account?: AccountView): KnownBlock {
  const value = account ? account[field.name] : field.default;
  const { form } = field;
  const hint = form.hint ? { hint: form.hint } : {};
  switch (field.kind) {
    case 'choice':
      return input(
        field.name,
        form.label,
        radioInput(
          field.name,
          (form.options ?? []).map((o) => option(o.label, o.value, o.description)),
          (value ?? field.default) as string | undefined,
        ),
        { ...hint, optional: field.default === undefined },
      );
    case 'switch':
      return input(
        field.name,
        form.label,
        switchInput(field.name, form.checkbox ?? form.label, Boolean(value ?? field.default)),
        { ...hint, optional: true },
      );
    case 'rules':
      return input(
        field.name,
        form.label,
        textInput(field.name, {
          initial: (value as string[] | null)?.join('\n') ?? null,
          multiline: true,
          ...(form.placeholder ? { placeholder: form.placeholder } : {}),
          ...(form.maxLength ? { maxLength: form.maxLength } : {}),
        }),
        { ...hint, optional: true },
      );
    default: {
      const initial = value ?? field.default;
      return input(
        field.name,
        form.label,
        textInput(field.name, {
          initial: initial === null || initial === undefined ? null : String(initial),
          ...(form.placeholder ? { placeholder: form.placeholder } : {}),
          ...(form.maxLength ? { maxLength: form.maxLength } : {}),
        }),
        // A number with a default is always shown filled; text may be emptied to clear it.
        { ...hint, optional: field.kind === 'text' || field.default === undefined },
      );
    }
  }
}

function settingInputs(type: AccountType, account?: AccountView): KnownBlock[] {
  return accountFieldsOf(type).map((field) => settingInput(field, account));
}

/** The plain way: every field; choosing PGSM or SNOM swaps the type's fields in place. */
export function buildCreateAccountModal(
  type: AccountType,
  choices: FormChoices,
  privateMetadata: string,
): ModalView {
  const blocks: KnownBlock[] = [
    input(
      'type',
      'Account type',
      radioInput(
        'type',
        [
          option('PGSM', 'pgsm', 'the operator’s softphone app'),
          option('SNOM', 'snom', 'a SNOM desk phone'),
        ],
        type,
      ),
      { dispatch: true },
    ),
    groupInput(choices),
    profileInput(choices, "Optional: without one, the account uses its group's profile."),
    input(
      'number',
      'Virtual phone number',
      textInput('number', {
        placeholder: type === 'pgsm' ? '+391234567890' : '111',
        maxLength: 32,
      }),
      {
        hint:
          type === 'pgsm'
            ? `An international mobile number such as +391234567890. Otherwise ${NUMBER_WARNING}.`
            : 'A short extension such as 111, or an international number with +.',
      },
    ),
    input(
      'secondaryNumber',
      'Secondary virtual number',
      textInput('secondaryNumber', { maxLength: 32 }),
      { optional: true, hint: 'Unique like the primary number.' },
    ),
    input('username', 'Username', textInput('username', { maxLength: 64 }), {
      optional: true,
      hint: 'Leave it empty for a random numeric username.',
    }),
    input(
      'password',
      'Password',
      textInput('password', { minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }),
      { hint: PASSWORD_HINT },
    ),
    input(
      'passwordConfirm',
      'Password again',
      textInput('passwordConfirm', { maxLength: PASSWORD_MAX_LENGTH }),
    ),
    ...settingInputs(type),
  ];
  return modal('New account', blocks, {
    callbackId: ACCOUNT_FORMS.create,
    submit: 'Create',
    close: 'Cancel',
    privateMetadata,
  });
}

/** The wizard: group, mobile number, profile; the rest by default, disabled until activated. */
export function buildWizardModal(choices: FormChoices, privateMetadata: string): ModalView {
  return modal(
    'New account (wizard)',
    [
      context(
        'A PGSM account for automatic activation: username and password are generated and never shown; it stays *disabled* until the user activates it.',
      ),
      groupInput(choices),
      input(
        'number',
        'Mobile number',
        textInput('number', { placeholder: '+391234567890', maxLength: 32 }),
        { hint: 'An international mobile number: the activation SMS goes there.' },
      ),
      profileInput(choices, 'Required unless the group has a profile of its own.'),
    ],
    { callbackId: ACCOUNT_FORMS.wizard, submit: 'Create', close: 'Cancel', privateMetadata },
  );
}

/** Every field but the numbers and the type, which are shown and cannot change. */
export function buildEditAccountModal(
  account: AccountView,
  choices: FormChoices,
  privateMetadata: string,
): ModalView {
  const numbers = account.secondaryNumber
    ? `${account.number} and ${account.secondaryNumber}`
    : account.number;
  const blocks: KnownBlock[] = [
    section(`*${escapeText(account.username)}* · ${account.type.toUpperCase()} · ${numbers}`),
    context(
      'The numbers and the type cannot change: delete the account and create it again for that.',
    ),
    groupInput(choices, account.group),
    profileInput(
      choices,
      "The group's profile follows the group when it changes.",
      account.isProfileInherited || account.profile === null ? GROUP_PROFILE : account.profile,
      true,
    ),
  ];
  if (account.createdVia === 'plain') {
    blocks.push(
      input(
        'password',
        'New password',
        textInput('password', { minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }),
        { optional: true, hint: `Leave it empty to keep the password. ${PASSWORD_HINT}` },
      ),
      input(
        'passwordConfirm',
        'New password again',
        textInput('passwordConfirm', { maxLength: PASSWORD_MAX_LENGTH }),
        { optional: true },
      ),
    );
  } else {
    blocks.push(context('The password of a wizard account is generated and cannot be edited.'));
  }
  blocks.push(...settingInputs(account.type, account));
  return modal(`Edit ${account.username}`, blocks, {
    callbackId: ACCOUNT_FORMS.edit,
    submit: 'Save',
    close: 'Cancel',
    privateMetadata,
  });
}

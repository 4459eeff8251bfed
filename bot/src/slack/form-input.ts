import { accountFieldsOf, type RegisteredField } from '@sipops/shared/account-fields';
import type { AppError } from '@sipops/shared/errors';
import { LOCALES } from '@sipops/shared/locales/index';
import type { ViewStateValue } from '@slack/bolt';
import { fieldLabel } from './slack-errors.ts';
import { GROUP_PROFILE } from './views/account-forms.ts';
import { smsTemplateField } from './views/setup-forms.ts';

/** A modal's submitted state: block id → action id → value. */
export type FormState = Record<string, Record<string, ViewStateValue>>;

function stateOf(state: FormState, field: string): ViewStateValue | undefined {
  return state[field]?.[field];
}

/** A typed or picked value; empty is absent, so the schema's defaults apply. */
export function readText(state: FormState, field: string): string | undefined {
  const value = stateOf(state, field);
  const text =
    value?.selected_option?.value ??
    value?.selected_conversation ??
    value?.selected_channel ??
    value?.value;
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}

/** A one-checkbox switch: ticked is on. */
export function readSwitch(state: FormState, field: string): boolean | undefined {
  const value = stateOf(state, field);
  if (!value) return undefined;
  return (value.selected_options?.length ?? 0) > 0;
}

/** Only the fields that were given, so the schema sees exactly what a terminal user would type. */
function compact(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

/** A setting as its input gave it: a switch ticked or not; an emptied text or rules box clears. */
function readSetting(state: FormState, field: RegisteredField): unknown {
  if (field.kind === 'switch') return readSwitch(state, field.name);
  if (field.kind === 'rules' || field.kind === 'text') return readText(state, field.name) ?? '';
  return readText(state, field.name);
}

/** The settings of the chosen type, from the account registry. */
function typeFields(state: FormState, type: string | undefined): Record<string, unknown> {
  if (type !== 'pgsm' && type !== 'snom') return {};
  return Object.fromEntries(
    accountFieldsOf(type).map((field) => [field.name, readSetting(state, field)]),
  );
}

/** The type of an account in its edit form: the one whose own settings (SNOM's rules) it shows. */
export function editedType(state: FormState): 'pgsm' | 'snom' {
  const isSnomOnly = accountFieldsOf('snom').some(
    (field) => field.types.length === 1 && field.name in state,
  );
  return isSnomOnly ? 'snom' : 'pgsm';
}

/** The create modal as plainAccountSchema's input; the password is always typed twice. */
export function readCreateAccountForm(state: FormState): Record<string, unknown> {
  const type = readText(state, 'type');
  return compact({
    type,
    group: readText(state, 'group'),
    profile: readText(state, 'profile'),
    number: readText(state, 'number') ?? '',
    secondaryNumber: readText(state, 'secondaryNumber'),
    username: readText(state, 'username'),
    password: readText(state, 'password') ?? '',
    passwordConfirm: stateOf(state, 'passwordConfirm')?.value ?? '',
    ...typeFields(state, type),
  });
}

export function readWizardForm(state: FormState): Record<string, unknown> {
  return compact({
    group: readText(state, 'group'),
    number: readText(state, 'number') ?? '',
    profile: readText(state, 'profile'),
  });
}

/** The edit modal as accountChangesSchema's input: an empty password keeps the old one. */
export function readEditAccountForm(
  state: FormState,
  type: 'pgsm' | 'snom',
): Record<string, unknown> {
  const profile = readText(state, 'profile');
  const password = readText(state, 'password');
  return compact({
    group: readText(state, 'group'),
    profile: profile === undefined || profile === GROUP_PROFILE ? null : profile,
    ...(password === undefined && readText(state, 'passwordConfirm') === undefined
      ? {}
      : {
          password: password ?? '',
          passwordConfirm: stateOf(state, 'passwordConfirm')?.value ?? '',
        }),
    ...typeFields(state, type),
  });
}

export function readGroupForm(state: FormState): Record<string, unknown> {
  return compact({
    name: readText(state, 'name') ?? '',
    profile: readText(state, 'profile'),
    channel: readText(state, 'channel'),
  });
}

const PROFILE_FIELDS = [
  'sipHost',
  'sipPort',
  'transport',
  'brand',
  'appScheme',
  'timeZone',
] as const;
/** Fields an edit clears when emptied. */
const PROFILE_LINKS = ['iosUrl', 'androidUrl', 'accentColor', 'supportContact'] as const;

/** The profile modal as create- or editProfileSchema's input; an emptied link is removed. */
export function readProfileForm(state: FormState, name?: string): Record<string, unknown> {
  const isEdit = name !== undefined;
  return compact({
    name: name ?? readText(state, 'name') ?? '',
    ...Object.fromEntries(PROFILE_FIELDS.map((field) => [field, readText(state, field)])),
    ...Object.fromEntries(
      PROFILE_LINKS.map((field) => [field, readText(state, field) ?? (isEdit ? null : undefined)]),
    ),
    // Emptied on edit: the realm follows the SIP host again.
    realm: readText(state, 'realm') ?? (isEdit ? '' : undefined),
    smsTemplates: Object.fromEntries(
      (['installation', 'activation'] as const).map((kind) => [
        kind,
        compact(
          Object.fromEntries(
            LOCALES.map((locale) => [
              locale,
              readText(state, smsTemplateField(kind, locale)) ?? (isEdit ? null : undefined),
            ]),
          ),
        ),
      ]),
    ),
  });
}

/**
 * A refusal as `response_action: errors`: each issue on the block of its field. An issue whose
 * field has no block in the form goes on the first block, naming its field.
 */
export function toBlockErrors(error: AppError, blockIds: string[]): Record<string, string> {
  const issues =
    error.issues.length > 0 ? error.issues : [{ field: error.field ?? '', message: error.message }];
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = blockIds.includes(issue.field) ? issue.field : (issue.field.split('.')[0] ?? '');
    const isOwnBlock = blockIds.includes(field);
    const block = isOwnBlock ? field : blockIds[0];
    if (!block) continue;
    const message = isOwnBlock
      ? issue.message
      : `${fieldLabel(field || 'input')}: ${issue.message}`;
    errors[block] = errors[block] ? `${errors[block]}; ${message}` : message;
  }
  return errors;
}

/** The input blocks of a view, in order: where errors can be shown. */
export function inputBlockIds(view: { blocks: unknown[] }): string[] {
  return view.blocks.flatMap((block) => {
    const { type, block_id: id } = block as { type?: string; block_id?: string };
    return type === 'input' && id ? [id] : [];
  });
}

import type { ParseArgsConfig } from 'node:util';
import { ACCOUNT_FIELDS, type AccountFieldFlag, splitRules } from '@sipops/shared/account-fields';
import { LOCALES, type Locale } from '@sipops/shared/locales/index';

type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** One flag of the terminal: the input field it fills (if any) and how its value is written. */
export type FlagDefinition = {
  /** The use case's input field; none for flags that steer the command itself. */
  field?: string;
  /** Shown in the usage line: `<group>`, `on|off`; none for a switch. */
  value?: string;
  isRepeatable?: boolean;
};

/** A profile's SMS wording, one flag per SMS kind and language: `--sms-it`, `--reminder-sms-en`. */
export const SMS_FLAGS = Object.fromEntries(
  LOCALES.flatMap((locale) => [
    [
      `sms-${locale}`,
      { field: `smsTemplates.installation.${locale}`, value: '<text with {brand} and {link}>' },
    ],
    [`reminder-sms-${locale}`, { field: `smsTemplates.activation.${locale}`, value: '<text>' }],
  ]),
) as Record<`sms-${Locale}` | `reminder-sms-${Locale}`, FlagDefinition>;

/** The flag of each account setting, from the account registry: `--keep-alive on|off`. */
export const ACCOUNT_FIELD_FLAGS = Object.fromEntries(
  ACCOUNT_FIELDS.map((field) => [
    field.flag.name,
    {
      field: field.name,
      value: field.flag.value,
      ...(field.kind === 'rules' ? { isRepeatable: true } : {}),
    },
  ]),
) as Record<AccountFieldFlag, FlagDefinition>;

/** Every flag the terminal takes, once: the parser, the usage lines and the messages read it. */
export const FLAGS = {
  group: { field: 'group', value: '<group>' },
  profile: { field: 'profile', value: '<profile>' },
  password: { field: 'password', value: '<password>' },
  type: { field: 'type', value: 'pgsm|snom' },
  number: { field: 'number', value: '<number>' },
  secondary: { field: 'secondaryNumber', value: '<number>' },
  username: { field: 'username', value: '<username>' },
  ...ACCOUNT_FIELD_FLAGS,
  channel: { field: 'channel', value: '<slack channel id>' },
  'sip-host': { field: 'sipHost', value: '<host>' },
  'sip-port': { field: 'sipPort', value: '<port>' },
  transport: { field: 'transport', value: 'tls|tcp|udp' },
  'ios-url': { field: 'iosUrl', value: '<url>' },
  'android-url': { field: 'androidUrl', value: '<url>' },
  brand: { field: 'brand', value: '<name>' },
  'app-scheme': { field: 'appScheme', value: '<scheme>' },
  'app-link': { field: 'appLink', value: '<template|linphone|sipops>' },
  'reg-expires': { field: 'registrationExpires', value: '<seconds>' },
  credentials: { field: 'credentials', value: 'password|ha1' },
  realm: { field: 'realm', value: '<realm>' },
  'accent-color': { field: 'accentColor', value: '#rrggbb' },
  support: { field: 'supportContact', value: '<+phone|e-mail|https URL>' },
  'time-zone': { field: 'timeZone', value: '<Area/City, e.g. Europe/Rome>' },
  logo: { field: 'logo', value: '<file.png|file.svg|none>' },
  ...SMS_FLAGS,
  status: { field: 'status', value: '<status>' },
  enabled: { field: 'enabled', value: 'yes|no' },
  limit: { field: 'limit', value: '<n>' },
  offset: { field: 'offset', value: '<n>' },
  account: { field: 'account', value: '<account>' },
  reminder: {},
  'dry-run': {},
  'send-sms': {},
  progress: {},
  'import-id': { field: 'importId', value: '<id>' },
  before: { field: 'before', value: '<entry id>' },
  team: { field: 'teamId', value: '<slack team id>' },
  digest: { field: 'digestTime', value: 'HH:MM|off' },
} as const satisfies Record<string, FlagDefinition>;

export type FlagName = keyof typeof FLAGS;

/** How a command takes a flag: needed, or left out for a default. */
export type FlagUse = 'required' | 'optional';

/** A flag some command does not take, with why: the operator learns what to do instead. */
export type RefusedFlags = Partial<Record<FlagName, string>>;

const FIELD_FLAGS = new Map<string, string>(
  Object.entries(FLAGS).flatMap(([flag, definition]: [string, FlagDefinition]) =>
    definition.field ? [[definition.field, `--${flag}`]] : [],
  ),
);

/** The flag a field is typed with, so a message names what the operator actually writes. */
export function fieldLabel(field: string): string {
  return FIELD_FLAGS.get(field) ?? FIELD_FLAGS.get(field.split('.')[0] ?? '') ?? field;
}

/** parseArgs options of a command's flags and of the flags it refuses (parsed, then refused). */
export function optionsOf(
  flags: Partial<Record<FlagName, FlagUse>>,
  refused: RefusedFlags,
): Options {
  const options: Options = {};
  for (const flag of [...Object.keys(flags), ...Object.keys(refused)] as FlagName[]) {
    const definition: FlagDefinition = FLAGS[flag];
    options[flag] = definition.value
      ? { type: 'string', ...(definition.isRepeatable ? { multiple: true } : {}) }
      : { type: 'boolean' };
  }
  return options;
}

/** `--group <group>`, `[--deny <ip/netmask>]...`, `[--dry-run]`: a flag as a usage line shows it. */
function describeFlag(flag: FlagName, use: FlagUse): string {
  const definition: FlagDefinition = FLAGS[flag];
  const text = definition.value ? `--${flag} ${definition.value}` : `--${flag}`;
  if (use === 'required') return text;
  return definition.isRepeatable ? `[${text}]...` : `[${text}]`;
}

/** The usage line of a command: its name, arguments, flags (required first) and a note. */
export function usageOf(spec: {
  name: string;
  args?: string;
  flags: Partial<Record<FlagName, FlagUse>>;
  isDestructive?: boolean;
  note?: string;
}): string {
  const entries = Object.entries(spec.flags) as [FlagName, FlagUse][];
  const parts = [
    spec.name,
    ...(spec.args ? [spec.args] : []),
    ...entries.filter(([, use]) => use === 'required').map(([f, use]) => describeFlag(f, use)),
    ...entries.filter(([, use]) => use === 'optional').map(([f, use]) => describeFlag(f, use)),
    ...(spec.isDestructive ? ['[--yes]'] : []),
  ];
  return `${parts.join(' ')}${spec.note ? `  (${spec.note})` : ''}`;
}

/** The input of a use case from the flags given; flags not given stay absent (defaults apply). */
export function inputFrom(values: Values, flags: readonly FlagName[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const flag of flags) {
    const definition: FlagDefinition = FLAGS[flag];
    const value = values[flag];
    if (value === undefined || !definition.field) continue;
    input[definition.field] = Array.isArray(value) ? value.flatMap(splitRules) : value;
  }
  return input;
}

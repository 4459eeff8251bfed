import type { AccountRow } from '@sipops/db/queries';
import { type ACCOUNT_TYPES, SECURITY_MODELS } from '@sipops/db/schema';
import { z } from 'zod';
import { normaliseAccessRules } from './access-rules.ts';
import { DEFAULT_KEEP_ALIVE_INTERVAL_SECONDS } from './settings.ts';
import { addErrorIssue } from './validation.ts';

/**
 * The settings of an account, each defined once: its key (the JSON key, the domain key and the
 * column of `accounts`), the account types it applies to, its schema, its terminal flag, its
 * Slack input, its CSV column and its words. The terminal's flags and usage lines, the Slack
 * forms and cards, the CSV columns and export, and the account's JSON all read this list, so a
 * new setting is an entry here and a migration (and a use case when it has a rule of its own).
 *
 * The identity of an account (type, group, profile, numbers, username, password) is not here:
 * each of those has rules of its own (lookups, uniqueness, generation) that no list can carry.
 */

type AccountType = (typeof ACCOUNT_TYPES)[number];

export const DEFAULT_OBFUSCATION_KEY = 9;
export const DEFAULT_SECURITY_MODEL = 'end-to-site';

export const KEEP_ALIVE_WARNING = `costs about 3.6 KB per keep-alive round trip (every ${DEFAULT_KEEP_ALIVE_INTERVAL_SECONDS} s by default) and battery on mobiles; clients older than 11.1 cannot answer it and will never show as online`;
export const OBFUSCATION_KEY_WARNING = 'must be the same on the client, or calls fail or go silent';

const ON_WORDS = new Set(['on', 'yes', 'true', '1']);
const OFF_WORDS = new Set(['off', 'no', 'false', '0']);

/** A switch as typed in a terminal or a form: a boolean, or on/off, yes/no, true/false. */
// One union of the input types, then one transform: a union of two transforms would answer a bad
// word with zod's bare "Invalid input" instead of the message below.
export const switchSchema = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const word = value.trim().toLowerCase();
  if (ON_WORDS.has(word)) return true;
  if (OFF_WORDS.has(word)) return false;
  ctx.addIssue({ code: 'custom', message: `must be on or off, not "${value}"` });
  return z.NEVER;
});

export const obfuscationKeySchema = z
  .union([z.number(), z.string().trim().regex(/^\d+$/, 'must be a whole number from 0 to 255')])
  .transform(Number)
  .pipe(
    z
      .number()
      .int('must be a whole number from 0 to 255')
      .min(0, 'must be a whole number from 0 to 255')
      .max(255, 'must be a whole number from 0 to 255'),
  );

export const securityModelSchema = z.enum(SECURITY_MODELS, {
  error: 'must be end-to-site or end-to-end',
});

/** Several rules in one cell or text box, separated by `;`, commas or new lines. */
export function splitRules(text: string): string[] {
  return text
    .split(/[;,\n]/)
    .map((rule) => rule.trim())
    .filter((rule) => rule.length > 0);
}

export const rulesSchema = (field: 'deny' | 'permit') =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (typeof value === 'string' ? splitRules(value) : value))
    .pipe(
      z.array(z.string()).transform((rules, ctx) => {
        try {
          return normaliseAccessRules(rules, field);
        } catch (error) {
          return addErrorIssue(ctx, error);
        }
      }),
    );

/**
 * How a setting is typed and shown: `choice` one of a few words (radio buttons), `switch` on/off
 * (a checkbox), `number` and `text` a text box, `rules` a list (one per line; a repeatable flag,
 * `;` in a CSV cell). An emptied `text` or `rules` box clears the setting.
 */
export type AccountFieldKind = 'choice' | 'switch' | 'number' | 'text' | 'rules';

/** One option of a `choice`: the word stored, and what the form says of it. */
export type AccountFieldOption = { value: string; label: string; description?: string };

export type AccountFieldDefinition = {
  /** The JSON key, the schemas' key and the `accounts` column (Drizzle's name). */
  name: keyof AccountRow;
  types: readonly AccountType[];
  kind: AccountFieldKind;
  /** Checks and normalises what was typed (`on` → true); refusals name the field. */
  schema: z.ZodType;
  /** What a new account gets when it is not given; without one the setting stays empty (null). */
  default?: unknown;
  /** The operator's words for it: the terminal's account card, refusals shown in Slack. */
  label: string;
  /** `--keep-alive on|off`; a `rules` flag may be repeated. */
  flag: { name: string; value: string };
  /** Its column in the CSV that import reads and export writes: add columns, never rename. */
  csv: string;
  /** Its input in the Slack forms (block id and action id are `name`) and card. */
  form: {
    label: string;
    /** The label on the account card, when shorter than the form's. */
    cardLabel?: string;
    /** Shown under the input: the help of the setting. */
    hint?: string;
    /** The text beside a switch's checkbox. */
    checkbox?: string;
    options?: readonly AccountFieldOption[];
    placeholder?: string;
    maxLength?: number;
  };
};

const RULES_HINT =
  'One ip/netmask rule per line (192.168.0.38/255.255.255.255, 10.0.0.0/24, IPv6 too). Deny rules apply first, then permit rules; with no rules every address is allowed.';

const define = <const D extends AccountFieldDefinition>(definition: D): D => definition;

/** Every setting of an account, in the order forms, cards, usage lines and the CSV show them. */
export const ACCOUNT_FIELDS = [
  define({
    name: 'securityModel',
    types: ['pgsm'],
    kind: 'choice',
    schema: securityModelSchema,
    default: DEFAULT_SECURITY_MODEL,
    label: 'security model',
    flag: { name: 'security', value: 'end-to-site|end-to-end' },
    csv: 'security_model',
    form: {
      label: 'Security model',
      options: [
        {
          value: 'end-to-site',
          label: 'end-to-site',
          description: 'TLS + SRTP through the server (default)',
        },
        { value: 'end-to-end', label: 'end-to-end', description: 'ZRTP between the clients' },
      ],
    },
  }),
  define({
    name: 'obfuscation',
    types: ['pgsm'],
    kind: 'switch',
    schema: switchSchema,
    default: true,
    label: 'obfuscation',
    flag: { name: 'obfuscation', value: 'on|off' },
    csv: 'obfuscation',
    form: { label: 'Obfuscation', checkbox: 'Obfuscation on' },
  }),
  define({
    name: 'obfuscationKey',
    types: ['pgsm'],
    kind: 'number',
    schema: obfuscationKeySchema,
    default: DEFAULT_OBFUSCATION_KEY,
    label: 'obfuscation key',
    flag: { name: 'obfuscation-key', value: '<0-255>' },
    csv: 'obfuscation_key',
    form: {
      label: 'Obfuscation key',
      hint: `A whole number from 0 to 255 (default ${DEFAULT_OBFUSCATION_KEY}). It ${OBFUSCATION_KEY_WARNING}.`,
      maxLength: 3,
    },
  }),
  define({
    name: 'keepAlive',
    types: ['pgsm'],
    kind: 'switch',
    schema: switchSchema,
    default: false,
    label: 'keep-alive',
    flag: { name: 'keep-alive', value: 'on|off' },
    csv: 'keep_alive',
    form: {
      label: 'Keep-alive',
      checkbox: 'Server-side keep-alive',
      hint: `Off by default. Keep-alive ${KEEP_ALIVE_WARNING}.`,
    },
  }),
  define({
    name: 'deny',
    types: ['snom'],
    kind: 'rules',
    schema: rulesSchema('deny'),
    default: [],
    label: 'deny',
    flag: { name: 'deny', value: '<ip/netmask>' },
    csv: 'deny',
    form: {
      label: 'Deny rules',
      cardLabel: 'Deny',
      hint: RULES_HINT,
      placeholder: '0.0.0.0/0.0.0.0',
    },
  }),
  define({
    name: 'permit',
    types: ['snom'],
    kind: 'rules',
    schema: rulesSchema('permit'),
    default: [],
    label: 'permit',
    flag: { name: 'permit', value: '<ip/netmask>' },
    csv: 'permit',
    form: {
      label: 'Permit rules',
      cardLabel: 'Permit',
      placeholder: '216.27.242.66/255.255.255.255',
    },
  }),
] as const;

export type AccountField = (typeof ACCOUNT_FIELDS)[number];
export type AccountFieldName = AccountField['name'];
export type AccountFieldFlag = AccountField['flag']['name'];
export type AccountFieldColumn = AccountField['csv'];
type FieldNamed<N extends AccountFieldName> = Extract<AccountField, { name: N }>;

/** The settings that apply to accounts of a type. */
export type AccountFieldNameOf<T extends AccountType> = {
  [N in AccountFieldName]: T extends FieldNamed<N>['types'][number] ? N : never;
}[AccountFieldName];

/** A setting as its schema gives it: always there when it has a default. */
type ParsedValue<N extends AccountFieldName> =
  FieldNamed<N> extends { default: unknown }
    ? z.output<FieldNamed<N>['schema']>
    : z.output<FieldNamed<N>['schema']> | undefined;

/** The settings of a new account of a type, as the creation schema gives them. */
export type AccountFieldInput<T extends AccountType> = {
  [N in AccountFieldNameOf<T>]: ParsedValue<N>;
};

/** The settings as the `accounts` row holds them: those of the other type are empty. */
export type AccountFieldColumns = Pick<AccountRow, AccountFieldName>;

/** The settings as an account's view shows them: null when empty or of the other type. */
export type AccountFieldViews = {
  [N in AccountFieldName]: NonNullable<AccountRow[N]> | null;
};

export const ACCOUNT_FIELD_NAMES: readonly AccountFieldName[] = ACCOUNT_FIELDS.map((f) => f.name);

/** A setting of the registry as plain data, without its entry's literal types. */
export type RegisteredField = AccountFieldDefinition & { name: AccountFieldName };

const FIELDS: readonly RegisteredField[] = ACCOUNT_FIELDS;

export const appliesTo = (field: RegisteredField, type: AccountType): boolean =>
  field.types.includes(type);

/** The settings of an account type, in the registry's order. */
export function accountFieldsOf(type: AccountType): RegisteredField[] {
  return FIELDS.filter((field) => appliesTo(field, type));
}

/** What a setting holds when empty: no rules, or null. */
const emptyValue = (field: RegisteredField) => (field.kind === 'rules' ? [] : null);

/**
 * The `accounts` values of an account's settings: those of its type from `values` (a parsed
 * creation input), the others empty, so that a row never holds a setting of the other type.
 */
export function accountFieldColumns<T extends AccountType>(
  type: T,
  values: object,
): AccountFieldColumns {
  const given = values as Partial<Record<string, unknown>>;
  return Object.fromEntries(
    FIELDS.map((field) => [
      field.name,
      appliesTo(field, type) ? (given[field.name] ?? emptyValue(field)) : emptyValue(field),
    ]),
  ) as AccountFieldColumns;
}

/** The settings a new account of a type gets when none is given: the wizard's. */
export function defaultAccountFields(type: AccountType): AccountFieldColumns {
  return accountFieldColumns(
    type,
    Object.fromEntries(
      FIELDS.flatMap((f) => (f.default === undefined ? [] : [[f.name, f.default]])),
    ),
  );
}

/** The settings of a row as the account's view shows them (null when of the other type). */
export function accountFieldViews(
  type: AccountType,
  row: Pick<AccountRow, AccountFieldName>,
): AccountFieldViews {
  return Object.fromEntries(
    FIELDS.map((field) => [
      field.name,
      appliesTo(field, type) ? ((row as Record<string, unknown>)[field.name] ?? null) : null,
    ]),
  ) as AccountFieldViews;
}

/** The creation schema's shape of a type's settings: each defaulted, or optional. */
export function creationShape<T extends AccountType>(
  type: T,
): { [N in AccountFieldNameOf<T>]: z.ZodType<ParsedValue<N>> } {
  return Object.fromEntries(
    accountFieldsOf(type).map((field) => [
      field.name,
      field.default === undefined ? field.schema.optional() : field.schema.default(field.default),
    ]),
  ) as never;
}

/** The edit schema's shape: every setting optional (which apply is checked against the account). */
export function changesShape(): {
  [N in AccountFieldName]: z.ZodOptional<FieldNamed<N>['schema']>;
} {
  return Object.fromEntries(FIELDS.map((field) => [field.name, field.schema.optional()])) as never;
}

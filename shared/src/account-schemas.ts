import type { ACCOUNT_TYPES, SECURITY_MODELS } from '@sipops/db/schema';
import { z } from 'zod';
import { changesShape, creationShape } from './account-fields.ts';
import { parseMobileNumber, parseVirtualNumber } from './phone-number.ts';
import { domainString } from './validation.ts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export type AccountType = (typeof ACCOUNT_TYPES)[number];
export type SecurityModel = (typeof SECURITY_MODELS)[number];

export const usernameSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/,
    'must be 3 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
  );

export const passwordSchema = z
  .string({ error: 'is required' })
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** Control characters, and the bidirectional overrides that make text read other than it is. */
export const CONTROL_CHARACTERS = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

export const nameSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(80, 'must be at most 80 characters')
  .refine((name) => !CONTROL_CHARACTERS.test(name), 'must not contain control characters');

export const virtualNumberSchema = domainString((value) => parseVirtualNumber(value));
export const mobileNumberSchema = domainString((value) => parseMobileNumber(value));

const plainCommonShape = {
  group: nameSchema,
  number: virtualNumberSchema,
  secondaryNumber: virtualNumberSchema.optional(),
  username: usernameSchema.optional(),
  password: passwordSchema,
  /** The second typing of the password in a form; when given it must match. */
  passwordConfirm: z.string().optional(),
  profile: nameSchema.optional(),
};

function refinePlain(
  value: {
    password: string;
    passwordConfirm?: string | undefined;
    number: { value: string };
    secondaryNumber?: { value: string } | undefined;
  },
  ctx: z.RefinementCtx,
) {
  if (value.passwordConfirm !== undefined && value.passwordConfirm !== value.password) {
    ctx.addIssue({
      code: 'custom',
      path: ['passwordConfirm'],
      message: 'does not match the password',
    });
  }
  if (value.secondaryNumber && value.secondaryNumber.value === value.number.value) {
    ctx.addIssue({
      code: 'custom',
      path: ['secondaryNumber'],
      message: 'must differ from the primary number',
      params: { appCode: 'DUPLICATE_NUMBER' },
    });
  }
}

/** Fields of the other account type are refused, not ignored. */
function notApplicable(type: string) {
  return (issue: { code?: string }) =>
    issue.code === 'unrecognized_keys' ? `does not apply to ${type} accounts` : undefined;
}

export const plainAccountSchema = z.discriminatedUnion(
  'type',
  [
    z
      .strictObject(
        { type: z.literal('pgsm'), ...plainCommonShape, ...creationShape('pgsm') },
        { error: notApplicable('PGSM') },
      )
      .superRefine(refinePlain),
    z
      .strictObject(
        { type: z.literal('snom'), ...plainCommonShape, ...creationShape('snom') },
        { error: notApplicable('SNOM') },
      )
      .superRefine(refinePlain),
  ],
  { error: 'must be pgsm or snom' },
);
export type PlainAccountInput = z.output<typeof plainAccountSchema>;

export const wizardAccountSchema = z.strictObject({
  group: nameSchema,
  number: mobileNumberSchema,
  /** Optional when the group has a profile of its own. */
  profile: nameSchema.optional(),
});
export type WizardAccountInput = z.output<typeof wizardAccountSchema>;

/** Edits of any type; which fields apply is checked against the account being edited. */
export const accountChangesSchema = z
  .strictObject({
    group: nameSchema.optional(),
    profile: z.union([nameSchema, z.null()]).optional(),
    password: passwordSchema.optional(),
    passwordConfirm: z.string().optional(),
    ...changesShape(),
  })
  .superRefine((value, ctx) => {
    if (value.passwordConfirm !== undefined && value.passwordConfirm !== value.password) {
      ctx.addIssue({
        code: 'custom',
        path: ['passwordConfirm'],
        message: 'does not match the password',
      });
    }
  });
export type AccountChanges = z.output<typeof accountChangesSchema>;

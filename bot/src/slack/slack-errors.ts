import { randomBytes } from 'node:crypto';
import { ACCOUNT_FIELDS } from '@sipops/shared/account-fields';
import { type AppError, type AppErrorCode, isAppError } from '@sipops/shared/errors';
import type { Logger } from '@slack/bolt';

/** A `/sip` line that could not be understood: the usage of the subcommand follows. */
export class CommandUsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'CommandUsageError';
  }
}

/** The operator's words for a form field, where they differ from its name. */
const FIELD_LABELS: Record<string, string> = {
  number: 'virtual number',
  secondaryNumber: 'secondary number',
  passwordConfirm: 'password (again)',
  ...Object.fromEntries(ACCOUNT_FIELDS.map((field) => [field.name, field.label])),
  sipHost: 'SIP host',
  sipPort: 'SIP port',
  iosUrl: 'iOS store link',
  androidUrl: 'Android store link',
  appScheme: 'app scheme',
  appLink: 'app link',
  registrationExpires: 'registration expiry',
  realm: 'SIP realm',
  accentColor: 'accent colour',
  supportContact: 'support contact',
  timeZone: 'time zone',
};

export const fieldLabel = (field: string): string => FIELD_LABELS[field] ?? field;

function issuesText(error: AppError): string {
  const issues =
    error.issues.length > 0 ? error.issues : [{ field: error.field ?? '', message: error.message }];
  return issues
    .map((issue) =>
      issue.field ? `*${fieldLabel(issue.field)}*: ${issue.message}` : issue.message,
    )
    .join('\n');
}

/** Where to look for the right name of a thing that was not found. */
const LOOK_UP: Record<string, string> = {
  account: 'Look it up with `/sip find <part of the username or number>`.',
  group: 'The groups are listed by `/sip groups`.',
  profile: 'The profiles are listed by `/sip profiles`.',
  name: 'The profiles are listed by `/sip profiles`.',
};

/** The one table from a domain refusal to what the Slack user reads. */
const APP_ERROR_MESSAGES: Record<AppErrorCode, (error: AppError) => string> = {
  VALIDATION: issuesText,
  INVALID_PHONE: issuesText,
  NOT_MOBILE: issuesText,
  INVALID_RULE: issuesText,
  DUPLICATE_NUMBER: issuesText,
  DUPLICATE_USERNAME: issuesText,
  DUPLICATE_NAME: issuesText,
  NOT_FOUND: (e) => `${capitalise(e.message)}. ${LOOK_UP[e.field ?? ''] ?? ''}`.trim(),
  AMBIGUOUS: (e) => `${capitalise(e.message)}.`,
  FORBIDDEN: (e) =>
    `You cannot do that: it ${e.message}. Ask an admin to grant it with \`/sip role @you <role>\`.`,
  INVALID_TRANSITION: (e) => `Not possible now: ${e.message}.`,
  NOT_ALLOWED: (e) => `Not possible: ${e.message}.`,
  LINK_EXPIRED: (e) => `${capitalise(e.message)}. Send a new activation SMS from the account card.`,
  TOO_MANY_ATTEMPTS: (e) => `${capitalise(e.message)}. Wait a minute and try again.`,
  CONFLICT: (e) =>
    `${capitalise(e.message)}. Someone changed it at the same time: look again with \`/sip show\` and retry.`,
};

/** Errors of Slack's own API that the user can do something about. */
const SLACK_API_MESSAGES: Record<string, string> = {
  expired_trigger_id:
    'Slack did not let the form open in time (it allows 3 seconds). Run the command again.',
  trigger_id_invalid: 'Slack did not accept the request to open the form. Run the command again.',
  not_in_channel: 'The bot is not in this channel: invite it with `/invite @sipops`, then retry.',
  channel_not_found:
    'The bot cannot see this channel: invite it with `/invite @sipops`, then retry.',
  file_not_found: 'Slack no longer has that file (deleted?): upload it again with `/sip batch`.',
  file_deleted: 'That file was deleted in Slack: upload it again with `/sip batch`.',
  missing_scope:
    'The Slack app lacks a permission (files:read or files:write): an admin reinstalls it from `bot/manifest.json`.',
};

/** The error code Slack's Web API answered with (`expired_trigger_id`), if that is what it is. */
export function slackApiError(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export type Failure = { text: string; ref?: string };

/**
 * What to tell the user about any failure. Refusals say what to change; anything else gets a
 * reference that is logged with the error, so an admin can find it.
 */
export function describeFailure(error: unknown, logger: Pick<Logger, 'error'>): Failure {
  if (isAppError(error)) return { text: APP_ERROR_MESSAGES[error.code](error) };
  if (error instanceof CommandUsageError)
    return { text: `${error.message ? `${capitalise(error.message)}.\n` : ''}${error.usage}` };
  const apiError = slackApiError(error);
  const known = apiError ? SLACK_API_MESSAGES[apiError] : undefined;
  if (known) return { text: known };
  const ref = randomBytes(4).toString('hex');
  logger.error(`sipops slack [ref ${ref}]`, error);
  return {
    text: `Something went wrong on our side; try again. If it keeps failing, tell an admin (ref ${ref}).`,
    ref,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

import {
  type OutboxHandler,
  type OutboxMessage,
  RetryableError,
} from '@sipops/shared/outbox/outbox-worker';
import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
  type WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';
import {
  buildNotificationMessage,
  groupOfNotification,
  notificationPayloadSchema,
} from '../../slack/views/notification-message.ts';

/** Marks our messages so a retry can find one that was posted though its answer was lost. */
export const NOTIFICATION_EVENT_TYPE = 'sipops_notification';

export type NotifyHandlerOptions = {
  /** Built with `retryConfig: { retries: 0 }` and `rejectRateLimitedCalls: true`: the worker retries. */
  client: WebClient;
  /** SIPOPS_NOTIFY_CHANNEL: where groups without a channel of their own post. */
  defaultChannel: string | undefined;
  /** The group's own channel (groups.slack_channel), if it has one. */
  resolveChannel: (groupName: string) => Promise<string | undefined>;
  /** How far back a retry looks for a message already posted (Slack and our clocks may differ). */
  lookBackMs?: number;
};

const HISTORY_PAGE = 200;
const HISTORY_MAX_PAGES = 5;

/** What to do about a Slack error code that will not go away by trying again. */
const PERMANENT_HINTS: Record<string, string> = {
  channel_not_found:
    "the channel does not exist or the bot cannot see it: check the group's Slack channel or SIPOPS_NOTIFY_CHANNEL",
  not_in_channel: 'the bot is not in the channel: invite it there (/invite @sipops)',
  is_archived: "the channel is archived: unarchive it or change the group's Slack channel",
  invalid_auth: 'Slack refused the token: check SLACK_BOT_TOKEN',
  not_authed: 'no token was sent: check SLACK_BOT_TOKEN',
  account_inactive: 'the bot token belongs to a deactivated app or user: reinstall the app',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  missing_scope: 'the app lacks the chat:write scope: reinstall it from bot/manifest.json',
  restricted_action: 'the workspace does not let the bot post in this channel',
};

/** Why a look into a channel's history may fail while posting there still works. */
const UNCHECKABLE_CODES = new Set(['missing_scope', 'not_in_channel']);

/** Slack platform errors that mean "try again later". */
const RETRYABLE_CODES = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/**
 * The outbox handler of 'notify' rows: posts one account change to its group's channel (or the
 * default one). Delivery is at least once, so after a try that ended without an answer it first
 * looks in the channel for a message carrying this outbox id, and never posts it a second time.
 */
export function createNotifyHandler(options: NotifyHandlerOptions): OutboxHandler {
  const lookBackMs = options.lookBackMs ?? 15 * 60_000;
  return async (message: OutboxMessage) => {
    const parsed = notificationPayloadSchema.safeParse(message.payload);
    if (!parsed.success) {
      throw new Error(
        `notification ${message.id} has an unreadable payload: ${parsed.error.message}`,
      );
    }
    const payload = parsed.data;
    const group = groupOfNotification(payload);
    const channel =
      (group ? await resolveChannel(options, group) : undefined) ?? options.defaultChannel;
    if (!channel) {
      throw new Error(
        `no Slack channel for group ${group ?? '(none)'}: set SIPOPS_NOTIFY_CHANNEL or the group's channel`,
      );
    }
    if (message.isAfterUnclearFailure) {
      const oldest = new Date(new Date(payload.at).getTime() - lookBackMs);
      const ts = await findPostedMessage(
        options.client,
        channel,
        oldest,
        (metadata) =>
          metadata.event_type === NOTIFICATION_EVENT_TYPE &&
          Number(metadata.event_payload?.outbox_id) === message.id,
      );
      if (ts) return { externalId: `${channel}/${ts}` };
    }
    const { text, blocks } = buildNotificationMessage(payload);
    try {
      const result = await options.client.chat.postMessage({
        channel,
        text,
        blocks,
        unfurl_links: false,
        unfurl_media: false,
        metadata: {
          event_type: NOTIFICATION_EVENT_TYPE,
          event_payload: { outbox_id: message.id, event: payload.event },
        },
      });
      return { externalId: `${result.channel ?? channel}/${result.ts ?? ''}` };
    } catch (error) {
      throw toDeliveryError(error, channel);
    }
  };
}

/** A database that does not answer now may later: that is no reason to give up on the message. */
async function resolveChannel(
  options: NotifyHandlerOptions,
  group: string,
): Promise<string | undefined> {
  try {
    return await options.resolveChannel(group);
  } catch (error) {
    throw new RetryableError(
      `could not read the channel of group ${group}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** What our messages carry in their metadata, so that a later look can find them. */
export type PostedMetadata = { event_type?: string; event_payload?: Record<string, unknown> };

/** The ts of a message of ours in the channel since `oldest` whose metadata matches, if any. */
export async function findPostedMessage(
  client: WebClient,
  channel: string,
  oldest: Date,
  matches: (metadata: PostedMetadata) => boolean,
): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
    let result: Awaited<ReturnType<WebClient['conversations']['history']>>;
    try {
      result = await client.conversations.history({
        channel,
        include_all_metadata: true,
        limit: HISTORY_PAGE,
        oldest: (oldest.getTime() / 1000).toFixed(6),
        ...(cursor ? { cursor } : {}),
      });
    } catch (error) {
      // Without the history scope or membership we cannot look: post rather than lose the change.
      if (UNCHECKABLE_CODES.has(platformCode(error) ?? '')) return undefined;
      const mapped = toDeliveryError(error, channel);
      // The earlier try stays unclear until a look succeeds.
      throw mapped instanceof RetryableError
        ? new RetryableError(mapped.message, mapped.retryAfterMs, true)
        : mapped;
    }
    const found = result.messages?.find(
      (m) => m.metadata !== undefined && matches(m.metadata as PostedMetadata),
    );
    if (found?.ts) return found.ts;
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!result.has_more || !cursor) return undefined;
  }
  return undefined;
}

/**
 * Slack's failures as the worker understands them: a RetryableError for what may pass (429 with
 * its Retry-After, 5xx, timeouts, lost connections), a plain Error for what will not.
 */
export function toDeliveryError(error: unknown, channel: string): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === ErrorCode.RateLimitedError) {
    const seconds = (error as WebAPIRateLimitedError).retryAfter;
    return new RetryableError(
      `Slack rate limited the bot (Retry-After ${seconds}s)`,
      seconds * 1000,
    );
  }
  if (code === ErrorCode.HTTPError) {
    const status = (error as WebAPIHTTPError).statusCode;
    // A 5xx may come after Slack posted the message: look before posting again.
    if (status >= 500 || status === 408)
      return new RetryableError(`Slack answered HTTP ${status}`, undefined, true);
    return new Error(`Slack answered HTTP ${status}`);
  }
  if (code === ErrorCode.RequestError) {
    const original = (error as WebAPIRequestError).original;
    const cause = (original as { cause?: { code?: string } }).cause;
    const isRefused = cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND';
    const reason =
      original.name === 'TimeoutError' || original.name === 'AbortError'
        ? 'Slack did not answer in time'
        : `could not reach Slack (${cause?.code ?? original.message})`;
    return new RetryableError(reason, undefined, !isRefused);
  }
  const platform = platformCode(error);
  if (platform) {
    if (RETRYABLE_CODES.has(platform)) {
      const retryAfter = (error as WebAPIPlatformError).data.response_metadata?.retryAfter;
      return new RetryableError(
        `Slack error ${platform}`,
        retryAfter ? retryAfter * 1000 : undefined,
        platform !== 'ratelimited',
      );
    }
    const hint = PERMANENT_HINTS[platform];
    return new Error(
      `Slack refused the post to ${channel}: ${platform}${hint ? ` (${hint})` : ''}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

function platformCode(error: unknown): string | undefined {
  if ((error as { code?: unknown } | null)?.code !== ErrorCode.PlatformError) return undefined;
  return (error as WebAPIPlatformError).data.error;
}

import type { Deps } from '@sipops/shared/deps';
import {
  describeLeaseHolder,
  giveUpLead,
  LEADS,
  leaseTtlMs,
  takeLead,
} from '@sipops/shared/leadership';
import { RetryableError } from '@sipops/shared/outbox/outbox-worker';
import {
  finishImportSms,
  type ImportSmsProgress,
  listImportSmsProgress,
  recordImportSmsMessage,
  recordImportSmsPosting,
} from '@sipops/shared/use-cases/list-import-sms-progress';
import type { WebClient } from '@slack/web-api';
import { slackApiError } from '../../slack/slack-errors.ts';
import { buildImportSmsProgress } from '../../slack/views/batch.ts';
import type { SlackMessage } from '../../slack/views/blocks.ts';
import { findPostedMessage, toDeliveryError } from '../notifications/post-notification.ts';

export const IMPORT_SMS_PROGRESS_INTERVAL_MS = 5000;
/** Marks progress messages, so a new leader finds one its predecessor posted without recording. */
export const IMPORT_SMS_PROGRESS_EVENT_TYPE = 'sipops_import_sms_progress';

export type ImportSmsProgressOptions = {
  deps: Pick<Deps, 'db' | 'clock'>;
  /** Built with createNotifyClient: no hidden retries, the next pass is the retry. */
  client: WebClient;
  /** SIPOPS_NOTIFY_CHANNEL: where imports without a channel of their own (terminal) report. */
  defaultChannel: string | undefined;
  /** SIPOPS_SMS_PER_SECOND, for the time left. */
  perSecond: number;
  /** Between two passes (tests shorten it). */
  intervalMs?: number;
  log?: (line: string) => void;
  /** This process in the lead's lease row (tests name their loops). */
  holder?: string;
};

export type ImportSmsProgressLoop = { stop(): Promise<void> };

/**
 * Follows the activation SMS queued by batch imports: every few seconds, one Slack message per
 * import is posted, then updated with how many were sent, failed and wait, until none waits.
 * However many workers run this loop, one leads (a lease in the database) and the others wait
 * to take over when its lease runs out.
 */
export function startImportSmsProgress(options: ImportSmsProgressOptions): ImportSmsProgressLoop {
  const log = options.log ?? ((line: string) => console.warn(line));
  const holder = options.holder ?? describeLeaseHolder();
  const intervalMs = options.intervalMs ?? IMPORT_SMS_PROGRESS_INTERVAL_MS;
  const shown = new Map<string, string>();
  let isStopped = false;
  let isLeading = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!isStopped) {
      try {
        const wasLeading = isLeading;
        isLeading = await takeLead(
          options.deps,
          LEADS.importSmsProgress,
          holder,
          leaseTtlMs(intervalMs),
        );
        // What another leader showed meanwhile is unknown here: show it again.
        if (!isLeading || !wasLeading) shown.clear();
        if (isLeading) await reportImportSmsProgress({ ...options, log }, shown);
      } catch (error) {
        log(`sipops: import SMS progress: ${error instanceof Error ? error.message : error}`);
      }
      if (isStopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    async stop() {
      isStopped = true;
      wake?.();
      await loop;
      if (isLeading)
        await giveUpLead(options.deps, LEADS.importSmsProgress, holder).catch(() => {});
    },
  };
}

/**
 * One pass over the imports followed. `shown` holds the text last shown per import, so an
 * unchanged message is not updated again.
 */
export async function reportImportSmsProgress(
  options: ImportSmsProgressOptions,
  shown: Map<string, string> = new Map(),
): Promise<void> {
  const log = options.log ?? ((line: string) => console.warn(line));
  for (const progress of await listImportSmsProgress(options.deps)) {
    const channel = progress.channel ?? options.defaultChannel;
    if (!channel) {
      // A terminal import with no default channel: nowhere to report, only the end to record.
      if (progress.isDone) await finishImportSms(options.deps, progress.importId);
      continue;
    }
    const message = buildImportSmsProgress(progress, options.perSecond);
    try {
      if (shown.get(progress.importId) !== message.text || !progress.ts)
        await showProgress(options, progress, channel, message);
      shown.set(progress.importId, message.text);
      if (progress.isDone) {
        await finishImportSms(options.deps, progress.importId);
        shown.delete(progress.importId);
      }
    } catch (error) {
      const failure = toDeliveryError(error, channel);
      if (failure instanceof RetryableError) {
        log(`sipops: SMS progress of import ${progress.importId} waits: ${failure.message}`);
        continue;
      }
      // A channel the bot cannot post to will not change by itself: stop following the import.
      log(`sipops: SMS progress of import ${progress.importId} not shown: ${failure.message}`);
      await finishImportSms(options.deps, progress.importId);
      shown.delete(progress.importId);
    }
  }
}

/** Updates the import's message, or posts it where there is none (or it was deleted). */
async function showProgress(
  options: ImportSmsProgressOptions,
  progress: ImportSmsProgress,
  channel: string,
  message: SlackMessage,
): Promise<void> {
  const content = { text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) };
  if (progress.ts) {
    try {
      await options.client.chat.update({ channel, ts: progress.ts, ...content });
      return;
    } catch (error) {
      if (slackApiError(error) !== 'message_not_found') throw error;
    }
  }
  const metadata = {
    event_type: IMPORT_SMS_PROGRESS_EVENT_TYPE,
    event_payload: { import_id: progress.importId },
  };
  if (progress.postingAt) {
    // A leader that died may have posted it without recording where: look before posting again.
    const ts = await findPostedMessage(
      options.client,
      channel,
      new Date(progress.postingAt.getTime() - 60_000),
      (found) =>
        found.event_type === IMPORT_SMS_PROGRESS_EVENT_TYPE &&
        found.event_payload?.import_id === progress.importId,
    );
    if (ts) {
      await recordImportSmsMessage(options.deps, progress.importId, { channel, ts });
      await options.client.chat.update({ channel, ts, ...content });
      return;
    }
  } else {
    await recordImportSmsPosting(options.deps, progress.importId);
  }
  const posted = await options.client.chat.postMessage({
    channel,
    ...content,
    metadata,
    unfurl_links: false,
    unfurl_media: false,
  });
  if (!posted.ts) throw new Error('chat.postMessage gave no ts');
  await recordImportSmsMessage(options.deps, progress.importId, {
    channel: posted.channel ?? channel,
    ts: posted.ts,
  });
}

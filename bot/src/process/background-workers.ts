import type { RegistrarConfig } from '@sipops/shared/config/registrar';
import type { BotConfig } from '@sipops/shared/config/slack';
import type { SmsConfig } from '@sipops/shared/config/sms';
import type { Runtime } from '@sipops/shared/runtime';
import { startDigestLoop } from './notifications/start-digest-loop.ts';
import {
  createNotifyClient,
  startNotificationWorker,
} from './notifications/start-notification-worker.ts';
import { startRegistrarWorker } from './registrar/start-registrar-worker.ts';
import { startImportSmsProgress } from './sms/start-import-sms-progress.ts';
import { describeSms, startSmsWorker } from './sms/start-sms-worker.ts';

/**
 * How the outbox workers pace themselves. The defaults suit production; drills that kill workers
 * on purpose shorten them so that a dead worker's lease runs out in seconds, not minutes.
 */
export type WorkerTuning = {
  /** How long a claimed message is left to its worker before another may take it. */
  leaseMs?: number;
  /** The longest wait before a retry when no Retry-After says otherwise. */
  maxRetryMs?: number;
  /** How long a call to Slack or Twilio may take before it counts as unanswered. */
  providerTimeoutMs?: number;
  pollIntervalMs?: number;
  /** Between two updates of an import's SMS progress message (its lead's lease is three). */
  progressIntervalMs?: number;
};

export type BackgroundWorkers = { lines: string[]; stop(): Promise<void> };

export type WorkerConfigs = { bot: BotConfig; sms: SmsConfig; registrar: RegistrarConfig };

/**
 * The outbox's delivery loops (Slack notifications, SMS, batch SMS progress, registrar removals,
 * daily digests): inside `npm start`, or alone (SIPOPS_PARTS=workers, `npm run workers`) in as
 * many processes as wanted on Postgres.
 */
export function startBackgroundWorkers(
  runtime: Runtime,
  configs: WorkerConfigs,
  tuning: WorkerTuning = {},
): BackgroundWorkers {
  const { bot: botConfig, sms: smsConfig, registrar: registrarConfig } = configs;
  const { leaseMs, maxRetryMs, providerTimeoutMs, pollIntervalMs, progressIntervalMs } = tuning;
  const pacing = {
    ...(leaseMs ? { leaseMs } : {}),
    ...(pollIntervalMs ? { pollIntervalMs } : {}),
    ...(maxRetryMs
      ? {
          backoffMs: (attempt: number) =>
            Math.min(maxRetryMs, 250 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 100),
        }
      : {}),
  };
  const notifyClient = botConfig.botToken
    ? createNotifyClient(
        botConfig.botToken,
        botConfig.apiUrl,
        providerTimeoutMs ? { timeoutMs: providerTimeoutMs } : {},
      )
    : undefined;
  const notifications = notifyClient
    ? startNotificationWorker({
        db: runtime.deps.db,
        clock: runtime.deps.clock,
        client: notifyClient,
        defaultChannel: botConfig.notifyChannel,
        ...pacing,
      })
    : undefined;
  const sms = startSmsWorker({
    deps: runtime.deps,
    config: smsConfig,
    publicBaseUrl: runtime.config.publicBaseUrl,
    ...(providerTimeoutMs ? { timeoutMs: providerTimeoutMs } : {}),
    ...pacing,
  });
  // Batch imports' SMS followed in Slack: in the importer's DM, or SIPOPS_NOTIFY_CHANNEL.
  const importSms = notifyClient
    ? startImportSmsProgress({
        deps: runtime.deps,
        client: notifyClient,
        defaultChannel: botConfig.notifyChannel,
        perSecond: smsConfig.perSecond,
        ...(progressIntervalMs ? { intervalMs: progressIntervalMs } : {}),
      })
    : undefined;
  // Groups with a daily digest get it in their channel at their time, once a day (the outbox's
  // once key keeps it to one however many workers queue it).
  const digests = notifyClient ? startDigestLoop({ deps: runtime.deps }) : undefined;
  const registrar = startRegistrarWorker({
    deps: runtime.deps,
    rpcUrl: registrarConfig.rpcUrl,
    ...(providerTimeoutMs ? { timeoutMs: providerTimeoutMs } : {}),
    ...pacing,
  });
  return {
    lines: [
      notifications
        ? `  notify    Slack, to each group's channel${botConfig.notifyChannel ? ` or ${botConfig.notifyChannel}` : ' (set SIPOPS_NOTIFY_CHANNEL for groups without one)'}`
        : '  notify    off: SLACK_BOT_TOKEN is not set; account changes wait in the outbox and are posted once it is',
      describeSms(smsConfig),
      registrarConfig.rpcUrl
        ? `  registrar Kamailio JSON-RPC at ${registrarConfig.rpcUrl} (ul.rm on disable, delete, revoke-keys)`
        : '  registrar off: SIPOPS_KAMAILIO_RPC_URL is not set; live registrations are not removed (marked skipped)',
    ],
    async stop() {
      digests?.stop();
      await Promise.all([notifications?.stop(), importSms?.stop(), sms.stop(), registrar.stop()]);
    },
  };
}

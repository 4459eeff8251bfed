import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '@sipops/shared/runtime';
import { openRuntime, setProcessRuntime } from '@sipops/shared/runtime';
import { ConfigError } from '@sipops/shared/runtime-config';
import next from 'next';
import { createSlackApp, SLACK_EVENTS_PATH } from './app.ts';
import { readBotConfig, readRegistrarConfig, readServerConfig, readSmsConfig } from './env.ts';
import { limitHeapGrowth } from './heap-growth.ts';
import {
  createNotifyClient,
  startNotificationWorker,
} from './notifications/start-notification-worker.ts';
import { startRegistrarWorker } from './registrar/start-registrar-worker.ts';
import { startImportSmsProgress } from './sms/start-import-sms-progress.ts';
import { describeSms, startSmsWorker } from './sms/start-sms-worker.ts';
import { createForwardHandler } from './terminal/forward.ts';

const WEB_DIR = fileURLToPath(new URL('../../web', import.meta.url));

/**
 * `npm start`: one process that owns the database (PGlite can have only one) and serves the
 * mobile pages and webhooks, the terminal's forwarded commands and, when configured, the bot.
 */
async function start(): Promise<void> {
  // Slack imports run here too.
  limitHeapGrowth();
  const config = readServerConfig();
  const botConfig = readBotConfig();
  const smsConfig = readSmsConfig();
  const registrarConfig = readRegistrarConfig();
  let runtime: Runtime | undefined;
  const forward = createForwardHandler(async () => {
    if (!runtime) throw new Error('the server is still starting');
    return runtime.deps;
  });
  runtime = await openRuntime(config.runtime, { role: 'server', pid: process.pid }, forward);
  setProcessRuntime(runtime);

  const app = next({
    dev: false,
    dir: WEB_DIR,
    port: config.port,
  });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => resolve());
  });

  const database =
    runtime.database.kind === 'pglite'
      ? `PGlite in ${runtime.config.dataDir} (embedded default; set DATABASE_URL to use Postgres)`
      : `Postgres at ${runtime.database.location}`;
  console.log(
    [
      'sipops is running',
      `  web       http://localhost:${config.port}  (health: /api/health)`,
      `  database  ${database}`,
      `  terminal  npm run sip -- help${runtime.database.kind === 'pglite' ? '  (commands run inside this process)' : ''}`,
    ].join('\n'),
  );

  const slack =
    botConfig.mode === 'off'
      ? undefined
      : createSlackApp({ config: botConfig, deps: runtime.deps });
  const slackPort = slack ? (await slack.start()).port : undefined;
  console.log(
    botConfig.mode === 'http'
      ? `  slack     http mode on :${slackPort}${SLACK_EVENTS_PATH}`
      : botConfig.mode === 'socket'
        ? '  slack     socket mode'
        : `  slack     not configured — ${botConfig.missing}`,
  );

  const notifyClient = botConfig.botToken
    ? createNotifyClient(botConfig.botToken, botConfig.apiUrl)
    : undefined;
  const notifications = notifyClient
    ? startNotificationWorker({
        db: runtime.deps.db,
        clock: runtime.deps.clock,
        client: notifyClient,
        defaultChannel: botConfig.notifyChannel,
      })
    : undefined;
  console.log(
    notifications
      ? `  notify    Slack, to each group's channel${botConfig.notifyChannel ? ` or ${botConfig.notifyChannel}` : ' (set SIPOPS_NOTIFY_CHANNEL for groups without one)'}`
      : '  notify    off: SLACK_BOT_TOKEN is not set; account changes wait in the outbox and are posted once it is',
  );
  const sms = startSmsWorker({
    deps: runtime.deps,
    config: smsConfig,
    publicBaseUrl: runtime.config.publicBaseUrl,
  });
  // Batch imports' SMS followed in Slack: in the importer's DM, or SIPOPS_NOTIFY_CHANNEL.
  const importSms = notifyClient
    ? startImportSmsProgress({
        deps: runtime.deps,
        client: notifyClient,
        defaultChannel: botConfig.notifyChannel,
        perSecond: smsConfig.perSecond,
      })
    : undefined;
  console.log(describeSms(smsConfig));
  const registrar = startRegistrarWorker({ deps: runtime.deps, rpcUrl: registrarConfig.rpcUrl });
  console.log(
    registrarConfig.rpcUrl
      ? `  registrar Kamailio JSON-RPC at ${registrarConfig.rpcUrl} (ul.rm on disable, delete, revoke-keys)`
      : '  registrar off: SIPOPS_KAMAILIO_RPC_URL is not set; live registrations are not removed (marked skipped)',
  );
  console.log(
    `  links     ${runtime.config.publicBaseUrl}/a/…  (PUBLIC_BASE_URL: where phones reach this server)`,
  );

  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    console.log(`sipops: ${signal}, stopping`);
    server.close();
    server.closeAllConnections();
    void Promise.all([
      notifications?.stop(),
      importSms?.stop(),
      sms.stop(),
      registrar.stop(),
      slack?.stop(),
      app.close(),
    ])
      .catch(() => {})
      .then(() => runtime?.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

start().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`sipops: ${error.message}`);
  } else {
    console.error(
      `sipops: could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  process.exit(1);
});

import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRepoRoot } from '@sipops/db/repo-root';
import { CLIENT_ADDRESS_HEADER, resolveClientAddress } from '@sipops/shared/client-address';
import type { Runtime } from '@sipops/shared/runtime';
import { openRuntime, setProcessRuntime } from '@sipops/shared/runtime';
import { ConfigError } from '@sipops/shared/runtime-config';
import { reportPart } from '@sipops/shared/service-parts';
import next from 'next';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackBot } from './app.ts';
import { startBackgroundWorkers } from './background-workers.ts';
import {
  type BotConfig,
  readBotConfig,
  readRegistrarConfig,
  readServerConfig,
  readSmsConfig,
} from './env.ts';
import { limitHeapGrowth } from './heap-growth.ts';
import { startDigestLoop } from './notifications/start-digest-loop.ts';
import { createForwardHandler } from './terminal/forward.ts';
import { guardWebResponse } from './web-response-guard.ts';

const WEB_DIR = join(findRepoRoot(dirname(fileURLToPath(import.meta.url))), 'web');

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
    // Set here, from the socket, over whatever the client sent under the same name.
    req.headers[CLIENT_ADDRESS_HEADER] = resolveClientAddress(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      config.trustedProxies,
    );
    if (guardWebResponse(req, res)) void handle(req, res);
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

  const deps = runtime.deps;
  let slack: ReturnType<typeof keepSlackRunning> | undefined;
  if (botConfig.mode === 'off') {
    reportPart('slack', 'off');
    console.log(`  slack     not configured — ${botConfig.missing}`);
  } else {
    slack = keepSlackRunning(botConfig, () => createSlackApp({ config: botConfig, deps }));
  }

  // SIPOPS_WORKERS=off: the outbox is delivered by `npm run workers`, in a process of its own.
  const workers = config.isRunningWorkers
    ? startBackgroundWorkers(runtime, {
        bot: botConfig,
        sms: smsConfig,
        registrar: registrarConfig,
      })
    : undefined;
  // Groups with a daily digest get it in their channel at their time, once a day.
  const digests =
    workers && botConfig.botToken ? startDigestLoop({ deps: runtime.deps }) : undefined;
  console.log(
    workers
      ? workers.lines.join('\n')
      : '  outbox    not delivered here (SIPOPS_WORKERS=off): run npm run workers beside this server',
  );
  // Off here means delivered by `npm run workers`: health reports the part as off, not down.
  reportPart('workers', workers ? 'up' : 'off');
  console.log(
    `  links     ${runtime.config.publicBaseUrl}/a/…  (PUBLIC_BASE_URL: where phones reach this server)`,
  );

  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    console.log(`sipops: ${signal}, stopping`);
    reportPart('workers', 'down');
    digests?.stop();
    server.close();
    server.closeAllConnections();
    void Promise.all([workers?.stop(), slack?.stop(), app.close()])
      .catch(() => {})
      .then(() => runtime?.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** First wait before Slack is tried again, doubled after each failure up to the last. */
const SLACK_RETRY_MS = [2_000, 4_000, 8_000, 15_000, 30_000, 60_000];

/**
 * Starts the bot and, when Slack cannot be reached or refuses the token, keeps trying in the
 * background: the web app and the workers run whether Slack answers or not.
 */
function keepSlackRunning(
  config: Extract<BotConfig, { mode: 'http' | 'socket' }>,
  create: () => SlackBot,
): { stop(): Promise<void> } {
  let isStopped = false;
  let bot: SlackBot | undefined;
  let timer: NodeJS.Timeout | undefined;
  reportPart('slack', 'down');
  const attempt = async (failures: number): Promise<void> => {
    const candidate = create();
    try {
      const { port } = await candidate.start();
      if (isStopped) {
        await candidate.stop();
        return;
      }
      bot = candidate;
      reportPart('slack', 'up');
      console.log(
        config.mode === 'http'
          ? `  slack     http mode on :${port}${SLACK_EVENTS_PATH}`
          : '  slack     socket mode',
      );
    } catch (error) {
      await candidate.stop().catch(() => {});
      if (isStopped) return;
      const waitMs = SLACK_RETRY_MS[Math.min(failures, SLACK_RETRY_MS.length - 1)] ?? 60_000;
      const reason =
        error instanceof ConfigError
          ? error.problems.join('; ')
          : error instanceof Error
            ? error.message
            : String(error);
      console.error(
        `  slack     down: ${reason}; trying again in ${waitMs / 1000} s (the web app and workers keep running)`,
      );
      timer = setTimeout(() => void attempt(failures + 1), waitMs);
    }
  };
  void attempt(0);
  return {
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      await bot?.stop();
    },
  };
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

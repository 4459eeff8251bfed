import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { CLIENT_ADDRESS_HEADER, resolveClientAddress } from '@sipops/shared/client-address';
import { type ServerConfig, terminalSettingsOf } from '@sipops/shared/config/processes';
import { ConfigError } from '@sipops/shared/config/read';
import type { BotConfig } from '@sipops/shared/config/slack';
import type { Runtime } from '@sipops/shared/runtime';
import { openRuntime, setProcessRuntime } from '@sipops/shared/runtime';
import { reportPart } from '@sipops/shared/service-parts';
import next from 'next';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackBot } from '../slack/app.ts';
import { createForwardHandler } from '../terminal/forward.ts';
import { startBackgroundWorkers } from './background-workers.ts';
import { readStartEnv } from './env.ts';
import { limitHeapGrowth } from './heap-growth.ts';
import { rowWorkersOfBuild } from './row-workers.ts';
import { guardWebResponse } from './web-response-guard.ts';

// The web app is a dependency of this package (bot/package.json): its folder is where npm put it.
const WEB_DIR = dirname(createRequire(import.meta.url).resolve('@sipops/web/package.json'));

const USAGE = `usage: npm start [-- --parts web,bot,workers]

Runs sipops. --parts (or SIPOPS_PARTS) chooses the parts this process runs: web (the web app:
mobile pages, provisioning, webhooks, health), bot (the Slack bot), workers (the outbox: Slack
notifications, SMS, registrar removals, import progress, digests); default all. Running only
some parts needs Postgres (DATABASE_URL); each part may then run in as many processes as wanted.`;

class UsageError extends Error {}

function readPartsFlag(argv: string[]): string | undefined {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { parts: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return values.parts;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * `npm start`: by default one process that owns the database (PGlite can have only one) and
 * serves the mobile pages and webhooks, the terminal's forwarded commands, the bot when
 * configured, and the outbox workers. On Postgres, --parts/SIPOPS_PARTS runs some of them only.
 */
async function start(): Promise<void> {
  // Slack imports run here too.
  limitHeapGrowth();
  const {
    server: config,
    bot: botConfig,
    sms: smsConfig,
    registrar: registrarConfig,
  } = readStartEnv(readPartsFlag(process.argv.slice(2)));
  const { parts } = config;
  let runtime: Runtime | undefined;
  // Forwarded commands get the settings read here at start, never the variables at call time.
  const forward = createForwardHandler(terminalSettingsOf(botConfig, smsConfig), async () => {
    if (!runtime) throw new Error('the server is still starting');
    return runtime.deps;
  });
  runtime = await openRuntime(config.runtime, { role: 'server', pid: process.pid }, forward);
  // Imports from Slack and forwarded commands check a large file's rows on the other cores.
  runtime.deps.startRowWorkers = rowWorkersOfBuild();
  setProcessRuntime(runtime);

  const web = parts.has('web') ? await startWeb(config) : undefined;

  const database =
    runtime.database.kind === 'pglite'
      ? `PGlite in ${runtime.config.dataDir} (embedded default; set DATABASE_URL to use Postgres)`
      : `Postgres at ${runtime.database.location}`;
  const notHere = `not run here (${config.partsSource}=${[...parts].join(',')})`;
  console.log(
    [
      'sipops is running',
      web
        ? `  web       http://localhost:${config.port}  (health: /api/health)`
        : `  web       ${notHere}`,
      `  database  ${database}`,
      `  terminal  npm run sip -- help${runtime.database.kind === 'pglite' ? '  (commands run inside this process)' : ''}`,
    ].join('\n'),
  );

  const deps = runtime.deps;
  let slack: ReturnType<typeof keepSlackRunning> | undefined;
  if (!parts.has('bot')) {
    reportPart('slack', 'off');
    console.log(`  slack     ${notHere}`);
  } else if (botConfig.mode === 'off') {
    reportPart('slack', 'off');
    console.log(`  slack     not configured — ${botConfig.missing}`);
  } else {
    slack = keepSlackRunning(botConfig, () => createSlackApp({ config: botConfig, deps }));
  }

  const workers = parts.has('workers')
    ? startBackgroundWorkers(runtime, {
        bot: botConfig,
        sms: smsConfig,
        registrar: registrarConfig,
      })
    : undefined;
  console.log(
    workers
      ? workers.lines.join('\n')
      : config.partsSource === 'SIPOPS_WORKERS=off'
        ? '  outbox    not delivered here (SIPOPS_WORKERS=off): run npm run workers beside this server'
        : `  outbox    ${notHere}: run the workers part beside this process`,
  );
  // Off here means delivered by another process: health reports the part as off, not down.
  reportPart('workers', workers ? 'up' : 'off');
  if (web)
    console.log(
      `  links     ${runtime.config.publicBaseUrl}/a/…  (PUBLIC_BASE_URL: where phones reach this server)`,
    );

  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    console.log(`sipops: ${signal}, stopping`);
    reportPart('workers', 'down');
    web?.server.close();
    web?.server.closeAllConnections();
    void Promise.all([workers?.stop(), slack?.stop(), web?.app.close()])
      .catch(() => {})
      .then(() => runtime?.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** The web app: Next.js behind our own HTTP server, which sets the client's address. */
async function startWeb(
  config: ServerConfig,
): Promise<{ server: Server; app: ReturnType<typeof next> }> {
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
  return { server, app };
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
  if (error instanceof UsageError) {
    console.error(`sipops: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof ConfigError) {
    console.error(`sipops: ${error.message}`);
  } else {
    console.error(
      `sipops: could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  process.exit(1);
});

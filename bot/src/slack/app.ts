import type { Server } from 'node:http';
import { ConfigError } from '@sipops/shared/config/read';
import type { BotConfig } from '@sipops/shared/config/slack';
import type { ActivationDeps } from '@sipops/shared/deps';
import {
  App,
  HTTPReceiver,
  type Logger,
  LogLevel,
  type Receiver,
  SocketModeReceiver,
} from '@slack/bolt';
import { ConsoleLogger } from '@slack/logger';
import type { WebClientOptions } from '@slack/web-api';
import { type BotContext, createBotContext } from './bot-context.ts';
import { registerListeners } from './listeners/index.ts';
import { slackApiError } from './slack-errors.ts';

/** The path Slack posts commands, interactions and events to (HTTP mode). */
export const SLACK_EVENTS_PATH = '/slack/events';
/** The bot's own health check in HTTP mode (on BOT_PORT), for load balancers. */
export const SLACK_HEALTH_PATH = '/slack/health';

/** A bot that runs: HTTP mode or Socket Mode. */
export type RunnableBotConfig = Extract<BotConfig, { mode: 'http' | 'socket' }>;

export type SlackAppOptions = {
  config: RunnableBotConfig;
  deps: ActivationDeps;
  logger?: Logger;
  /** Whether cards offer the activation SMS (default: yes). */
  isActivationAvailable?: boolean;
  /** Listen on this port instead of BOT_PORT (tests pass 0 for a free one). */
  port?: number;
  /** How long a Web API call may take before it fails (default 10 s). */
  clientTimeoutMs?: number;
};

export type SlackBot = {
  app: App;
  mode: RunnableBotConfig['mode'];
  context: BotContext;
  /** Starts listening (HTTP) or connects (Socket Mode); resolves with the HTTP port. */
  start(): Promise<{ port: number | undefined }>;
  stop(): Promise<void>;
  /** Resolves once every request taken so far is handled, replies included (for tests). */
  idle(): Promise<void>;
};

/**
 * The Web API client's settings, for the bot and for anything else posting to Slack: Slack's URL
 * from configuration, and no hidden retries (a 429 or a 5xx is the caller's to retry, or not).
 */
export function slackClientOptions(
  config: Pick<BotConfig, 'apiUrl'>,
  timeoutMs = 10_000,
): WebClientOptions {
  return {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
  };
}

export function createSlackLogger(level: LogLevel = LogLevel.WARN): Logger {
  const logger = new ConsoleLogger();
  logger.setLevel(level);
  logger.setName('sipops-slack');
  return logger;
}

/** Builds the Bolt app with every listener, in the mode the configuration gives. */
export function createSlackApp(options: SlackAppOptions): SlackBot {
  const { config } = options;
  const logger = options.logger ?? createSlackLogger();
  const clientOptions = slackClientOptions(config, options.clientTimeoutMs);
  const port = options.port ?? config.port;
  const receiver: Receiver =
    config.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.appToken,
          logger,
          installerOptions: { clientOptions },
        })
      : new HTTPReceiver({
          signingSecret: config.signingSecret,
          endpoints: SLACK_EVENTS_PATH,
          port,
          logger,
          // Acknowledge first, work after: Slack wants an answer within 3 seconds.
          processBeforeResponse: false,
          // For a load balancer in front of several bots: this process listens and runs.
          customRoutes: [
            {
              path: SLACK_HEALTH_PATH,
              method: ['GET'],
              handler: (_req, res) => {
                res.writeHead(200, { 'content-type': 'application/json' });
                res.end('{"status":"ok"}');
              },
            },
          ],
        });
  if (receiver instanceof HTTPReceiver) refuseBodiesThatAreNotObjects(receiver);
  // Initialised in start(), where a refused token is an error of start-up, not a stray rejection.
  const app = new App({
    token: config.botToken,
    receiver,
    logger,
    clientOptions,
    deferInitialization: true,
  });
  const context = createBotContext({
    deps: options.deps,
    configuredAdmins: config.admins,
    logger,
    isActivationAvailable: options.isActivationAvailable ?? true,
  });

  const inFlight = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const handling = next();
    inFlight.add(handling);
    try {
      await handling;
    } finally {
      inFlight.delete(handling);
    }
  });
  registerListeners(app, context);
  app.error(async (error) => {
    logger.error('sipops slack: unhandled error', error);
  });

  let server: Server | undefined;
  return {
    app,
    mode: config.mode,
    context,
    async start() {
      await app.init().catch((error: unknown) => {
        throw describeStartFailure(error, 'SLACK_BOT_TOKEN', config.apiUrl);
      });
      if (config.mode === 'socket') {
        await app.start().catch((error: unknown) => {
          throw describeStartFailure(error, 'SLACK_APP_TOKEN', config.apiUrl);
        });
        return { port: undefined };
      }
      server = (await app.start(port)) as Server;
      const address = server.address();
      return { port: typeof address === 'object' && address ? address.port : port };
    },
    async stop() {
      // Idle keep-alive connections would hold the close for seconds; requests in flight finish.
      server?.closeIdleConnections();
      await app.stop();
      await this.idle();
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** Bolt's own limit on a request body. */
const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/**
 * Bolt reads `body.ssl_check` of whatever the request parsed to, outside its error handling: a
 * `payload=null` (or a JSON body that is not an object) would never be answered. Such a body is
 * refused with 400 before Bolt sees it; Bolt reuses the body read here.
 */
function refuseBodiesThatAreNotObjects(receiver: HTTPReceiver): void {
  const listener = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST') return listener(req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        res.writeHead(413).end();
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      if (!isObjectBody(req.headers['content-type'], rawBody.toString())) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed request body\n');
        return;
      }
      Object.assign(req, { rawBody });
      listener(req, res);
    });
  };
}

function isObjectBody(contentType: string | undefined, text: string): boolean {
  try {
    if (contentType?.startsWith('application/x-www-form-urlencoded')) {
      const payload = new URLSearchParams(text).get('payload');
      if (payload === null) return true;
      const parsed: unknown = JSON.parse(payload);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    }
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    // Bolt answers what it cannot parse with 400 itself.
    return true;
  }
}

const REFUSED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

/** Why the bot could not start, naming the variable to fix. */
function describeStartFailure(error: unknown, tokenVariable: string, apiUrl: string): Error {
  const code = slackApiError(error);
  if (code && REFUSED_TOKEN.has(code))
    return new ConfigError([`${tokenVariable}: Slack refused it (${code})`]);
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new Error(`the Slack bot could not reach Slack at ${apiUrl} (SLACK_API_URL): ${reason}`);
}

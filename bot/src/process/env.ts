import { parseTrustedProxies, type TrustedProxies } from '@sipops/shared/client-address';
import { ConfigError, type RuntimeConfig, readRuntimeConfig } from '@sipops/shared/runtime-config';
import { z } from 'zod';

/** The only place in bot/ that reads process.env. */
export function readTerminalConfig(): RuntimeConfig {
  return readRuntimeConfig(process.env);
}

const portSchema = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a port number')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'must be a port number from 1 to 65535')
        .max(65535, 'must be a port number from 1 to 65535'),
    )
    .default(fallback);

/** A variable set to blanks counts as not set. */
const blankAsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    schema.optional(),
  );

const serverEnvSchema = z.object({
  PORT: portSchema(3000),
  SIPOPS_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const { proxies, wrong } = parseTrustedProxies(value ?? '');
      if (wrong.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be IP addresses or CIDR ranges separated by commas (such as 10.0.0.1,192.168.0.0/16); not ${wrong.map((e) => `"${e}"`).join(', ')}`,
        });
        return z.NEVER;
      }
      return proxies;
    }),
  SIPOPS_WORKERS: z
    .preprocess(
      (value) => (typeof value === 'string' ? value.trim() || undefined : value),
      z.enum(['on', 'off'], { message: 'must be on or off' }).optional(),
    )
    .default('on'),
  SIPOPS_PARTS: blankAsUnset(z.string()),
});

/** What one process can run: each may run alone, as many times as wanted, on Postgres. */
export const SERVER_PARTS = ['web', 'bot', 'workers'] as const;
export type ServerPart = (typeof SERVER_PARTS)[number];

/**
 * Reads a list of parts (`web,bot`, or `all`), as SIPOPS_PARTS or --parts gives it; returns the
 * problem in words when it is not one.
 */
export function parseParts(text: string): Set<ServerPart> | string {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  if (names.length === 0) return `must name parts: ${SERVER_PARTS.join(', ')} (or all)`;
  if (names.length === 1 && names[0] === 'all') return new Set(SERVER_PARTS);
  const wrong = names.filter((name) => !(SERVER_PARTS as readonly string[]).includes(name));
  if (wrong.length > 0)
    return `must be parts separated by commas, from ${SERVER_PARTS.join(', ')} (or all); not ${wrong.map((n) => `"${n}"`).join(', ')}`;
  return new Set(names as ServerPart[]);
}

export type ServerConfig = {
  runtime: RuntimeConfig;
  port: number;
  /** Proxies whose X-Forwarded-For names the client; nobody else's is believed. */
  trustedProxies: TrustedProxies;
  /** The parts this process runs (SIPOPS_PARTS or --parts; all by default). */
  parts: Set<ServerPart>;
  /** Where the choice came from, to name it in messages. */
  partsSource: string;
  /** The parts were named (not the default, nor SIPOPS_WORKERS=off): each must be able to run. */
  arePartsChosen: boolean;
};

/**
 * Settings of `npm start`: the shared ones, the ports and the parts to run (`partsFlag`: what
 * `--parts` gave, over SIPOPS_PARTS); every wrong variable is named.
 */
export function readServerConfig(
  partsFlag?: string,
  env: Record<string, string | undefined> = process.env,
): ServerConfig {
  const parsed = serverEnvSchema.safeParse(env);
  let runtime: RuntimeConfig | undefined;
  const problems: string[] = [];
  try {
    runtime = readRuntimeConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  if (!runtime || !parsed.success) throw new ConfigError(problems);
  const { parts, source } = readParts(parsed.data, partsFlag);
  if (typeof parts === 'string') throw new ConfigError([`${source}: ${parts}`]);
  // PGlite opens in one process only: that process must run every part.
  if (!runtime.databaseUrl && parts.size < SERVER_PARTS.length)
    throw new ConfigError([
      `${source}: running only ${[...parts].join(',')} needs Postgres (set DATABASE_URL): the embedded database (PGlite) opens in one process, which runs every part; leave ${source === '--parts' ? '--parts' : source.split('=')[0]} unset`,
    ]);
  return {
    runtime,
    port: parsed.data.PORT,
    trustedProxies: parsed.data.SIPOPS_TRUSTED_PROXIES,
    parts,
    partsSource: source,
    arePartsChosen: partsFlag !== undefined || parsed.data.SIPOPS_PARTS !== undefined,
  };
}

/** --parts, else SIPOPS_PARTS, else SIPOPS_WORKERS=off (the older way to leave the workers out). */
function readParts(
  env: { SIPOPS_PARTS?: string | undefined; SIPOPS_WORKERS: 'on' | 'off' },
  flag: string | undefined,
): { parts: Set<ServerPart> | string; source: string } {
  const isWorkersOff = env.SIPOPS_WORKERS === 'off';
  if (flag !== undefined || env.SIPOPS_PARTS !== undefined) {
    const source = flag !== undefined ? '--parts' : 'SIPOPS_PARTS';
    const parts = parseParts(flag ?? env.SIPOPS_PARTS ?? '');
    if (isWorkersOff && typeof parts !== 'string' && parts.has('workers'))
      return {
        parts: 'runs the workers, but SIPOPS_WORKERS=off says not to: unset SIPOPS_WORKERS',
        source,
      };
    return { parts, source };
  }
  if (isWorkersOff) return { parts: new Set(['web', 'bot']), source: 'SIPOPS_WORKERS=off' };
  return { parts: new Set(SERVER_PARTS), source: 'SIPOPS_PARTS' };
}

const SLACK_DEFAULT_API_URL = 'https://slack.com/api/';
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;

const unset = (value: string | undefined) => value === undefined || value.trim() === '';

const tokenSchema = (prefix: string, what: string) =>
  blankAsUnset(
    z
      .string()
      .trim()
      .refine((value) => value.startsWith(prefix) && !/\s/.test(value), {
        message: `must be ${what} (it starts with ${prefix})`,
      }),
  );

const botEnvSchema = z.object({
  SLACK_SIGNING_SECRET: blankAsUnset(
    z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9]{16,}$/,
        "must be the app's signing secret (Basic Information → App Credentials)",
      ),
  ),
  SLACK_BOT_TOKEN: tokenSchema('xoxb-', 'a bot token'),
  SLACK_APP_TOKEN: tokenSchema('xapp-', 'an app-level token with the connections:write scope'),
  SLACK_API_URL: blankAsUnset(
    z
      .string()
      .trim()
      .regex(/^https?:\/\/[^\s/]+/, 'must be an http(s) URL such as https://slack.com/api/')
      .transform((value) => (value.endsWith('/') ? value : `${value}/`)),
  ),
  BOT_PORT: portSchema(3001),
  SIPOPS_ADMINS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const ids = (value ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0);
      const wrong = ids.filter((id) => !SLACK_USER_ID.test(id));
      if (wrong.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be Slack user ids separated by commas (such as U0123ABCD); not ${wrong.map((id) => `"${id}"`).join(', ')}`,
        });
        return z.NEVER;
      }
      return ids;
    }),
  SIPOPS_NOTIFY_CHANNEL: blankAsUnset(
    z.string().trim().regex(SLACK_CHANNEL_ID, 'must be a Slack channel id such as C0123ABCD'),
  ),
});

type BotSettings = {
  apiUrl: string;
  port: number;
  /** Slack user ids of SIPOPS_ADMINS: admins of every team without a role row. */
  admins: string[];
  notifyChannel: string | undefined;
};

/** How the bot reaches Slack, or why it does not run. */
export type BotConfig = BotSettings &
  (
    | { mode: 'http'; signingSecret: string; botToken: string }
    | { mode: 'socket'; appToken: string; botToken: string; signingSecret: string | undefined }
    // A bot token alone still posts notifications, with no commands coming in.
    | { mode: 'off'; missing: string; botToken: string | undefined }
  );

export const BOT_SETUP_HINT =
  'set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN for HTTP mode, or SLACK_BOT_TOKEN and SLACK_APP_TOKEN for Socket Mode';

/**
 * The bot's settings. A wrong value stops the process, naming its variable; missing tokens only
 * leave the bot off, with the variables to set (the web app runs without Slack).
 */
export function readBotConfig(env: Record<string, string | undefined> = process.env): BotConfig {
  const parsed = botEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const values = parsed.data;
  const settings: BotSettings = {
    apiUrl: values.SLACK_API_URL ?? SLACK_DEFAULT_API_URL,
    port: values.BOT_PORT,
    admins: values.SIPOPS_ADMINS,
    notifyChannel: values.SIPOPS_NOTIFY_CHANNEL,
  };
  const { SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken } = values;
  const appToken = values.SLACK_APP_TOKEN;
  if (botToken && appToken)
    return { ...settings, mode: 'socket', appToken, botToken, signingSecret };
  if (botToken && signingSecret) return { ...settings, mode: 'http', signingSecret, botToken };
  return { ...settings, mode: 'off', missing: describeMissing(env), botToken };
}

/** Exactly what is missing, given what was set. */
function describeMissing(env: Record<string, string | undefined>): string {
  const isSet = (name: string) => !unset(env[name]);
  if (!isSet('SLACK_BOT_TOKEN') && !isSet('SLACK_SIGNING_SECRET') && !isSet('SLACK_APP_TOKEN'))
    return BOT_SETUP_HINT;
  if (!isSet('SLACK_BOT_TOKEN'))
    return `set SLACK_BOT_TOKEN (${isSet('SLACK_APP_TOKEN') ? 'Socket Mode' : 'HTTP mode'} needs it too)`;
  return 'set SLACK_SIGNING_SECRET for HTTP mode, or SLACK_APP_TOKEN for Socket Mode';
}

const TWILIO_ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const TWILIO_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
/** An E.164 number, or an alphanumeric sender id (up to 11 characters, at least one letter). */
const TWILIO_SENDER = /^(\+[1-9]\d{6,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/;

const optionalText = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .regex(pattern, message)
    .optional()
    .or(z.literal('').transform(() => undefined));

const smsEnvSchema = z.object({
  TWILIO_ACCOUNT_SID: optionalText(
    TWILIO_ACCOUNT_SID,
    'must be an account SID (AC followed by 32 hex digits)',
  ),
  TWILIO_AUTH_TOKEN: optionalText(/^\S{16,}$/, "must be the account's auth token"),
  TWILIO_MESSAGING_SERVICE_SID: optionalText(
    TWILIO_SERVICE_SID,
    'must be a Messaging Service SID (MG followed by 32 hex digits)',
  ),
  TWILIO_FROM: optionalText(
    TWILIO_SENDER,
    'must be a sender number in E.164 (+15551234567) or an alphanumeric sender id',
  ),
  /** Another address for Twilio's API (a proxy, or the tests' fake), like SLACK_API_URL. */
  TWILIO_API_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL such as https://api.twilio.com')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SIPOPS_SMS_PER_SECOND: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of SMS per second, such as 1 or 0.5')
    .transform(Number)
    .refine((value) => value > 0, 'must be more than 0')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

export const SMS_SETUP_HINT =
  'set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM to send real SMS';

/** How activation SMS leave: through Twilio, or into the local outbox when it is not configured. */
export type SmsConfig = { perSecond: number } & (
  | {
      mode: 'twilio';
      accountSid: string;
      authToken: string;
      sender: { messagingServiceSid: string } | { from: string };
      apiUrl: string | undefined;
    }
  | { mode: 'local' }
);

/**
 * Twilio's settings: none set means the local outbox; some but not all is a mistake that stops
 * the process, naming what is missing.
 */
export function readSmsConfig(env: Record<string, string | undefined> = process.env): SmsConfig {
  const parsed = smsEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const values = parsed.data;
  const perSecond = values.SIPOPS_SMS_PER_SECOND ?? 1;
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken } = values;
  const serviceSid = values.TWILIO_MESSAGING_SERVICE_SID;
  const from = values.TWILIO_FROM;
  if (!accountSid && !authToken && !serviceSid && !from) return { mode: 'local', perSecond };
  const missing = [
    accountSid ? undefined : 'TWILIO_ACCOUNT_SID',
    authToken ? undefined : 'TWILIO_AUTH_TOKEN',
    serviceSid || from ? undefined : 'TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM',
  ].filter((name): name is string => name !== undefined);
  if (!accountSid || !authToken || missing.length > 0) {
    throw new ConfigError([
      `Twilio is half configured: set ${missing.join(', ')} (${SMS_SETUP_HINT})`,
    ]);
  }
  // A Messaging Service picks its own sender; TWILIO_FROM alone names one.
  const sender = serviceSid ? { messagingServiceSid: serviceSid } : { from: from ?? '' };
  return {
    mode: 'twilio',
    accountSid,
    authToken,
    sender,
    apiUrl: values.TWILIO_API_URL,
    perSecond,
  };
}

const registrarEnvSchema = z.object({
  /** Kamailio's JSON-RPC (jsonrpcs over xhttp), where live registrations are removed. */
  SIPOPS_KAMAILIO_RPC_URL: blankAsUnset(
    z
      .string()
      .trim()
      .regex(
        /^https?:\/\/[^\s/]+(\/\S*)?$/,
        'must be an http(s) URL such as http://127.0.0.1:5071/RPC',
      ),
  ),
});

export type RegistrarConfig = { rpcUrl: string | undefined };

/** The registrar's control URL; unset, removals of live registrations are skipped. */
export function readRegistrarConfig(
  env: Record<string, string | undefined> = process.env,
): RegistrarConfig {
  const parsed = registrarEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return { rpcUrl: parsed.data.SIPOPS_KAMAILIO_RPC_URL };
}

/** Where the operator typed the command: npm runs scripts from the repo root, INIT_CWD keeps theirs. */
export function readCallerCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

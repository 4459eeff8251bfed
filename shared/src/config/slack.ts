import { z } from 'zod';
import { blankAsUnset, httpUrlSchema, listSchema, portSchema } from './fields.ts';
import { definePart, type Env, readPart } from './read.ts';

const SLACK_DEFAULT_API_URL = 'https://slack.com/api/';
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;

const tokenSchema = (prefix: string, what: string) =>
  blankAsUnset(
    z.string().refine((value) => value.startsWith(prefix) && !/\s/.test(value), {
      message: `must be ${what} (it starts with ${prefix})`,
    }),
  );

/** SIPOPS_ADMINS: Slack user ids, read by the bot and by the terminal (which cannot change them). */
const adminsSchema = listSchema(
  (id) => SLACK_USER_ID.test(id),
  'must be Slack user ids separated by commas (such as U0123ABCD)',
);

export const slackSchema = z.object({
  SLACK_SIGNING_SECRET: blankAsUnset(
    z
      .string()
      .regex(
        /^[A-Za-z0-9]{16,}$/,
        "must be the app's signing secret (Basic Information → App Credentials)",
      ),
  ),
  SLACK_BOT_TOKEN: tokenSchema('xoxb-', 'a bot token'),
  SLACK_APP_TOKEN: tokenSchema('xapp-', 'an app-level token with the connections:write scope'),
  SLACK_API_URL: httpUrlSchema(SLACK_DEFAULT_API_URL).transform((value) =>
    value === undefined || value.endsWith('/') ? value : `${value}/`,
  ),
  BOT_PORT: portSchema(3001),
  SIPOPS_ADMINS: adminsSchema,
  SIPOPS_NOTIFY_CHANNEL: blankAsUnset(
    z.string().regex(SLACK_CHANNEL_ID, 'must be a Slack channel id such as C0123ABCD'),
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
 * The bot's settings. A wrong value is a problem naming its variable; missing tokens only leave
 * the bot off, with the variables to set (the web app runs without Slack).
 */
export const slackPart = definePart(slackSchema, (values): BotConfig => {
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
  return { ...settings, mode: 'off', missing: describeMissing(values), botToken };
});

/** Exactly what is missing, given what was set. */
function describeMissing(values: z.output<typeof slackSchema>): string {
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: secret } = values;
  const appToken = values.SLACK_APP_TOKEN;
  if (!botToken && !secret && !appToken) return BOT_SETUP_HINT;
  if (!botToken)
    return `set SLACK_BOT_TOKEN (${appToken ? 'Socket Mode' : 'HTTP mode'} needs it too)`;
  return 'set SLACK_SIGNING_SECRET for HTTP mode, or SLACK_APP_TOKEN for Socket Mode';
}

/** The admins alone (SIPOPS_ADMINS), for a process that shows them without running the bot. */
export const adminsPart = definePart(
  z.object({ SIPOPS_ADMINS: adminsSchema }),
  (values) => values.SIPOPS_ADMINS,
);

/** The bot's settings alone; a ConfigError names every wrong variable. */
export function readBotConfig(env: Env): BotConfig {
  return readPart(env, slackPart);
}

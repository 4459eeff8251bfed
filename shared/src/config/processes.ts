import { ConfigError, type Env, readConfig } from './read.ts';
import { type RegistrarConfig, registrarPart } from './registrar.ts';
import { type RuntimeConfig, runtimePart } from './runtime.ts';
import { chooseParts, type PartsChoice, type ServerSettings, serverPart } from './server.ts';
import { adminsPart, type BotConfig, slackPart } from './slack.ts';
import { type SmsConfig, smsPart, twilioAuthTokenPart } from './sms.ts';

/*
 * What each process reads, part by part: every problem of every part it reads is reported at
 * once, in one ConfigError. Only the env files of bot/ and web/ call these with process.env.
 */

export type ServerConfig = ServerSettings & PartsChoice & { runtime: RuntimeConfig };

/** The settings of `npm start` before Slack, SMS and the registrar: the runtime, ports and parts. */
export function readServerConfig(env: Env, partsFlag?: string): ServerConfig {
  return readStartConfig(env, partsFlag, { isBotChecked: false }).server;
}

export type StartConfig = {
  server: ServerConfig;
  bot: BotConfig;
  sms: SmsConfig;
  registrar: RegistrarConfig;
};

/**
 * Everything `npm start` needs (`partsFlag`: what --parts gave, over SIPOPS_PARTS). The parts
 * named must be able to run: on PGlite all of them, and the bot only with Slack's tokens.
 */
export function readStartConfig(
  env: Env,
  partsFlag?: string,
  options: { isBotChecked?: boolean } = {},
): StartConfig {
  const partsOf = (runtime: RuntimeConfig, server: ServerSettings) =>
    chooseParts(server, partsFlag, runtime.databaseUrl !== undefined);
  const { runtime, server, ...others } = readConfig(
    env,
    {
      runtime: runtimePart,
      server: serverPart,
      bot: slackPart,
      sms: smsPart,
      registrar: registrarPart,
    },
    ({ runtime, server, bot }) => {
      if (!runtime || !server) return [];
      const chosen = partsOf(runtime, server);
      if (typeof chosen === 'string') return [chosen];
      const isBotMissing = options.isBotChecked !== false && bot?.mode === 'off';
      if (isBotMissing && chosen.arePartsChosen && chosen.parts.has('bot'))
        return [`${chosen.partsSource}: runs the bot, which needs Slack: ${bot.missing}`];
      return [];
    },
  );
  // Checked above: a wrong choice was one of the problems.
  const choice = partsOf(runtime, server);
  if (typeof choice === 'string') throw new ConfigError([choice]);
  return { server: { ...server, ...choice, runtime }, ...others };
}

export type WorkersConfig = {
  runtime: RuntimeConfig;
  bot: BotConfig;
  sms: SmsConfig;
  registrar: RegistrarConfig;
};

/** `npm run workers`: the outbox alone, on Postgres only (PGlite opens in one process). */
export function readWorkersConfig(env: Env): WorkersConfig {
  return readConfig(
    env,
    { runtime: runtimePart, bot: slackPart, sms: smsPart, registrar: registrarPart },
    ({ runtime }) =>
      runtime && !runtime.databaseUrl
        ? [
            'DATABASE_URL: must be set: the workers run apart only on Postgres (PGlite allows one process)',
          ]
        : [],
  );
}

/**
 * What the terminal's commands are given by whoever runs them (the terminal itself, or the
 * server a command is forwarded to, from the settings it started with): they read no variable.
 */
export type TerminalSettings = {
  /** SIPOPS_ADMINS, as the server reads them (they cannot be changed from the terminal). */
  admins: string[];
  /** Where activation SMS go: the local outbox, or Twilio. */
  smsMode: SmsConfig['mode'];
};

/** The terminal's settings out of the bot's and the SMS', as a server read them at start. */
export function terminalSettingsOf(
  bot: Pick<BotConfig, 'admins'>,
  sms: SmsConfig,
): TerminalSettings {
  return { admins: bot.admins, smsMode: sms.mode };
}

export type TerminalConfig = {
  runtime: RuntimeConfig;
  settings: TerminalSettings;
};

/** `npm run sip` and `npm run db:migrate`: the runtime, and what commands are given. */
export function readTerminalConfig(env: Env): TerminalConfig {
  const { runtime, admins, sms } = readConfig(env, {
    runtime: runtimePart,
    admins: adminsPart,
    sms: smsPart,
  });
  return { runtime, settings: terminalSettingsOf({ admins }, sms) };
}

export type WebConfig = {
  runtime: RuntimeConfig;
  /** TWILIO_AUTH_TOKEN, which signs Twilio's delivery reports; undefined with the local outbox. */
  twilioAuthToken: string | undefined;
};

/** The web app on its own (`next start`): the runtime and Twilio's token. */
export function readWebConfig(env: Env): WebConfig {
  const { runtime, twilioAuthToken } = readConfig(env, {
    runtime: runtimePart,
    twilioAuthToken: twilioAuthTokenPart,
  });
  return { runtime, twilioAuthToken };
}

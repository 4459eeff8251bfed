import { describe, expect, it } from 'vitest';
import {
  readServerConfig,
  readStartConfig,
  readTerminalConfig,
  readWebConfig,
} from './processes.ts';
import { ConfigError } from './read.ts';
import { readRegistrarConfig } from './registrar.ts';
import { readRuntimeConfig } from './runtime.ts';
import { parseParts, SERVER_PARTS } from './server.ts';
import { BOT_SETUP_HINT, readBotConfig } from './slack.ts';
import { readSmsConfig, SMS_SETUP_HINT } from './sms.ts';

const HTTP = {
  SLACK_SIGNING_SECRET: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
};

function problems(env: Record<string, string>): string[] {
  try {
    readBotConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readBotConfig', () => {
  it('runs in HTTP mode with a signing secret and a bot token, on BOT_PORT 3001 by default', () => {
    expect(readBotConfig(HTTP)).toEqual({
      mode: 'http',
      signingSecret: HTTP.SLACK_SIGNING_SECRET,
      botToken: HTTP.SLACK_BOT_TOKEN,
      apiUrl: 'https://slack.com/api/',
      port: 3001,
      admins: [],
      notifyChannel: undefined,
    });
  });

  it('runs in Socket Mode when an app token is set too (the signing secret is then optional)', () => {
    const config = readBotConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1-A1-abc',
      SIPOPS_ADMINS: ' U0123ABCD, W0456EFGH ',
      SIPOPS_NOTIFY_CHANNEL: 'C0123ABCD',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      BOT_PORT: '4001',
    });
    expect(config).toMatchObject({
      mode: 'socket',
      appToken: 'xapp-1-A1-abc',
      admins: ['U0123ABCD', 'W0456EFGH'],
      notifyChannel: 'C0123ABCD',
      apiUrl: 'http://127.0.0.1:9999/api/',
      port: 4001,
    });
  });

  it.each([
    [{}, BOT_SETUP_HINT],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      'set SLACK_SIGNING_SECRET for HTTP mode, or SLACK_APP_TOKEN for Socket Mode',
    ],
    [
      { SLACK_SIGNING_SECRET: HTTP.SLACK_SIGNING_SECRET },
      'set SLACK_BOT_TOKEN (HTTP mode needs it too)',
    ],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, 'set SLACK_BOT_TOKEN (Socket Mode needs it too)'],
    [{ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: ' ' }, BOT_SETUP_HINT],
  ])('stays off without its tokens, saying which to set (%j)', (env, missing) => {
    expect(readBotConfig(env)).toMatchObject({ mode: 'off', missing });
  });

  it('keeps the bot token when off, for posting notifications', () => {
    expect(readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }).botToken).toBe('xoxb-1');
  });

  it('names every wrong value', () => {
    expect(
      problems({
        SLACK_SIGNING_SECRET: 'short',
        SLACK_BOT_TOKEN: 'xoxp-user-token',
        SLACK_APP_TOKEN: 'xoxb-not-an-app-token',
        SLACK_API_URL: 'slack.com/api',
        BOT_PORT: '70000',
        SIPOPS_ADMINS: 'U0123ABCD,alice,@bob',
        SIPOPS_NOTIFY_CHANNEL: '#support',
      }),
    ).toEqual([
      "SLACK_SIGNING_SECRET: must be the app's signing secret (Basic Information → App Credentials)",
      'SLACK_BOT_TOKEN: must be a bot token (it starts with xoxb-)',
      'SLACK_APP_TOKEN: must be an app-level token with the connections:write scope (it starts with xapp-)',
      'SLACK_API_URL: must be an http(s) URL such as https://slack.com/api/',
      'BOT_PORT: must be a port number from 1 to 65535',
      'SIPOPS_ADMINS: must be Slack user ids separated by commas (such as U0123ABCD); not "alice", "@bob"',
      'SIPOPS_NOTIFY_CHANNEL: must be a Slack channel id such as C0123ABCD',
    ]);
  });
});

describe('the parts a process runs', () => {
  const POSTGRES = {
    DATABASE_URL: 'postgres://sipops@127.0.0.1:5432/sipops',
    SIPOPS_SECRET_KEY: 'ab'.repeat(32),
  };
  const partsOf = (flag: string | undefined, env: Record<string, string>) =>
    [...readServerConfig(env, flag).parts].sort();

  it.each([
    ['web', ['web']],
    [' Web , workers ', ['web', 'workers']],
    ['all', ['bot', 'web', 'workers']],
    ['bot,bot', ['bot']],
  ])('reads %j', (text, parts) => {
    expect([...(parseParts(text) as Set<string>)].sort()).toEqual(parts);
  });

  it('runs every part by default, the flag over the variable, SIPOPS_WORKERS=off as web and bot', () => {
    expect(partsOf(undefined, POSTGRES)).toEqual(['bot', 'web', 'workers']);
    expect(partsOf('workers', { ...POSTGRES, SIPOPS_PARTS: 'web' })).toEqual(['workers']);
    expect(partsOf(undefined, { ...POSTGRES, SIPOPS_PARTS: 'web,bot' })).toEqual(['bot', 'web']);
    expect(partsOf(undefined, { ...POSTGRES, SIPOPS_WORKERS: 'off' })).toEqual(['bot', 'web']);
    expect(partsOf(undefined, { ...POSTGRES, SIPOPS_PARTS: '' })).toEqual([
      'bot',
      'web',
      'workers',
    ]);
  });

  it('runs every part on the embedded database, and refuses fewer, naming the choice', () => {
    expect(partsOf(undefined, {})).toEqual(['bot', 'web', 'workers']);
    expect(partsOf(undefined, { SIPOPS_PARTS: 'all' })).toEqual(['bot', 'web', 'workers']);
    expect(() => readServerConfig({ SIPOPS_PARTS: 'web' })).toThrow(
      'SIPOPS_PARTS: running only web needs Postgres (set DATABASE_URL)',
    );
  });
});

describe('one reader for every part', () => {
  const problemsOf = (read: () => unknown): string[] => {
    try {
      read();
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('names every wrong variable of every part at once, in one error', () => {
    expect(
      problemsOf(() =>
        readStartConfig({
          SIPOPS_SECRET_KEY: 'too-short',
          PORT: 'eighty',
          SLACK_BOT_TOKEN: 'xoxp-user-token',
          TWILIO_FROM: '!!',
          SIPOPS_KAMAILIO_RPC_URL: '127.0.0.1:5071',
        }),
      ),
    ).toEqual([
      'SIPOPS_SECRET_KEY: must be 32 bytes as 64 hex characters or base64',
      'PORT: must be a port number',
      'SLACK_BOT_TOKEN: must be a bot token (it starts with xoxb-)',
      'TWILIO_FROM: must be a sender number in E.164 (+15551234567) or an alphanumeric sender id',
      'SIPOPS_KAMAILIO_RPC_URL: must be an http(s) URL such as http://127.0.0.1:5071/RPC',
    ]);
  });

  it('names a half-configured Twilio and a wrong part choice beside the other problems', () => {
    expect(
      problemsOf(() =>
        readStartConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, BOT_PORT: '0' }, 'web'),
      ),
    ).toEqual([
      'BOT_PORT: must be a port number from 1 to 65535',
      `Twilio is half configured: set TWILIO_AUTH_TOKEN, TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM (${SMS_SETUP_HINT})`,
      expect.stringMatching(/^--parts: running only web needs Postgres \(set DATABASE_URL\)/),
    ]);
  });

  it('refuses running the bot part without Slack, naming what to set', () => {
    expect(() =>
      readStartConfig(
        { DATABASE_URL: 'postgres://db/sipops', SIPOPS_SECRET_KEY: 'ab'.repeat(32) },
        'bot',
      ),
    ).toThrow(`--parts: runs the bot, which needs Slack: ${BOT_SETUP_HINT}`);
  });

  it('counts a variable set to blanks as not set, in every part', () => {
    const blanks = Object.fromEntries(
      [
        'DATABASE_URL',
        'SIPOPS_DATA_DIR',
        'SIPOPS_SECRET_KEY',
        'PUBLIC_BASE_URL',
        'SIPOPS_LINK_TTL',
        'PORT',
        'SIPOPS_TRUSTED_PROXIES',
        'SIPOPS_WORKERS',
        'SIPOPS_PARTS',
        'SLACK_SIGNING_SECRET',
        'SLACK_BOT_TOKEN',
        'SLACK_API_URL',
        'BOT_PORT',
        'SIPOPS_ADMINS',
        'SIPOPS_NOTIFY_CHANNEL',
        'TWILIO_ACCOUNT_SID',
        'TWILIO_AUTH_TOKEN',
        'TWILIO_FROM',
        'TWILIO_API_URL',
        'SIPOPS_SMS_PER_SECOND',
        'SIPOPS_KAMAILIO_RPC_URL',
      ].map((name) => [name, '  ']),
    );
    const config = readStartConfig(blanks);
    expect(config.server).toMatchObject({ port: 3000, parts: new Set(SERVER_PARTS) });
    expect(config.server.runtime).toMatchObject({
      databaseUrl: undefined,
      secretKey: undefined,
      publicBaseUrl: 'http://localhost:3000',
      linkTtlMs: 72 * 3_600_000,
    });
    expect(config.bot).toMatchObject({
      mode: 'off',
      port: 3001,
      admins: [],
      missing: BOT_SETUP_HINT,
    });
    expect(config.sms).toEqual({ mode: 'local', perSecond: 1 });
    expect(config.registrar).toEqual({ rpcUrl: undefined });
  });

  it('takes a URL whose host is a DNS name, an IPv4 or an IPv6 address, and no other', () => {
    for (const url of ['http://[::1]:5071/RPC', 'http://127.0.0.1:5071/RPC', 'http://kamailio/RPC'])
      expect(readRegistrarConfig({ SIPOPS_KAMAILIO_RPC_URL: url }).rpcUrl).toBe(url);
    for (const url of ['http://999.999.999.999/RPC', 'http://bad_host!/RPC', 'http://[zz::1]/'])
      expect(() => readRegistrarConfig({ SIPOPS_KAMAILIO_RPC_URL: url })).toThrow(
        'SIPOPS_KAMAILIO_RPC_URL: must be an http(s) URL such as http://127.0.0.1:5071/RPC',
      );
    expect(() => readRuntimeConfig({ PUBLIC_BASE_URL: 'https://sip.example.com/?a=1' })).toThrow(
      'PUBLIC_BASE_URL: must be an http(s) URL such as https://sip.example.com',
    );
  });

  it("checks the web app's TWILIO_AUTH_TOKEN with the server's schema", () => {
    expect(readWebConfig({ TWILIO_AUTH_TOKEN: ' 0123456789abcdef0123 ' }).twilioAuthToken).toBe(
      '0123456789abcdef0123',
    );
    expect(readWebConfig({ TWILIO_AUTH_TOKEN: ' ' }).twilioAuthToken).toBeUndefined();
    expect(problemsOf(() => readWebConfig({ TWILIO_AUTH_TOKEN: 'short', PORT: 'x' }))).toEqual([
      "TWILIO_AUTH_TOKEN: must be the account's auth token",
    ]);
    expect(() => readSmsConfig({ TWILIO_AUTH_TOKEN: 'short' })).toThrow(
      "TWILIO_AUTH_TOKEN: must be the account's auth token",
    );
  });

  it("gives the terminal's commands the admins and where SMS go", () => {
    expect(readTerminalConfig({ SIPOPS_ADMINS: 'U0123ABCD' })).toMatchObject({
      settings: { admins: ['U0123ABCD'], smsMode: 'local' },
    });
    expect(problemsOf(() => readTerminalConfig({ SIPOPS_ADMINS: 'alice' }))).toEqual([
      'SIPOPS_ADMINS: must be Slack user ids separated by commas (such as U0123ABCD); not "alice"',
    ]);
  });
});

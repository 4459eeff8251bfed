import { ConfigError } from '@sipops/shared/runtime-config';
import { describe, expect, it } from 'vitest';
import { BOT_SETUP_HINT, parseParts, readBotConfig, readServerConfig } from './env.ts';

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
    [...readServerConfig(flag, env).parts].sort();

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
    expect(() => readServerConfig(undefined, { SIPOPS_PARTS: 'web' })).toThrow(
      'SIPOPS_PARTS: running only web needs Postgres (set DATABASE_URL)',
    );
  });
});

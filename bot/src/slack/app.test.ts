import type { ActivationDeps } from '@sipops/shared/deps';
import { SocketModeReceiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createSlackApp, slackClientOptions } from './app.ts';
import { DeliveryLedger, deliveryKey } from './delivery-ledger.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { parseUserMention, tokenize } from './sip-line.ts';

const SETTINGS = {
  apiUrl: 'http://127.0.0.1:1/api/',
  port: 0,
  admins: [],
  notifyChannel: undefined,
  botToken: 'xoxb-1',
};

describe('createSlackApp', () => {
  it('builds a Socket Mode app when given an app token, reaching Slack at SLACK_API_URL', () => {
    const bot = createSlackApp({
      config: { ...SETTINGS, mode: 'socket', appToken: 'xapp-1', signingSecret: undefined },
      deps: {} as ActivationDeps,
    });
    expect(bot.mode).toBe('socket');
    expect((bot.app as unknown as { receiver: unknown }).receiver).toBeInstanceOf(
      SocketModeReceiver,
    );
  });

  it('turns the Web API client’s own retries off', () => {
    expect(slackClientOptions(SETTINGS)).toMatchObject({
      slackApiUrl: SETTINGS.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
  });
});

describe('the /sip line', () => {
  it.each([
    ['show anna', ['show', 'anna']],
    ['  find   "+39 347 123"  --group acme', ['find', '+39 347 123', '--group', 'acme']],
    ['find “two words”', ['find', 'two words']],
    ['', []],
  ])('splits %j', (text, words) => {
    expect(tokenize(text)).toEqual(words);
  });

  it.each([
    ['<@U0123ABCD|anna>', 'U0123ABCD'],
    ['<@W0123ABCD>', 'W0123ABCD'],
    ['U0123ABCD', 'U0123ABCD'],
    ['@anna', undefined],
    ['<#C0123ABCD|general>', undefined],
  ])('reads the person in %j', (text, userId) => {
    expect(parseUserMention(text)).toBe(userId);
  });
});

describe('DeliveryLedger', () => {
  it('takes a delivery once, until it is forgotten', () => {
    let now = 0;
    const ledger = new DeliveryLedger(1000, 3, () => now);
    expect(ledger.take('a')).toBe(true);
    expect(ledger.take('a')).toBe(false);
    now = 1000;
    expect(ledger.take('a')).toBe(true);
    for (const key of ['b', 'c', 'd']) ledger.take(key);
    // Past the size bound, the oldest is forgotten first.
    expect(ledger.take('a')).toBe(true);
    expect(ledger.take('d')).toBe(false);
  });

  it('keys events by event id and interactions by trigger id', () => {
    expect(deliveryKey({ event_id: 'Ev1', trigger_id: 't' })).toBe('event:Ev1');
    expect(deliveryKey({ trigger_id: '1.2.abc' })).toBe('trigger:1.2.abc');
    expect(deliveryKey({ type: 'url_verification' })).toBeUndefined();
  });
});

describe('KeyedQueue', () => {
  it('runs tasks of one key one after the other, even when one fails', async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const task = (name: string, ms: number, fails = false) =>
      queue.run('k', async () => {
        order.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`end ${name}`);
        if (fails) throw new Error(name);
      });
    const results = await Promise.allSettled([task('a', 20, true), task('b', 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });
});

import { createHmac } from 'node:crypto';
import { type WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeSlack,
  SILENT_SLACK_LOGGER,
  signSlackRequest,
  startFakeSlack,
} from './fake-slack.ts';

describe('fake Slack Web API', () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    slack = await startFakeSlack();
    client = new WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 300,
      logger: SILENT_SLACK_LOGGER,
    });
  });
  afterAll(() => slack.close());
  beforeEach(() => slack.reset());

  const platformError = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: WebAPIPlatformError) => error.data,
    );

  it('posts messages with increasing ts, records the parsed call, and keeps the history', async () => {
    const first = await client.chat.postMessage({
      channel: 'C1',
      text: 'hello',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hello*' } }],
      metadata: { event_type: 'sipops_notification', event_payload: { outbox_id: 7 } },
    });
    const second = await client.chat.postMessage({ channel: 'C1', text: 'again' });
    expect(first).toMatchObject({ ok: true, channel: 'C1', message: { text: 'hello' } });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const [call] = slack.callsTo('chat.postMessage');
    expect(call?.body.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*hello*' } },
    ]);
    expect(call?.headers.authorization).toBe('Bearer xoxb-test');

    const plain = await client.conversations.history({ channel: 'C1' });
    expect(plain.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ['again', undefined],
      ['hello', undefined],
    ]);
    const withMetadata = await client.conversations.history({
      channel: 'C1',
      include_all_metadata: true,
      limit: 1,
    });
    expect(withMetadata.messages).toHaveLength(1);
    const older = await client.conversations.history({
      channel: 'C1',
      include_all_metadata: true,
    });
    expect(older.messages?.[1]?.metadata?.event_payload).toEqual({ outbox_id: 7 });
    expect(slack.history('C1').map((m) => m.text)).toEqual(['hello', 'again']);
    expect(slack.violations).toEqual([]);
  });

  it('refuses blocks over Slack limits like Slack does, and records the violation', async () => {
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(
      await platformError(client.chat.postMessage({ channel: 'C1', blocks: tooMany })),
    ).toMatchObject({
      error: 'invalid_blocks',
    });
    const bad = await platformError(
      // apiCall: the typed method would refuse a confirm dialog without text at compile time.
      client.apiCall('chat.postMessage', {
        channel: 'C1',
        text: 'x',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } },
          { type: 'header', block_id: 'h', text: { type: 'plain_text', text: 'y'.repeat(151) } },
          { type: 'section', block_id: 'h', fields: [] },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'a',
                text: { type: 'plain_text', text: 'z'.repeat(76) },
              },
              {
                type: 'button',
                action_id: 'a',
                text: { type: 'plain_text', text: 'ok' },
                confirm: { title: { type: 'plain_text', text: 'Sure?' } },
              },
            ],
          },
        ],
      }),
    );
    expect(bad?.error).toBe('invalid_blocks');
    expect(slack.violations.join('\n')).toMatch(/3000 characters.*\/blocks\/0\/text/);
    expect(slack.violations.join('\n')).toMatch(/150 characters/);
    expect(slack.violations.join('\n')).toMatch(/duplicate block_id/);
    expect(slack.violations.join('\n')).toMatch(/duplicate action_id/);
    expect(slack.violations.join('\n')).toMatch(/75 characters/);
    expect(slack.violations.join('\n')).toMatch(/confirm dialog needs text/);
    expect(slack.history('C1')).toEqual([]);
  });

  it('opens modals once per trigger id and checks the view', async () => {
    const view = {
      type: 'modal' as const,
      callback_id: 'create',
      title: { type: 'plain_text' as const, text: 'Create account' },
      submit: { type: 'plain_text' as const, text: 'Create' },
      blocks: [
        {
          type: 'input',
          block_id: 'username',
          label: { type: 'plain_text' as const, text: 'Username' },
          element: { type: 'plain_text_input', action_id: 'value' },
        },
      ],
    };
    const opened = await client.views.open({ trigger_id: 't1', view });
    expect(opened.view?.id).toMatch(/^V/);
    expect(await platformError(client.views.open({ trigger_id: 't1', view }))).toMatchObject({
      error: 'expired_trigger_id',
    });
    expect(await platformError(client.views.open({ trigger_id: 'expired-2', view }))).toMatchObject(
      { error: 'expired_trigger_id' },
    );
    const updated = await client.views.update({
      view_id: opened.view?.id ?? '',
      hash: opened.view?.hash ?? '',
      view: { ...view, title: { type: 'plain_text', text: 'Created' } },
    });
    expect(updated.view?.id).toBe(opened.view?.id);
    expect(
      await platformError(
        client.views.open({
          trigger_id: 't3',
          view: { ...view, title: { type: 'plain_text', text: 'A title far too long for Slack' } },
        }),
      ),
    ).toMatchObject({ error: 'invalid_arguments' });
    expect(slack.violations).toEqual([
      'views.open: must be at most 24 characters [json-pointer:/view/title/text]',
    ]);
    const home = await client.views.publish({
      user_id: 'U1',
      view: { type: 'home', blocks: [{ type: 'divider' }] },
    });
    expect(home.ok).toBe(true);
  });

  it('plays scripted answers in order: 429 with Retry-After, 500, then the default', async () => {
    slack.script(
      'chat.postMessage',
      { status: 429, headers: { 'retry-after': '30' } },
      { status: 500 },
      { json: { ok: false, error: 'channel_not_found' } },
    );
    await expect(client.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 30,
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 500,
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    expect((await client.chat.postMessage({ channel: 'C1', text: 'a' })).ok).toBe(true);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(4);
  });

  it('hangs a call after applying it, so the client times out on a delivered message', async () => {
    slack.script('chat.postMessage', 'hang');
    await expect(
      client.chat.postMessage({ channel: 'C2', text: 'lost answer' }),
    ).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect(slack.history('C2').map((m) => m.text)).toEqual(['lost answer']);
  });

  it('fails posts to a missing channel, serves files and response URLs', async () => {
    slack.failChannel('CGONE');
    await expect(client.chat.postMessage({ channel: 'CGONE', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    const file = slack.addFile('accounts.csv', 'username\n1001\n');
    const info = await client.files.info({ file: file.id });
    const download = await fetch(info.file?.url_private_download ?? '', {
      headers: { authorization: 'Bearer xoxb-test' },
    });
    expect(await download.text()).toBe('username\n1001\n');
    const responseUrl = slack.responseUrl();
    await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'done', response_type: 'ephemeral' }),
    });
    expect(slack.callsTo('response_url')[0]?.body).toEqual({
      text: 'done',
      response_type: 'ephemeral',
    });
  });

  it('signs requests the way Slack does', () => {
    const headers = signSlackRequest('secret', 'a=b', 1_700_000_000);
    expect(headers).toEqual({
      'x-slack-request-timestamp': '1700000000',
      'x-slack-signature': `v0=${createHmac('sha256', 'secret').update('v0:1700000000:a=b').digest('hex')}`,
    });
  });
});

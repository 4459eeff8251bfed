import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../fake-slack.ts';
import { slashCommand } from '../slack/payloads.ts';
import {
  SIGNING_SECRET,
  type SlackHarness,
  startSlackHarness,
  USERS,
} from '../slack/slack-harness.ts';

describe('signed Slack requests that are malformed', { timeout: 60_000 }, () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness('pglite');
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Posts a signed body as Slack would; fails rather than waits when nothing answers. */
  async function post(
    body: string,
    contentType: string,
  ): Promise<{ status: number; text: string }> {
    const response = await fetch(h.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': contentType, ...signSlackRequest(SIGNING_SECRET, body) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, text: await response.text() };
  }

  it.each([
    ['payload=null', 'application/x-www-form-urlencoded'],
    ['payload=%5B%5D', 'application/x-www-form-urlencoded'],
    ['payload=42', 'application/x-www-form-urlencoded'],
    ['null', 'application/json'],
  ])('answers %s (%s) with 400', async (body, contentType) => {
    const answer = await post(body, contentType);
    expect(answer.status).toBe(400);
  });

  it('refuses a command that names no user, clearly, and queries nothing', async () => {
    const fields = new URLSearchParams(
      slashCommand({ userId: USERS.admin, text: 'list', responseUrl: h.fake.responseUrl() }).body,
    );
    fields.delete('user_id');
    const answer = await post(fields.toString(), 'application/x-www-form-urlencoded');
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/names no Slack user/);
    await h.bot.idle();
    expect(h.errors).toEqual([]);
    expect(h.fake.callsTo('response_url')).toEqual([]);
  });
});

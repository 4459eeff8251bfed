import { afterAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fake-slack.ts';
import { freePort, type RunningServer, startServer, waitForHealth } from '../server.ts';
import { botCommand, embeddedEnv } from '../sip.ts';

type Health = { status: string; parts: Record<string, string>; down?: string[] };

const running: RunningServer[] = [];
let slack: FakeSlack | undefined;
afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
  await slack?.close();
});

async function startWithSlack(apiUrl: string): Promise<RunningServer> {
  const server = startServer(
    {
      ...embeddedEnv(),
      PORT: String(await freePort()),
      BOT_PORT: String(await freePort()),
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
      SLACK_API_URL: apiUrl,
    },
    botCommand('start'),
  );
  running.push(server);
  await waitForHealth(server, 90_000);
  return server;
}

async function health(server: RunningServer): Promise<Health> {
  return (await (await fetch(`${server.baseUrl}/api/health`)).json()) as Health;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe('the server when Slack is down at start', { timeout: 180_000 }, () => {
  it('keeps the web app up when Slack refuses the token, says so, and retries until it is taken', async () => {
    slack = await startFakeSlack();
    const refusal = { json: { ok: false, error: 'invalid_auth' } };
    slack.script('auth.test', refusal, refusal, refusal);
    const server = await startWithSlack(slack.url);

    const first = await health(server);
    expect(first.status).toBe('degraded');
    expect(first.parts).toMatchObject({ database: 'up', slack: 'down', workers: 'up' });
    expect(first.down).toEqual(['slack']);
    // The mobile pages answer meanwhile.
    expect((await fetch(`${server.baseUrl}/a/unknown-link`)).status).toBe(404);

    await waitFor(async () => (await health(server)).parts.slack === 'up', 90_000);
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).toMatch(
      /slack\s+down: SLACK_BOT_TOKEN: Slack refused it \(invalid_auth\)/,
    );
    expect(server.output()).toMatch(/slack\s+http mode on :\d+\/slack\/events/);
    expect((await health(server)).status).toBe('ok');
  });

  it('keeps the web app up when Slack cannot be reached at all', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}/api/`;
    const server = await startWithSlack(nowhere);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(server.child.exitCode).toBeNull();
    const answer = await health(server);
    expect(answer).toMatchObject({ status: 'degraded', down: ['slack'] });
    expect(JSON.stringify(answer)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect(server.output()).toMatch(/slack\s+down: .*could not reach Slack/);
  });
});

import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createTestDatabase } from '@sipops/db/testing';
import { signSlackRequest, startFakeSlack } from '../src/fake-slack.ts';
import { freePort, type RunningServer, startServer } from '../src/server.ts';
import { baseEnv, botCommand, postgresEnv, REPO_ROOT } from '../src/sip.ts';
import { slashCommand, TEAM } from '../src/slack/payloads.ts';
import { BENCH_NUMBER, seedOneAccount } from './terminal.bench.ts';

/**
 * `npm run bench -- slack-ack`: how long Slack waits for sipops to ack `/sip show` (and `/sip
 * help`), 50 at once, beside a bare Bolt app that only acks, sent the same signed requests in the
 * same run. sipops runs its bot part alone (SIPOPS_PARTS=bot, HTTP mode) on Postgres, as an
 * installation that scales its bots does. Slack gives an app 3 s; the p99 ratio is the figure.
 */

const SECRET = 'bench0signing0secret0000000000ab';
const CONCURRENCY = 50;
const ROUNDS = 8;
const USER = 'U0BENCH';

function post(agent: Agent, url: string, text: string, responseUrl: string): Promise<number> {
  const { body, contentType } = slashCommand({ text, userId: USER, responseUrl });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': contentType, ...signSlackRequest(SECRET, body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`${url} answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** ROUNDS rounds of CONCURRENCY requests at once; the latencies of all of them. */
async function burst(url: string, text: string, responseUrl: string): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  // Warm up with one unmeasured round at the same concurrency: a fresh process's first burst also
  // opens its database connections and compiles its code, a cost paid once, not per request.
  await Promise.all(Array.from({ length: CONCURRENCY }, () => post(agent, url, text, responseUrl)));
  for (let round = 0; round < ROUNDS; round++) {
    latencies.push(
      ...(await Promise.all(
        Array.from({ length: CONCURRENCY }, () => post(agent, url, text, responseUrl)),
      )),
    );
  }
  agent.destroy();
  return latencies;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
};

async function startBareBolt(slackApiUrl: string): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/bare-bolt.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...baseEnv(),
      BARE_BOLT_PORT: String(port),
      BARE_BOLT_SECRET: SECRET,
      BARE_BOLT_SLACK_API_URL: slackApiUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('bare bolt ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the bare Bolt app exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/slack/events`, stop: () => child.kill('SIGKILL') };
}

export async function benchSlackAck(options: { adminUrl: string | undefined }): Promise<void> {
  if (!options.adminUrl) {
    console.log('skipped: the Slack bench runs on Postgres (set TEST_DATABASE_URL)');
    return;
  }
  const slack = await startFakeSlack();
  const database = await createTestDatabase('postgres');
  const botPort = await freePort();
  const env = {
    ...postgresEnv(database.url ?? ''),
    SIPOPS_PARTS: 'bot',
    BOT_PORT: String(botPort),
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
  };
  await seedOneAccount(env, [['role', USER, 'support', '--team', TEAM]]);
  const bot = startServer(env, botCommand('start'));
  const bare = await startBareBolt(slack.url);
  try {
    await waitForBot(bot, `http://127.0.0.1:${botPort}/slack/health`);
    const sipops = `http://127.0.0.1:${botPort}/slack/events`;
    console.log(
      `${CONCURRENCY} signed slash commands at once, ${ROUNDS} rounds, the bot alone on Postgres; time to the HTTP answer (the ack)`,
    );
    for (const text of [`show ${BENCH_NUMBER}`, 'help']) {
      const bareLatencies = await burst(bare.url, text, slack.responseUrl());
      const ours = await burst(sipops, text, slack.responseUrl());
      const p99 = percentile(ours, 99);
      const bareP99 = percentile(bareLatencies, 99);
      console.log(
        `/sip ${text.split(' ')[0]?.padEnd(5)}  sipops p50 ${percentile(ours, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; bare Bolt p50 ${percentile(bareLatencies, 50).toFixed(1)} ms, p99 ${bareP99.toFixed(1)} ms; p99 ${(p99 / bareP99).toFixed(2)} × (goal ≤ 2 ×)`,
      );
    }
  } finally {
    bare.stop();
    await bot.stop();
    await database.close();
    await slack.close();
  }
}

async function waitForBot(bot: RunningServer, healthUrl: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (bot.child.exitCode !== null) throw new Error(`the bot exited:\n${bot.output()}`);
    const answer = await fetch(healthUrl).catch(() => undefined);
    if (answer?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the bot did not answer ${healthUrl}:\n${bot.output()}`);
}

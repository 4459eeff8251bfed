import { createSlackApp, SLACK_EVENTS_PATH, type SlackBot } from '@sipops/bot/slack/app';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@sipops/db/testing';
import { type ActivationDeps, systemClock } from '@sipops/shared/deps';
import type { Role } from '@sipops/shared/role-schemas';
import { seedGroups } from '@sipops/shared/testing/test-fixture';
import { grantRole } from '@sipops/shared/use-cases/grant-role';
import {
  type FakeSlack,
  type FakeSlackCall,
  SILENT_SLACK_LOGGER,
  signSlackRequest,
  startFakeSlack,
} from '../fake-slack.ts';
import {
  buttonPress,
  type Encoded,
  type SentView,
  slashCommand,
  TEAM,
  viewRadioChange,
  viewSubmission,
} from './payloads.ts';

export const SIGNING_SECRET = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';

/** One Slack user per role: the admin of SIPOPS_ADMINS, one granted each role, and a stranger. */
export const USERS = {
  configuredAdmin: 'UCONFIG01',
  admin: 'UADMIN001',
  support: 'USUPPORT1',
  manager: 'UMANAGER1',
  stranger: 'USTRANGE1',
} as const;

export type Sent = {
  status: number;
  /** The HTTP answer to Slack: what `ack` said (`response_action: errors` for a modal). */
  json: Record<string, unknown> | undefined;
  /** Time until the HTTP answer (the acknowledgement). */
  ms: number;
  /** Calls the bot made to the fake while handling it. */
  calls: FakeSlackCall[];
  /** What was posted to the response URL (ephemeral replies, replaced cards). */
  replies: Record<string, unknown>[];
  /** The modal the bot opened or filled last while handling it. */
  view: SentView | undefined;
};

export type SlackHarness = {
  fake: FakeSlack;
  database: TestDatabase;
  deps: ActivationDeps;
  bot: SlackBot;
  eventsUrl: string;
  /** What the bot logged as errors (a failure's reference is there). */
  errors: string[];
  send(encoded: Encoded, headers?: Record<string, string>): Promise<Sent>;
  command(userId: string, text: string, options?: { triggerId?: string }): Promise<Sent>;
  press(
    userId: string,
    actionId: string,
    value: string | undefined,
    options?: { triggerId?: string },
  ): Promise<Sent>;
  submit(userId: string, view: SentView, values: Record<string, unknown>): Promise<Sent>;
  switchType(userId: string, view: SentView, type: string): Promise<Sent>;
  grant(userId: string, role: Role): Promise<void>;
  close(): Promise<void>;
};

/** The last modal in these calls: `views.update` carries its id (`views.open` gets it back). */
export function lastView(calls: FakeSlackCall[]): SentView | undefined {
  const update = calls.filter((call) => call.method === 'views.update').at(-1);
  if (!update) return undefined;
  const view = update.body.view as Omit<SentView, 'id'>;
  return { ...view, id: String(update.body.view_id) };
}

/**
 * A database with the real migrations, the fake Slack Web API, and the real Bolt app in HTTP mode
 * on a free port, with a profile `standard` and the groups `acme` (own profile) and `beta`.
 */
export async function startSlackHarness(kind: TestDatabaseKind): Promise<SlackHarness> {
  const database = await createTestDatabase(kind);
  const fake = await startFakeSlack();
  const deps: ActivationDeps = {
    db: database.db,
    // The wall clock: cards carry the time of the last change, as in production.
    clock: systemClock,
    secretKey: Buffer.alloc(32, 7),
    publicBaseUrl: 'https://sipops.example.com',
    linkTtlMs: 72 * 3_600_000,
  };
  await seedGroups(deps, [{ name: 'acme', profile: 'standard' }, { name: 'beta' }]);
  const configuredAdmins = [USERS.configuredAdmin];
  const errors: string[] = [];
  const bot = createSlackApp({
    config: {
      mode: 'http',
      signingSecret: SIGNING_SECRET,
      botToken: 'xoxb-test',
      apiUrl: fake.url,
      port: 0,
      admins: configuredAdmins,
      notifyChannel: undefined,
    },
    deps,
    logger: {
      ...SILENT_SLACK_LOGGER,
      error: (...parts: unknown[]) => errors.push(parts.map(String).join(' ')),
    },
    port: 0,
    // A Slack that hangs fails a call after this long (10 s in production).
    clientTimeoutMs: 1500,
  });
  const { port } = await bot.start();
  const eventsUrl = `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`;

  const grant = async (userId: string, role: Role) => {
    await grantRole({ ...deps, configuredAdmins }, 'test:setup', { teamId: TEAM, userId, role });
  };
  await grant(USERS.admin, 'admin');
  await grant(USERS.support, 'support');
  await grant(USERS.manager, 'manager');

  const send = async (encoded: Encoded, headers: Record<string, string> = {}): Promise<Sent> => {
    const mark = fake.calls.length;
    const started = performance.now();
    const response = await fetch(eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': encoded.contentType,
        ...signSlackRequest(SIGNING_SECRET, encoded.body),
        ...headers,
      },
      body: encoded.body,
    });
    const text = await response.text();
    const ms = performance.now() - started;
    await bot.idle();
    // Bolt checks its token once, on the first request: not part of any handling.
    const calls = fake.calls.slice(mark).filter((call) => call.method !== 'auth.test');
    return {
      status: response.status,
      json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      ms,
      calls,
      replies: calls.filter((call) => call.method === 'response_url').map((call) => call.body),
      view: lastView(calls),
    };
  };

  return {
    fake,
    database,
    deps,
    bot,
    eventsUrl,
    errors,
    send,
    command: (userId, text, options = {}) =>
      send(slashCommand({ userId, text, responseUrl: fake.responseUrl(), ...options })),
    press: (userId, actionId, value, options = {}) =>
      send(buttonPress({ userId, actionId, value, responseUrl: fake.responseUrl(), ...options })),
    submit: (userId, view, values) => send(viewSubmission({ userId, view, values })),
    switchType: (userId, view, type) =>
      send(viewRadioChange({ userId, view, blockId: 'type', value: type })),
    grant,
    async close() {
      await bot.stop();
      await fake.close();
      await database.close();
    },
  };
}

/** Every text a Slack user would read in a message or view (for `toContain` checks). */
export function readable(value: unknown): string {
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'text' && typeof child === 'string') texts.push(child);
        else walk(child);
      }
    }
  };
  walk(value);
  return texts.join('\n');
}

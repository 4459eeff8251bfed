import { createSlackApp, SLACK_EVENTS_PATH, type SlackBot } from '@sipops/bot/slack/app';
import { buildAppHome } from '@sipops/bot/slack/views/app-home';
import { accounts, groups } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { plainAccountSchema, wizardAccountSchema } from '@sipops/shared/account-schemas';
import {
  ACTOR,
  mobileNumber,
  seedGroups,
  type TestDeps,
  testDeps,
} from '@sipops/shared/testing/test-fixture';
import { createPlainAccount } from '@sipops/shared/use-cases/create-plain-account';
import { createWizardAccount } from '@sipops/shared/use-cases/create-wizard-account';
import type { AccountsSummary } from '@sipops/shared/use-cases/summarize-accounts';
import { parseInput } from '@sipops/shared/validation';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkView,
  type FakeSlack,
  SILENT_SLACK_LOGGER,
  signSlackRequest,
  startFakeSlack,
} from '../fake-slack.ts';

const SIGNING_SECRET = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const ADMIN = 'UADMIN01';
const STRANGER = 'USTRANGE1';
const HOUR = 3_600_000;

describe.each(testDatabaseKinds())('App Home on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;
  let slack: FakeSlack;
  let bot: SlackBot;
  let eventsUrl: string;
  let eventCount = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
    slack = await startFakeSlack({ clock: deps.clock });
    await seedGroups(deps, [{ name: 'acme' }, { name: 'north', profile: 'standard' }]);
    bot = createSlackApp({
      config: {
        mode: 'http',
        signingSecret: SIGNING_SECRET,
        botToken: 'xoxb-test',
        apiUrl: slack.url,
        port: 0,
        admins: [ADMIN],
        notifyChannel: undefined,
      },
      deps: { ...deps, publicBaseUrl: 'http://localhost:3000', linkTtlMs: 72 * HOUR },
      logger: SILENT_SLACK_LOGGER,
      port: 0,
    });
    const { port } = await bot.start();
    eventsUrl = `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`;
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await database?.close();
  });
  beforeEach(() => slack.reset());

  /** Sends a signed app_home_opened event, as Slack does, and waits for the bot to finish. */
  async function openHome(user: string, tab: 'home' | 'messages' = 'home') {
    eventCount++;
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T0FAKE',
      api_app_id: 'A0FAKE',
      type: 'event_callback',
      event_id: `Ev${eventCount}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'app_home_opened',
        user,
        channel: 'D0HOME',
        tab,
        event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
      },
    });
    const response = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signSlackRequest(SIGNING_SECRET, body) },
      body,
    });
    expect(response.status).toBe(200);
    await bot.idle();
  }

  const publishedBlocks = () =>
    JSON.stringify(slack.callsTo('views.publish').map((c) => c.body.view));

  it('publishes counts by group, stuck activations and the last changes to a manager', async () => {
    const plain = await createPlainAccount(
      deps,
      ACTOR,
      parseInput(plainAccountSchema, {
        type: 'pgsm',
        group: 'acme',
        number: mobileNumber(),
        password: 'secret-123',
      }),
    );
    const stuck = await createWizardAccount(
      deps,
      ACTOR,
      parseInput(wizardAccountSchema, { group: 'north', number: mobileNumber() }),
    );
    await database.db
      .update(accounts)
      .set({ status: 'installed', statusChangedAt: deps.clock.now() })
      .where(eq(accounts.id, stuck.id));
    deps.clock.advance(72 * HOUR);

    await openHome(ADMIN);

    const [call] = slack.callsTo('views.publish');
    expect(call?.body.user_id).toBe(ADMIN);
    expect(call?.body.view).toMatchObject({ type: 'home' });
    const text = publishedBlocks();
    expect(text).toContain('*acme* — 1 account (1 enabled, 0 disabled)');
    expect(text).toContain('*north* — 1 account (0 enabled, 1 disabled)');
    expect(text).toContain(`\`${stuck.username}\` (north, ${stuck.number}) — Installed for 3 days`);
    expect(text).toContain(`*account.created* ${plain.username}`);
    expect(slack.violations).toEqual([]);
  });

  it('tells someone without a role which role to ask for, and shows no accounts', async () => {
    await openHome(STRANGER);
    const text = publishedBlocks();
    expect(text).toContain('needs the manager role');
    expect(text).not.toContain('acme');
    expect(slack.violations).toEqual([]);
  });

  it('publishes nothing for the Messages tab', async () => {
    await openHome(ADMIN, 'messages');
    expect(slack.callsTo('views.publish')).toHaveLength(0);
  });

  it('stays within Block Kit limits with many groups', async () => {
    await database.db
      .insert(groups)
      .values(
        Array.from({ length: 150 }, (_, i) => ({ name: `group-${String(i).padStart(3, '0')}` })),
      );
    await openHome(ADMIN);
    const view = slack.callsTo('views.publish')[0]?.body.view as { blocks: unknown[] };
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(publishedBlocks()).toContain('group-149');
    expect(slack.violations).toEqual([]);
  });
});

describe('App Home view', () => {
  it('keeps to Slack limits whatever the size of the lists', () => {
    const statuses = {
      created: 1,
      installation_sms_sent: 2,
      installed: 3,
      activation_sms_sent: 4,
      activated: 5,
    };
    const counts = { total: 15, enabled: 5, disabled: 10, byStatus: statuses };
    const summary: AccountsSummary = {
      generatedAt: '2025-03-01T09:00:00.000Z',
      totals: counts,
      groups: Array.from({ length: 2000 }, (_, i) => ({
        group: `a-rather-long-group-name-${i}-${'x'.repeat(60)}`,
        ...counts,
      })),
      stuck: Array.from({ length: 500 }, (_, i) => ({
        username: `user${i}`,
        group: 'acme',
        number: '+393471000001',
        status: 'installed' as const,
        since: '2025-02-01T00:00:00.000Z',
        hours: 50 + i,
      })),
      stuckTotal: 5000,
      stuckAfterHours: 48,
      recentChanges: Array.from({ length: 50 }, () => ({
        at: '2025-03-01T09:00:00.000Z',
        actor: 'slack:T1/U1',
        action: 'account.edited',
        subject: 'x'.repeat(4000),
      })),
      failedDeliveries: Array.from({ length: 50 }, (_, i) => ({
        id: i,
        kind: 'notify' as const,
        what: 'notification created of account 1001',
        error: 'e'.repeat(5000),
        at: '2025-03-01T09:00:00.000Z',
      })),
      failedTotal: 700,
    };
    const view = buildAppHome(summary);
    expect(checkView(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('more: `/sip list` shows them by status');
    expect(JSON.stringify(view)).toContain('…and 650 older failed deliveries');
  });
});

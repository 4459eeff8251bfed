import { createSlackApp } from '@sipops/bot/slack/app';
import { buildAccountCard } from '@sipops/bot/slack/views/account-card';
import {
  buildCreateAccountModal,
  buildEditAccountModal,
  buildWizardModal,
  type FormChoices,
} from '@sipops/bot/slack/views/account-forms';
import { ACCOUNTS_PER_PAGE, buildAccountPage } from '@sipops/bot/slack/views/account-list';
import {
  buildBatchErrors,
  buildBatchModal,
  buildBatchPreview,
  buildImportResult,
  buildImportSmsProgress,
} from '@sipops/bot/slack/views/batch';
import { buildHelp } from '@sipops/bot/slack/views/help';
import { buildRoleList } from '@sipops/bot/slack/views/roles';
import { buildGroupModal, buildProfileModal } from '@sipops/bot/slack/views/setup-forms';
import { buildGroupList, buildProfileList } from '@sipops/bot/slack/views/setup-lists';
import { accountFieldViews, defaultAccountFields } from '@sipops/shared/account-fields';
import type { AccountView } from '@sipops/shared/account-view';
import type { BatchSummary } from '@sipops/shared/batch/check-batch';
import { ConfigError } from '@sipops/shared/config/read';
import type { ActivationDeps } from '@sipops/shared/deps';
import type { ProfileView } from '@sipops/shared/use-cases/profile-view';
import { describe, expect, it } from 'vitest';
import { checkBlocks, checkView, SILENT_SLACK_LOGGER, startFakeSlack } from '../fake-slack.ts';

const LONG = 'x'.repeat(64);

function account(overrides: Partial<AccountView> = {}): AccountView {
  return {
    id: '00000000-0000-0000-0000-000000000001',
    username: LONG,
    number: '+393471234567',
    secondaryNumber: '+393477654321',
    type: 'pgsm',
    group: 'g'.repeat(80),
    profile: 'p'.repeat(80),
    isProfileInherited: true,
    enabled: true,
    status: 'installation_sms_sent',
    statusChangedAt: '2025-03-01T09:00:00.000Z',
    // Every setting of the registry, so that a new one needs no line here.
    ...accountFieldViews('pgsm', {
      ...defaultAccountFields('pgsm'),
      securityModel: 'end-to-end',
      obfuscationKey: 200,
      keepAlive: true,
    }),
    createdVia: 'plain',
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T09:00:00.000Z',
    ...overrides,
  };
}

const rules = (n: number) =>
  Array.from({ length: n }, (_, i) => `2001:db8:${i.toString(16)}::/ffff:ffff:ffff:ffff::`);

function profile(i: number): ProfileView {
  return {
    id: String(i),
    name: `profile-${'p'.repeat(60)}-${i}`,
    sipHost: `sip-${i}.${'h'.repeat(60)}.example.com`,
    realm: `sip-${i}.${'h'.repeat(60)}.example.com`,
    sipPort: 5061,
    transport: 'tls',
    iosUrl: null,
    androidUrl: null,
    brand: 'b'.repeat(40),
    appScheme: 'sipops',
    appLink: 'x'.repeat(200),
    registrationExpires: 3600,
    credentials: 'password',
    accentColor: null,
    supportContact: null,
    timeZone: 'Europe/Rome',
    logoSha256: null,
    smsTemplates: {},
  };
}

function choices(groups: number, profiles: number): FormChoices {
  return {
    groups: Array.from({ length: groups }, (_, i) => ({
      id: String(i),
      name: `group-${'g'.repeat(70)}-${i}`,
      profile: i % 2 ? 'standard' : null,
      channel: i % 3 ? 'C0123ABCD' : null,
    })),
    profiles: Array.from({ length: profiles }, (_, i) => profile(i)),
  };
}

const messageErrors = (message: { blocks?: unknown[] }) =>
  checkBlocks(message.blocks ?? [], 50, '/blocks');

describe('Slack views stay within Block Kit limits', () => {
  it.each([
    ['a PGSM card with every warning', account()],
    [
      'a SNOM card with 300 long rules',
      account({
        type: 'snom',
        deny: rules(300),
        permit: rules(300),
        securityModel: null,
        obfuscation: null,
        obfuscationKey: null,
        keepAlive: null,
      }),
    ],
    ['a disabled wizard card', account({ enabled: false, createdVia: 'wizard', profile: null })],
  ])('%s', (_what, view) => {
    const card = buildAccountCard(view, { isActivationAvailable: true, note: 'n'.repeat(5000) });
    expect(messageErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toMatch(/password/i);
  });

  it('a full page of long rows', () => {
    const accounts = Array.from({ length: ACCOUNTS_PER_PAGE }, (_, i) =>
      account({ username: `${LONG.slice(0, 60)}${i}` }),
    );
    const page = buildAccountPage(
      { accounts, total: 1000, offset: 20, limit: ACCOUNTS_PER_PAGE },
      { text: 't'.repeat(200), group: 'g'.repeat(80), offset: 20 },
    );
    expect(messageErrors(page)).toEqual([]);
  });

  it('1000 groups, 150 profiles, 500 roles and the help', () => {
    const many = choices(1000, 150);
    for (const message of [
      buildGroupList(many.groups, true),
      buildProfileList(many.profiles, true),
      buildProfileList(many.profiles, false),
      buildRoleList(
        Array.from({ length: 500 }, (_, i) => ({
          teamId: 'T0FAKE',
          userId: `U${String(i).padStart(8, '0')}`,
          role: 'support' as const,
          groups: i % 2 === 0 ? null : ['acme', 'north'],
          grantedBy: 'slack:T0FAKE/UADMIN001',
          grantedAt: '2025-03-01T09:00:00.000Z',
        })),
      ),
      buildHelp('n'.repeat(4000)),
    ]) {
      expect(messageErrors(message)).toEqual([]);
    }
    const tooMany = buildGroupList(choices(3000, 0).groups, true);
    expect(messageErrors(tooMany)).toEqual([]);
    expect(JSON.stringify(tooMany)).toMatch(
      /…and \d+ more \(`npm run sip -- group list` shows them all\)/,
    );
  });

  it('a batch preview, its errors and its result, with long names and many errors', () => {
    const summary: BatchSummary = {
      rows: 100_000,
      accounts: 99_000,
      byType: { pgsm: 50_000, snom: 49_000 },
      byWay: { wizard: 60_000, plain: 39_000 },
      byGroup: Array.from({ length: 300 }, (_, i) => ({
        group: `${'g'.repeat(80)}${i}`,
        accounts: 330,
      })),
      activationSmsRows: 60_000,
      smsToQueue: 0,
      sample: Array.from({ length: 10 }, (_, i) => ({
        line: i + 2,
        way: 'plain' as const,
        type: 'pgsm' as const,
        group: 'g'.repeat(200),
        username: `${LONG}${i}`,
        number: '+393471234567',
        secondaryNumber: '+393477654321',
        profile: 'p'.repeat(100),
        enabled: true,
      })),
      errors: Array.from({ length: 1000 }, (_, i) => ({
        line: i + 2,
        column: 'number',
        value: 'v'.repeat(300),
        message: 'is not a valid international number',
      })),
      errorCount: 1000,
    };
    const name = `${'n'.repeat(3000)}.csv`;
    for (const message of [
      buildBatchPreview(summary, {
        fileId: 'F0123',
        sha256: 'a'.repeat(64),
        name,
        isSmsRequested: false,
      }),
      buildBatchPreview(
        { ...summary, smsToQueue: 60_000 },
        { fileId: 'F0123', sha256: 'a'.repeat(64), name, isSmsRequested: true },
      ),
      buildBatchErrors(name, { ...summary, errorCount: 5000 }, 'uploaded'),
      buildBatchErrors(name, summary, 'failed', true),
      buildImportResult(name, {
        outcome: 'imported',
        imported: 99_000,
        smsQueued: 60_000,
        summary,
        who: 'U1',
      }),
      buildImportSmsProgress(
        {
          importId: 'i'.repeat(200),
          actor: `terminal:${LONG}`,
          createdAt: new Date('2025-03-01T09:00:00.000Z'),
          smsQueued: 60_000,
          channel: null,
          ts: null,
          postingAt: null,
          waiting: 59_000,
          sent: 700,
          failed: 200,
          skipped: 100,
          isDone: false,
        },
        0.5,
      ),
    ])
      expect(messageErrors(message)).toEqual([]);
    expect(checkView(buildBatchModal('{}'))).toEqual([]);
    expect(checkView(buildBatchModal('{}', { isSmsOffered: false }))).toEqual([]);
  });

  it.each([
    ['few', 3, 3],
    ['more than a select holds', 150, 150],
  ])('every modal with %s groups and profiles', (_what, groups, profiles) => {
    const picks = choices(groups, profiles);
    const metadata = JSON.stringify({
      responseUrl: `https://hooks.slack.com/commands/${'r'.repeat(120)}`,
    });
    for (const view of [
      buildCreateAccountModal('pgsm', picks, metadata),
      buildCreateAccountModal('snom', picks, metadata),
      buildWizardModal(picks, metadata),
      buildEditAccountModal(account(), picks, metadata),
      buildEditAccountModal(
        account({ type: 'snom', deny: rules(300), permit: [], createdVia: 'plain' }),
        picks,
        metadata,
      ),
      buildGroupModal(picks.profiles, metadata),
      buildProfileModal(undefined, metadata),
      buildProfileModal(profile(1), metadata),
    ]) {
      expect(checkView(view)).toEqual([]);
    }
  });
});

describe('bot/manifest.json', () => {
  it('creates the app the code expects in one step', async () => {
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(
      await readFile(new URL('../../../bot/manifest.json', import.meta.url), 'utf8'),
    );
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({
        command: '/sip',
        // `/sip role @user …` reads the user id from the escaped mention.
        should_escape: true,
        url: expect.stringMatching(/\/slack\/events$/),
      }),
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(
      // History scopes let the notifier look for a post before repeating it after a timeout.
      [
        'channels:history',
        'chat:write',
        'chat:write.public',
        'commands',
        'files:read',
        'files:write',
        'groups:history',
        'users:read',
      ].sort(),
    );
  });
});

describe('starting the bot', () => {
  const config = (apiUrl: string) => ({
    mode: 'http' as const,
    signingSecret: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
    botToken: 'xoxb-test',
    apiUrl,
    port: 0,
    admins: [],
    notifyChannel: undefined,
  });

  it('names SLACK_BOT_TOKEN when Slack refuses it, and SLACK_API_URL when Slack is not there', async () => {
    const fake = await startFakeSlack();
    try {
      fake.script('auth.test', { json: { ok: false, error: 'invalid_auth' } });
      const refused = createSlackApp({
        config: config(fake.url),
        deps: {} as ActivationDeps,
        logger: SILENT_SLACK_LOGGER,
      });
      await expect(refused.start()).rejects.toThrow(
        new ConfigError(['SLACK_BOT_TOKEN: Slack refused it (invalid_auth)']),
      );
    } finally {
      await fake.close();
    }
    const unreachable = createSlackApp({
      config: config('http://127.0.0.1:9/api/'),
      deps: {} as ActivationDeps,
      logger: SILENT_SLACK_LOGGER,
      clientTimeoutMs: 500,
    });
    await expect(unreachable.start()).rejects.toThrow(
      /the Slack bot could not reach Slack at http:\/\/127\.0\.0\.1:9\/api\/ \(SLACK_API_URL\)/,
    );
  });
});

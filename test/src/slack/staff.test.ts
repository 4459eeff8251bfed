import { createNotifyHandler } from '@sipops/bot/process/notifications/post-notification';
import { createNotifyClient } from '@sipops/bot/process/notifications/start-notification-worker';
import { encodeCardValue } from '@sipops/bot/slack/views/account-card';
import { findGroupChannel } from '@sipops/db/queries';
import { auditLog, outbox } from '@sipops/db/schema';
import { testDatabaseKinds } from '@sipops/db/testing';
import { accountChangesSchema } from '@sipops/shared/account-schemas';
import type { AccountView } from '@sipops/shared/account-view';
import { formatCsvLine } from '@sipops/shared/batch/csv-format';
import { deliverDueMessages } from '@sipops/shared/outbox/outbox-worker';
import { mobileNumber } from '@sipops/shared/testing/test-fixture';
import { editAccount } from '@sipops/shared/use-cases/edit-account';
import { editGroup } from '@sipops/shared/use-cases/edit-group';
import { queueGroupDigests } from '@sipops/shared/use-cases/queue-group-digests';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { parseInput } from '@sipops/shared/validation';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostedMessage } from '../fake-slack.ts';
import { PASSWORD, plainPgsm, plainSnom, snapshot } from './accounts.ts';
import { buttonPress, type SentView, TEAM } from './payloads.ts';
import { readable, type SlackHarness, startSlackHarness, USERS } from './slack-harness.ts';

const SCOPED_MANAGER = 'USCOPEDM1';
const SCOPED_SUPPORT = 'USCOPEDS1';
const NOTIFY_CHANNEL = 'CNOTIFY01';
const NEW_PASSWORD = 'Another-pass-456';

type Button = { action_id: string; value: string };

function buttonsOf(blocks: unknown): Button[] {
  const found: Button[] = [];
  for (const block of (blocks ?? []) as { elements?: Button[] }[])
    for (const element of block.elements ?? []) if (element.action_id) found.push(element);
  return found;
}

describe.each(testDatabaseKinds())('staff and managers in Slack on %s', (kind) => {
  let h: SlackHarness;
  let acmeAccount: AccountView;
  let betaAccount: AccountView;
  let eventCount = 0;

  beforeAll(async () => {
    h = await startSlackHarness(kind);
    acmeAccount = await plainPgsm(h.deps, { group: 'acme' });
    betaAccount = await plainSnom(h.deps, { group: 'beta' });
  }, 60_000);
  afterAll(() => h?.close());

  /** Posts the due channel notifications to the fake Slack, as the notification worker does. */
  async function deliverNotifications(): Promise<void> {
    const client = createNotifyClient('xoxb-test', h.fake.url, { timeoutMs: 1500 });
    const handler = createNotifyHandler({
      client,
      defaultChannel: NOTIFY_CHANNEL,
      resolveChannel: (group) => findGroupChannel(h.deps.db, group),
    });
    while (
      (await deliverDueMessages(h.deps.db, h.deps.clock, 'notify', {
        handlers: { notify: handler },
      })) > 0
    );
  }

  async function openHome(userId: string): Promise<string> {
    eventCount++;
    const body = JSON.stringify({
      token: 'legacy',
      team_id: TEAM,
      api_app_id: 'A0FAKE',
      type: 'event_callback',
      event_id: `EvStaff${eventCount}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'app_home_opened',
        user: userId,
        channel: 'D0HOME',
        tab: 'home',
        event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
      },
    });
    const sent = await h.send({ body, contentType: 'application/json' });
    const published = sent.calls.filter((c) => c.method === 'views.publish');
    expect(published).toHaveLength(1);
    return JSON.stringify(published[0]?.body.view);
  }

  describe('roles with a scope', () => {
    it('/sip role gives a role for named groups; the role list says which', async () => {
      const granted = await h.command(USERS.admin, `role <@${SCOPED_MANAGER}> manager acme`);
      expect(readable(granted.replies)).toContain(`<@${SCOPED_MANAGER}> is now *manager* of acme`);
      const support = await h.command(USERS.admin, `role <@${SCOPED_SUPPORT}> support acme`);
      expect(readable(support.replies)).toContain('is now *support* of acme');

      const before = await snapshot(h.deps);
      const unknown = await h.command(USERS.admin, `role <@UNOBODY01> manager acme,nowhere`);
      expect(readable(unknown.replies)).toContain('o group named "nowhere"');
      const admin = await h.command(USERS.admin, `role <@UNOBODY01> admin acme`);
      expect(readable(admin.replies)).toContain('admins see every group');
      expect(await snapshot(h.deps)).toEqual(before);

      const list = await h.command(USERS.admin, 'role list');
      expect(readable(list.replies)).toContain(`<@${SCOPED_MANAGER}> — *manager* of acme`);
      expect(readable(list.replies)).toContain(`<@${USERS.manager}> — *manager* (granted`);
    });

    it('a manager of acme sees only acme in list, find, groups and the App Home; an unscoped one sees all', async () => {
      const list = readable((await h.command(SCOPED_MANAGER, 'list')).replies);
      expect(list).toContain(acmeAccount.username);
      expect(list).not.toContain(betaAccount.username);

      const findBeta = readable(
        (await h.command(SCOPED_MANAGER, `find ${betaAccount.number}`)).replies,
      );
      expect(findBeta).not.toContain(betaAccount.username);
      const findAcme = readable(
        (await h.command(SCOPED_MANAGER, `find ${acmeAccount.number.slice(-6)}`)).replies,
      );
      expect(findAcme).toContain(acmeAccount.username);

      const listBeta = readable((await h.command(SCOPED_MANAGER, 'list --group beta')).replies);
      expect(listBeta).toContain('group "beta" is not in your groups');

      const groups = readable((await h.command(SCOPED_MANAGER, 'groups')).replies);
      expect(groups).toContain('acme');
      expect(groups).not.toContain('beta');

      const home = await openHome(SCOPED_MANAGER);
      expect(home).toContain('acme');
      expect(home).not.toContain('beta');
      expect(home).not.toContain(betaAccount.username);

      const everyone = readable((await h.command(USERS.manager, 'list')).replies);
      expect(everyone).toContain(acmeAccount.username);
      expect(everyone).toContain(betaAccount.username);
      const adminHome = await openHome(USERS.admin);
      expect(adminHome).toContain('beta');
    });

    it("refuses another group's card: show, its buttons and its history", async () => {
      const shown = readable(
        (await h.command(SCOPED_MANAGER, `show ${betaAccount.username}`)).replies,
      );
      expect(shown).toContain(`account "${betaAccount.username}" is not in your groups`);
      const mine = readable(
        (await h.command(SCOPED_MANAGER, `show ${acmeAccount.username}`)).replies,
      );
      expect(mine).toContain(`Account ${acmeAccount.username}`);

      const before = await snapshot(h.deps);
      const disabled = await h.press(
        SCOPED_SUPPORT,
        'account_disable',
        encodeCardValue(betaAccount),
      );
      expect(readable(disabled.replies)).toContain('is not in your groups');
      expect((await showAccount(h.deps, betaAccount.username)).enabled).toBe(true);
      const prompt = readable(
        (await h.command(SCOPED_SUPPORT, `delete ${betaAccount.username}`)).replies,
      );
      expect(prompt).toContain('is not in your groups');
      const history = await h.press(
        SCOPED_MANAGER,
        'account_history',
        encodeCardValue(betaAccount),
      );
      expect(readable(history.replies)).toContain('is not in your groups');
      expect(await snapshot(h.deps)).toEqual(before);

      // Their own group's card still acts.
      const own = await h.press(SCOPED_SUPPORT, 'account_disable', encodeCardValue(acmeAccount));
      expect(readable(own.replies)).toContain('Disabled by');
      acmeAccount = await showAccount(h.deps, acmeAccount.username);
      expect(acmeAccount.enabled).toBe(false);
    });

    it('a manager of acme sees only acme phones in /sip clients, and is refused beta by name', async () => {
      // The registrar's own table, as Kamailio's usrloc writes it (the columns sipops reads).
      await h.deps.db.execute(
        sql.raw(`create table location (
          id serial primary key, username varchar(64) not null, domain varchar(64),
          contact varchar(512) not null, received varchar(128),
          user_agent varchar(255) not null default '', expires timestamp not null)`),
      );
      const later = "now() + interval '1 hour'";
      await h.deps.db.execute(
        sql.raw(`insert into location (username, contact, user_agent, expires) values
          ('${acmeAccount.username}', 'sip:${acmeAccount.username}@127.0.0.1:5070', 'AcmePhone/1', ${later}),
          ('${betaAccount.username}', 'sip:${betaAccount.username}@127.0.0.1:5071', 'BetaPhone/1', ${later})`),
      );
      try {
        const scoped = readable((await h.command(SCOPED_MANAGER, 'clients')).replies);
        expect(scoped).toContain('AcmePhone/1');
        expect(scoped).not.toContain('BetaPhone/1');
        expect(scoped).not.toContain(betaAccount.username);
        const beta = readable((await h.command(SCOPED_MANAGER, 'clients beta')).replies);
        expect(beta).toContain('group "beta" is not in your groups');
        expect(beta).not.toContain('BetaPhone/1');

        const everyone = readable((await h.command(USERS.manager, 'clients')).replies);
        expect(everyone).toContain('AcmePhone/1');
        expect(everyone).toContain('BetaPhone/1');
      } finally {
        await h.deps.db.execute(sql.raw('drop table location'));
      }
    });

    it('a support of acme cannot create an account in beta', async () => {
      const opened = await h.command(SCOPED_SUPPORT, 'create pgsm', {
        triggerId: 'trigger.staff.1',
      });
      const view = opened.view as SentView;
      expect(JSON.stringify(view.blocks)).toContain('acme');
      expect(JSON.stringify(view.blocks)).not.toContain('"beta"');
      const before = await snapshot(h.deps);
      const sent = await h.submit(SCOPED_SUPPORT, view, {
        group: 'beta',
        number: mobileNumber(),
        password: PASSWORD,
        passwordConfirm: PASSWORD,
      });
      expect(JSON.stringify(sent.json)).toContain('not in your groups');
      expect(await snapshot(h.deps)).toEqual(before);
    });
  });

  describe('history', () => {
    it('pages an account’s history from its card, newest first, never showing a password', async () => {
      const account = await plainPgsm(h.deps, { group: 'acme' });
      await editAccount(
        h.deps,
        'slack:T0FAKE/USUPPORT1',
        account.username,
        parseInput(accountChangesSchema, { password: NEW_PASSWORD }),
      );
      for (let key = 1; key <= 10; key++)
        await editAccount(
          h.deps,
          'terminal:alice',
          account.username,
          parseInput(accountChangesSchema, { obfuscationKey: key }),
        );

      const first = await h.press(USERS.manager, 'account_history', encodeCardValue(account));
      const page1 = readable(first.replies);
      expect(page1).toContain(`History of account ${account.username}`);
      // Newest first: the last edit (9 → 10) comes before the one before it (8 → 9).
      expect(page1).toContain('obfuscationKey: 9 → 10');
      expect(page1.indexOf('9 → 10')).toBeLessThan(page1.indexOf('8 → 9'));
      expect(page1).toContain('`terminal:alice`');
      expect(page1).not.toContain('account.created');
      const more = buttonsOf(first.replies[0]?.blocks).find((b) => b.action_id === 'history_more');
      if (!more) throw new Error('no More button');

      const second = await h.press(USERS.manager, 'history_more', more.value);
      const page2 = readable(second.replies);
      expect(second.replies[0]).toMatchObject({ replace_original: true });
      expect(page2).toContain('password: (secret) → changed');
      expect(page2).toContain(`by <@${USERS.support}>`);
      expect(page2).toContain('account.created');
      expect(page2).toContain('That is all.');

      const all = JSON.stringify([first.replies, second.replies]);
      expect(all).not.toContain(PASSWORD);
      expect(all).not.toContain(NEW_PASSWORD);
      expect(all).not.toContain('********');
      expect(h.fake.violations).toEqual([]);
    });

    it('/sip history shows a group’s and a profile’s changes the same way', async () => {
      await editGroup(h.deps, 'terminal:alice', { name: 'beta', digestTime: '07:15' });
      const group = readable((await h.command(USERS.admin, 'history --group beta')).replies);
      expect(group).toContain('History of group beta');
      expect(group).toContain('digestTime: — → 07:15');
      const profile = readable(
        (await h.command(USERS.admin, 'history --profile standard')).replies,
      );
      expect(profile).toContain('History of profile standard');
      const refused = readable((await h.command(SCOPED_MANAGER, 'history --group beta')).replies);
      expect(refused).toContain('group "beta" is not in your groups');
      await editGroup(h.deps, 'terminal:alice', { name: 'beta', digestTime: null });
    });
  });

  describe('quiet channels', () => {
    const messagesOf = (pattern: RegExp): PostedMessage[] =>
      h.fake.history(NOTIFY_CHANNEL).filter((m) => pattern.test(m.text ?? ''));

    it('an import with SMS across two groups posts one line a group, not one an account', async () => {
      await deliverNotifications();
      const header = ['way', 'group', 'number', 'profile'];
      const numbers = Array.from({ length: 5 }, () => mobileNumber());
      const rows = numbers.map((n, i) => ['wizard', i < 3 ? 'acme' : 'beta', n, 'standard']);
      const file = h.fake.addFile(
        'quiet.csv',
        formatCsvLine(header) + rows.map((row) => formatCsvLine(row)).join(''),
      );
      const opened = await h.command(USERS.support, 'batch');
      const view = {
        ...(opened.calls[0]?.body.view as Omit<SentView, 'id'>),
        id: 'VBATCH',
      } as SentView;
      await h.submit(USERS.support, view, {
        file: [{ id: file.id, name: file.name }],
        sendSms: true,
      });
      const preview = h.fake.history(USERS.support).at(-1);
      if (!preview) throw new Error('no preview');
      const importButton = buttonsOf(preview.blocks).find((b) => b.action_id === 'batch_import');
      if (!importButton) throw new Error('no Import button');
      await h.send(
        buttonPress({
          userId: USERS.support,
          actionId: importButton.action_id,
          value: importButton.value,
          responseUrl: h.fake.responseUrl(),
          message: { channel: preview.channel, ts: preview.ts },
        }),
      );
      for (const number of numbers)
        expect((await showAccount(h.deps, number)).status).toBe('installation_sms_sent');
      // Each account keeps its own audit row of the status change.
      const audited = await h.deps.db.$count(
        auditLog,
        and(
          eq(auditLog.action, 'account.status_changed'),
          eq(auditLog.actor, `slack:${TEAM}/${USERS.support}`),
        ),
      );
      expect(audited).toBe(5);

      const before = h.fake.history(NOTIFY_CHANNEL).length;
      await deliverNotifications();
      const posted = h.fake.history(NOTIFY_CHANNEL).slice(before);
      const smsLines = posted.filter((m) => /activation SMS queued by/.test(m.text ?? ''));
      expect(smsLines.map((m) => m.text?.split('\n')[0])).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(`3 activation SMS queued by <@${USERS.support}> for import slack:`),
          ),
          expect.stringMatching(
            new RegExp(`2 activation SMS queued by <@${USERS.support}> for import slack:`),
          ),
        ]),
      );
      expect(smsLines).toHaveLength(2);
      // No message an account: the only others are the import's own line per group.
      expect(posted.filter((m) => /Installation SMS sent/.test(m.text ?? ''))).toHaveLength(0);
      expect(posted).toHaveLength(4);
      expect(messagesOf(/imported into group/).length).toBeGreaterThanOrEqual(2);
    });

    it('a single activation keeps its own message', async () => {
      await deliverNotifications();
      const account = await plainPgsm(h.deps, { group: 'acme' });
      await deliverNotifications();
      const before = h.fake.history(NOTIFY_CHANNEL).length;
      await h.press(USERS.support, 'account_activate', encodeCardValue(account));
      await deliverNotifications();
      const posted = h.fake.history(NOTIFY_CHANNEL).slice(before);
      expect(posted).toHaveLength(1);
      expect(posted[0]?.text).toContain('Installation SMS sent');
    });
  });

  describe('daily digest', () => {
    it('posts once a day per group at the group’s own time, however often the worker looks', async () => {
      await deliverNotifications();
      await editGroup(h.deps, 'terminal:alice', {
        name: 'acme',
        digestTime: '08:30',
        timeZone: 'Europe/Rome',
      });
      const at = (iso: string) => ({ ...h.deps, clock: { now: () => new Date(iso) } });
      // 08:00 in Rome: not yet; beta has no digest (off by default).
      expect(await queueGroupDigests(at('2026-11-20T07:00:00Z'))).toEqual([]);
      expect(await queueGroupDigests(at('2026-11-20T07:31:00Z'))).toEqual(['acme']);
      // Later the same day, and after a "restart" (fresh deps): nothing more.
      expect(await queueGroupDigests(at('2026-11-20T12:00:00Z'))).toEqual([]);
      expect(await queueGroupDigests(at('2026-11-20T22:59:00Z'))).toEqual([]);
      // The next day in Rome.
      expect(await queueGroupDigests(at('2026-11-21T07:45:00Z'))).toEqual(['acme']);
      const keys = await h.deps.db
        .select({ key: outbox.onceKey })
        .from(outbox)
        .where(sql`${outbox.onceKey} like 'digest:%'`);
      expect(keys).toHaveLength(2);

      const before = h.fake.history(NOTIFY_CHANNEL).length;
      await deliverNotifications();
      const digests = h.fake
        .history(NOTIFY_CHANNEL)
        .slice(before)
        .filter((m) => /Daily digest of group acme/.test(m.text ?? ''));
      expect(digests).toHaveLength(2);
      const text = readable(digests[0]?.blocks);
      expect(text).toContain('2026-11-20');
      expect(text).toMatch(/\*\d+\* accounts? \(\d+ enabled, \d+ disabled\)/);
      expect(text).toContain('Activations stuck over 48 h');
      expect(text).toContain('Failed SMS in the last 24 h');
      await editGroup(h.deps, 'terminal:alice', { name: 'acme', digestTime: null });
      expect(await h.deps.db.$count(outbox, eq(outbox.onceKey, 'nothing'))).toBe(0);
    });
  });
});

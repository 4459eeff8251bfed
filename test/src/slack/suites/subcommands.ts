import type { AccountView } from '@sipops/shared/account-view';
import { KEEP_ALIVE_WARNING, OBFUSCATION_KEY_WARNING } from '@sipops/shared/account-warnings';
import { createGroup } from '@sipops/shared/use-cases/create-group';
import { beforeAll, describe, expect, it } from 'vitest';
import { plainPgsm, plainSnom, snapshot, wizard } from '../accounts.ts';
import { readable, type Sent, type SlackHarness, USERS } from '../slack-harness.ts';

/** The one ephemeral reply of a command, as the user reads it. */
function replyOf(sent: Sent): Record<string, unknown> & { read: string } {
  expect(sent.status).toBe(200);
  expect(sent.replies).toHaveLength(1);
  const [reply] = sent.replies;
  expect(reply?.response_type).toBe('ephemeral');
  return { ...reply, read: readable(reply) };
}

type Block = Record<string, unknown> & { type: string };
const blocksOf = (message: Record<string, unknown>) => (message.blocks ?? []) as Block[];
const buttonsOf = (message: Record<string, unknown>) =>
  blocksOf(message).flatMap((block) => [
    ...((block.elements as Block[] | undefined) ?? []).filter((e) => e.type === 'button'),
    ...(block.accessory && (block.accessory as Block).type === 'button'
      ? [block.accessory as Block]
      : []),
  ]);

export function subcommandTests(harness: () => SlackHarness): void {
  describe('/sip subcommands', () => {
    let h: SlackHarness;
    let anna: AccountView;
    let bob: AccountView;
    let wiz: AccountView;

    beforeAll(async () => {
      h = harness();
      anna = await plainPgsm(h.deps, { username: 'anna', keepAlive: 'on', obfuscationKey: '12' });
      bob = await plainSnom(h.deps, { username: 'bob' });
      wiz = await wizard(h.deps);
    });

    it('answers help, an empty command and unknown input with the help, acknowledged at once', async () => {
      for (const text of ['help', '', 'frobnicate now']) {
        const sent = await h.command(USERS.manager, text);
        expect(sent.ms).toBeLessThan(3000);
        const reply = replyOf(sent);
        for (const sub of [
          'create',
          'wizard',
          'edit',
          'show',
          'list',
          'find',
          'batch',
          'disable',
          'enable',
          'delete',
          'revoke-keys',
          'activate',
          'groups',
          'profiles',
          'role',
          'help',
        ])
          expect(reply.read).toContain(`/sip ${sub}`);
        if (text === 'frobnicate now')
          expect(reply.read).toContain('“frobnicate” is not a /sip subcommand');
      }
      expect(h.fake.violations).toEqual([]);
    });

    it('shows a card: every field but the password, status and date, buttons with confirmations', async () => {
      const reply = replyOf(await h.command(USERS.manager, `show ${anna.username}`));
      expect(reply.read).toContain('Account anna');
      expect(reply.read).toContain(anna.number);
      expect(reply.read).toContain('PGSM');
      expect(reply.read).toContain('acme');
      expect(reply.read).toContain('standard (from group)');
      expect(reply.read).toMatch(/\*Last status\*\ncreated\n<!date\^\d+\^/);
      expect(reply.read).toContain('*Obfuscation key*\n12');
      expect(reply.read).toContain(KEEP_ALIVE_WARNING.slice(0, 40));
      expect(reply.read).toContain(OBFUSCATION_KEY_WARNING);
      expect(JSON.stringify(reply)).not.toContain('secret-123');
      const buttons = buttonsOf(reply);
      expect(buttons.map((b) => b.action_id)).toEqual([
        'account_edit',
        'account_activate',
        'account_disable',
        'account_revoke_keys',
        'account_delete',
        'account_history',
      ]);
      // Every button but Edit and History (which change nothing by themselves) asks first.
      for (const button of buttons.slice(1, -1)) expect(button.confirm).toBeDefined();
      expect(buttons[0]?.confirm).toBeUndefined();
    });

    it('shows a SNOM card with its rules and no activation button; finds accounts by number', async () => {
      const reply = replyOf(await h.command(USERS.manager, `show ${bob.number}`));
      expect(reply.read).toContain('Account bob');
      expect(reply.read).toContain('`0.0.0.0/0.0.0.0`');
      expect(reply.read).toContain('`216.27.242.66/255.255.255.255`');
      expect(buttonsOf(reply).map((b) => b.action_id)).not.toContain('account_activate');
    });

    it('tells what is wrong with show: no account, no argument', async () => {
      expect(replyOf(await h.command(USERS.manager, 'show nobody')).read).toContain(
        'No account with username or number "nobody". Look it up with `/sip find',
      );
      expect(replyOf(await h.command(USERS.manager, 'show')).read).toContain(
        'Usage: `/sip show <account>`',
      );
      expect(replyOf(await h.command(USERS.manager, 'show a b')).read).toContain(
        'Name one account only, not `a b`',
      );
    });

    it('says the registrar is not connected when its location table is missing; names a wrong group', async () => {
      // This database has no Kamailio tables: the registered phones are in test/src/sip.
      expect(replyOf(await h.command(USERS.manager, 'clients')).read).toContain(
        'registrar not connected',
      );
      expect(replyOf(await h.command(USERS.manager, 'show anna')).read).toContain(
        'registrar not connected',
      );
      expect(replyOf(await h.command(USERS.manager, 'clients nowhere')).read).toContain(
        'No group named "nowhere"',
      );
      expect(replyOf(await h.command(USERS.manager, 'clients a b')).read).toContain(
        'Usage: `/sip clients [group]`',
      );
    });

    it('lists a page at a time within Slack limits, with Next and Previous', async () => {
      await createGroup(h.deps, 'test:setup', { name: 'paging' });
      const total = 43;
      for (let i = 0; i < total; i++)
        await plainSnom(h.deps, {
          group: 'paging',
          username: `page-${String(i).padStart(2, '0')}`,
        });
      const first = replyOf(await h.command(USERS.manager, 'list --group paging'));
      expect(first.read).toContain(`1–20 of ${total}`);
      expect(blocksOf(first).length).toBeLessThanOrEqual(50);
      const next = buttonsOf(first).find((b) => b.action_id === 'accounts_page_next');
      expect(
        buttonsOf(first).find((b) => b.action_id === 'accounts_page_previous'),
      ).toBeUndefined();
      const second = await h.press(USERS.manager, 'accounts_page_next', String(next?.value));
      const page2 = replyOf(second);
      expect(page2.replace_original).toBe(true);
      expect(page2.read).toContain(`21–40 of ${total}`);
      const last = buttonsOf(page2).find((b) => b.action_id === 'accounts_page_next');
      const page3 = replyOf(
        await h.press(USERS.manager, 'accounts_page_next', String(last?.value)),
      );
      expect(page3.read).toContain(`41–${total} of ${total}`);
      expect(buttonsOf(page3).map((b) => b.action_id)).toContain('accounts_page_previous');
      expect(buttonsOf(page3).map((b) => b.action_id)).not.toContain('accounts_page_next');
      const previous = buttonsOf(page3).find((b) => b.action_id === 'accounts_page_previous');
      expect(
        replyOf(await h.press(USERS.manager, 'accounts_page_previous', String(previous?.value)))
          .read,
      ).toContain(`21–40 of ${total}`);
      const openIds = buttonsOf(first).filter((b) =>
        String(b.action_id).startsWith('account_open:'),
      );
      expect(new Set(openIds.map((b) => b.action_id)).size).toBe(20);
      const opened = replyOf(
        await h.press(USERS.manager, String(openIds[0]?.action_id), String(openIds[0]?.value)),
      );
      expect(opened.replace_original).toBe(false);
      expect(opened.read).toContain('Account page-00');
      expect(h.fake.violations).toEqual([]);
    });

    it('lists with filters, and names a wrong filter', async () => {
      const disabled = replyOf(await h.command(USERS.manager, 'list --enabled no'));
      expect(disabled.read).toContain(wiz.username);
      expect(disabled.read).not.toContain('anna');
      expect(replyOf(await h.command(USERS.manager, 'list --status nonsense')).read).toContain(
        '*status*: must be one of created',
      );
      expect(replyOf(await h.command(USERS.manager, 'list --group nope')).read).toContain(
        'No group named "nope". The groups are listed by `/sip groups`.',
      );
      expect(replyOf(await h.command(USERS.manager, 'list --colour red')).read).toContain(
        '--colour is not an option',
      );
      expect(replyOf(await h.command(USERS.manager, 'list extra')).read).toContain(
        'Usage: `/sip list',
      );
    });

    it('finds by part of a username or number', async () => {
      const found = replyOf(await h.command(USERS.manager, `find ${anna.number.slice(3, 9)}`));
      expect(found.read).toContain('anna');
      expect(found.read).toContain('matching');
      expect(replyOf(await h.command(USERS.manager, 'find zzzz')).read).toContain(
        'No accounts matching “zzzz”',
      );
      expect(replyOf(await h.command(USERS.manager, 'find')).read).toContain('Usage: `/sip find');
    });

    it('opens the create modal at once, then fills it: PGSM by default, SNOM when asked', async () => {
      const sent = await h.command(USERS.support, 'create');
      expect(sent.ms).toBeLessThan(3000);
      expect(sent.calls.map((c) => c.method)).toEqual(['views.open', 'views.update']);
      expect(readable(sent.calls[0]?.body.view)).toContain('Loading');
      const view = sent.view;
      expect(view?.callback_id).toBe('account_create');
      const read = readable(view);
      expect(read).toContain('Obfuscation key');
      expect(read).toContain(KEEP_ALIVE_WARNING);
      expect(read).toContain(OBFUSCATION_KEY_WARNING);
      expect(read).toContain('automatic activation will not be possible');
      const key = view?.blocks.find((b) => b.block_id === 'obfuscationKey');
      expect((key?.element as Block | undefined)?.initial_value).toBe('9');
      const type = view?.blocks.find((b) => b.block_id === 'type');
      expect(type?.dispatch_action).toBe(true);
      const snom = (await h.command(USERS.support, 'create snom')).view;
      expect(snom?.blocks.map((b) => b.block_id)).toContain('deny');
      expect(snom?.blocks.map((b) => b.block_id)).not.toContain('obfuscationKey');
      expect(replyOf(await h.command(USERS.support, 'create fax')).read).toContain(
        'not pgsm or snom',
      );
      expect(h.fake.violations).toEqual([]);
    });

    it('opens the wizard and edit modals; edit shows the numbers and type, not as inputs', async () => {
      const wizardView = (await h.command(USERS.support, 'wizard')).view;
      expect(wizardView?.callback_id).toBe('account_wizard');
      expect(wizardView?.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual([
        'group',
        'number',
        'profile',
      ]);
      const edit = (await h.command(USERS.support, `edit ${anna.username}`)).view;
      expect(edit?.callback_id).toBe('account_edit');
      const inputs = edit?.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
      expect(inputs).not.toContain('number');
      expect(inputs).not.toContain('type');
      expect(readable(edit)).toContain(`anna* · PGSM · ${anna.number}`);
      const missing = await h.command(USERS.support, 'edit nobody');
      expect(readable(missing.view)).toContain('No account with username or number "nobody"');
      expect(h.fake.violations).toEqual([]);
    });

    it('asks for confirmation through the card for disable, enable, delete, revoke-keys, activate', async () => {
      const before = await snapshot(h.deps);
      const disable = replyOf(await h.command(USERS.support, `disable ${anna.username}`));
      expect(disable.read).toContain('Press *Disable* below');
      expect(
        buttonsOf(disable).find((b) => b.action_id === 'account_disable')?.confirm,
      ).toBeDefined();
      expect(replyOf(await h.command(USERS.support, `enable ${anna.username}`)).read).toContain(
        'is enabled already',
      );
      expect(replyOf(await h.command(USERS.support, `enable ${wiz.username}`)).read).toContain(
        'Press *Enable* below',
      );
      expect(replyOf(await h.command(USERS.support, `delete ${anna.username}`)).read).toContain(
        'Press *Delete* below',
      );
      expect(
        replyOf(await h.command(USERS.support, `revoke-keys ${anna.username}`)).read,
      ).toContain('Press *Revoke keys* below');
      const activate = replyOf(await h.command(USERS.support, `activate ${wiz.username}`));
      expect(activate.read).toContain('Press *Send activation SMS* below');
      expect(
        buttonsOf(activate).find((b) => b.action_id === 'account_activate')?.confirm,
      ).toBeDefined();
      expect(replyOf(await h.command(USERS.support, 'activate bob')).read).toContain(
        'cannot get an activation SMS',
      );
      expect(replyOf(await h.command(USERS.support, 'disable')).read).toContain(
        'Usage: `/sip disable <account>`',
      );
      expect(await snapshot(h.deps)).toEqual(before);
    });

    it('lists groups and profiles, with the admin buttons only for admins', async () => {
      const groups = replyOf(await h.command(USERS.manager, 'groups'));
      expect(groups.read).toContain('*acme* · profile standard');
      expect(buttonsOf(groups)).toEqual([]);
      const adminGroups = replyOf(await h.command(USERS.admin, 'groups'));
      expect(buttonsOf(adminGroups).map((b) => b.action_id)).toEqual(['group_new']);
      const profiles = replyOf(await h.command(USERS.admin, 'profiles'));
      expect(profiles.read).toContain('*standard* · sip.example.com:5061 TLS');
      expect(buttonsOf(profiles).map((b) => b.action_id)).toEqual([
        'profile_edit:0',
        'profile_new',
      ]);
      expect(buttonsOf(replyOf(await h.command(USERS.support, 'profiles')))).toEqual([]);
    });

    it('opens the group and profile forms for admins', async () => {
      expect((await h.command(USERS.admin, 'groups new')).view?.callback_id).toBe('group_create');
      expect((await h.command(USERS.admin, 'profiles new')).view?.callback_id).toBe(
        'profile_create',
      );
      const edit = (await h.command(USERS.admin, 'profiles edit standard')).view;
      expect(edit?.callback_id).toBe('profile_edit');
      expect(readable(edit)).toContain('Profile *standard*');
      expect(readable((await h.command(USERS.admin, 'profiles edit nope')).view)).toContain(
        'No provisioning profile named "nope"',
      );
      expect(replyOf(await h.command(USERS.admin, 'groups delete')).read).toContain(
        'Usage: `/sip groups',
      );
      expect(h.fake.violations).toEqual([]);
    });

    it('grants, lists and revokes roles', async () => {
      const target = 'UNEWBIE01';
      expect(
        replyOf(await h.command(USERS.admin, `role <@${target}|newbie> support`)).read,
      ).toContain(`<@${target}> is now *support*`);
      expect(replyOf(await h.command(USERS.admin, `role ${target} manager`)).read).toContain(
        '(was support)',
      );
      expect(replyOf(await h.command(USERS.admin, `role <@${target}> manager`)).read).toContain(
        'nothing changed',
      );
      const list = replyOf(await h.command(USERS.admin, 'role list'));
      expect(list.read).toContain(`<@${USERS.configuredAdmin}> — *admin* (SIPOPS_ADMINS)`);
      expect(list.read).toContain(`<@${target}> — *manager* (granted by <@${USERS.admin}>`);
      expect(replyOf(await h.command(USERS.admin, 'role')).read).toContain(
        'Roles in this workspace',
      );
      expect(replyOf(await h.command(USERS.admin, `role <@${target}> none`)).read).toContain(
        'has no role any more (was manager)',
      );
      expect(replyOf(await h.command(USERS.admin, `role <@${target}> king`)).read).toContain(
        '*role*: must be one of admin, support, manager (or none to revoke)',
      );
      expect(replyOf(await h.command(USERS.admin, 'role @newbie support')).read).toContain(
        'is not a person',
      );
      expect(replyOf(await h.command(USERS.admin, `role <@${target}>`)).read).toContain(
        'Say which role',
      );
      expect(
        replyOf(await h.command(USERS.admin, `role <@${USERS.configuredAdmin}> manager`)).read,
      ).toContain('is an admin from SIPOPS_ADMINS');
    });
  });
}

import type { AccountView } from '@sipops/shared/account-view';
import { grantRole } from '@sipops/shared/use-cases/grant-role';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshot, wizard } from '../accounts.ts';
import { buttonPress, type SentView, slashCommand, TEAM } from '../payloads.ts';
import { readable, type SlackHarness, USERS } from '../slack-harness.ts';

type Role = 'admin' | 'support' | 'manager';
const RANK: Record<Role, number> = { manager: 1, support: 2, admin: 3 };

/**
 * Who asks, the role they hold (the SPEC's roles; a stranger has none) and the groups it is
 * given for (none named: every group). The account asked about is in acme.
 */
const PEOPLE: [string, string, Role | undefined, string[]?][] = [
  ['an admin from SIPOPS_ADMINS', USERS.configuredAdmin, 'admin'],
  ['an admin', USERS.admin, 'admin'],
  ['support', USERS.support, 'support'],
  ['a manager', USERS.manager, 'manager'],
  ['a stranger', USERS.stranger, undefined],
  ['support of acme', 'USCOPEDS2', 'support', ['acme']],
  ['a manager of acme and beta', 'USCOPEDM2', 'manager', ['acme', 'beta']],
  ['support of beta', 'USCOPEDS3', 'support', ['beta']],
  ['a manager of beta', 'USCOPEDM3', 'manager', ['beta']],
];

/** Subcommands about one account that a scope keeps to its groups (find only finds less). */
const isAboutTheAccount = (text: string) => text.includes('{account}') && !text.startsWith('find');

/** Every subcommand with the least role it needs (SPEC: manager reads, support changes, admin configures). */
const SUBCOMMANDS: { text: string; needs: Role; opensModal?: boolean }[] = [
  { text: 'help', needs: 'manager' },
  { text: 'show {account}', needs: 'manager' },
  { text: 'list', needs: 'manager' },
  { text: 'find {account}', needs: 'manager' },
  { text: 'clients', needs: 'manager' },
  { text: 'groups', needs: 'manager' },
  { text: 'profiles', needs: 'manager' },
  { text: 'create', needs: 'support', opensModal: true },
  { text: 'wizard', needs: 'support', opensModal: true },
  { text: 'edit {account}', needs: 'support', opensModal: true },
  { text: 'disable {account}', needs: 'support' },
  { text: 'enable {account}', needs: 'support' },
  { text: 'delete {account}', needs: 'support' },
  { text: 'revoke-keys {account}', needs: 'support' },
  { text: 'activate {account}', needs: 'support' },
  { text: 'batch', needs: 'support', opensModal: true },
  { text: 'groups new', needs: 'admin', opensModal: true },
  { text: 'profiles new', needs: 'admin', opensModal: true },
  { text: 'profiles edit standard', needs: 'admin', opensModal: true },
  { text: 'role list', needs: 'admin' },
  { text: 'role <@UTARGET01> manager', needs: 'admin' },
];

const CARD_BUTTONS = [
  'account_edit',
  'account_activate',
  'account_disable',
  'account_enable',
  'account_revoke_keys',
  'account_delete',
];

const refusalText = (needs: Role, has: Role | undefined) =>
  `needs the ${needs} role (you have ${has ?? 'none'})`;

export function roleTests(harness: () => SlackHarness): void {
  describe('roles', () => {
    let h: SlackHarness;
    let account: AccountView;

    beforeAll(async () => {
      h = harness();
      account = await wizard(h.deps);
      for (const [, userId, role, groups] of PEOPLE)
        if (role && groups)
          await grantRole({ ...h.deps, configuredAdmins: [USERS.configuredAdmin] }, 'test:setup', {
            teamId: TEAM,
            userId,
            role,
            groups,
          });
    });

    describe.each(PEOPLE)('%s', (_who, userId, role, groups) => {
      it.each(SUBCOMMANDS)('/sip $text needs $needs', async ({ text, needs, opensModal }) => {
        const before = await snapshot(h.deps);
        const sent = await h.command(userId, text.replace('{account}', account.username));
        expect(sent.status).toBe(200);
        expect(sent.ms).toBeLessThan(3000);
        const read = readable(sent.replies);
        const isAllowed = role !== undefined && RANK[role] >= RANK[needs];
        const isOutOfScope = groups !== undefined && !groups.includes('acme');
        if (isAllowed && isOutOfScope && isAboutTheAccount(text)) {
          // Their role would allow it, but the account is not in their groups.
          expect(readable(opensModal ? sent.view : sent.replies)).toContain(
            `account "${account.username}" is not in your groups`,
          );
          expect(await snapshot(h.deps)).toEqual(before);
        } else if (isAllowed) {
          expect(read).not.toContain('You cannot do that');
          if (opensModal) expect(sent.calls.map((c) => c.method)).toContain('views.open');
          else expect(sent.replies.length).toBe(1);
        } else {
          expect(read).toContain(`You cannot do that: it ${refusalText(needs, role)}`);
          expect(read).toContain('/sip role @you <role>');
          expect(sent.calls.map((c) => c.method)).toEqual(['response_url']);
          expect(await snapshot(h.deps)).toEqual(before);
        }
      });
    });

    it.each([
      ['a manager', USERS.manager, 'manager' as const],
      ['a stranger', USERS.stranger, undefined],
    ])('refuses every card button to %s, changing nothing', async (_who, userId, role) => {
      const value = JSON.stringify({ a: account.username, v: account.updatedAt });
      const before = await snapshot(h.deps);
      for (const actionId of CARD_BUTTONS) {
        const sent = await h.press(userId, actionId, value);
        expect(readable(sent.replies)).toContain(refusalText('support', role));
        expect(sent.replies[0]?.replace_original).toBe(false);
        expect(sent.calls.map((c) => c.method)).toEqual(['response_url']);
      }
      expect(await snapshot(h.deps)).toEqual(before);
    });

    it('refuses every card button, and History, of another group to support of beta', async () => {
      const value = JSON.stringify({ a: account.username, v: account.updatedAt });
      const before = await snapshot(h.deps);
      for (const actionId of [...CARD_BUTTONS, 'account_history']) {
        const sent = await h.press('USCOPEDS3', actionId, value);
        expect(readable([sent.replies, sent.view ?? null])).toContain(
          `account "${account.username}" is not in your groups`,
        );
      }
      expect(await snapshot(h.deps)).toEqual(before);
    });

    it('refuses the list and setup buttons to those without the role', async () => {
      const page = await h.press(
        USERS.stranger,
        'accounts_page_next',
        JSON.stringify({ offset: 20 }),
      );
      expect(readable(page.replies)).toContain(refusalText('manager', undefined));
      const open = await h.press(USERS.stranger, 'account_open:0', account.username);
      expect(readable(open.replies)).toContain(refusalText('manager', undefined));
      for (const actionId of ['group_new', 'profile_new', 'profile_edit:0']) {
        const sent = await h.press(USERS.support, actionId, 'standard');
        expect(readable(sent.replies)).toContain(refusalText('admin', 'support'));
        expect(sent.calls.map((c) => c.method)).toEqual(['response_url']);
      }
    });

    it('checks the role again on submission: a form in the wrong hands writes nothing', async () => {
      const create = (await h.command(USERS.support, 'create')).view as SentView;
      const group = (await h.command(USERS.admin, 'groups new')).view as SentView;
      const before = await snapshot(h.deps);
      const values = {
        group: 'acme',
        number: '+39 347 999 0001',
        password: 'long-pass-1',
        passwordConfirm: 'long-pass-1',
      };
      for (const [userId, role] of [
        [USERS.manager, 'manager'],
        [USERS.stranger, undefined],
      ] as const) {
        const sent = await h.submit(userId, create, values);
        expect(sent.json?.response_action).toBe('update');
        expect(readable(sent.json?.view)).toContain(refusalText('support', role));
      }
      const refused = await h.submit(USERS.support, group, { name: 'delta' });
      expect(readable(refused.json?.view)).toContain(refusalText('admin', 'support'));
      const switched = await h.switchType(USERS.manager, create, 'snom');
      expect(readable(switched.view)).toContain(refusalText('support', 'manager'));
      expect(await snapshot(h.deps)).toEqual(before);
    });

    it('holds a role in its own team only', async () => {
      const sent = await h.send(
        slashCommand({
          userId: USERS.support,
          teamId: 'T0OTHER01',
          text: 'list',
          responseUrl: h.fake.responseUrl(),
        }),
      );
      expect(readable(sent.replies)).toContain(refusalText('manager', undefined));
      const pressed = await h.send(
        buttonPress({
          userId: USERS.support,
          teamId: 'T0OTHER01',
          actionId: 'account_disable',
          value: JSON.stringify({ a: account.username, v: account.updatedAt }),
          responseUrl: h.fake.responseUrl(),
        }),
      );
      expect(readable(pressed.replies)).toContain(refusalText('support', undefined));
    });

    it('keeps one admin: the last admin cannot step down while SIPOPS_ADMINS names nobody', async () => {
      // Here SIPOPS_ADMINS names one, so an admin may step down; the rule itself is a use-case test.
      await h.grant('UADMIN002', 'admin');
      const sent = await h.command('UADMIN002', 'role <@UADMIN002> support');
      expect(readable(sent.replies)).toContain('is now *support* of every group (was admin)');
      const after = await h.command('UADMIN002', 'role list');
      expect(readable(after.replies)).toContain(refusalText('admin', 'support'));
    });

    it('lets a new manager in once granted, and out once revoked', async () => {
      const newcomer = 'UNEWCOMER';
      expect(readable((await h.command(newcomer, 'list')).replies)).toContain(
        refusalText('manager', undefined),
      );
      await h.command(USERS.admin, `role <@${newcomer}> manager`);
      expect(readable((await h.command(newcomer, 'list')).replies)).not.toContain(
        'You cannot do that',
      );
      await h.command(USERS.admin, `role <@${newcomer}> none`);
      expect(readable((await h.command(newcomer, 'list')).replies)).toContain(
        refusalText('manager', undefined),
      );
    });
  });
}

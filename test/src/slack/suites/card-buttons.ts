import { auditLog, outbox } from '@sipops/db/schema';
import type { AccountView } from '@sipops/shared/account-view';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { plainPgsm, plainSnom, wizard } from '../accounts.ts';
import { buttonPress } from '../payloads.ts';
import { readable, type Sent, type SlackHarness, USERS } from '../slack-harness.ts';

type Button = { action_id: string; value: string; confirm?: Record<string, { text: string }> };

function cardButtons(reply: Record<string, unknown> | undefined): Button[] {
  const blocks = (reply?.blocks ?? []) as { elements?: Button[] }[];
  return blocks.flatMap((block) => block.elements ?? []);
}

export function cardButtonTests(harness: () => SlackHarness): void {
  describe('account card buttons', () => {
    let h: SlackHarness;

    beforeAll(async () => {
      h = harness();
    });

    async function cardOf(account: AccountView) {
      const sent = await h.command(USERS.support, `show ${account.username}`);
      return cardButtons(sent.replies[0]);
    }

    const button = (buttons: Button[], actionId: string) => {
      const found = buttons.find((b) => b.action_id === actionId);
      if (!found) throw new Error(`no ${actionId} on the card`);
      return found;
    };

    const auditCount = async (account: AccountView, action: string) =>
      h.deps.db.$count(
        auditLog,
        and(eq(auditLog.subjectId, account.id), eq(auditLog.action, action)),
      );

    /**
     * Two presses of the same button at once, as a double click sends them; the replies of both
     * (each reply says which press it answers only by its content).
     */
    async function doubleClick(actionId: string, value: string) {
      const mark = h.fake.calls.length;
      const press = () =>
        h.send(
          buttonPress({
            userId: USERS.support,
            actionId,
            value,
            responseUrl: h.fake.responseUrl(),
          }),
        );
      const sent: Sent[] = await Promise.all([press(), press()]);
      for (const one of sent) expect(one.ms).toBeLessThan(3000);
      const replies = h.fake.calls
        .slice(mark)
        .filter((call) => call.method === 'response_url')
        .map((call) => call.body);
      expect(replies).toHaveLength(2);
      return replies;
    }

    it('confirms every risky button with a dialog that says what will happen', async () => {
      const account = await wizard(h.deps);
      const buttons = await cardOf(account);
      expect(readable(button(buttons, 'account_activate').confirm)).toContain(
        `goes to ${account.number}`,
      );
      expect(readable(button(buttons, 'account_enable').confirm)).toContain(
        'will call and be called again',
      );
      expect(readable(button(buttons, 'account_revoke_keys').confirm)).toContain(
        'a PIN change or a duress code',
      );
      expect(readable(button(buttons, 'account_delete').confirm)).toContain('deleted for good');
      const enabled = await cardOf(await plainPgsm(h.deps));
      expect(readable(button(enabled, 'account_disable').confirm)).toContain(
        'will neither call nor be called',
      );
    });

    it('disables once on a double click, replacing the card; the second press refreshes it', async () => {
      const account = await plainPgsm(h.deps);
      const disable = button(await cardOf(account), 'account_disable');
      const replies = await doubleClick('account_disable', disable.value);
      const texts = replies.map((reply) => readable(reply));
      expect(texts.filter((text) => text.includes(`Disabled by <@${USERS.support}>`))).toHaveLength(
        1,
      );
      expect(
        texts.filter((text) => text.includes('changed since this card was shown')),
      ).toHaveLength(1);
      for (const reply of replies) expect(reply.replace_original).toBe(true);
      expect((await showAccount(h.deps, account.username)).enabled).toBe(false);
      expect(await auditCount(account, 'account.disabled')).toBe(1);
      // The refreshed card offers Enable, which works.
      const enable = button(cardButtons(replies[0]), 'account_enable');
      const enabled = await h.press(USERS.support, 'account_enable', enable.value);
      expect(readable(enabled.replies)).toContain(`Enabled by <@${USERS.support}>`);
      expect((await showAccount(h.deps, account.username)).enabled).toBe(true);
      expect(await auditCount(account, 'account.enabled')).toBe(1);
    });

    it('does not act on a card that is out of date', async () => {
      const account = await plainPgsm(h.deps);
      const stale = button(await cardOf(account), 'account_disable');
      const disable = button(await cardOf(account), 'account_disable');
      await h.press(USERS.support, 'account_disable', disable.value);
      const enable = button(
        cardButtons((await h.command(USERS.support, `show ${account.username}`)).replies[0]),
        'account_enable',
      );
      await h.press(USERS.support, 'account_enable', enable.value);
      const late = await h.press(USERS.support, 'account_disable', stale.value);
      expect(readable(late.replies)).toContain(
        'changed since this card was shown, so nothing was done',
      );
      expect((await showAccount(h.deps, account.username)).enabled).toBe(true);
    });

    it('revokes keys once on a double click', async () => {
      const account = await plainSnom(h.deps);
      const revoke = button(await cardOf(account), 'account_revoke_keys');
      const replies = await doubleClick('account_revoke_keys', revoke.value);
      expect(readable(replies)).toContain(`key(s) revoked by <@${USERS.support}>`);
      expect(await auditCount(account, 'account.keys_revoked')).toBe(1);
    });

    it('deletes once on a double click; the card becomes a note of who deleted it', async () => {
      const account = await plainPgsm(h.deps);
      const remove = button(await cardOf(account), 'account_delete');
      const texts = (await doubleClick('account_delete', remove.value)).map((reply) =>
        readable(reply),
      );
      expect(
        texts.filter((text) => text.includes(`was deleted by <@${USERS.support}>`)),
      ).toHaveLength(1);
      expect(
        texts.filter((text) => text.includes('does not exist any more; nothing was done')),
      ).toHaveLength(1);
      expect(await auditCount(account, 'account.deleted')).toBe(1);
      await expect(showAccount(h.deps, account.username)).rejects.toThrow(/no account/);
    });

    it('sends the activation SMS once on a double click: status moves, one SMS queued', async () => {
      const account = await wizard(h.deps);
      const activate = button(await cardOf(account), 'account_activate');
      const replies = await doubleClick('account_activate', activate.value);
      expect(readable(replies)).toContain(`Activation SMS to ${account.number} queued`);
      expect((await showAccount(h.deps, account.username)).status).toBe('installation_sms_sent');
      const sms = await h.deps.db.$count(
        outbox,
        and(eq(outbox.kind, 'sms'), eq(outbox.orderKey, `sms:${account.id}`)),
      );
      expect(sms).toBe(1);
    });

    it('tells the user when a send is not possible, on the card', async () => {
      const account = await plainPgsm(h.deps);
      const disable = button(await cardOf(account), 'account_disable');
      await h.press(USERS.support, 'account_disable', disable.value);
      const card = cardButtons(
        (await h.command(USERS.support, `show ${account.username}`)).replies[0],
      );
      const refused = await h.press(
        USERS.support,
        'account_activate',
        button(card, 'account_activate').value,
      );
      expect(readable(refused.replies)).toContain(
        'Not possible: the account is disabled: enable it first.',
      );
      expect(refused.replies[0]?.replace_original).toBe(false);
    });

    it('answers a button that is not from a card, instead of failing silently', async () => {
      const sent = await h.press(USERS.support, 'account_disable', 'garbage');
      expect(readable(sent.replies)).toContain('does not come from an account card');
      const page = await h.press(USERS.manager, 'accounts_page_next', '{');
      expect(readable(page.replies)).toContain('This page button is out of date');
      expect(h.fake.violations).toEqual([]);
    });
  });
}

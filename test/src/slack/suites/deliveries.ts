import { auditLog } from '@sipops/db/schema';
import { mobileNumber } from '@sipops/shared/testing/test-fixture';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../fake-slack.ts';
import { plainPgsm, snapshot } from '../accounts.ts';
import {
  buttonPress,
  type SentView,
  slashCommand,
  triggerId,
  viewSubmission,
} from '../payloads.ts';
import { readable, SIGNING_SECRET, type SlackHarness, USERS } from '../slack-harness.ts';

const RETRY = { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' };

export function deliveryTests(harness: () => SlackHarness): void {
  describe('deliveries', () => {
    let h: SlackHarness;

    beforeAll(async () => {
      h = harness();
    });

    it('acknowledges a retried command and does nothing a second time', async () => {
      const request = slashCommand({
        userId: USERS.admin,
        text: 'role <@URETRY001> support',
        responseUrl: h.fake.responseUrl(),
      });
      const first = await h.send(request);
      expect(readable(first.replies)).toContain('is now *support*');
      const before = await snapshot(h.deps);
      for (const retry of ['1', '2']) {
        const again = await h.send(request, { ...RETRY, 'x-slack-retry-num': retry });
        expect(again.status).toBe(200);
        expect(again.calls).toEqual([]);
      }
      expect(await snapshot(h.deps)).toEqual(before);
      expect(await h.deps.db.$count(auditLog, eq(auditLog.subjectName, 'URETRY001'))).toBe(1);
    });

    it('acknowledges a retried button press and acts once', async () => {
      const account = await plainPgsm(h.deps);
      const request = buttonPress({
        userId: USERS.support,
        actionId: 'account_revoke_keys',
        value: JSON.stringify({ a: account.username, v: account.updatedAt }),
        responseUrl: h.fake.responseUrl(),
      });
      await h.send(request);
      const again = await h.send(request, RETRY);
      expect(again.status).toBe(200);
      expect(again.calls).toEqual([]);
      expect(await h.deps.db.$count(auditLog, eq(auditLog.subjectId, account.id))).toBe(2);
    });

    it('acknowledges a retried submission and creates one account', async () => {
      const view = (await h.command(USERS.support, 'wizard')).view as SentView;
      const number = mobileNumber();
      const request = viewSubmission({
        userId: USERS.support,
        view,
        values: { group: 'acme', number },
      });
      const first = await h.send(request);
      expect(first.replies).toHaveLength(1);
      const before = await snapshot(h.deps);
      const again = await h.send(request, RETRY);
      expect(again.status).toBe(200);
      expect(again.json).toBeUndefined();
      expect(again.calls).toEqual([]);
      expect(await snapshot(h.deps)).toEqual(before);
      expect((await showAccount(h.deps, number)).createdVia).toBe('wizard');
    });

    it('handles a retry whose first delivery never arrived, once', async () => {
      const request = slashCommand({
        userId: USERS.manager,
        text: 'help',
        responseUrl: h.fake.responseUrl(),
      });
      const retry = await h.send(request, RETRY);
      expect(retry.replies).toHaveLength(1);
      expect((await h.send(request, { ...RETRY, 'x-slack-retry-num': '2' })).calls).toEqual([]);
    });

    it('tells the user to run the command again when the trigger id has expired', async () => {
      for (const text of ['create', 'wizard', 'edit anything', 'groups new']) {
        const user = text === 'groups new' ? USERS.admin : USERS.support;
        const sent = await h.command(user, text, { triggerId: triggerId('expired') });
        expect(sent.calls.map((c) => c.method)).toEqual(['views.open', 'response_url']);
        expect(readable(sent.replies)).toContain(
          'Slack did not let the form open in time (it allows 3 seconds). Run the command again.',
        );
      }
      const account = await plainPgsm(h.deps);
      const pressed = await h.send(
        buttonPress({
          userId: USERS.support,
          actionId: 'account_edit',
          value: JSON.stringify({ a: account.username, v: account.updatedAt }),
          responseUrl: h.fake.responseUrl(),
          triggerId: triggerId('expired'),
        }),
      );
      expect(readable(pressed.replies)).toContain('Run the command again');
    });

    it('acknowledges within 3 seconds even when Slack hangs, then says something went wrong', async () => {
      h.fake.script('views.open', 'hang');
      const sent = await h.command(USERS.support, 'create');
      expect(sent.ms).toBeLessThan(1000);
      const read = readable(sent.replies);
      expect(read).toMatch(
        /Something went wrong on our side; try again\. If it keeps failing, tell an admin \(ref ([0-9a-f]{8})\)/,
      );
      const ref = /ref ([0-9a-f]{8})/.exec(read)?.[1];
      expect(h.errors.some((line) => line.includes(`ref ${ref}`))).toBe(true);
    });

    it('tells the user when Slack fails to show the filled modal', async () => {
      h.fake.script('views.update', { status: 500, json: { ok: false, error: 'internal_error' } });
      const sent = await h.command(USERS.support, 'create');
      expect(sent.calls.map((c) => c.method)).toEqual([
        'views.open',
        'views.update',
        'response_url',
      ]);
      expect(readable(sent.replies)).toContain('Something went wrong on our side');
    });

    it('refuses unsigned, wrongly signed and replayed requests, doing nothing', async () => {
      const { body, contentType } = slashCommand({
        userId: USERS.admin,
        text: 'role <@UREPLAY01> admin',
        responseUrl: h.fake.responseUrl(),
      });
      const before = await snapshot(h.deps);
      const attempts: Record<string, string>[] = [
        {},
        signSlackRequest('wrong-secret-000000000000000000', body),
        signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) - 600),
      ];
      for (const headers of attempts) {
        const response = await fetch(h.eventsUrl, {
          method: 'POST',
          headers: { 'content-type': contentType, ...headers },
          body,
        });
        expect(response.status).toBe(401);
      }
      await h.bot.idle();
      expect(await snapshot(h.deps)).toEqual(before);
    });
  });
}

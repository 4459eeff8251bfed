import { describe, expect, it } from 'vitest';
import { buildNotificationMessage, notificationPayloadSchema } from './notification-message.ts';

const account = {
  id: 'a1',
  username: '1001',
  number: '+393471000001',
  group: 'acme',
  type: 'pgsm',
  status: 'installed',
  enabled: false,
  createdVia: 'wizard',
  obfuscationKey: 9,
};
const base = { actor: 'slack:T1/U1', at: '2025-03-01T09:00:00.000Z', account, before: null };

const render = (payload: Record<string, unknown>) =>
  buildNotificationMessage(notificationPayloadSchema.parse({ ...base, ...payload }));

describe('notification messages', () => {
  it.each([
    ['account.created', /Account 1001 created in group acme — PGSM account, automatic activation/],
    ['account.disabled', /Account 1001 disabled/],
    ['account.enabled', /Account 1001 enabled/],
    ['account.deleted', /Account 1001 deleted/],
    ['account.keys_revoked', /All keys of Account 1001 revoked/],
    ['account.something_new', /Account 1001: account.something_new/],
  ])('%s says what happened', (event, text) => {
    expect(render({ event }).text).toMatch(text);
  });

  it('shows a status change from → to', () => {
    const { text } = render({
      event: 'account.status_changed',
      before: { ...account, status: 'installation_sms_sent' },
    });
    expect(text).toBe('Account 1001: Installation SMS sent → Installed');
  });

  it('lists what an edit changed, never a password', () => {
    const { text, blocks } = render({
      event: 'account.edited',
      before: { ...account, obfuscationKey: 9 },
      account: { ...account, obfuscationKey: 200, password: 'leaked?' },
      isPasswordChanged: true,
    });
    expect(text).toBe('Account 1001 edited — Obfuscation key: 9 → 200; Password: changed');
    expect(JSON.stringify(blocks)).not.toContain('leaked?');
  });

  it('reports an SMS that was not delivered, with its error code', () => {
    const { text } = render({
      event: 'sms.failed',
      error: { code: 30003, message: 'Unreachable destination handset' },
    });
    expect(text).toBe(
      'SMS to +393471000001 for Account 1001 was not delivered — Error 30003: Unreachable destination handset',
    );
  });

  it('reports a batch import once per group, without an account', () => {
    const payload = notificationPayloadSchema.parse({
      event: 'accounts.imported',
      actor: 'terminal:alice',
      at: base.at,
      group: 'acme',
      accounts: 120,
      importId: 'i1',
    });
    expect(buildNotificationMessage(payload).text).toBe('120 accounts imported into group acme');
  });

  it('escapes what staff typed and keeps sections within Slack limits', () => {
    const { blocks } = render({
      event: 'account.edited',
      account: { ...account, group: '<!channel> & co', deny: ['x'.repeat(5000)] },
      before: { ...account, deny: [] },
    });
    const json = JSON.stringify(blocks);
    expect(json).toContain('&lt;!channel&gt; &amp; co');
    for (const block of blocks) {
      if (block.type === 'section') expect(block.text?.text.length).toBeLessThanOrEqual(3000);
    }
  });
});

import { testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActivationServer,
  localSmsToken,
  seedWizardAccount,
  startActivationServer,
} from '../activation/activation-server.ts';

type Shown = { status: string; enabled: boolean };

// A server per database, side by side; the steps on each one in order.
describe.concurrent.each(testDatabaseKinds())(
  'the activation link under attack on %s',
  { timeout: 240_000 },
  (kind) => {
    let app: ActivationServer;

    beforeAll(async () => {
      app = await startActivationServer(kind);
    }, 180_000);
    afterAll(async () => {
      await app?.stop();
    });

    /** A wizard account with its SMS sent; returns its username and the link's token. */
    async function withLink(number: string): Promise<{ username: string; token: string }> {
      const username = await seedWizardAccount(app, number);
      const sent = await app.sip('activate', username, '--yes');
      expect(sent.code, sent.stderr).toBe(0);
      return { username, token: await localSmsToken(app, username) };
    }

    const press = (token: string) =>
      fetch(`${app.baseUrl}/a/${token}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });

    it.sequential('HEAD on the provisioning link changes nothing', async () => {
      const { username, token } = await withLink('+39 347 300 0001');
      const head = await fetch(`${app.baseUrl}/api/provisioning/${token}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await app.sipJson<Shown>('show', username)).toMatchObject({
        status: 'installation_sms_sent',
      });
    });

    it.sequential('disable stops a wizard account waiting for activation: its link dies and Activate refuses', async () => {
      const { username, token } = await withLink('+39 347 300 0002');
      expect((await fetch(`${app.baseUrl}/api/provisioning/${token}`)).status).toBe(200);
      const disabled = await app.sip('disable', username, '--yes');
      expect(disabled.code, disabled.stderr).toBe(0);
      expect(disabled.stdout).not.toMatch(/already/);

      const pressed = await press(token);
      expect(pressed.status).toBe(404);
      expect(await pressed.text()).toMatch(/not valid any more|ask support/i);
      expect((await fetch(`${app.baseUrl}/api/provisioning/${token}`)).status).toBe(404);
      expect(await app.sipJson<Shown>('show', username)).toMatchObject({ enabled: false });
      // No new link either until staff enable it again.
      expect((await app.sip('activate', username, '--yes')).code).toBe(1);

      expect((await app.sip('enable', username, '--yes')).code).toBe(0);
      expect(await app.sipJson<Shown>('show', username)).toMatchObject({ enabled: true });
    });

    it.sequential('ten Activate presses at once all land on the done page, and activate once', async () => {
      const { username, token } = await withLink('+39 347 300 0003');
      expect((await fetch(`${app.baseUrl}/api/provisioning/${token}`)).status).toBe(200);
      const answers = await Promise.all(Array.from({ length: 10 }, () => press(token)));
      // The done page carries the page's language and profile in its query: the path is what counts.
      expect(answers.map((a) => `${a.status} ${a.headers.get('location')?.split('?')[0]}`)).toEqual(
        Array.from({ length: 10 }, () => '303 /a/done'),
      );
      expect(await app.sipJson<Shown>('show', username)).toMatchObject({
        status: 'activated',
        enabled: true,
      });
    });

    it.sequential('answers every path with the security headers, no Next internals and no stack', async () => {
      for (const [method, path] of [
        ['GET', '/'],
        ['GET', '/no/such/page'],
        ['GET', '/a/%zz'],
        ['GET', '/api/provisioning/%zz'],
        ['POST', '/a/%zz'],
        ['GET', '/a/unknown-token'],
        ['GET', '/api/health'],
        ['GET', '/api/provisioning/unknown-token'],
      ] as const) {
        const response = await fetch(`${app.baseUrl}${path}`, { method });
        const where = `${method} ${path} → ${response.status}`;
        expect(response.status, where).toBeLessThan(500);
        expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
        expect(response.headers.get('content-security-policy'), where).toBeTruthy();
        expect(response.headers.get('referrer-policy'), where).toBe('no-referrer');
        const internal = [...response.headers.keys()].filter((name) => name.startsWith('x-nextjs'));
        expect(internal, where).toEqual([]);
        expect(await response.text(), where).not.toMatch(/\n\s+at |node_modules|Failed query/);
      }
    });
  },
);

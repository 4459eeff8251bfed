import { testDatabaseKinds } from '@sipops/db/testing';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActivationServer,
  localSmsToken,
  seedWizardAccount,
  startActivationServer,
} from '../activation/activation-server.ts';
import { launchChromium, USER_AGENTS } from './chromium.ts';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

// A server and a browser per database, side by side; the steps on each one in order.
describe.concurrent.each(testDatabaseKinds())(
  'the activation page in Chromium on %s',
  { timeout: 180_000 },
  (kind) => {
    let app: ActivationServer;
    let browser: Browser;
    let nextNumber = 3_000_001;

    beforeAll(async () => {
      [app, browser] = await Promise.all([startActivationServer(kind), launchChromium()]);
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });

    /** A wizard account with its SMS in the local outbox; returns its username and link token. */
    async function accountWithLink(): Promise<{ username: string; token: string }> {
      const username = await seedWizardAccount(app, `+39 347 ${nextNumber++}`);
      const sent = await app.sip('activate', username, '--yes');
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stdout).toMatch(/local outbox: npm run sip -- sms list --account/);
      return { username, token: await localSmsToken(app, username) };
    }

    /** Opens the link in a fresh context; records every request and console message. */
    async function open(token: string, options: BrowserContextOptions) {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const requests: string[] = [];
      const console: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => console.push(message.text()));
      const response = await page.goto(`${app.baseUrl}/a/${token}`);
      return { context, page, response, requests, console };
    }

    const count = (page: Page, selector: string) => page.locator(selector).count();

    it.sequential('shows an iPhone the App Store and the app button, no QR, in Italian, with nothing else loaded', async ({
      expect,
    }) => {
      const { token } = await accountWithLink();
      const { context, page, response, requests, console } = await open(token, {
        ...PHONE,
        userAgent: USER_AGENTS.iPhone,
        locale: 'it-IT',
      });
      expect(response?.status()).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe('it');
      await expect.poll(() => page.locator('#app-store').isVisible()).toBe(true);
      expect(await page.locator('#app-store').getAttribute('href')).toBe(
        'https://apps.apple.com/app/acme/id123',
      );
      expect(await count(page, '#google-play')).toBe(0);
      expect(await count(page, 'svg.qr')).toBe(0);
      expect(await page.locator('#open-app').getAttribute('href')).toBe(
        `acme://provision?url=${encodeURIComponent(`${app.baseUrl}/api/provisioning/${token}`)}`,
      );
      expect(await page.locator('h1').textContent()).toBe('Acme: configura il telefono');
      // One request (the page itself), no cookies, and no CSP complaint (the style's hash matches).
      expect(requests).toEqual([`${app.baseUrl}/a/${token}`]);
      expect(await context.cookies()).toEqual([]);
      expect(console.filter((line) => /Content Security Policy|Refused/i.test(line))).toEqual([]);
      // Buttons are big enough to hit with a thumb (48 px and more).
      expect((await page.locator('#app-store').boundingBox())?.height).toBeGreaterThanOrEqual(48);
      await context.close();
    });

    it.sequential('shows an Android phone Google Play, no QR', async () => {
      const { token } = await accountWithLink();
      const { context, page } = await open(token, { ...PHONE, userAgent: USER_AGENTS.android });
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('#google-play').isVisible()).toBe(true);
      expect(await count(page, '#app-store')).toBe(0);
      expect(await count(page, 'svg.qr')).toBe(0);
      await context.close();
    });

    it.sequential('shows a computer the QR code of the page and both stores', async () => {
      const { token } = await accountWithLink();
      const { context, page } = await open(token, {
        viewport: { width: 1280, height: 800 },
        userAgent: USER_AGENTS.desktop,
      });
      const qr = page.getByRole('img', { name: 'QR code of this page' });
      expect(await qr.isVisible()).toBe(true);
      const box = await qr.boundingBox();
      expect(box?.width).toBeGreaterThan(150);
      expect(await page.locator('#app-store').isVisible()).toBe(true);
      expect(await page.locator('#google-play').isVisible()).toBe(true);
      await context.close();
    });

    it.sequential('activates with JavaScript off: the form posts, the done page shows, the account is activated and enabled', async () => {
      const { username, token } = await accountWithLink();
      const jsOff = { ...PHONE, userAgent: USER_AGENTS.android, javaScriptEnabled: false };

      // Pressed before the app fetched its settings: the page says what to do, nothing changes.
      const early = await open(token, jsOff);
      await early.page.getByRole('button', { name: 'Activate my account' }).click();
      await early.page.waitForURL(/notice=not-ready/);
      expect(await early.page.getByRole('status').textContent()).toMatch(
        /open the link in the app first/,
      );
      expect(await app.sipJson('show', username)).toMatchObject({
        status: 'installation_sms_sent',
        enabled: false,
      });
      await early.context.close();

      // The app fetches its settings through the link, as the "open in the app" button makes it do.
      expect((await fetch(`${app.baseUrl}/api/provisioning/${token}`)).status).toBe(200);

      const { context, page } = await open(token, jsOff);
      await page.getByRole('button', { name: 'Activate my account' }).click();
      // The done page's address carries the language and the profile that brands it.
      await page.waitForURL(new RegExp(`^${app.baseUrl}/a/done\\?`));
      expect(await page.locator('h1').textContent()).toBe('Your account is active');
      expect(await app.sipJson('show', username)).toMatchObject({
        status: 'activated',
        enabled: true,
      });

      // The link is spent: opening it again shows the page that sends the user to support.
      const dead = await page.goto(`${app.baseUrl}/a/${token}`);
      expect(dead?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('This link does not work any more');
      await context.close();
    });
  },
);

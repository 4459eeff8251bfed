import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActivationServer, startActivationServer } from '../activation/activation-server.ts';
import { launchChromium, USER_AGENTS } from './chromium.ts';
import { checkPage, DEVICES, type Device, isPhone, SCREENSHOTS } from './page-checks.ts';

const ACCENT = '#0b5d3b';
const ACCENT_RGB = 'rgb(11, 93, 59)';
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 40"><rect width="40" height="40" rx="8" fill="#0b5d3b"/><path d="M8 30 20 8l12 22z" fill="#fff"/><text x="48" y="28" font-family="sans-serif" font-size="22" font-weight="700" fill="#0b5d3b">Acme</text></svg>';
const LANGS = ['en', 'it'] as const;
const TITLES = { en: 'Acme Secure: set up your phone', it: 'Acme Secure: configura il telefono' };

// The pages do not depend on the database engine (activation-page.test.ts runs both): PGlite only.
describe('the branded mobile pages in Chromium, on every device, language and state', {
  timeout: 300_000,
}, () => {
  let app: ActivationServer;
  let browser: Browser;
  let nextNumber = 4_000_001;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startActivationServer('pglite'), launchChromium()]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const logo = join(SCREENSHOTS, '..', 'acme-logo.svg');
    writeFileSync(logo, LOGO_SVG);
    const created = await app.sip(
      'profile',
      'create',
      'branded',
      '--sip-host',
      'sip.example.com',
      '--brand',
      'Acme Secure',
      '--ios-url',
      'https://apps.apple.com/app/acme/id123',
      '--android-url',
      'https://play.google.com/store/apps/details?id=com.acme',
      '--app-scheme',
      'acme',
      '--accent-color',
      ACCENT,
      '--support',
      '+39 06 1234 5678',
      '--time-zone',
      'Europe/Rome',
      '--logo',
      logo,
    );
    expect(created.code, created.stderr).toBe(0);
    // Staff see what each SMS costs.
    expect(created.stdout).toMatch(/SMS \(it, built-in\): 1 SMS \(GSM-7, \d+ characters\)/);
    await app.sipJson('group', 'create', 'south', '--profile', 'branded');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** A wizard account's SMS link (as sent: `…/a/<token>?lang=…`), and its username. */
  async function smsLink(
    country: '+39' | '+44' = '+39',
    kind: 'installation' | 'reminder' = 'installation',
  ): Promise<{ url: string; token: string; username: string }> {
    const number =
      country === '+39' ? `+39 347 ${nextNumber++}` : `+44 7911 1${String(nextNumber++).slice(-5)}`;
    const { username } = await app.sipJson<{ username: string }>(
      'wizard',
      '--group',
      'south',
      '--number',
      number,
    );
    expect((await app.sip('activate', username, '--yes')).code).toBe(0);
    let url = await newestSmsUrl(username, '');
    if (kind === 'reminder') {
      const token = /\/a\/([\w-]{32})/.exec(url)?.[1] ?? '';
      expect((await fetch(`${app.baseUrl}/api/provisioning/${token}`)).status).toBe(200);
      expect((await app.sip('activate', username, '--reminder', '--yes')).code).toBe(0);
      url = await newestSmsUrl(username, url);
    }
    return { url, token: /\/a\/([\w-]{32})/.exec(url)?.[1] ?? '', username };
  }

  async function newestSmsUrl(username: string, previous: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const messages = await app.sipJson<{ body: string }[]>('sms', 'list', '--account', username);
      const url = /https?:\/\/\S+/.exec(messages[0]?.body ?? '')?.[0];
      if (url && url !== previous) return url;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no new SMS for ${username}`);
  }

  async function open(url: string, options: BrowserContextOptions) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const response = await page.goto(url);
    return { context, page, response, requests };
  }

  it('reads Italian throughout for an Italian SMS opened on an English-language iPhone, with the logo, colour, App Store badge and support', async () => {
    const { url, token } = await smsLink('+39');
    expect(url).toBe(`${app.baseUrl}/a/${token}?lang=it`);
    const { context, page, response, requests } = await open(url, {
      ...DEVICES.iphone,
      locale: 'en-US',
    });
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    expect(await page.locator('h1').textContent()).toBe(TITLES.it);
    const logo = page.getByRole('img', { name: 'Acme Secure' });
    expect(await logo.getAttribute('src')).toMatch(/^\/logos\/[0-9a-f]{64}$/);
    expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    const activate = page.getByRole('button', { name: 'Attiva il mio account' });
    expect(await activate.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(ACCENT_RGB);
    expect(await page.locator('#app-store').isVisible()).toBe(true);
    expect(await page.locator('#app-store svg').count()).toBe(1);
    expect(await page.locator('#google-play').count()).toBe(0);
    expect(await page.locator('#support').getAttribute('href')).toBe('tel:+390612345678');
    expect(await page.locator('#support').textContent()).toBe(
      "Chiama l'assistenza: +39 06 1234 5678",
    );
    // Rome time, Italian words.
    expect(await page.locator('main > p.h').last().textContent()).toMatch(
      /^Questo link funziona fino al \d{1,2} [a-z]+ \d{4} (alle ore )?\d{2}:\d{2} CES?T\.$/,
    );
    // The page and its logo, from this site only.
    expect(requests.every((r) => r.startsWith(app.baseUrl))).toBe(true);
    expect(requests).toHaveLength(2);
    await checkPage(page, 'set-up-iphone-it-from-sms');
    await context.close();
  });

  for (const device of Object.keys(DEVICES) as Device[]) {
    it(`shows the set-up page on ${device}: ${isPhone(device) ? 'the steps and Activate' : 'the QR code, no Activate'}, in both languages`, async () => {
      const { token } = await smsLink('+44');
      for (const lang of LANGS) {
        const { context, page, response } = await open(
          `${app.baseUrl}/a/${token}?lang=${lang}`,
          DEVICES[device],
        );
        expect(response?.status()).toBe(200);
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        expect(await page.locator('h1').textContent()).toBe(TITLES[lang]);
        const qr = page.getByRole('img', {
          name: lang === 'en' ? 'QR code of this page' : 'Codice QR di questa pagina',
        });
        if (isPhone(device)) {
          expect(await page.locator('form button[type=submit]').count()).toBe(1);
          expect(await page.locator('#open-app').count()).toBe(1);
          expect(await qr.count()).toBe(0);
          expect(await page.locator('#app-store').count()).toBe(device === 'iphone' ? 1 : 0);
          expect(await page.locator('#google-play').count()).toBe(device === 'iphone' ? 0 : 1);
        } else {
          expect(await qr.isVisible()).toBe(true);
          expect(await page.locator('h2#qr-title').textContent()).toBe(
            lang === 'en' ? 'Continue on your phone' : 'Continua sul telefono',
          );
          expect(await page.locator('form, button').count()).toBe(0);
          expect(await page.locator('#open-app').count()).toBe(0);
          expect(await page.locator('#app-store').isVisible()).toBe(true);
          expect(await page.locator('#google-play').isVisible()).toBe(true);
          expect(await page.locator('main').textContent()).not.toMatch(
            /this phone|questo telefono/,
          );
        }
        await checkPage(page, `set-up-${device}-${lang}`);
        await context.close();
      }
    });
  }

  it('shows the reminder steps in order, on a phone and on a computer, in both languages', async () => {
    const { token } = await smsLink('+39', 'reminder');
    for (const lang of LANGS) {
      for (const device of ['android', 'desktop'] as const) {
        const { context, page } = await open(
          `${app.baseUrl}/a/${token}?lang=${lang}`,
          DEVICES[device],
        );
        if (device === 'android') {
          expect(await page.locator('main p').first().textContent()).toBe(
            lang === 'en'
              ? 'One step left: activate your account.'
              : 'Manca un passo: attiva il tuo account.',
          );
          expect(
            await page.locator('ol > li').evaluateAll((items) => items.map((li) => li.id)),
          ).toEqual(['install', 'open', 'activate']);
          expect(await page.locator('ol > li .n').allTextContents()).toEqual(['1', '2', '3']);
        }
        await checkPage(page, `reminder-${device}-${lang}`);
        await context.close();
      }
    }
  });

  it('activates with JavaScript off; the done page says what happens next and whom to call, and its language switch works without JavaScript', async () => {
    const { url, token } = await smsLink('+44');
    expect(url).toBe(`${app.baseUrl}/a/${token}?lang=en`);
    expect((await fetch(`${app.baseUrl}/api/provisioning/${token}`)).status).toBe(200);
    const { context, page } = await open(url, { ...DEVICES.android, javaScriptEnabled: false });
    await page.getByRole('button', { name: 'Activate my account' }).click();
    await page.waitForURL(/\/a\/done\?lang=en&profile=[0-9a-f-]{36}$/);
    expect(await page.locator('h1').textContent()).toBe('Your account is active');
    expect(await page.locator('main').textContent()).toContain(
      'The Acme Secure app is ready: open it to make and take secure calls.',
    );
    expect(await page.locator('main h2').textContent()).toBe('What happens next');
    expect(await page.locator('#support').getAttribute('href')).toBe('tel:+390612345678');
    const doneUrl = page.url();

    await page.getByRole('link', { name: 'Italiano' }).click();
    await page.waitForURL(/\/a\/done\?profile=[0-9a-f-]{36}&lang=it$/);
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    expect(await page.locator('h1').textContent()).toBe('Il tuo account è attivo');
    expect(await page.locator('.brand img').count()).toBe(1);
    await context.close();
    // axe and the focus walk need JavaScript in the test's own hands: a fresh context.
    const phone = await open(doneUrl, DEVICES.android);
    await checkPage(phone.page, 'done-android-en');
    await phone.context.close();
    const desktop = await open(`${app.baseUrl}/a/done?lang=it`, DEVICES.desktop);
    await checkPage(desktop.page, 'done-desktop-it');
    await desktop.context.close();
  });

  it('sends a dead link, spent or unknown alike, to support with the contact, in both languages and on every kind of device', async () => {
    const { token, username } = await smsLink('+39');
    // A newer link kills this one.
    expect((await app.sip('activate', username, '--yes')).code).toBe(0);
    for (const lang of LANGS) {
      for (const device of ['small', 'desktop'] as const) {
        for (const dead of [token, 'A'.repeat(32)]) {
          const { context, page, response } = await open(
            `${app.baseUrl}/a/${dead}?lang=${lang}`,
            DEVICES[device],
          );
          expect(response?.status()).toBe(404);
          expect(await page.locator('h1').textContent()).toBe(
            lang === 'en' ? 'This link does not work any more' : 'Questo link non funziona più',
          );
          expect(await page.locator('#ask-support').getAttribute('href')).toBe('tel:+390612345678');
          expect(await page.locator('#support').getAttribute('href')).toBe('tel:+390612345678');
          if (dead === token) await checkPage(page, `dead-link-${device}-${lang}`);
          await context.close();
        }
      }
    }
  });

  it('answers / with a small page of its own', async () => {
    const { context, page, response } = await open(`${app.baseUrl}/`, {
      ...DEVICES.iphone,
      locale: 'it-IT',
    });
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    expect(await page.title()).toBe('Configurazione del telefono sicuro');
    await checkPage(page, 'home-iphone-it');
    await context.close();
  });

  it('serves the logo itself, cached for good under its hash', async () => {
    const page = await (
      await fetch(`${app.baseUrl}/a/${(await smsLink('+44')).token}`, {
        headers: { 'user-agent': USER_AGENTS.iPhone },
      })
    ).text();
    const path = /src="(\/logos\/[0-9a-f]{64})"/.exec(page)?.[1];
    expect(path).toBeDefined();
    const logo = await fetch(`${app.baseUrl}${path}`);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/svg+xml');
    expect(logo.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await logo.text()).toBe(LOGO_SVG);
    const again = await fetch(`${app.baseUrl}${path}`, {
      headers: { 'if-none-match': logo.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${app.baseUrl}/logos/${'0'.repeat(64)}`)).status).toBe(404);
  });

  it('refuses a logo that is neither PNG nor SVG, a light accent and an SMS over two segments, naming the flag', async () => {
    const notImage = join(SCREENSHOTS, '..', 'not-a-logo.txt');
    writeFileSync(notImage, 'hello');
    const logo = await app.sip('profile', 'edit', 'branded', '--logo', notImage);
    expect(logo.code).toBe(1);
    expect(logo.stderr).toMatch(/--logo: must be a PNG or an SVG file/);
    const accent = await app.sip('profile', 'edit', 'branded', '--accent-color', '#7fb3ff');
    expect(accent.code).toBe(1);
    expect(accent.stderr).toMatch(/--accent-color: #7fb3ff has a contrast of 2\.\d\d:1 with white/);
    const sms = await app.sip(
      'profile',
      'edit',
      'branded',
      '--sms-it',
      `{brand}: l’app è pronta, ${'x'.repeat(80)} {link}`,
    );
    expect(sms.code).toBe(1);
    expect(sms.stderr).toMatch(/--sms-it: is 3 SMS \(UCS-2, \d+ UCS-2 units\)/);
    const ok = await app.sip(
      'profile',
      'edit',
      'branded',
      '--sms-en',
      '{brand}: your secure phone is ready to set up: {link}',
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/SMS \(en\): 1 SMS \(GSM-7, \d+ characters\)/);
  });
});

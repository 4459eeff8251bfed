import { generateKeyPairSync } from 'node:crypto';
import {
  accounts,
  activationLinks,
  auditLog,
  clientKeys,
  outbox,
  smsMessages,
} from '@sipops/db/schema';
import { testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAKE_ACCOUNT_SID,
  FAKE_AUTH_TOKEN,
  FAKE_SERVICE_SID,
  type FakeTwilio,
  startFakeTwilio,
} from '../fake-twilio.ts';
import {
  type ActivationServer,
  seedWizardAccount,
  startActivationServer,
} from './activation-server.ts';

/** What link previews and scanners send: none of them may change anything. */
const PREVIEW_AGENTS = {
  Slack: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  WhatsApp: 'WhatsApp/2.24.6.77 A',
  iMessage:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
  Facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  Telegram: 'TelegramBot (like TwitterBot)',
  'Outlook safe links':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)',
  curl: 'curl/8.5.0',
};

type SmsJson = {
  account: string | null;
  to: string;
  provider: string;
  providerSid: string | null;
  status: string;
  errorCode: string | null;
  body: string;
};

describe.each(testDatabaseKinds())(
  'activation from end to end on %s',
  { timeout: 180_000 },
  (kind) => {
    let app: ActivationServer;
    let fake: FakeTwilio;

    beforeAll(async () => {
      fake = await startFakeTwilio();
      app = await startActivationServer(kind, () => ({
        TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN,
        TWILIO_MESSAGING_SERVICE_SID: FAKE_SERVICE_SID,
        TWILIO_API_URL: fake.url,
        // The tests stand for a proxy in front: the addresses it forwards are believed.
        SIPOPS_TRUSTED_PROXIES: '127.0.0.1',
      }));
    }, 180_000);
    afterAll(async () => {
      await app?.stop();
      await fake?.close();
    });

    /** Sends the SMS from the terminal and waits for it at the fake Twilio; returns the link's token. */
    async function sendSms(username: string): Promise<{ token: string; sid: string }> {
      const before = fake.messages.length;
      const sent = await app.sip('activate', username, '--yes');
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stdout).toMatch(/SMS to \+39\d+ queued/);
      await expect.poll(() => fake.messages.length, { timeout: 20_000 }).toBe(before + 1);
      const message = fake.messages.at(-1);
      const token = /\/a\/([A-Za-z0-9_-]{32})\?lang=it$/.exec(message?.body ?? '')?.[1];
      if (!message || !token) throw new Error(`no link in ${message?.body}`);
      return { token, sid: message.sid };
    }

    async function smsOf(username: string): Promise<SmsJson> {
      const [sms] = await app.sipJson<SmsJson[]>('sms', 'list', '--account', username);
      if (!sms) throw new Error(`no SMS for ${username}`);
      return sms;
    }

    /** Everything a visit could change: the account as shown, and on Postgres every table involved. */
    async function snapshot(username: string): Promise<unknown> {
      const shown = await app.sipJson('show', username);
      if (!app.database) return shown;
      const { db } = app.database;
      return {
        shown,
        tables: await Promise.all(
          [accounts, activationLinks, auditLog, outbox, smsMessages, clientKeys].map((t) =>
            db.select().from(t),
          ),
        ),
      };
    }

    it('sends the SMS through Twilio with a status callback the app accepts only when signed', async () => {
      const username = await seedWizardAccount(app, '+39 347 200 0001');
      const { sid } = await sendSms(username);
      expect(fake.messages.at(-1)).toMatchObject({
        to: '+393472000001',
        messagingServiceSid: FAKE_SERVICE_SID,
        validityPeriod: 36_000,
      });
      expect(fake.messages.at(-1)?.statusCallback).toMatch(
        new RegExp(`^${app.baseUrl}/api/twilio/status\\?sms=[0-9a-f-]{36}$`),
      );
      expect(await smsOf(username)).toMatchObject({ providerSid: sid, status: 'queued' });

      expect(await fake.report(sid, 'delivered', { isBadSignature: true })).toBe(403);
      expect((await smsOf(username)).status).toBe('queued');

      expect(await fake.report(sid, 'sent')).toBe(204);
      expect((await smsOf(username)).status).toBe('sent');
      expect(await fake.report(sid, 'delivered')).toBe(204);
      expect(await fake.report(sid, 'delivered')).toBe(204);
      // Late and out of order: never back.
      expect(await fake.report(sid, 'sent')).toBe(204);
      expect(await fake.report(sid, 'queued')).toBe(204);
      expect(await smsOf(username)).toMatchObject({ status: 'delivered', errorCode: null });

      const unsigned = await fetch(`${app.baseUrl}/api/twilio/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `MessageSid=${sid}&MessageStatus=failed`,
      });
      expect(unsigned.status).toBe(403);
    });

    it('records an undelivered SMS with its error code', async () => {
      const username = await seedWizardAccount(app, '+39 347 200 0002');
      const { sid } = await sendSms(username);
      expect(await fake.report(sid, 'undelivered', { errorCode: '30003' })).toBe(204);
      expect(await fake.report(sid, 'delivered')).toBe(204);
      expect(await smsOf(username)).toMatchObject({ status: 'undelivered', errorCode: '30003' });
      if (app.database) {
        const notes = await app.database.db.select().from(outbox);
        const failed = notes.filter(
          (n) => (n.payload as { event?: string }).event === 'sms.failed',
        );
        expect(failed).toHaveLength(1);
        expect(failed[0]?.payload).toMatchObject({ to: '+393472000002', error: { code: '30003' } });
      }
    });

    it('changes nothing when link previews and scanners open the link (GET and HEAD)', async () => {
      const username = await seedWizardAccount(app, '+39 347 200 0003');
      const { token } = await sendSms(username);
      const before = await snapshot(username);
      for (const [name, userAgent] of Object.entries(PREVIEW_AGENTS)) {
        for (const method of ['GET', 'HEAD']) {
          const response = await fetch(`${app.baseUrl}/a/${token}`, {
            method,
            headers: { 'user-agent': userAgent },
          });
          await response.arrayBuffer();
          expect(response.status, `${name} ${method}`).toBe(200);
          expect(response.headers.get('cache-control'), name).toContain('no-store');
        }
      }
      expect(await snapshot(username)).toEqual(before);
      expect((await app.sipJson<{ status: string }>('show', username)).status).toBe(
        'installation_sms_sent',
      );
    });

    it('provisions the app, takes its key, and activates through the form POST', async () => {
      const username = await seedWizardAccount(app, '+39 347 200 0004');
      const { token } = await sendSms(username);

      // Activate before the app fetched its settings: back to the page, which says what to do.
      const early = await fetch(`${app.baseUrl}/a/${token}`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(early.status).toBe(303);
      expect(early.headers.get('location')).toBe(`/a/${token}?lang=en&notice=not-ready#activate`);

      // HEAD of the XML URL says it is live and changes nothing.
      const head = await fetch(`${app.baseUrl}/api/provisioning/${token}.xml`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toMatch(/^application\/xml/);
      expect((await app.sipJson<{ status: string }>('show', username)).status).toBe(
        'installation_sms_sent',
      );
      // What linphonec 5.1 sends: no header of its own, `User-Agent: Unknown`.
      const xml = await fetch(`${app.baseUrl}/api/provisioning/${token}.xml`, {
        headers: { 'user-agent': 'Unknown' },
      });
      expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
      const config = await xml.text();
      expect(config).toContain('<config xmlns="http://www.linphone.org/xsds/lpconfig.xsd"');
      expect(config).toMatch(
        /<section name="proxy_0">[\s\S]*sip:sip\.example\.com:5061;transport=tls/,
      );
      expect(config).toMatch(
        new RegExp(`<entry name="username" overwrite="true">${username}</entry>`),
      );
      expect(config).toContain('<entry name="transient_provisioning" overwrite="true">1</entry>');
      expect(config).toContain('<entry name="reg_expires" overwrite="true">3600</entry>');
      expect((await app.sipJson<{ status: string }>('show', username)).status).toBe('installed');
      // The plain URL answers XML to those who ask for it.
      const asks: Record<string, string>[] = [
        { 'x-linphone-provisioning': 'true' },
        { accept: 'application/xml' },
      ];
      for (const headers of asks) {
        const asked = await fetch(`${app.baseUrl}/api/provisioning/${token}`, { headers });
        expect(asked.headers.get('content-type')).toMatch(/^application\/xml/);
        expect(await asked.text()).toContain('<section name="proxy_0">');
      }

      const json = await fetch(`${app.baseUrl}/api/provisioning/${token}`);
      expect(json.headers.get('cache-control')).toBe('no-store');
      expect(await json.json()).toMatchObject({
        account: { username, number: '+393472000004' },
        sip: { host: 'sip.example.com', port: 5061, transport: 'tls' },
        security: { model: 'end-to-site', obfuscation: { enabled: true, key: 9 } },
        keepAlive: { enabled: false, intervalSeconds: 60 },
      });

      const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
        type: 'spki',
        format: 'pem',
      }) as string;
      const key = await fetch(`${app.baseUrl}/api/provisioning/${token}/key`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-pem-file' },
        body: publicKey,
      });
      expect(key.status).toBe(201);
      expect(await key.json()).toMatchObject({
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

      const activated = await fetch(`${app.baseUrl}/a/${token}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(activated.status).toBe(303);
      expect(activated.headers.get('location')).toMatch(
        /^\/a\/done\?lang=en&profile=[0-9a-f-]{36}$/,
      );
      expect(await app.sipJson('show', username)).toMatchObject({
        status: 'activated',
        enabled: true,
      });
      // A double tap still lands on the done page; the spent link is dead for anything else.
      const again = await fetch(`${app.baseUrl}/a/${token}`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(again.headers.get('location')).toMatch(/^\/a\/done\?lang=en&profile=[0-9a-f-]{36}$/);
      expect((await fetch(`${app.baseUrl}/a/${token}`)).status).toBe(404);
      const spentJson = await fetch(`${app.baseUrl}/api/provisioning/${token}`);
      expect(spentJson.status).toBe(404);
      expect(await spentJson.json()).toMatchObject({ error: { code: expect.any(String) } });
      // Linphone gets a configuration it parses, which sets nothing: it keeps its settings.
      const spentXml = await fetch(`${app.baseUrl}/api/provisioning/${token}.xml`);
      expect(spentXml.status).toBe(404);
      expect(spentXml.headers.get('content-type')).toMatch(/^application\/xml/);
      expect(await spentXml.text()).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<config xmlns="http:\/\/www\.linphone\.org\/xsds\/lpconfig\.xsd"[^>]*>\n<!-- this link is not valid any more: ask support for a new one -->\n<\/config>\n$/,
      );
      const unknown = await fetch(`${app.baseUrl}/api/provisioning/${'x'.repeat(32)}.xml`);
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('</config>');
    });

    it('slows guessing: an address over its failed look-ups gets 429, others do not', async () => {
      const username = await seedWizardAccount(app, '+39 347 200 0005');
      const { token } = await sendSms(username);
      const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
      for (let i = 0; i < 20; i++) {
        const guess = await fetch(
          `${app.baseUrl}/a/${'g'.repeat(31)}${i % 10}`,
          from('198.51.100.9'),
        );
        expect(guess.status).toBe(404);
        await guess.arrayBuffer();
      }
      const blocked = await fetch(`${app.baseUrl}/a/${token}`, from('198.51.100.9'));
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get('retry-after')).toBe('900');
      expect(await blocked.text()).toMatch(/Too many attempts/);
      const api = await fetch(`${app.baseUrl}/api/provisioning/${token}`, from('198.51.100.9'));
      expect(api.status).toBe(429);
      expect((await fetch(`${app.baseUrl}/a/${token}`, from('198.51.100.10'))).status).toBe(200);
    });
  },
);

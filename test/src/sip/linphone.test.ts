import { readFileSync } from 'node:fs';
import { executeRows } from '@sipops/db/execute';
import { createTestDatabase } from '@sipops/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActivationServer,
  localSmsToken,
  startActivationServer,
} from '../activation/activation-server.ts';
import { type Kamailio, startKamailio } from './kamailio.ts';
import { type Linphonec, readRcEntry, startLinphonec } from './linphonec.ts';

/** Phones reach Kamailio by address: the profile's SIP host is where it listens. */
const DOMAIN = '127.0.0.1';
/** linphonec prints `registered, identity=… duration=…` to `status register` once registered. */
const REGISTERED = /registered, identity=.+ duration=\d+/;
/** Display names may hold spaces: `Call 1 with "+39 347…" <sip:…> ended (Call terminated).` */
const callEnded = (id: number) => new RegExp(`Call ${id} with .+ ended \\(([^)]*)\\)\\.`);

const ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';

type ClientJson = { username: string; userAgent: string; contact: string };

/**
 * A stock linphonec (Debian's linphone-cli 5.1), given nothing but the XML URL that the page of
 * the SMS link opens it with, provisions itself, registers on a real Kamailio over sipops' views,
 * calls another one by number, and is cut off when staff disable it.
 * Postgres only (Kamailio and sipops are other processes); it fails when either program is missing.
 */
describe('a stock Linphone provisioned from the SMS link', { timeout: 300_000 }, () => {
  let kamailio: Kamailio;
  let app: ActivationServer;
  const phones: Linphonec[] = [];

  beforeAll(async () => {
    const database = await createTestDatabase('postgres');
    kamailio = await startKamailio({ databaseUrl: database.url, domain: DOMAIN });
    app = await startActivationServer(
      'postgres',
      () => ({ SIPOPS_KAMAILIO_RPC_URL: kamailio.rpcUrl }),
      database,
    );
    await app.sipJson(
      'profile',
      'create',
      'linphone',
      '--sip-host',
      DOMAIN,
      '--transport',
      'udp',
      '--sip-port',
      String(kamailio.sipPort),
      '--brand',
      'Acme',
      '--app-link',
      'linphone',
      '--reg-expires',
      '600',
      '--credentials',
      'ha1',
    );
    await app.sipJson('group', 'create', 'phones', '--profile', 'linphone');
  }, 240_000);
  afterAll(async () => {
    for (const phone of phones) await phone.dispose();
    await kamailio?.stop();
    await app?.stop();
  });

  const contactsOf = async (username: string) => {
    const db = app.database?.db;
    if (!db) throw new Error('no database');
    const [row] = await executeRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from location where username = ${username}`,
    );
    return row?.count ?? 0;
  };

  /**
   * Staff make a wizard account and send its SMS; the phone opens the page's "open in the app"
   * link (linphone-config:<XML URL>), provisions itself, and the user taps Activate.
   */
  async function provisionedPhone(name: string, number: string) {
    const { username } = await app.sipJson<{ username: string }>(
      'wizard',
      '--group',
      'phones',
      '--number',
      number,
    );
    // ZRTP between the phones: the media is encrypted end to end, not by the server.
    await app.sipJson('edit', username, '--security', 'end-to-end');
    expect((await app.sip('activate', username, '--yes')).code).toBe(0);
    const token = await localSmsToken(app, username);
    // The page as an Android phone gets it: the "open in the app" button is for phones.
    const page = await (
      await fetch(`${app.baseUrl}/a/${token}`, { headers: { 'user-agent': ANDROID } })
    ).text();
    const href = /id="open-app" href="([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toBe(`linphone-config:${app.baseUrl}/api/provisioning/${token}.xml`);
    const configUri = href?.slice('linphone-config:'.length) ?? '';

    // HEAD says the link is live and changes nothing; it also loads the route before linphonec's
    // fetch, which gives up after a few seconds (a cold server on a loaded machine is slower).
    const head = await fetch(configUri, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await app.sipJson<{ status: string }>('show', username)).status).toBe(
      'installation_sms_sent',
    );

    const phone = await startLinphonec({ name, configUri });
    phones.push(phone);
    // The fetch installs the account; only Activate lets it register.
    await expect
      .poll(async () => (await app.sipJson<{ status: string }>('show', username)).status, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe('installed');
    // Provisioning is transient: once applied, the link is gone from the settings it saved. Or
    // the phone already tried the account it was given: the registrar refuses it until Activate,
    // and linphonec asks for a password, which holds its loop before it saves; it saves on stop.
    // A fetch that timed out on the phone's side is tried again as a user would: reopening the app.
    const isApplied = async (timeout: number) => {
      try {
        await expect
          .poll(
            () =>
              phone.isAskingPassword() ||
              readRcEntry(phone.rcFile, 'misc', 'config-uri') === undefined,
            { timeout },
          )
          .toBe(true);
        return true;
      } catch {
        return false;
      }
    };
    if (!(await isApplied(45_000))) {
      await phone.restart();
      expect(await isApplied(60_000), `${name} did not apply its settings`).toBe(true);
    }
    await phone.stop();
    expect(readRcEntry(phone.rcFile, 'misc', 'config-uri')).toBeUndefined();
    expect(readRcEntry(phone.rcFile, 'misc', 'transient_provisioning')).toBe('1');
    expect(readRcEntry(phone.rcFile, 'proxy_0', 'reg_expires')).toBe('600');
    expect(readRcEntry(phone.rcFile, 'auth_info_0', 'ha1')).toMatch(/^[0-9a-f]{32}$/);
    expect(readRcEntry(phone.rcFile, 'auth_info_0', 'passwd')).toBeUndefined();

    const activated = await fetch(`${app.baseUrl}/a/${token}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(activated.status).toBe(303);
    expect(activated.headers.get('location')).toMatch(/^\/a\/done\?/);
    // The app opened again: it registers with what it was given, and asks nothing of the link.
    await phone.restart();
    await phone
      .waitFor(REGISTERED, { poll: 'status register', everyMs: 2000, timeoutMs: 90_000 })
      .catch(async (error: unknown) => {
        const db = app.database?.db;
        const row = db
          ? await executeRows(db, sql`select * from subscriber where username = ${username}`)
          : [];
        throw new Error(
          `${String(error)}\nsubscriber: ${JSON.stringify(row)}\nshow: ${JSON.stringify(await app.sipJson('show', username))}\nrc:\n${readFileSync(phone.rcFile, 'utf8').slice(0, 3000)}\nKamailio:\n${kamailio.logs().slice(-3000)}`,
        );
      });
    expect(readRcEntry(phone.rcFile, 'misc', 'config-uri')).toBeUndefined();
    return { phone, username, number };
  }

  it('registers; clients lists it with its user agent; disable drops it within 2 s and refuses it', async () => {
    const { phone, username } = await provisionedPhone('solo', '+393471110001');
    await expect.poll(() => contactsOf(username), { timeout: 30_000 }).toBe(1);
    const listed = (await app.sipJson<ClientJson[]>('clients')).filter(
      (client) => client.username === username,
    );
    expect(listed).toEqual([
      expect.objectContaining({ username, userAgent: expect.stringMatching(/^Linphonec\/5\.1/) }),
    ]);

    // The spent link answers Linphone with a configuration it parses, and nothing changes.
    const xmlUrl = `${app.baseUrl}/api/provisioning/${await localSmsToken(app, username)}.xml`;
    const spent = await fetch(xmlUrl);
    expect(spent.status).toBe(404);
    expect(spent.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await spent.text()).toMatch(
      /<config xmlns="http:\/\/www\.linphone\.org\/xsds\/lpconfig\.xsd"[^>]*>\s*<!-- this link is not valid any more: ask support for a new one -->\s*<\/config>/,
    );

    // Measured from the disable's commit (the terminal's exit), as a person sees it done: the
    // outbox worker in the server then asks Kamailio (ul.rm).
    expect((await app.sip('disable', username, '--yes')).code).toBe(0);
    const disabledAt = Date.now();
    let gone = -1;
    for (let tries = 0; gone < 0 && tries < 600; tries++) {
      if ((await contactsOf(username)) === 0) gone = Date.now() - disabledAt;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.info(`disable → linphonec's registration gone from location in ${gone} ms`);
    expect(gone, 'the registration was still in location after 30 s').toBeGreaterThanOrEqual(0);
    expect(gone, `the registration was gone after ${gone} ms`).toBeLessThan(2000);
    expect((await app.sipJson<ClientJson[]>('clients')).map((c) => c.username)).not.toContain(
      username,
    );

    // Its next REGISTER (the app opened again) is refused, and it stays out of location.
    // linphonec shows a refusal as `registered=-1`, or asks for another password at once.
    await phone.restart();
    await phone.waitFor(/registered=-1|Password for \S+ on /, {
      poll: 'status register',
      everyMs: 2000,
      timeoutMs: 90_000,
    });
    expect(phone.output()).not.toMatch(REGISTERED);
    expect(await contactsOf(username)).toBe(0);
  });

  it('two phones call each other by number through Kamailio, with ZRTP; a disabled caller is refused', async () => {
    const alice = await provisionedPhone('alice', '+393471110002');
    const bob = await provisionedPhone('bob', '+393471110003');
    await expect.poll(() => contactsOf(bob.username), { timeout: 30_000 }).toBe(1);

    const aliceFrom = alice.phone.output().length;
    const bobFrom = bob.phone.output().length;
    alice.phone.send(`call sip:${bob.number}@${DOMAIN}`);
    await bob.phone.waitFor(/Receiving new incoming call from .+, assigned id (\d+)/, {
      from: bobFrom,
    });
    bob.phone.send('answer');
    await alice.phone.waitFor(/Call 1 with .+ connected\./, { from: aliceFrom });
    await bob.phone.waitFor(/Call 1 with .+ connected\./, { from: bobFrom });
    // ZRTP agreed between the two phones: both show the same short authentication string.
    const aliceSas = await alice.phone.waitFor(
      /Call 1 is fully encrypted and auth token is (\S+)\./,
      {
        from: aliceFrom,
      },
    );
    const bobSas = await bob.phone.waitFor(/Call 1 is fully encrypted and auth token is (\S+)\./, {
      from: bobFrom,
    });
    expect(aliceSas[1]).toBe(bobSas[1]);

    alice.phone.send('terminate');
    await alice.phone.waitFor(callEnded(1), { from: aliceFrom });
    await bob.phone.waitFor(callEnded(1), { from: bobFrom });

    // Disabled: the caller's next call is refused by Kamailio and never rings.
    expect((await app.sip('disable', alice.username, '--yes')).code).toBe(0);
    await expect.poll(() => contactsOf(alice.username), { timeout: 30_000 }).toBe(0);
    const refusedFrom = alice.phone.output().length;
    const bobBefore = bob.phone.output().length;
    alice.phone.send(`call sip:${bob.number}@${DOMAIN}`);
    const refused = await alice.phone.waitFor(/Call 2 with .+ (error|ended \(([^)]*)\))\./, {
      from: refusedFrom,
    });
    console.info(`a disabled caller's call: ${refused[0]}`);
    expect(alice.phone.output().slice(refusedFrom)).not.toMatch(/Call 2 with .+ connected/);
    expect(bob.phone.output().slice(bobBefore)).not.toMatch(/Receiving new incoming call/);
  });
});

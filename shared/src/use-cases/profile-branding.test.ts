import { profileLogos, provisioningProfiles } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureProfileSms } from '../branding/profile-sms.ts';
import { ACTOR, refusal, type TestDeps, testDeps } from '../testing/test-fixture.ts';
import { parseInput } from '../validation.ts';
import { createProfile } from './create-profile.ts';
import { editProfile } from './edit-profile.ts';
import { findLogo } from './find-logo.ts';
import { findPageBranding } from './find-page-branding.ts';
import { createProfileSchema, editProfileSchema } from './profile-schemas.ts';
import type { ProfileView } from './profile-view.ts';

const BASE_URL = 'https://activate.example.com';
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 1),
]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>');

describe.each(testDatabaseKinds())('profile branding on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps & { publicBaseUrl: string };
  let next = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = { ...testDeps(database.db), publicBaseUrl: BASE_URL };
  }, 60_000);
  afterAll(() => database.close());

  /** A saved profile with what staff are shown: the measures of its SMS. */
  const withSms = (profile: ProfileView) => ({
    ...profile,
    sms: measureProfileSms(profile.smsTemplates, profile.brand, BASE_URL),
    logo: profile.logoSha256 ? `/logos/${profile.logoSha256}` : null,
  });
  const newProfile = async (raw: Record<string, unknown> = {}) =>
    withSms(
      await createProfile(
        deps,
        ACTOR,
        parseInput(createProfileSchema, {
          name: `p${next++}`,
          sipHost: 'sip.example.com',
          ...raw,
        }),
      ),
    );
  const changeProfile = async (raw: Record<string, unknown>) =>
    withSms(await editProfile(deps, ACTOR, parseInput(editProfileSchema, raw)));

  it('keeps the branding and reports what each SMS costs, measured with the real link', async () => {
    const profile = await newProfile({
      brand: 'Acme',
      accentColor: '#0B5D3B',
      supportContact: 'help@acme.example',
      timeZone: 'America/New_York',
      smsTemplates: { installation: { en: '{brand}: set up your phone: {link}' } },
    });
    expect(profile).toMatchObject({
      accentColor: '#0b5d3b',
      supportContact: 'help@acme.example',
      timeZone: 'America/New_York',
      smsTemplates: { installation: { en: '{brand}: set up your phone: {link}' } },
    });
    // "Acme: set up your phone: " + base URL + "/a/" + 32 + "?lang=en"
    const linkLength = `${BASE_URL}/a/`.length + 32 + '?lang=en'.length;
    expect(profile.sms.installation.en).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      units: 'Acme: set up your phone: '.length + linkLength,
      isOwn: true,
    });
    expect(profile.sms.installation.it.isOwn).toBe(false);
  });

  it('refuses an accent colour without 4.5:1 against white, with the ratio, writing nothing', async () => {
    const before = await database.db.select().from(provisioningProfiles);
    const error = await refusal(() => newProfile({ accentColor: '#ffcc00' }));
    expect(error.field).toBe('accentColor');
    expect(error.message).toBe(
      '#ffcc00 has a contrast of 1.51:1 with white; buttons need at least 4.5:1 (pick a darker colour)',
    );
    expect(await database.db.select().from(provisioningProfiles)).toHaveLength(before.length);
    expect((await refusal(() => newProfile({ accentColor: 'green' }))).message).toBe(
      'must be a colour written #rrggbb',
    );
  });

  it.each([
    ['+39 06 1234 5678', 'phone', 'tel:+390612345678'],
    ['help@acme.example', 'email', 'mailto:help@acme.example'],
    ['https://acme.example/help', 'web', 'https://acme.example/help'],
  ])('shows the support contact %s as a %s link', async (contact, contactKind, href) => {
    const profile = await newProfile({ supportContact: contact });
    const branding = await findPageBranding(deps, { profileId: profile.id });
    expect(branding.support).toMatchObject({ kind: contactKind, href });
  });

  it('refuses a support contact, a time zone and an SMS template it cannot use', async () => {
    const error = await refusal(() =>
      newProfile({
        supportContact: 'call Mario',
        timeZone: 'Mars/Olympus',
        smsTemplates: { installation: { it: 'no link here' } },
      }),
    );
    expect(error.issues.map((i) => i.field).sort()).toEqual([
      'smsTemplates.installation.it',
      'supportContact',
      'timeZone',
    ]);
  });

  it('refuses an SMS over two segments with its count, also when a longer brand pushes it over', async () => {
    const long = `{brand} ${'x'.repeat(250)} {link}`;
    const error = await refusal(() => newProfile({ smsTemplates: { activation: { en: long } } }));
    expect(error.field).toBe('smsTemplates.activation.en');
    expect(error.message).toMatch(
      /^is 3 SMS \(GSM-7, \d+ characters\) with the brand and a \d+-character link; at most 2 SMS are allowed$/,
    );
    // Fits with a short brand (UCS-2 from the curly quote: 134 units at most), not with a long one.
    const fits = `{brand} l’app ${'x'.repeat(30)} {link}`;
    const profile = await newProfile({ brand: 'A', smsTemplates: { installation: { it: fits } } });
    expect(profile.sms.installation.it).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    const pushed = await refusal(() =>
      changeProfile({ name: profile.name, brand: 'B'.repeat(40) }),
    );
    expect(pushed.field).toBe('smsTemplates.installation.it');
    expect(pushed.message).toMatch(/^is 3 SMS \(UCS-2, \d+ UCS-2 units\)/);
    // A blank template goes back to the built-in text.
    const reset = await changeProfile({
      name: profile.name,
      smsTemplates: { installation: { it: '' } },
    });
    expect(reset.smsTemplates.installation).toEqual({});
  });

  it('stores a PNG or SVG logo once by its hash and serves it back; refuses other files, scripts and big ones', async () => {
    const a = await newProfile({ logo: new Uint8Array(PNG) });
    const b = await newProfile({ logo: new Uint8Array(PNG) });
    expect(a.logo).toMatch(/^\/logos\/[0-9a-f]{64}$/);
    expect(b.logo).toBe(a.logo);
    const sha256 = a.logo?.slice('/logos/'.length) ?? '';
    expect(
      await database.db.select().from(profileLogos).where(eq(profileLogos.sha256, sha256)),
    ).toHaveLength(1);
    expect(await findLogo(deps, { sha256 })).toMatchObject({ contentType: 'image/png', data: PNG });
    const svg = await changeProfile({ name: b.name, logo: new Uint8Array(SVG) });
    expect((await findLogo(deps, { sha256: svg.logo?.slice(7) ?? '' })).contentType).toBe(
      'image/svg+xml',
    );
    expect((await changeProfile({ name: b.name, logo: null })).logo).toBeNull();

    const refused = async (data: Buffer) =>
      (await refusal(() => newProfile({ logo: new Uint8Array(data) }))).message;
    expect(await refused(Buffer.from('GIF89a'))).toBe('must be a PNG or an SVG file');
    expect(await refused(Buffer.from('<svg><script>alert(1)</script></svg>'))).toBe(
      'must not contain scripts, event handlers or foreign objects',
    );
    expect(await refused(Buffer.concat([PNG, Buffer.alloc(100 * 1024)]))).toBe(
      'must be at most 100 KB (this file is 101 KB)',
    );
  });

  it('brands a page without a live link with the newest profile that has a support contact', async () => {
    deps.clock.advance(60_000);
    const named = await newProfile({ brand: 'Named', supportContact: 'help@named.example' });
    deps.clock.advance(60_000);
    await newProfile({ brand: 'No support' });
    expect((await findPageBranding(deps, {})).brand).toBe('Named');
    expect((await findPageBranding(deps, { profileId: 'not-a-uuid' })).brand).toBe('Named');
    expect((await findPageBranding(deps, { profileId: named.id })).support?.href).toBe(
      'mailto:help@named.example',
    );
  });
});

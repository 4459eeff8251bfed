import { auditLog, groups, provisioningProfiles } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTOR, refusal, type TestDeps, testDeps } from '../testing/test-fixture.ts';
import { parseInput } from '../validation.ts';
import { createGroup, createGroupSchema } from './create-group.ts';
import { createProfile } from './create-profile.ts';
import { editProfile } from './edit-profile.ts';
import { listGroups } from './list-groups.ts';
import { listProfiles } from './list-profiles.ts';
import { createProfileSchema, editProfileSchema } from './profile-schemas.ts';

const HOUR = 3_600_000;

describe.each(testDatabaseKinds())('groups and profiles on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
  }, 60_000);
  afterAll(() => database.close());

  const newProfile = (raw: Record<string, unknown>) =>
    createProfile(deps, ACTOR, parseInput(createProfileSchema, raw));
  const changeProfile = (raw: Record<string, unknown>) =>
    editProfile(deps, ACTOR, parseInput(editProfileSchema, raw));
  const newGroup = (raw: Record<string, unknown>) =>
    createGroup(deps, ACTOR, parseInput(createGroupSchema, raw));

  const auditOf = (subjectType: 'group' | 'profile', subjectId: string) =>
    deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, subjectType), eq(auditLog.subjectId, subjectId)))
      .orderBy(asc(auditLog.id));

  describe('createProfile', () => {
    it('defaults to TLS on 5061 with the sipops brand and scheme', async () => {
      const at = deps.clock.advance(HOUR);
      const view = await newProfile({ name: 'standard', sipHost: ' sip.example.com ' });
      expect(view).toEqual({
        id: expect.any(String),
        name: 'standard',
        sipHost: 'sip.example.com',
        realm: 'sip.example.com',
        sipPort: 5061,
        transport: 'tls',
        iosUrl: null,
        androidUrl: null,
        brand: 'sipops',
        appScheme: 'sipops',
        appLink: '{scheme}://provision?url={url_encoded}',
        registrationExpires: 3600,
        credentials: 'password',
        accentColor: null,
        supportContact: null,
        timeZone: 'Europe/Rome',
        logoSha256: null,
        smsTemplates: {},
      });
      const [row] = await deps.db
        .select()
        .from(provisioningProfiles)
        .where(eq(provisioningProfiles.id, view.id));
      // No realm of its own: it follows the SIP host.
      expect(row).toMatchObject({ ...view, realm: null, createdAt: at, updatedAt: at });
      const audits = await auditOf('profile', view.id);
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({
        action: 'profile.created',
        actor: ACTOR,
        at,
        subjectName: 'standard',
        before: null,
        after: view,
      });
    });

    it.each([
      ['udp', undefined, 5060],
      ['tcp', undefined, 5060],
      ['tls', undefined, 5061],
      ['udp', '5080', 5080],
      ['tls', 6061, 6061],
    ])('uses port for %s (given %s): %s', async (transport, sipPort, expected) => {
      const view = await newProfile({
        name: `p-${transport}-${sipPort ?? 'default'}`,
        sipHost: '203.0.113.10',
        transport,
        ...(sipPort === undefined ? {} : { sipPort }),
      });
      expect(view.transport).toBe(transport);
      expect(view.sipPort).toBe(expected);
    });

    it('takes every field', async () => {
      const view = await newProfile({
        name: 'branded',
        sipHost: 'voip.acme.it',
        transport: 'tcp',
        sipPort: 5070,
        iosUrl: 'https://apps.apple.com/app/id1',
        androidUrl: 'https://play.google.com/store/apps/details?id=it.acme',
        brand: 'Acme Voice',
        appScheme: 'acmevoice',
        appLink: 'linphone',
        registrationExpires: '600',
        credentials: 'ha1',
      });
      expect(view).toMatchObject({
        sipHost: 'voip.acme.it',
        sipPort: 5070,
        iosUrl: 'https://apps.apple.com/app/id1',
        androidUrl: 'https://play.google.com/store/apps/details?id=it.acme',
        brand: 'Acme Voice',
        appScheme: 'acmevoice',
        appLink: 'linphone-config:{xml_url}',
        registrationExpires: 600,
        credentials: 'ha1',
      });
    });

    it('refuses a name that exists already, writing nothing', async () => {
      const before = await deps.db.$count(provisioningProfiles);
      const audits = await deps.db.$count(auditLog);
      const error = await refusal(() => newProfile({ name: 'standard', sipHost: 'other.example' }));
      expect(error.code).toBe('DUPLICATE_NAME');
      expect(error.field).toBe('name');
      expect(await deps.db.$count(provisioningProfiles)).toBe(before);
      expect(await deps.db.$count(auditLog)).toBe(audits);
    });

    it.each([
      ['iosUrl', { iosUrl: 'http://apps.apple.com/app/id1' }],
      ['transport', { transport: 'sctp' }],
      ['sipPort', { sipPort: 70000 }],
      ['sipHost', { sipHost: 'not a host' }],
      ['appScheme', { appScheme: 'Bad Scheme' }],
      ['appLink', { appLink: 'javascript:alert({url})' }],
      ['appLink', { appLink: '{url}' }],
      ['appLink', { appLink: 'acme://provision' }],
      ['appLink', { appLink: 'acme://provision?url={token}' }],
      ['registrationExpires', { registrationExpires: '30' }],
      ['registrationExpires', { registrationExpires: 'hour' }],
      ['credentials', { credentials: 'clear' }],
      ['name', { name: '' }],
    ])('refuses a wrong %s', async (field, raw) => {
      const error = await refusal(() =>
        parseInput(createProfileSchema, { name: 'x', sipHost: 'sip.example.com', ...raw }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe(field);
    });
  });

  describe('editProfile', () => {
    it('changes only the fields given and records before and after', async () => {
      const created = await newProfile({
        name: 'editable',
        sipHost: 'sip.example.com',
        iosUrl: 'https://apps.apple.com/app/id1',
      });
      const at = deps.clock.advance(HOUR);
      const view = await changeProfile({
        name: 'editable',
        sipHost: 'sip2.example.com',
        sipPort: 5071,
        iosUrl: null,
        brand: 'New Brand',
      });
      expect(view).toEqual({
        ...created,
        sipHost: 'sip2.example.com',
        realm: 'sip2.example.com',
        sipPort: 5071,
        iosUrl: null,
        brand: 'New Brand',
      });
      const [row] = await deps.db
        .select()
        .from(provisioningProfiles)
        .where(eq(provisioningProfiles.id, created.id));
      expect(row).toMatchObject({ sipHost: 'sip2.example.com', transport: 'tls', updatedAt: at });
      const audits = await auditOf('profile', created.id);
      expect(audits.map((audit) => audit.action)).toEqual(['profile.created', 'profile.edited']);
      expect(audits[1]).toMatchObject({ actor: ACTOR, at, before: created, after: view });
    });

    it('refuses an unknown profile', async () => {
      const error = await refusal(() => changeProfile({ name: 'nope', brand: 'x' }));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.field).toBe('name');
    });
  });

  describe('listProfiles', () => {
    it('lists every profile by name', async () => {
      const names = (await listProfiles(deps)).map((profile) => profile.name);
      expect(names).toEqual([...names].sort());
      expect(names).toEqual(expect.arrayContaining(['branded', 'editable', 'standard']));
      expect(names).toHaveLength(await deps.db.$count(provisioningProfiles));
    });
  });

  describe('createGroup', () => {
    it('makes a group with no profile nor channel', async () => {
      const at = deps.clock.advance(HOUR);
      const view = await newGroup({ name: ' acme ' });
      expect(view).toEqual({ id: expect.any(String), name: 'acme', profile: null, channel: null });
      const [row] = await deps.db.select().from(groups).where(eq(groups.id, view.id));
      expect(row).toEqual({
        id: view.id,
        name: 'acme',
        profileId: null,
        slackChannel: null,
        digestTime: null,
        digestTimeZone: 'UTC',
        createdAt: at,
      });
      expect(await auditOf('group', view.id)).toMatchObject([
        { action: 'group.created', actor: ACTOR, at, before: null, after: view },
      ]);
    });

    it('makes a group with a profile and a channel', async () => {
      const view = await newGroup({ name: 'north', profile: 'standard', channel: 'C0123ABCD' });
      expect(view).toMatchObject({ name: 'north', profile: 'standard', channel: 'C0123ABCD' });
      const [row] = await deps.db.select().from(groups).where(eq(groups.id, view.id));
      const [standard] = await deps.db
        .select()
        .from(provisioningProfiles)
        .where(eq(provisioningProfiles.name, 'standard'));
      expect(row?.profileId).toBe(standard?.id);
      expect(row?.slackChannel).toBe('C0123ABCD');
    });

    it('refuses a name that exists already, writing nothing', async () => {
      const before = await deps.db.$count(groups);
      const audits = await deps.db.$count(auditLog);
      const error = await refusal(() => newGroup({ name: 'acme' }));
      expect(error.code).toBe('DUPLICATE_NAME');
      expect(error.field).toBe('name');
      expect(await deps.db.$count(groups)).toBe(before);
      expect(await deps.db.$count(auditLog)).toBe(audits);
    });

    it('refuses an unknown profile and a wrong channel', async () => {
      const noProfile = await refusal(() => newGroup({ name: 'south', profile: 'nope' }));
      expect([noProfile.code, noProfile.field]).toEqual(['NOT_FOUND', 'profile']);
      const badChannel = await refusal(() => newGroup({ name: 'south', channel: '#general' }));
      expect([badChannel.code, badChannel.field]).toEqual(['VALIDATION', 'channel']);
      expect(await deps.db.$count(groups, eq(groups.name, 'south'))).toBe(0);
    });
  });

  describe('listGroups', () => {
    it('lists every group by name with its profile name', async () => {
      await newGroup({ name: 'beta' });
      const listed = await listGroups(deps);
      expect(listed.map(({ name, profile, channel }) => ({ name, profile, channel }))).toEqual([
        { name: 'acme', profile: null, channel: null },
        { name: 'beta', profile: null, channel: null },
        { name: 'north', profile: 'standard', channel: 'C0123ABCD' },
      ]);
    });
  });
});

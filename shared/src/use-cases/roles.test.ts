import { auditLog, slackRoles } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ROLES, type Action, authorize, findRole, isAllowed } from '../authorize.ts';
import { grantRoleSchema } from '../role-schemas.ts';
import { refusal, seedGroups, type TestDeps, testDeps } from '../testing/test-fixture.ts';
import { parseInput } from '../validation.ts';
import { grantRole } from './grant-role.ts';
import { listRoles } from './list-roles.ts';
import { revokeRole } from './revoke-role.ts';

const TEAM = 'T0TEAM001';
const OTHER_TEAM = 'T0TEAM002';

describe.each(testDatabaseKinds())('roles on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;
  const withAdmins = (configuredAdmins: string[]) => ({ ...deps, configuredAdmins });
  const noAdmins = () => withAdmins([]);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
  }, 60_000);
  afterAll(() => database.close());
  beforeEach(async () => {
    await deps.db.delete(slackRoles);
  });

  const grant = (userId: string, role: string, admins: string[] = []) =>
    grantRole(
      withAdmins(admins),
      'slack:T0TEAM001/UBOSS0001',
      parseInput(grantRoleSchema, { teamId: TEAM, userId, role }),
    );

  it.each([
    ['admin', Object.keys(ACTION_ROLES)],
    ['support', Object.keys(ACTION_ROLES).filter((a) => ACTION_ROLES[a as Action] !== 'admin')],
    ['manager', Object.keys(ACTION_ROLES).filter((a) => ACTION_ROLES[a as Action] === 'manager')],
  ] as const)('lets %s do exactly its actions', async (role, allowed) => {
    await grant('UHOLDER01', role);
    for (const action of Object.keys(ACTION_ROLES) as Action[]) {
      const who = { teamId: TEAM, userId: 'UHOLDER01' };
      if (allowed.includes(action))
        expect(await authorize(noAdmins(), who, action)).toEqual({ role, groupIds: null });
      else {
        const error = await refusal(() => authorize(noAdmins(), who, action));
        expect([error.code, error.message]).toEqual([
          'FORBIDDEN',
          `needs the ${ACTION_ROLES[action]} role (you have ${role})`,
        ]);
      }
    }
  });

  it('refuses a stranger and a member of another team, naming the role needed', async () => {
    await grant('UHOLDER01', 'support');
    const stranger = await refusal(() =>
      authorize(noAdmins(), { teamId: TEAM, userId: 'UNOBODY01' }, 'help'),
    );
    expect(stranger.message).toBe('needs the manager role (you have none)');
    const elsewhere = await refusal(() =>
      authorize(noAdmins(), { teamId: OTHER_TEAM, userId: 'UHOLDER01' }, 'account.show'),
    );
    expect(elsewhere.message).toBe('needs the manager role (you have none)');
    expect(isAllowed(undefined, 'help')).toBe(false);
  });

  it('makes SIPOPS_ADMINS admins of every team without a row', async () => {
    const admins = withAdmins(['UCONFIG01']);
    expect(await findRole(admins, { teamId: OTHER_TEAM, userId: 'UCONFIG01' })).toBe('admin');
    expect(await authorize(admins, { teamId: TEAM, userId: 'UCONFIG01' }, 'role.grant')).toEqual({
      role: 'admin',
      groupIds: null,
    });
    expect(await deps.db.$count(slackRoles)).toBe(0);
    const error = await refusal(() => grant('UCONFIG01', 'manager', ['UCONFIG01']));
    expect([error.code, error.field]).toEqual(['NOT_ALLOWED', 'user']);
    expect(error.message).toContain('SIPOPS_ADMINS');
  });

  it('gives a role for named groups; changing only the groups is a change; admins take no groups', async () => {
    await seedGroups(deps, [{ name: 'acme' }, { name: 'north' }]);
    const scoped = (groups: string[] | undefined, role = 'manager') =>
      grantRole(
        noAdmins(),
        'terminal:alice',
        parseInput(grantRoleSchema, { teamId: TEAM, userId: 'USCOPE001', role, groups }),
      );
    expect(await scoped(['north', 'acme'])).toMatchObject({
      after: 'manager',
      groups: ['acme', 'north'],
      isChanged: true,
    });
    expect((await scoped(['acme', 'north'])).isChanged).toBe(false);
    expect(await scoped(['acme'])).toMatchObject({ groups: ['acme'], isChanged: true });
    const access = await authorize(noAdmins(), { teamId: TEAM, userId: 'USCOPE001' }, 'help');
    expect(access.role).toBe('manager');
    expect(access.groupIds).toHaveLength(1);
    expect(await scoped(undefined)).toMatchObject({ groups: null, isChanged: true });
    const unknown = await refusal(() => scoped(['acme', 'nowhere']));
    expect([unknown.code, unknown.field, unknown.message]).toEqual([
      'NOT_FOUND',
      'groups',
      'no group named "nowhere"',
    ]);
    const admin = await refusal(() => scoped(['acme'], 'admin'));
    expect([admin.code, admin.field]).toEqual(['NOT_ALLOWED', 'groups']);
  });

  it('grants, changes and revokes, with an audit row for each change only', async () => {
    deps.clock.advance(1000);
    expect(await grant('UCHANGE01', 'manager')).toEqual({
      before: null,
      after: 'manager',
      groups: null,
      isChanged: true,
    });
    expect(await grant('UCHANGE01', 'manager')).toEqual({
      before: 'manager',
      after: 'manager',
      groups: null,
      isChanged: false,
    });
    expect(await grant('UCHANGE01', 'support')).toEqual({
      before: 'manager',
      after: 'support',
      groups: null,
      isChanged: true,
    });
    const revoked = await revokeRole(noAdmins(), 'terminal:alice', {
      teamId: TEAM,
      userId: 'UCHANGE01',
    });
    expect(revoked).toEqual({ before: 'support', after: null, groups: null, isChanged: true });
    expect(
      (await revokeRole(noAdmins(), 'terminal:alice', { teamId: TEAM, userId: 'UCHANGE01' }))
        .isChanged,
    ).toBe(false);
    const audit = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'role'), eq(auditLog.subjectId, `${TEAM}/UCHANGE01`)))
      .orderBy(asc(auditLog.id));
    expect(audit.map((row) => [row.action, row.actor, row.before, row.after])).toEqual([
      [
        'role.granted',
        'slack:T0TEAM001/UBOSS0001',
        null,
        { teamId: TEAM, userId: 'UCHANGE01', role: 'manager', groups: null },
      ],
      [
        'role.granted',
        'slack:T0TEAM001/UBOSS0001',
        { teamId: TEAM, userId: 'UCHANGE01', role: 'manager', groups: null },
        { teamId: TEAM, userId: 'UCHANGE01', role: 'support', groups: null },
      ],
      [
        'role.revoked',
        'terminal:alice',
        { teamId: TEAM, userId: 'UCHANGE01', role: 'support', groups: null },
        null,
      ],
    ]);
  });

  it('keeps the last admin of a team when configuration names none', async () => {
    await grant('UADMIN001', 'admin');
    const demoted = await refusal(() => grant('UADMIN001', 'support'));
    expect([demoted.code, demoted.message]).toEqual([
      'NOT_ALLOWED',
      'UADMIN001 is the last admin of this team; make someone else admin first',
    ]);
    await refusal(() => revokeRole(noAdmins(), 'x', { teamId: TEAM, userId: 'UADMIN001' }));
    await grant('UADMIN002', 'admin');
    expect((await grant('UADMIN001', 'support')).isChanged).toBe(true);
    // With configured admins, nobody is ever locked out.
    expect(
      (await revokeRole(withAdmins(['UCONFIG01']), 'x', { teamId: TEAM, userId: 'UADMIN002' }))
        .isChanged,
    ).toBe(true);
  });

  it('refuses a malformed user, team or role', () => {
    for (const [raw, field] of [
      [{ teamId: TEAM, userId: 'bob', role: 'admin' }, 'userId'],
      [{ teamId: 'acme', userId: 'UHOLDER01', role: 'admin' }, 'teamId'],
      [{ teamId: TEAM, userId: 'UHOLDER01', role: 'king' }, 'role'],
    ] as const) {
      expect(() => parseInput(grantRoleSchema, raw)).toThrow(expect.objectContaining({ field }));
    }
  });

  it('lists the configured admins first, then the granted roles, highest first', async () => {
    await grant('UMANAGER1', 'manager');
    await grant('UADMIN001', 'admin');
    await grant('USUPPORT1', 'support');
    await grantRole(noAdmins(), 'x', { teamId: OTHER_TEAM, userId: 'UOTHER001', role: 'admin' });
    const roles = await listRoles(withAdmins(['UCONFIG01']), { teamId: TEAM });
    expect(roles.map((r) => [r.userId, r.role, r.grantedBy === 'configuration'])).toEqual([
      ['UCONFIG01', 'admin', true],
      ['UADMIN001', 'admin', false],
      ['USUPPORT1', 'support', false],
      ['UMANAGER1', 'manager', false],
    ]);
  });
});

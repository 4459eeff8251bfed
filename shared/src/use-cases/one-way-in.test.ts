import { accounts, auditLog, virtualNumbers } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsvLine } from '../batch/csv-format.ts';
import { createWizardAccount } from './create-wizard-account.ts';
import { importAccounts } from './import-accounts.ts';
import { ACTOR, e164, mobileNumber, seedGroups, type TestDeps, testDeps } from './test-fixture.ts';

/** A group name that COPY's text format and JSON both have to escape. */
const ESCAPED_GROUP = 'C:\\Branch "7", Ünïcode';
/** Enough rows for the writer's bulk path (COPY into a staging table, on Postgres). */
const BULK_ROWS = 150;

describe.each(testDatabaseKinds())('one way in for new accounts on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
    await seedGroups(deps, [{ name: ESCAPED_GROUP, profile: 'standard' }]);
  });
  afterAll(() => database.close());

  /** What the database holds of an account apart from what is drawn for it (ids, credentials). */
  async function stored(id: string) {
    const [account] = await deps.db.select().from(accounts).where(eq(accounts.id, id));
    if (!account) throw new Error('no such account');
    const numbers = await deps.db
      .select({ number: virtualNumbers.number, kind: virtualNumbers.kind })
      .from(virtualNumbers)
      .where(eq(virtualNumbers.accountId, id));
    const audit = await deps.db
      .select({
        action: auditLog.action,
        actor: auditLog.actor,
        subjectName: auditLog.subjectName,
        after: auditLog.after,
      })
      .from(auditLog)
      .where(eq(auditLog.subjectId, id));
    const {
      id: _id,
      username,
      passwordEncrypted: _sealed,
      sipHa1: _ha1,
      number,
      ...fields
    } = account;
    return {
      fields,
      numbers: numbers.map((n) => ({ ...n, number: n.number === number ? 'own' : n.number })),
      audit: audit.map((row) => {
        const { number: _n, username: _u, ...after } = row.after as Record<string, unknown>;
        return { ...row, subjectName: row.subjectName === username, after };
      }),
    };
  }

  it('writes a wizard account the same from the wizard and from a file of many rows', async () => {
    const single = await createWizardAccount(deps, ACTOR, {
      group: ESCAPED_GROUP,
      number: e164(mobileNumber()),
    });
    const numbers = Array.from({ length: BULK_ROWS }, () => e164(mobileNumber()));
    const header = ['way', 'group', 'number'];
    const text =
      formatCsvLine(header) +
      numbers.map((number) => formatCsvLine(['wizard', ESCAPED_GROUP, number])).join('');
    const result = await importAccounts(deps, ACTOR, {
      source: text,
      importId: 'one-way-in',
      isSmsRequested: false,
    });
    expect(result).toMatchObject({ outcome: 'imported', imported: BULK_ROWS });
    const imported = await deps.db
      .select({ id: accounts.id, number: accounts.number })
      .from(accounts)
      .where(inArray(accounts.number, numbers))
      .orderBy(asc(accounts.number));
    expect(imported.map((row) => row.number)).toEqual([...numbers].sort());
    const expected = await stored(single.id);
    expect(expected.fields).toMatchObject({
      type: 'pgsm',
      createdVia: 'wizard',
      enabled: false,
      status: 'created',
    });
    expect(expected.audit).toHaveLength(1);
    expect(expected.audit[0]?.after).toMatchObject({ group: ESCAPED_GROUP });
    for (const { id } of imported) expect(await stored(id)).toEqual(expected);
  });
});

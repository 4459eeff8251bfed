import { accounts, auditLog, virtualNumbers } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { asc, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsvLine } from '../batch/csv-format.ts';
import {
  ACTOR,
  e164,
  mobileNumber,
  seedGroups,
  type TestDeps,
  testDeps,
} from '../testing/test-fixture.ts';
import { createWizardAccount } from './create-wizard-account.ts';
import { importAccounts } from './import-accounts.ts';

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

  /** What the database holds of accounts apart from what is drawn for each (ids, credentials). */
  async function stored(ids: string[]) {
    const [rows, numbers, audit] = await Promise.all([
      deps.db.select().from(accounts).where(inArray(accounts.id, ids)),
      deps.db.select().from(virtualNumbers).where(inArray(virtualNumbers.accountId, ids)),
      deps.db
        .select()
        .from(auditLog)
        .where(inArray(auditLog.subjectId, ids))
        .orderBy(asc(auditLog.id)),
    ]);
    return rows.map((account) => {
      const { id, username, passwordEncrypted: _sealed, sipHa1: _ha1, number, ...fields } = account;
      return {
        fields,
        numbers: numbers
          .filter((n) => n.accountId === id)
          .map((n) => ({ kind: n.kind, isOwn: n.number === number })),
        audit: audit
          .filter((row) => row.subjectId === id)
          .map((row) => {
            const { number: _n, username: _u, ...after } = row.after as Record<string, unknown>;
            return {
              action: row.action,
              actor: row.actor,
              isNamed: row.subjectName === username,
              after,
            };
          }),
      };
    });
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
    const [expected] = await stored([single.id]);
    if (!expected) throw new Error('the wizard account is not stored');
    expect(expected.fields).toMatchObject({
      type: 'pgsm',
      createdVia: 'wizard',
      enabled: false,
      status: 'created',
    });
    expect(expected.audit).toHaveLength(1);
    expect(expected.audit[0]?.after).toMatchObject({ group: ESCAPED_GROUP });
    const written = await stored(imported.map((row) => row.id));
    expect(written).toHaveLength(BULK_ROWS);
    for (const account of written) expect(account).toEqual(expected);
  });
});

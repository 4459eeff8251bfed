import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { listGroupsWithProfiles, listProfiles } from '@sipops/db/queries';
import { createTestDatabase } from '@sipops/db/testing';
import { parseHeader } from '@sipops/shared/batch/csv-format';
import type { NumberedRecord } from '@sipops/shared/batch/read-records';
import { type CheckedRow, checkRows, type RowWorkContext } from '@sipops/shared/batch/row-checks';
import { decryptSecret } from '@sipops/shared/credentials';
import { systemClock } from '@sipops/shared/deps';
import { createGroup, createGroupSchema } from '@sipops/shared/use-cases/create-group';
import { createProfile } from '@sipops/shared/use-cases/create-profile';
import { createProfileSchema } from '@sipops/shared/use-cases/profile-schemas';
import { parseInput } from '@sipops/shared/validation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowWorkersOfBuild } from './row-workers.ts';

/** The worker as `npm start` and the terminal run it: the tests' global setup built it. */
function builtWorker(): URL {
  const root = new URL('../../../', import.meta.url);
  const build = readFileSync(new URL('bot/dist/current', root), 'utf8').trim();
  return new URL(`bot/dist/${build}/row-worker.js`, root);
}

const HEADER = ['way', 'group', 'number', 'type', 'password', 'profile'];

/** Rows of every kind: wizard, plain with a password, a bad number, an unknown group. */
function recordAt(i: number): NumberedRecord {
  const line = i + 2;
  const number = `+39 347 ${String(2_000_000 + i)}`;
  const record =
    i % 97 === 0
      ? ['plain', 'north', '+39 12', 'pgsm', `Secret-${i}-pass`, '']
      : i % 89 === 0
        ? ['wizard', 'nowhere', number, '', '', '']
        : i % 2 === 0
          ? ['wizard', 'north', number, '', '', '']
          : ['plain', 'north', number, 'pgsm', `Secret-${i}-pass`, 'standard'];
  return { record, line };
}

/** What a row says without what is drawn at random: a wizard's password, the seals' IVs. */
function comparable(rows: CheckedRow[]) {
  return rows.map(({ line, account, errors }) => {
    if (!account) return { line, errors };
    const { password: _password, sealedPassword: _sealed, ...rest } = account;
    return { line, account: rest };
  });
}

describe('row workers on threads', () => {
  const secretKey = randomBytes(32);
  let work: RowWorkContext;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase('pglite');
    close = () => database.close();
    const deps = { db: database.db, clock: systemClock, secretKey };
    await createProfile(
      deps,
      'test:setup',
      parseInput(createProfileSchema, { name: 'standard', sipHost: 'sip.example.com' }),
    );
    await createGroup(
      deps,
      'test:setup',
      parseInput(createGroupSchema, { name: 'north', profile: 'standard' }),
    );
    const [groups, profiles] = await Promise.all([
      listGroupsWithProfiles(database.db),
      listProfiles(database.db),
    ]);
    const parsed = parseHeader(HEADER, 1);
    if (!parsed.header) throw new Error('the test header is refused');
    work = {
      groupsByName: new Map(groups.map(({ group }) => [group.name, group])),
      profilesByName: new Map(profiles.map((p) => [p.name, p])),
      secretKey,
      header: parsed.header,
      isSealing: true,
    };
  }, 60_000);
  afterAll(() => close?.());

  it('check batches on several threads as this thread does, each answered in its order', async () => {
    const start = rowWorkersOfBuild({ file: builtWorker(), threads: 2 });
    if (!start) throw new Error('the built row worker is missing');
    const workers = start(work);
    try {
      const batches = Array.from({ length: 6 }, (_, b) =>
        Array.from({ length: 300 }, (_, i) => recordAt(b * 300 + i)),
      );
      // All sent at once: the threads answer in turn, each batch to its own caller.
      const answered = await Promise.all(batches.map((batch) => workers.check(batch)));
      for (const [b, rows] of answered.entries()) {
        const here = checkRows(work, batches[b] ?? []);
        expect(comparable(rows)).toEqual(comparable(here));
      }
      const rows = answered.flat();
      expect(rows.map((row) => row.line)).toEqual(batches.flat().map((r) => r.line));
      const refused = rows.filter((row) => row.errors);
      expect(refused.length).toBeGreaterThan(20);
      expect(refused.find((row) => row.line === 2)?.errors).toEqual([
        {
          line: 2,
          column: 'number',
          value: '+39 12',
          message: 'is not a valid international number (too short)',
        },
      ]);
      // The group and profile are this thread's own objects again.
      const plain = rows.find((row) => row.account?.way === 'plain')?.account;
      expect(plain?.group).toBe(work.groupsByName.get('north'));
      expect(plain?.profile).toBe(work.profilesByName.get('standard'));
      // Every password sealed with the key, openable back into the password.
      for (const { account } of rows) {
        if (!account) continue;
        expect(decryptSecret(secretKey, account.sealedPassword ?? '')).toBe(account.password);
      }
    } finally {
      await workers.close();
    }
  });

  it('fail the batch a thread could not check, with its reason', async () => {
    const start = rowWorkersOfBuild({ file: builtWorker(), threads: 1 });
    if (!start) throw new Error('the built row worker is missing');
    const workers = start(work);
    try {
      const broken = [{ record: null, line: 2 }] as unknown as NumberedRecord[];
      await expect(workers.check(broken)).rejects.toThrow(/^a row worker failed: /);
      // The thread is still there for the next batch.
      const [row] = await workers.check([recordAt(2)]);
      expect(row?.account?.number).toBe('+393472000002');
    } finally {
      await workers.close();
    }
  });

  it('are none where no worker is built (sources run as TypeScript)', () => {
    expect(rowWorkersOfBuild({ file: new URL('./no-such-worker.js', import.meta.url) })).toBe(
      undefined,
    );
  });
});

// Test fixtures only (the `@sipops/shared/testing/*` entry): production code may not import
// this folder; biome.jsonc refuses it outside tests.
import type { Database } from '@sipops/db/client';
import { accounts, auditLog, outbox, virtualNumbers } from '@sipops/db/schema';
import { and, asc, eq } from 'drizzle-orm';
import type { Clock, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createGroup, createGroupSchema } from '../use-cases/create-group.ts';
import { createProfile } from '../use-cases/create-profile.ts';
import { createProfileSchema } from '../use-cases/profile-schemas.ts';
import { parseInput } from '../validation.ts';

/** Shared set-up of the use-case integration tests: a clock that moves only when told, a fixed key. */

export const START = new Date('2025-03-01T09:00:00.000Z');
export const ACTOR = 'test:alice';

export type FixedClock = Clock & { advance(ms: number): Date; at: Date };

export function fixedClock(start: Date = START): FixedClock {
  const clock = {
    at: new Date(start),
    now: () => new Date(clock.at),
    advance: (ms: number) => {
      clock.at = new Date(clock.at.getTime() + ms);
      return new Date(clock.at);
    },
  };
  return clock;
}

export type TestDeps = Deps & { clock: FixedClock };

export function testDeps(db: Database): TestDeps {
  return { db, clock: fixedClock(), secretKey: Buffer.alloc(32, 7) };
}

let nextSuffix = 1_000_000;

/** A fresh Italian mobile number, spaced as staff type it (`+39 347 100 0001`). */
export function mobileNumber(): string {
  const digits = String(nextSuffix++);
  return `+39 347 ${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/** The E.164 form the database keeps of a number written by `mobileNumber`. */
export const e164 = (typed: string): string => typed.replace(/\s/g, '');

let nextExtension = 2000;

/** A fresh short SNOM extension (`2001`). */
export function extension(): string {
  return String(nextExtension++);
}

/** The AppError a call throws (sync or async); anything else, or no error, fails the test. */
export async function refusal(run: () => unknown): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError, but the call succeeded');
}

/** Row counts of the tables an account change writes to, to prove a refusal wrote nothing. */
export async function countRows(db: Database) {
  return {
    accounts: await db.$count(accounts),
    virtualNumbers: await db.$count(virtualNumbers),
    auditLog: await db.$count(auditLog),
    outbox: await db.$count(outbox),
  };
}

export async function accountRow(db: Database, id: string) {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row;
}

export function auditRows(db: Database, subjectId: string) {
  return db
    .select()
    .from(auditLog)
    .where(eq(auditLog.subjectId, subjectId))
    .orderBy(asc(auditLog.id));
}

export function outboxRows(db: Database, accountId: string) {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.kind, 'notify'), eq(outbox.orderKey, `account:${accountId}`)))
    .orderBy(asc(outbox.id));
}

/** A profile and groups through the real use cases, as staff would set them up first. */
export async function seedGroups(
  deps: Deps,
  groups: { name: string; profile?: string }[],
  profile = 'standard',
): Promise<void> {
  await createProfile(
    deps,
    ACTOR,
    parseInput(createProfileSchema, { name: profile, sipHost: 'sip.example.com' }),
  );
  for (const group of groups) {
    await createGroup(deps, ACTOR, parseInput(createGroupSchema, group));
  }
}

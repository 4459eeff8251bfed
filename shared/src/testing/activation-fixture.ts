// Test fixtures only (the `@sipops/shared/testing/*` entry): production code may not import
// this folder; biome.jsonc refuses it outside tests.
import type { Database } from '@sipops/db/client';
import { activationLinks, outbox } from '@sipops/db/schema';
import { and, desc, eq } from 'drizzle-orm';
import { smsPayloadSchema } from '../activation/sms-text.ts';
import { decryptSecret } from '../credentials.ts';
import type { ActivationDeps } from '../deps.ts';
import { type TestDeps, testDeps } from './test-fixture.ts';

/** Set-up of the activation tests: test deps plus where links point and how long they live. */

export const PUBLIC_BASE_URL = 'https://sip.example.test';
export const LINK_TTL_MS = 72 * 3_600_000;

export type ActivationTestDeps = TestDeps & ActivationDeps;

export function activationTestDeps(db: Database): ActivationTestDeps {
  return { ...testDeps(db), publicBaseUrl: PUBLIC_BASE_URL, linkTtlMs: LINK_TTL_MS };
}

/** The newest outbox 'sms' row of an account, with its payload parsed and its text unsealed. */
export async function lastSmsOutbox(deps: ActivationDeps, accountId: string) {
  const [row] = await deps.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.kind, 'sms'), eq(outbox.orderKey, `sms:${accountId}`)))
    .orderBy(desc(outbox.id))
    .limit(1);
  if (!row) throw new Error(`no SMS queued for account ${accountId}`);
  const payload = smsPayloadSchema.parse(row.payload);
  const text = decryptSecret(deps.secretKey, payload.sealedText);
  const token = /\/a\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no link in the SMS text: ${text}`);
  return { row, payload, text, token };
}

export function linksOf(db: Database, accountId: string) {
  return db
    .select()
    .from(activationLinks)
    .where(eq(activationLinks.accountId, accountId))
    .orderBy(activationLinks.createdAt);
}

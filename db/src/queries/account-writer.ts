import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { accounts, auditLog, virtualNumbers } from '../schema/index.ts';
import { insertJsonRows, isAnyOf } from './bulk-sql.ts';

/**
 * The SQL of the one writer of new accounts (single creations are a batch of one, imports are
 * many): the uniqueness look-ups before writing, and the writing of accounts, their numbers and
 * their audit rows.
 */

/**
 * The columns of an account the writer does not take from each account: the same for the whole
 * batch, or unset at creation. Every other column of `accounts` is written as given, so a new
 * column needs nothing here.
 */
const UNWRITTEN_KEYS = [
  'disabledAt',
  'status',
  'statusChangedAt',
  'keysRevokedAt',
  'createdAt',
  'updatedAt',
] as const;

type AccountInsert = typeof accounts.$inferInsert;
export type WrittenAccount = Required<Omit<AccountInsert, (typeof UNWRITTEN_KEYS)[number]>>;

/** The columns of an account the writer sets, in the table's order. */
export const WRITTEN_ACCOUNT_KEYS = Object.keys(getTableColumns(accounts)).filter(
  (key) => !(UNWRITTEN_KEYS as readonly string[]).includes(key),
) as (keyof WrittenAccount)[];

/** An account to write with what its `account.created` audit row says of it (password masked). */
export type AccountToWrite = { account: WrittenAccount; audit: unknown };

/** Below this many accounts a write is three multi-row statements; from it on, three COPYs. */
const COPY_FROM_ROWS = 100;

/** Which of these numbers other accounts hold, primary or secondary, and the holder's username. */
export async function findNumberHolders(
  db: Database,
  params: { numbers: readonly string[] },
): Promise<{ number: string; username: string }[]> {
  if (params.numbers.length === 0) return [];
  return db
    .select({ number: virtualNumbers.number, username: accounts.username })
    .from(virtualNumbers)
    .innerJoin(accounts, eq(accounts.id, virtualNumbers.accountId))
    .where(isAnyOf(virtualNumbers.number, params.numbers));
}

/** Which of these values are the usernames of accounts. */
export async function findUsernamesAmong(
  db: Database,
  params: { values: readonly string[] },
): Promise<Set<string>> {
  if (params.values.length === 0) return new Set();
  const rows = await db
    .select({ username: accounts.username })
    .from(accounts)
    .where(isAnyOf(accounts.username, params.values));
  return new Set(rows.map((row) => row.username));
}

/**
 * Which of these usernames are taken already: as an account's username, or as its number
 * (usernames and numbers share one namespace, so that `show 111` names one account).
 */
export async function findTakenUsernames(
  db: Database,
  params: { usernames: readonly string[] },
): Promise<Set<string>> {
  if (params.usernames.length === 0) return new Set();
  const [named, numbered] = await Promise.all([
    findUsernamesAmong(db, { values: params.usernames }),
    db
      .select({ number: virtualNumbers.number })
      .from(virtualNumbers)
      .where(isAnyOf(virtualNumbers.number, params.usernames)),
  ]);
  return new Set([...named, ...numbered.map((row) => row.number)]);
}

/** Accounts serialised, ready to send: COPY's text of each table, or three statements. */
export type PreparedAccounts =
  | { rows: number; copy: { accounts: string; numbers: string; audit: string } }
  | { rows: number; statements: SQL[] };

/**
 * Serialises new accounts, their numbers and their `account.created` audit rows, all stamped
 * `at`, for writeAccounts (apart, so that the next chunk is serialised while the database writes
 * one). Many accounts on Postgres go by `COPY … FROM STDIN` straight into the tables (the rows'
 * own work, their indexes and triggers, is then all the database does); few, or on PGlite, by
 * three multi-row statements.
 */
export function prepareAccounts(
  db: Database,
  params: { rows: readonly AccountToWrite[]; at: Date; actor: string },
): PreparedAccounts {
  if (copyClientOf(db) && params.rows.length >= COPY_FROM_ROWS) return copyText3(params);
  const fixed = {
    status: 'created',
    statusChangedAt: params.at,
    createdAt: params.at,
    updatedAt: params.at,
  } as const;
  const numbers: (typeof virtualNumbers.$inferInsert)[] = [];
  for (const { account } of params.rows) {
    numbers.push({ number: account.number, accountId: account.id, kind: 'primary' });
    if (account.secondaryNumber)
      numbers.push({ number: account.secondaryNumber, accountId: account.id, kind: 'secondary' });
  }
  const audit = insertJsonRows(
    auditLog,
    ['subjectId', 'subjectName', 'after'],
    params.rows.map(({ account, audit }) => ({
      subjectId: account.id,
      subjectName: account.username,
      after: audit,
    })),
    { ...auditFixed(params), before: null },
  );
  const written = params.rows.map((row) => row.account);
  return {
    rows: params.rows.length,
    statements: [
      insertJsonRows(accounts, WRITTEN_ACCOUNT_KEYS, written, fixed),
      insertJsonRows(virtualNumbers, ['number', 'accountId', 'kind'], numbers),
      audit,
    ],
  };
}

/**
 * Writes prepared accounts in the caller's transaction. A unique key taken fails it with the
 * constraint's name, as the statements would.
 */
export async function writeAccounts(db: Database, prepared: PreparedAccounts): Promise<void> {
  if (prepared.rows === 0) return;
  if ('copy' in prepared) {
    const copier = copyClientOf(db);
    if (!copier) throw new Error('COPY needs the postgres.js driver');
    // One COPY at a time on a connection, in foreign-key order.
    await copyInto(copier, COPY_ACCOUNTS, prepared.copy.accounts);
    await copyInto(copier, COPY_NUMBERS, prepared.copy.numbers);
    await copyInto(copier, COPY_AUDIT, prepared.copy.audit);
    return;
  }
  // Sent together, pipelined on the connection. A failure aborts the transaction and fails the
  // statements after it: the first failure says why.
  const results = await Promise.allSettled(prepared.statements.map((query) => db.execute(query)));
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

function auditFixed(params: { at: Date; actor: string }) {
  return {
    at: params.at,
    actor: params.actor,
    action: 'account.created',
    subjectType: 'account',
  } as const;
}

/**
 * Where to read beside a transaction that is busy writing, for look-ups that need only what other
 * transactions committed: the pool on Postgres (another connection, so they run while the
 * transaction writes); on PGlite, whose one connection the transaction holds, the transaction.
 */
export function readerBeside(pool: Database, tx: Database): Database {
  return copyClientOf(pool) ? pool : tx;
}

/** postgres.js's client under a Drizzle connection or transaction: it streams COPY; PGlite not. */
type CopyClient = { unsafe(query: string): { writable(): Promise<NodeJS.WritableStream> } };

function copyClientOf(db: Database): CopyClient | undefined {
  const client = (db as unknown as { _: { session: { client?: unknown } } })._.session.client;
  const unsafe = (client as { unsafe?: unknown } | undefined)?.unsafe;
  return typeof unsafe === 'function' ? (client as CopyClient) : undefined;
}

const accountColumns = getTableColumns(accounts);
const COPY_ACCOUNTS = `copy accounts (${WRITTEN_ACCOUNT_KEYS.map((key) => `"${accountColumns[key].name}"`).join(', ')}, status, status_changed_at, created_at, updated_at) from stdin`;
const COPY_NUMBERS = 'copy virtual_numbers (number, account_id, kind) from stdin';
const COPY_AUDIT =
  'copy audit_log (at, actor, action, subject_type, subject_id, subject_name, after) from stdin';

/** The rows of the three tables in COPY's text format (tab-separated, one line a row). */
function copyText3(params: {
  rows: readonly AccountToWrite[];
  at: Date;
  actor: string;
}): PreparedAccounts {
  const at = params.at.toISOString();
  const fixed = `\tcreated\t${at}\t${at}\t${at}\n`;
  const audited = `${at}\t${copyText(params.actor)}\taccount.created\taccount\t`;
  let accountLines = '';
  let numberLines = '';
  let auditLines = '';
  for (const { account, audit } of params.rows) {
    accountLines += WRITTEN_ACCOUNT_KEYS.map((key) => copyCell(account[key])).join('\t') + fixed;
    numberLines += `${copyText(account.number)}\t${account.id}\tprimary\n`;
    if (account.secondaryNumber)
      numberLines += `${copyText(account.secondaryNumber)}\t${account.id}\tsecondary\n`;
    auditLines += `${audited}${account.id}\t${copyText(account.username)}\t${copyText(JSON.stringify(audit))}\n`;
  }
  return {
    rows: params.rows.length,
    copy: { accounts: accountLines, numbers: numberLines, audit: auditLines },
  };
}

/** Streams COPY's text into a table, 64 KB a socket write. */
async function copyInto(copier: CopyClient, statement: string, text: string): Promise<void> {
  const into = await copier.unsafe(statement).writable();
  const slices = function* () {
    for (let start = 0; start < text.length; start += 1 << 16)
      yield text.slice(start, start + (1 << 16));
  };
  await pipeline(Readable.from(slices()), into);
}

/** A value in COPY's text format: `\\N` for null, backslash escapes. */
function copyCell(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value))
    return copyText(
      `{${value.map((v) => `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`,
    );
  return copyText(String(value));
}

function copyText(text: string): string {
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : text;
}

/**
 * Gives a written account a new username (a later row of its import names the one it was drawn):
 * its HA1 made again with it, and its audit rows saying it.
 */
export async function renameWrittenAccount(
  db: Database,
  params: { id: string; username: string; sipHa1: string },
): Promise<void> {
  await db
    .update(accounts)
    .set({ username: params.username, sipHa1: params.sipHa1 })
    .where(eq(accounts.id, params.id));
  await db
    .update(auditLog)
    .set({
      subjectName: params.username,
      after: sql`jsonb_set(${auditLog.after}, '{username}', to_jsonb(${params.username}::text))`,
    })
    .where(and(eq(auditLog.subjectType, 'account'), eq(auditLog.subjectId, params.id)));
}

/** A written account's sealed password and realm, to hash it again. */
export async function findAccountSecret(
  db: Database,
  params: { id: string },
): Promise<{ passwordEncrypted: string; realm: string } | undefined> {
  const [row] = await db
    .select({ passwordEncrypted: accounts.passwordEncrypted, realm: accounts.sipHa1Realm })
    .from(accounts)
    .where(eq(accounts.id, params.id));
  return row;
}

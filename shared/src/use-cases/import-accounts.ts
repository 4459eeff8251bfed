import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '@sipops/db/client';
import { type AccountRow, isUsernameTaken, type ProfileRow } from '@sipops/db/queries';
import {
  accounts,
  auditLog,
  batchImports,
  provisioningProfiles,
  virtualNumbers,
} from '@sipops/db/schema';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type AccountView, toAccountView } from '../account-view.ts';
import { type GroupScope, isGroupInScope } from '../authorize.ts';
import { insertJsonRows } from '../batch/bulk-sql.ts';
import {
  BatchChecker,
  type BatchSummary,
  type CheckedAccount,
  type CsvSource,
  findTakenUsernames,
  type ProgressListener,
  throttleProgress,
} from '../batch/check-batch.ts';
import { computeSipHa1, decryptSecret, encryptSecret, generateUsername } from '../credentials.ts';
import { rethrowUniqueViolation } from '../database-errors.ts';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import {
  auditAccountsCreated,
  type ImportedGroup,
  recordAccountsImported,
} from '../record-changes-bulk.ts';
import { readSipRealm } from '../settings.ts';
import { profileRealm } from '../sip-realm.ts';
import { parseInput } from '../validation.ts';

/** Accounts written per statement: about 1.5 KB of JSON each, a few MB a statement. */
export const IMPORT_CHUNK_ROWS = 2500;
/** Rows prepared between two yields to the event loop, so that the database's answers are taken. */
const ROWS_PER_YIELD = 250;

export const importIdSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters');

export type ImportAccountsInput = {
  source: CsvSource;
  /**
   * The idempotency key: a second import with the same id returns the first one's result and
   * writes nothing (a retried or double-clicked confirmation). See deriveImportId.
   */
  importId: string;
  /** Queue the activation SMS of the wizard rows not yet activated. */
  isSmsRequested: boolean;
  /**
   * Where to report how the queued SMS go out, opaque here (the Slack channel of the import's
   * status message); none: the default notification channel, if there is one.
   */
  smsProgressChannel?: string | undefined;
};

/** Queues the activation SMS of these new accounts, inside the import's transaction. */
export type QueueActivationSms = (
  tx: Database,
  accountIds: string[],
  importId: string,
) => Promise<void>;

export type ImportAccountsOptions = {
  onProgress?: ProgressListener | undefined;
  /** Undefined while no SMS sender is wired: an import asking for SMS is then refused. */
  queueActivationSms?: QueueActivationSms | undefined;
  /** The groups the person importing may change; a row of another group refuses the import. */
  scope?: GroupScope | undefined;
};

export type ImportAccountsResult =
  | { outcome: 'imported'; imported: number; smsQueued: number; summary: BatchSummary }
  /** The id was imported before: nothing done, the first import's figures. */
  | { outcome: 'repeated'; imported: number; importedAt: Date; actor: Actor }
  /** The file has errors: nothing written. */
  | { outcome: 'refused'; summary: BatchSummary };

/** Refuses an import that asks for SMS where nothing can queue them. */
export function assertSmsQueuing(
  isSmsRequested: boolean,
  queueActivationSms: QueueActivationSms | undefined,
): void {
  if (isSmsRequested && !queueActivationSms) {
    throw new AppError(
      'NOT_ALLOWED',
      'queuing activation SMS is not available yet: import without it and send the SMS later',
    );
  }
}

/** The import id of a file: the same bytes with the same options are the same import. */
export async function deriveImportId(
  source: CsvSource,
  options: { isSmsRequested: boolean },
): Promise<string> {
  const hash = createHash('sha256');
  if (typeof source === 'string' || source instanceof Uint8Array) hash.update(source);
  else for await (const chunk of source) hash.update(chunk);
  hash.update(`\0sms=${options.isSmsRequested ? 'yes' : 'no'}`);
  return `sha256:${hash.digest('hex')}`;
}

/** Thrown inside the transaction to roll it back; carries what the caller is told. */
class RefusedBatch extends Error {
  constructor(readonly summary: BatchSummary) {
    super('the batch has errors');
  }
}

/**
 * The batch way: in one transaction, the file is read and checked row by row with the same
 * rules as a single creation, and its accounts are written in chunks as it goes (their numbers,
 * their audit rows), then one channel notification a group. All or nothing: an error anywhere in
 * the file, a number taken a moment ago or a killed process rolls everything back.
 */
export async function importAccounts(
  deps: Deps,
  actor: Actor,
  input: ImportAccountsInput,
  options: ImportAccountsOptions = {},
): Promise<ImportAccountsResult> {
  // Parsed as a field, so that a refusal names it (the terminal's --import-id).
  const { importId } = parseInput(z.object({ importId: importIdSchema }), {
    importId: input.importId,
  });
  assertSmsQueuing(input.isSmsRequested, options.queueActivationSms);
  try {
    return await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      // Claimed first: a second confirmation of the same import waits here for this one to end.
      const [claimed] = await tx
        .insert(batchImports)
        .values({
          id: importId,
          actor,
          createdAt: now,
          accountCount: 0,
          smsProgressChannel: input.smsProgressChannel ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: batchImports.id });
      if (!claimed) {
        const [first] = await tx.select().from(batchImports).where(eq(batchImports.id, importId));
        if (!first) throw new Error('the import id vanished after its conflict');
        return {
          outcome: 'repeated',
          imported: first.accountCount,
          importedAt: first.createdAt,
          actor: first.actor,
        };
      }
      const checker = new BatchChecker(tx, deps.secretKey, input.isSmsRequested, {
        onProgress: options.onProgress,
      });
      const writer = new AccountWriter(deps, tx, actor, now, checker, options.onProgress);
      await Promise.all([checker.load(), writer.load()]);
      await checker.read(input.source, (account) => writer.add(account));
      await writer.finish();
      const summary = checker.summarise();
      if (summary.errorCount > 0) throw new RefusedBatch(summary);
      const foreign = [...writer.groups.values()].filter(
        (g) => !isGroupInScope(options.scope ?? null, g.groupId),
      );
      if (foreign.length > 0)
        throw new AppError(
          'FORBIDDEN',
          `the file has accounts of ${foreign.map((g) => `"${g.group}"`).join(', ')}, not one of your groups; nothing was imported`,
          { field: 'group' },
        );
      await recordAccountsImported(tx, {
        actor,
        at: now,
        importId,
        groups: [...writer.groups.values()],
      });
      let smsQueued = 0;
      if (input.isSmsRequested && options.queueActivationSms) {
        // The one place the activation SMS of a batch are queued, in the import's transaction.
        await options.queueActivationSms(tx, writer.smsCandidateIds, importId);
        smsQueued = writer.smsCandidateIds.length;
      }
      await tx
        .update(batchImports)
        .set({ accountCount: writer.written, smsQueued })
        .where(eq(batchImports.id, importId));
      return { outcome: 'imported', imported: writer.written, smsQueued, summary };
    });
  } catch (error) {
    if (error instanceof RefusedBatch) return { outcome: 'refused', summary: error.summary };
    throw error;
  }
}

const ACCOUNT_KEYS = [
  'id',
  'username',
  'passwordEncrypted',
  'sipHa1',
  'sipHa1Realm',
  'number',
  'secondaryNumber',
  'type',
  'createdVia',
  'groupId',
  'profileId',
  'securityModel',
  'obfuscation',
  'obfuscationKey',
  'keepAlive',
  'deny',
  'permit',
  'enabled',
] as const;
const NUMBER_KEYS = ['number', 'accountId', 'kind'] as const;

/** A unique key of the file's values violated at insert: taken by another account since the check. */
const TAKEN_MEANWHILE = {
  accounts_username_unique: new AppError(
    'DUPLICATE_USERNAME',
    'a username of the file was taken by another account a moment ago: check the file again',
    { field: 'username' },
  ),
  virtual_numbers_pkey: new AppError(
    'DUPLICATE_NUMBER',
    'a number of the file was taken by another account a moment ago: check the file again',
    { field: 'number' },
  ),
};

/** A chunk ready to send: its three statements, serialised. */
type PreparedChunk = { rows: number; accounts: SQL; numbers: SQL; audit: SQL };

/** A username drawn for a row that gives none, and where its account is: waiting, or written. */
type DrawnName = { account: CheckedAccount | undefined; id: string | undefined };

/**
 * Writes the checked accounts of an import a chunk at a time, in a pipeline over the one
 * connection of the transaction: while the database writes a chunk, the next one is prepared
 * (hashed, encrypted, serialised) and the one after it read and checked. A chunk is prepared only
 * once its duplicates have been looked up in the database, and nothing more is written once the
 * file has an error.
 */
class AccountWriter {
  written = 0;
  readonly smsCandidateIds: string[] = [];
  readonly groups = new Map<string, ImportedGroup>();
  private pending: CheckedAccount[] = [];
  private readonly drawn = new Map<string, DrawnName>();
  /** Prepared, waiting for the chunk being written. */
  private ready: PreparedChunk | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** The realm of accounts without any profile (the global setting). */
  private realm = '';
  private profiles = new Map<string, ProfileRow>();
  private readonly progress: ReturnType<typeof throttleProgress>;

  constructor(
    private readonly deps: Deps,
    private readonly tx: Database,
    private readonly actor: Actor,
    private readonly now: Date,
    private readonly checker: BatchChecker,
    onProgress: ProgressListener | undefined,
  ) {
    this.progress = throttleProgress(onProgress);
  }

  async load(): Promise<void> {
    this.realm = await readSipRealm(this.tx);
    const profiles = await this.tx.select().from(provisioningProfiles);
    this.profiles = new Map(profiles.map((p) => [p.id, p]));
    this.progress({ phase: 'importing', rows: 0 }, true);
  }

  async add(account: CheckedAccount): Promise<void> {
    if (this.checker.errorCount > 0) {
      // The import will be refused: nothing more is written, the rest of the file is only checked.
      this.pending = [];
      this.drawn.clear();
      return;
    }
    if (account.username === undefined) {
      const username = this.draw();
      account.username = username;
      this.drawn.set(username, { account, id: undefined });
    } else {
      // A later row names a username drawn for an earlier one: the earlier one draws again.
      const holder = this.drawn.get(account.username);
      if (holder) await this.redraw(account.username, holder);
    }
    this.pending.push(account);
    if (this.pending.length >= IMPORT_CHUNK_ROWS) await this.flush();
  }

  async finish(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
    if (this.checker.errorCount === 0) this.send();
    await this.writing;
    this.progress({ phase: 'importing', rows: this.written }, true);
  }

  /** A username no row of the file names (so far) and none drawn before. */
  private draw(): string {
    for (;;) {
      const username = generateUsername();
      if (
        !this.checker.namedUsernames.has(username) &&
        !this.checker.namedNumbers.has(username) &&
        !this.drawn.has(username)
      )
        return username;
    }
  }

  private async redraw(username: string, holder: DrawnName): Promise<void> {
    this.drawn.delete(username);
    let next = this.draw();
    if (holder.account) {
      // Not written yet: its chunk looks the new name up in the database like any other.
      holder.account.username = next;
      this.drawn.set(next, holder);
      return;
    }
    const id = holder.id;
    if (id === undefined) throw new Error('a drawn username has no account');
    while (await isUsernameTaken(this.tx, next)) next = this.draw();
    this.drawn.set(next, holder);
    // Its chunk may still wait to be sent.
    this.send();
    await this.writing;
    await this.renameWritten(id, next);
  }

  /** The rare repair of an account already written under a username a later row turns out to name. */
  private async renameWritten(id: string, username: string): Promise<void> {
    const [row] = await this.tx
      .select({ passwordEncrypted: accounts.passwordEncrypted, realm: accounts.sipHa1Realm })
      .from(accounts)
      .where(eq(accounts.id, id));
    if (!row) throw new Error('a written account vanished');
    const password = decryptSecret(this.deps.secretKey, row.passwordEncrypted);
    await this.tx
      .update(accounts)
      .set({ username, sipHa1: computeSipHa1(username, row.realm, password) })
      .where(eq(accounts.id, id));
    await this.tx
      .update(auditLog)
      .set({
        subjectName: username,
        after: sql`jsonb_set(${auditLog.after}, '{username}', to_jsonb(${username}::text))`,
      })
      .where(and(eq(auditLog.subjectType, 'account'), eq(auditLog.subjectId, id)));
  }

  private async flush(): Promise<void> {
    const chunk = this.pending;
    this.pending = [];
    // Answered once the chunk being written is: the database works in statement order.
    await this.checker.flushDatabaseChecks();
    if (this.checker.errorCount > 0) {
      this.ready = undefined;
      return;
    }
    await this.avoidTakenUsernames(chunk);
    this.send();
    this.ready = await this.prepare(chunk);
  }

  /** Sends the prepared chunk, to be written after the one being written. */
  private send(): void {
    const chunk = this.ready;
    if (!chunk) return;
    this.ready = undefined;
    this.writing = this.writing.then(() => this.write(chunk));
    // Handled here so that a failure waits for the next await of `writing` instead of crashing.
    this.writing.catch(() => {});
  }

  /** Drawn usernames the database holds already are drawn again, looked up a chunk at a time. */
  private async avoidTakenUsernames(chunk: CheckedAccount[]): Promise<void> {
    let drawing = chunk.filter(
      (row) => row.username !== undefined && this.drawn.get(row.username)?.account === row,
    );
    while (drawing.length > 0) {
      const held = await findTakenUsernames(
        this.tx,
        drawing.map((row) => row.username ?? ''),
      );
      drawing = drawing.filter((row) => held.has(row.username ?? ''));
      for (const row of drawing) {
        const holder = this.drawn.get(row.username ?? '');
        this.drawn.delete(row.username ?? '');
        row.username = this.draw();
        this.drawn.set(row.username, holder ?? { account: row, id: undefined });
      }
    }
  }

  private async prepare(chunk: CheckedAccount[]): Promise<PreparedChunk> {
    // The same for every account of the import: bound once, not serialised in every row.
    const fixed = {
      status: 'created',
      statusChangedAt: this.now,
      createdAt: this.now,
      updatedAt: this.now,
    } as const;
    const rows: AccountRow[] = [];
    const numbers: (typeof virtualNumbers.$inferInsert)[] = [];
    const views: AccountView[] = [];
    for (const [index, row] of chunk.entries()) {
      if (index > 0 && index % ROWS_PER_YIELD === 0) await new Promise(setImmediate);
      const username = row.username;
      if (username === undefined) throw new Error(`account of line ${row.line} has no username`);
      const id = randomUUID();
      const holder = this.drawn.get(username);
      if (holder?.account === row) {
        // Only the id is kept of a written account, in case a later row names its username.
        holder.account = undefined;
        holder.id = id;
      }
      if (row.isSmsCandidate) this.smsCandidateIds.push(id);
      const group = this.groups.get(row.group.id);
      if (group) group.accounts++;
      else
        this.groups.set(row.group.id, {
          groupId: row.group.id,
          group: row.group.name,
          accounts: 1,
        });
      const groupProfile = row.group.profileId ? this.profiles.get(row.group.profileId) : undefined;
      const profile = row.profile ?? groupProfile;
      const realm = profile ? profileRealm(profile) : this.realm;
      const account: AccountRow = {
        id,
        username,
        passwordEncrypted: row.sealedPassword ?? encryptSecret(this.deps.secretKey, row.password),
        sipHa1: computeSipHa1(username, realm, row.password),
        sipHa1Realm: realm,
        number: row.number,
        secondaryNumber: row.secondaryNumber,
        type: row.type,
        createdVia: row.way,
        groupId: row.group.id,
        profileId: row.profile?.id ?? null,
        securityModel: row.securityModel,
        obfuscation: row.obfuscation,
        obfuscationKey: row.obfuscationKey,
        keepAlive: row.keepAlive,
        deny: row.deny,
        permit: row.permit,
        enabled: row.enabled,
        disabledAt: null,
        status: fixed.status,
        statusChangedAt: fixed.statusChangedAt,
        keysRevokedAt: null,
        createdAt: fixed.createdAt,
        updatedAt: fixed.updatedAt,
      };
      rows.push(account);
      numbers.push({ number: row.number, accountId: id, kind: 'primary' });
      if (row.secondaryNumber)
        numbers.push({ number: row.secondaryNumber, accountId: id, kind: 'secondary' });
      views.push(
        toAccountView({
          account,
          group: row.group,
          profile: row.profile ?? groupProfile ?? null,
          isProfileInherited: row.profile === null && groupProfile !== undefined,
        }),
      );
    }
    return {
      rows: rows.length,
      accounts: insertJsonRows(accounts, ACCOUNT_KEYS, rows, fixed),
      numbers: insertJsonRows(virtualNumbers, NUMBER_KEYS, numbers),
      audit: auditAccountsCreated({ actor: this.actor, at: this.now, accounts: views }),
    };
  }

  private async write(chunk: PreparedChunk): Promise<void> {
    // Sent together, pipelined on the connection: the database goes from one to the next without
    // waiting for this process, busy preparing the next chunk. A failure aborts the transaction
    // and fails the statements after it: the first failure says why.
    const results = await Promise.allSettled([
      this.tx.execute(chunk.accounts),
      this.tx.execute(chunk.numbers),
      this.tx.execute(chunk.audit),
    ]);
    for (const result of results)
      if (result.status === 'rejected') rethrowUniqueViolation(result.reason, TAKEN_MEANWHILE);
    this.written += chunk.rows;
    this.progress({ phase: 'importing', rows: this.written });
  }
}

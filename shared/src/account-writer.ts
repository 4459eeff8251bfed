import { randomUUID } from 'node:crypto';
import type { Database } from '@sipops/db/client';
import {
  type AccountToWrite,
  findAccountSecret,
  findTakenUsernames,
  listProfiles,
  type PreparedAccounts,
  type ProfileRow,
  prepareAccounts,
  renameWrittenAccount,
  writeAccounts,
} from '@sipops/db/queries';
import type { AccountToCreate } from './account-creation.ts';
import { accountFieldColumns } from './account-fields.ts';
import { toAccountView } from './account-view.ts';
import { type ProgressListener, throttleProgress } from './batch/progress.ts';
import { computeSipHa1, decryptSecret, encryptSecret, generateUsername } from './credentials.ts';
import { rethrowUniqueViolation } from './database-errors.ts';
import type { Actor, Deps } from './deps.ts';
import { AppError } from './errors.ts';
import { snapshot } from './record-change.ts';
import type { ImportedGroup } from './record-changes-bulk.ts';
import { readSipRealm } from './settings.ts';
import { profileRealm } from './sip-realm.ts';

/** Accounts written at a time: a few MB of rows, one COPY on Postgres. */
export const WRITE_CHUNK_ROWS = 5000;
/** Rows prepared between two yields to the event loop, so that the database's answers are taken. */
const ROWS_PER_YIELD = 250;

/**
 * What the writer needs to know of the accounts' checks: whether any failed (nothing more is
 * written then), which names the batch gives (a drawn username must avoid them), and a way to
 * finish the database look-ups of the rows added so far before they are written.
 */
export type WriterChecks = {
  readonly errorCount: number;
  isNamed(value: string): boolean;
  flushDatabaseChecks(): Promise<void>;
};

/** A unique key of the accounts violated at insert: taken by another account since the check. */
const TAKEN_MEANWHILE: Record<string, AppError> = {
  accounts_username_unique: new AppError(
    'DUPLICATE_USERNAME',
    'a username was taken by another account a moment ago: try again',
    { field: 'username' },
  ),
  accounts_username_not_a_number: new AppError(
    'DUPLICATE_USERNAME',
    'a username became the number of another account a moment ago: try again',
    { field: 'username' },
  ),
  virtual_numbers_pkey: new AppError(
    'DUPLICATE_NUMBER',
    'a number was taken by another account a moment ago: try again',
    { field: 'number' },
  ),
  virtual_numbers_number_not_a_username: new AppError(
    'DUPLICATE_NUMBER',
    'a number became the username of another account a moment ago: try again',
    { field: 'number' },
  ),
};

/** A username drawn for an account that gives none, and where its account is: waiting, or written. */
type DrawnName = { account: AccountToCreate | undefined; id: string | undefined };

export type AccountWriterOptions = {
  onProgress?: ProgressListener | undefined;
  /** Rows a chunk; a single creation writes its one at finish. */
  chunkRows?: number | undefined;
  /**
   * Where to look up drawn usernames among existing accounts: beside the transaction (another
   * connection), so that it does not wait for the chunk being written; by default the transaction.
   */
  reader?: Database | undefined;
  /** What to say when a unique key is taken by another account meanwhile, by constraint name. */
  takenMeanwhile?: Record<string, AppError> | undefined;
};

/**
 * The one way accounts enter the database, whichever way staff created them: a single creation is
 * a batch of one. It draws the usernames not given, hashes and encrypts the passwords, and writes
 * the accounts, their numbers and their `account.created` audit rows a chunk at a time, in a
 * pipeline over the one connection of the transaction: while the database writes a chunk, the
 * next one is prepared and the one after it read and checked. A chunk is prepared only once its
 * database checks are answered, and nothing more is written once the checks found an error.
 */
export class AccountWriter {
  written = 0;
  /** The ids of the wizard accounts waiting for their activation SMS. */
  readonly smsCandidateIds: string[] = [];
  readonly groups = new Map<string, ImportedGroup>();
  /** The id of the last account prepared (a single creation's). */
  lastId: string | undefined;
  private pending: AccountToCreate[] = [];
  private readonly drawn = new Map<string, DrawnName>();
  /** Prepared, waiting for the chunk being written. */
  private ready: PreparedAccounts | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** The realm of accounts without any profile (the global setting). */
  private realm = '';
  private profiles = new Map<string, ProfileRow>();
  private readonly progress: ReturnType<typeof throttleProgress>;
  private readonly chunkRows: number;
  private readonly takenMeanwhile: Record<string, AppError>;
  private readonly reader: Database;

  constructor(
    private readonly deps: Pick<Deps, 'secretKey'>,
    private readonly tx: Database,
    private readonly actor: Actor,
    private readonly now: Date,
    private readonly checks: WriterChecks,
    options: AccountWriterOptions = {},
  ) {
    this.progress = throttleProgress(options.onProgress);
    this.chunkRows = options.chunkRows ?? WRITE_CHUNK_ROWS;
    this.takenMeanwhile = { ...TAKEN_MEANWHILE, ...options.takenMeanwhile };
    this.reader = options.reader ?? tx;
  }

  async load(): Promise<void> {
    const [realm, profiles] = await Promise.all([readSipRealm(this.tx), listProfiles(this.tx)]);
    this.realm = realm;
    this.profiles = new Map(profiles.map((p) => [p.id, p]));
    this.progress({ phase: 'importing', rows: 0 }, true);
  }

  async add(account: AccountToCreate): Promise<void> {
    if (this.checks.errorCount > 0) {
      // Refused: nothing more is written, the rest of the file is only checked.
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
    if (this.pending.length >= this.chunkRows) await this.flush();
  }

  async finish(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
    if (this.checks.errorCount === 0) void this.send();
    await this.writing;
    this.progress({ phase: 'importing', rows: this.written }, true);
  }

  /** A username no account of the batch names (so far) and none drawn before. */
  private draw(): string {
    for (;;) {
      const username = generateUsername();
      if (!this.checks.isNamed(username) && !this.drawn.has(username)) return username;
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
    while ((await findTakenUsernames(this.tx, { usernames: [next] })).size > 0) next = this.draw();
    this.drawn.set(next, holder);
    // Its chunk may still wait to be sent.
    void this.send();
    await this.writing;
    // The rare repair of an account already written under a username a later row names.
    const secret = await findAccountSecret(this.tx, { id });
    if (!secret) throw new Error('a written account vanished');
    const password = decryptSecret(this.deps.secretKey, secret.passwordEncrypted);
    await renameWrittenAccount(this.tx, {
      id,
      username: next,
      sipHa1: computeSipHa1(next, secret.realm, password),
    });
  }

  private async flush(): Promise<void> {
    const chunk = this.pending;
    this.pending = [];
    // Answered once the chunk being written is: the database works in statement order.
    await this.checks.flushDatabaseChecks();
    if (this.checks.errorCount > 0) {
      this.ready = undefined;
      return;
    }
    await this.avoidTakenUsernames(chunk);
    const before = this.send();
    this.ready = await this.prepare(chunk);
    // At most one chunk written while the next waits prepared and the one after it is read.
    await before;
  }

  /** Sends the prepared chunk, to be written after the one being written; that one's end. */
  private send(): Promise<void> {
    const before = this.writing;
    const chunk = this.ready;
    if (!chunk) return before;
    this.ready = undefined;
    this.writing = before.then(() => this.write(chunk));
    // Handled here so that a failure waits for the next await of `writing` instead of crashing.
    this.writing.catch(() => {});
    return before;
  }

  /** Drawn usernames the database holds already are drawn again, looked up a chunk at a time. */
  private async avoidTakenUsernames(chunk: AccountToCreate[]): Promise<void> {
    let drawing = chunk.filter(
      (row) => row.username !== undefined && this.drawn.get(row.username)?.account === row,
    );
    while (drawing.length > 0) {
      const held = await findTakenUsernames(this.reader, {
        usernames: drawing.map((row) => row.username ?? ''),
      });
      drawing = drawing.filter((row) => held.has(row.username ?? ''));
      for (const row of drawing) {
        const holder = this.drawn.get(row.username ?? '');
        this.drawn.delete(row.username ?? '');
        row.username = this.draw();
        this.drawn.set(row.username, holder ?? { account: row, id: undefined });
      }
    }
  }

  private async prepare(chunk: AccountToCreate[]): Promise<PreparedAccounts> {
    const rows: AccountToWrite[] = [];
    for (const [index, row] of chunk.entries()) {
      if (index > 0 && index % ROWS_PER_YIELD === 0) await new Promise(setImmediate);
      const username = row.username;
      if (username === undefined) throw new Error('an account to write has no username');
      const id = randomUUID();
      this.lastId = id;
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
      const account = {
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
        ...accountFieldColumns(row.type, row),
        enabled: row.enabled,
      };
      const view = toAccountView({
        account: {
          ...account,
          disabledAt: null,
          status: 'created',
          statusChangedAt: this.now,
          keysRevokedAt: null,
          createdAt: this.now,
          updatedAt: this.now,
        },
        group: row.group,
        profile: profile ?? null,
        isProfileInherited: row.profile === null && groupProfile !== undefined,
      });
      rows.push({ account, audit: snapshot(view) });
    }
    return prepareAccounts(this.tx, { rows, at: this.now, actor: this.actor });
  }

  private async write(prepared: PreparedAccounts): Promise<void> {
    await writeAccounts(this.tx, prepared).catch((error: unknown) =>
      rethrowUniqueViolation(error, this.takenMeanwhile),
    );
    this.written += prepared.rows;
    this.progress({ phase: 'importing', rows: this.written });
  }
}

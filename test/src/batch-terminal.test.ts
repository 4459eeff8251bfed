import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@sipops/db/client';
import { accounts, auditLog, batchImports, outbox, virtualNumbers } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { formatCsvLine } from '@sipops/shared/batch/csv-format';
import { computeSipHa1, decryptSecret } from '@sipops/shared/credentials';
import { systemClock } from '@sipops/shared/deps';
import { createGroup, createGroupSchema } from '@sipops/shared/use-cases/create-group';
import { createProfile } from '@sipops/shared/use-cases/create-profile';
import { createProfileSchema } from '@sipops/shared/use-cases/profile-schemas';
import { parseInput } from '@sipops/shared/validation';
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEmbeddedRuntime } from './embedded.ts';
import { baseEnv, botCommand, embeddedEnv, REPO_ROOT, runSip } from './sip.ts';

const KILLED_FILE_ROWS = 15_000;
const folder = mkdtempSync(join(tmpdir(), 'sipops-batch-'));

function writeCsv(name: string, header: string[], rows: string[][]): string {
  const path = join(folder, name);
  writeFileSync(path, formatCsvLine(header) + rows.map((row) => formatCsvLine(row)).join(''));
  return path;
}

const HEADER = ['way', 'group', 'number', 'type', 'password', 'username', 'deny', 'permit'];
const GOOD_FILE = writeCsv('good.csv', HEADER, [
  ['wizard', 'north', '+39 347 555 0001', '', '', '', '', ''],
  ['wizard', 'north', '+39 347 555 0002', '', '', '', '', ''],
  ['plain', 'Acme, "East"', '+39 347 555 0003', 'pgsm', 'Secret-pass-1', 'anna.t', '', ''],
  ['plain', 'Acme, "East"', '5001', 'snom', 'Secret-pass-2', '', '0.0.0.0/0', '10.0.0.1;10.0.0.2'],
]);
const BAD_FILE = writeCsv('bad.csv', HEADER, [
  ['wizard', 'north', '+39 347 555 0101', '', '', '', '', ''],
  ['plain', 'north', '+39 12', 'pgsm', 'Secret-pass-1', '', '', ''],
  ['wizard', 'nowhere', '+39 347 555 0101', '', '', '', '', ''],
]);
/**
 * Large enough that the import checks its later rows on row workers (after 2,000 rows, 500 a
 * batch): errors among those rows, and a plain password every other row.
 */
const SPREAD_FILE_ROWS = 3200;
const spreadRow = (i: number) =>
  i % 2 === 0
    ? ['wizard', 'north', `+39 349 ${String(1_000_000 + i)}`, '', '', '', '', '']
    : [
        'plain',
        'north',
        `+39 349 ${String(1_000_000 + i)}`,
        'pgsm',
        `Spread-${i}-pass`,
        '',
        '',
        '',
      ];
/** Data row i is on line i + 2. */
const SPREAD_ERRORS = new Map<number, string[]>([
  [2500, ['plain', 'north', '+39 12', 'pgsm', 'Spread-pass', '', '', '']],
  [2900, ['wizard', 'nowhere', '+39 349 2000001', '', '', '', '', '']],
  // The numbers of rows 100 (checked before the workers start) and 2,200 (by a worker) again.
  [3100, ['wizard', 'north', '+39 349 1000100', '', '', '', '', '']],
  [3150, ['wizard', 'north', '+39 349 1002200', '', '', '', '', '']],
]);
const SPREAD_FILE = writeCsv(
  'spread.csv',
  HEADER,
  Array.from({ length: SPREAD_FILE_ROWS }, (_, i) => SPREAD_ERRORS.get(i) ?? spreadRow(i)),
);
const SPREAD_FIXED_FILE = writeCsv(
  'spread-fixed.csv',
  HEADER,
  Array.from({ length: SPREAD_FILE_ROWS }, (_, i) => i)
    .filter((i) => !SPREAD_ERRORS.has(i))
    .map(spreadRow),
);
const KILLED_FILE = writeCsv(
  'large.csv',
  ['way', 'group', 'number'],
  Array.from({ length: KILLED_FILE_ROWS }, (_, i) => [
    'wizard',
    'north',
    `+39 348 ${String(1_000_000 + i)}`,
  ]),
);

/** Groups and profiles set up straight in the database: the commands under test are import and export. */
async function seed(db: Database): Promise<void> {
  const deps = { db, clock: systemClock, secretKey: randomBytes(32) };
  await createProfile(
    deps,
    'test:setup',
    parseInput(createProfileSchema, { name: 'standard', sipHost: 'sip.example.com' }),
  );
  for (const group of [{ name: 'north', profile: 'standard' }, { name: 'Acme, "East"' }])
    await createGroup(deps, 'test:setup', parseInput(createGroupSchema, group));
}

async function counts(db: Database) {
  return {
    accounts: await db.$count(accounts),
    virtualNumbers: await db.$count(virtualNumbers),
    auditLog: await db.$count(auditLog),
    outbox: await db.$count(outbox),
    batchImports: await db.$count(batchImports),
  };
}

/** A sipops installation: its environment and a way to read its database. */
type Installation = {
  env: Record<string, string>;
  read<T>(use: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

async function install(kind: 'pglite' | 'postgres', secretKey: string): Promise<Installation> {
  if (kind === 'postgres') {
    const database: TestDatabase = await createTestDatabase('postgres');
    await seed(database.db);
    return {
      env: { DATABASE_URL: database.url ?? '', SIPOPS_SECRET_KEY: secretKey },
      read: (use) => use(database.db),
      close: () => database.close(),
    };
  }
  const env = { ...embeddedEnv(), SIPOPS_SECRET_KEY: secretKey };
  await withEmbeddedRuntime(env, seed);
  return { env, read: (use) => withEmbeddedRuntime(env, use), close: async () => {} };
}

/** Starts `import` on the large file and SIGKILLs it once it has written part of the accounts. */
function killMidImport(env: Record<string, string>): Promise<{ stderr: string; signal: string }> {
  return new Promise((resolve, reject) => {
    const [program = '', ...args] = botCommand('sip', 'import', KILLED_FILE, '--progress');
    const child = spawn(program, args, {
      cwd: REPO_ROOT,
      env: { ...baseEnv(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const written = /, ([\d,]+) written/g;
      for (const match of stderr.matchAll(written)) {
        const rows = Number(match[1]?.replace(/,/g, ''));
        if (rows > 0 && rows < KILLED_FILE_ROWS) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ stderr, signal: String(signal) });
    });
  });
}

// The databases side by side (each command is a fresh Node process, seconds each on a busy
// machine), the steps of each one in order.
describe.concurrent.each(testDatabaseKinds())(
  'npm run sip import and export on %s',
  { timeout: 120_000 },
  (kind) => {
    const secretKey = randomBytes(32).toString('hex');
    let site: Installation;
    /** A second installation with the same key, left empty for the round trip. */
    let empty: Installation;
    const sip = (...args: string[]) => runSip(args, site.env);

    beforeAll(async () => {
      [site, empty] = await Promise.all([install(kind, secretKey), install(kind, secretKey)]);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([site?.close(), empty?.close()]);
    });

    it.sequential('refuses a file with errors: every error with its line and column, nothing written', async () => {
      const result = await sip('import', BAD_FILE, '--json');
      expect(result.code, result.stderr).toBe(1);
      expect(JSON.parse(result.stdout)).toEqual({
        errors: [
          {
            line: 3,
            column: 'number',
            value: '+39 12',
            message: 'is not a valid international number (too short)',
          },
          {
            line: 4,
            column: 'group',
            value: 'nowhere',
            message: 'no group named "nowhere"',
          },
        ],
      });
      expect(result.stderr).toMatch(/^error: line 3, number "\+39 12": is not a valid/m);
      expect(result.stderr).toMatch(/nothing imported: 2 error\(s\) in 3 row\(s\)/);
      expect((await site.read(counts)).accounts).toBe(0);
    });

    it.sequential('checks without writing (--dry-run)', async () => {
      const dry = await sip('import', GOOD_FILE, '--dry-run');
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^4 account\(s\) would be imported, nothing written/);
      expect(dry.stdout).toMatch(/PGSM 3, SNOM 1; wizard 2, plain 2/);
      expect(await site.read(counts)).toMatchObject({ accounts: 0, batchImports: 0 });
    });

    it.sequential('imports a file once: {"imported": n}, then says it was imported already', async () => {
      const first = await sip('import', GOOD_FILE, '--json');
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toEqual({ imported: 4 });
      const again = await sip('import', GOOD_FILE);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(
        /^already imported at .* by terminal:.*: 4 account\(s\), nothing done/,
      );
      expect(await site.read(counts)).toMatchObject({
        accounts: 4,
        virtualNumbers: 4,
        batchImports: 1,
      });
    });

    it.sequential('exports CSV that, imported into an empty installation with the same key, exports the same bytes', async () => {
      const exported = await sip('export');
      expect(exported.code, exported.stderr).toBe(0);
      const lines = exported.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(5);
      expect(exported.stdout).toMatch(/^"Acme, ""East""",anna\.t,plain,pgsm,'\+393475550003,/m);
      expect(exported.stdout).not.toMatch(/Secret-pass/);
      const north = await sip('export', '--group', 'north', '--status', 'created');
      expect(north.stdout.trimEnd().split('\n')).toHaveLength(3);

      const copy = join(folder, `export-${kind}.csv`);
      writeFileSync(copy, exported.stdout);
      const imported = await runSip(['import', copy, '--json'], empty.env);
      expect(imported.code, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout)).toEqual({ imported: 4 });
      const again = await runSip(['export'], empty.env);
      expect(again.stdout).toBe(exported.stdout);
    });

    it.sequential('leaves nothing of a file whose import is killed midway', async () => {
      const before = await site.read(counts);
      const killed = await killMidImport(site.env);
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stderr).toMatch(/, [1-9][\d,]* written/);
      expect(killed.stderr).not.toMatch(/, 15,000 written/);
      expect(await site.read(counts)).toEqual(before);
    });

    it.sequential('checks and imports a large file with its rows spread over threads, as a small one', async () => {
      const refused = await sip('import', SPREAD_FILE, '--json');
      expect(refused.code, refused.stderr).toBe(1);
      expect(JSON.parse(refused.stdout)).toEqual({
        errors: [
          {
            line: 2502,
            column: 'number',
            value: '+39 12',
            message: 'is not a valid international number (too short)',
          },
          { line: 2902, column: 'group', value: 'nowhere', message: 'no group named "nowhere"' },
          {
            line: 3102,
            column: 'number',
            value: '+39 349 1000100',
            message: '+393491000100 is also on line 102',
          },
          {
            line: 3152,
            column: 'number',
            value: '+39 349 1002200',
            message: '+393491002200 is also on line 2202',
          },
        ],
      });
      const before = await site.read(counts);

      const imported = await sip('import', SPREAD_FIXED_FILE, '--json');
      expect(imported.code, imported.stderr).toBe(0);
      const rows = SPREAD_FILE_ROWS - SPREAD_ERRORS.size;
      expect(JSON.parse(imported.stdout)).toEqual({ imported: rows });
      const written = await site.read((db) =>
        db
          .select({
            number: accounts.number,
            username: accounts.username,
            passwordEncrypted: accounts.passwordEncrypted,
            sipHa1: accounts.sipHa1,
            realm: accounts.sipHa1Realm,
          })
          .from(accounts)
          .where(like(accounts.number, '+39349%')),
      );
      expect(written).toHaveLength(rows);
      const key = Buffer.from(secretKey, 'hex');
      for (const account of written) {
        // The password the file gave (plain rows) or one drawn (wizard rows), sealed with the key.
        const password = decryptSecret(key, account.passwordEncrypted);
        const i = Number(account.number.slice(-7)) - 1_000_000;
        if (i % 2 === 1) expect(password).toBe(`Spread-${i}-pass`);
        expect(account.sipHa1).toBe(computeSipHa1(account.username, account.realm, password));
      }
      expect(new Set(written.map((a) => a.username)).size).toBe(rows);
      const after = await site.read(counts);
      expect(after).toMatchObject({
        accounts: before.accounts + rows,
        virtualNumbers: before.virtualNumbers + rows,
      });
    });

    it.sequential('queues the activation SMS of the wizard rows with --send-sms', async () => {
      const file = writeCsv(
        `sms-${kind}.csv`,
        ['way', 'group', 'number'],
        [['wizard', 'north', '+39 347 555 0901']],
      );
      const imported = await sip('import', file, '--send-sms', '--json');
      expect(imported.code, imported.stderr).toBe(0);
      const shown = await sip('show', '+393475550901', '--json');
      expect(JSON.parse(shown.stdout)).toMatchObject({
        status: 'installation_sms_sent',
        enabled: false,
      });
      const outboxSms = await site.read((db) => db.$count(outbox, eq(outbox.kind, 'sms')));
      expect(outboxSms).toBe(1);
      expect((await sip('delete', '+393475550901', '--yes')).code).toBe(0);
    });

    it.sequential('says in words how many SMS it queued and where they go from', async () => {
      const file = writeCsv(
        `sms-text-${kind}.csv`,
        ['way', 'group', 'number'],
        [['wizard', 'north', '+39 347 555 0902']],
      );
      const imported = await sip('import', file, '--send-sms');
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(/^1 account\(s\) imported: /);
      expect(imported.stdout).toContain(
        '1 activation SMS queued: the running server sends them at SIPOPS_SMS_PER_SECOND',
      );
      expect((await sip('delete', '+393475550902', '--yes')).code).toBe(0);
    });
  },
);

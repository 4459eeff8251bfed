import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Database } from '@sipops/db/client';
import { accounts, auditLog, batchImports, outbox, virtualNumbers } from '@sipops/db/schema';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BatchProgress, type BatchSummary, checkBatch } from '../batch/check-batch.ts';
import { formatCsvLine } from '../batch/csv-format.ts';
import { decryptSecret } from '../credentials.ts';
import {
  ACTOR,
  countRows,
  e164,
  extension,
  mobileNumber,
  refusal,
  seedGroups,
  type TestDeps,
  testDeps,
} from '../testing/test-fixture.ts';
import { parseInput } from '../validation.ts';
import { createProfile } from './create-profile.ts';
import { exportAccounts } from './export-accounts.ts';
import { type ImportAccountsResult, importAccounts } from './import-accounts.ts';
import { createProfileSchema } from './profile-schemas.ts';

/** Usernames the next draws give, in order, before random ones again. */
const nextDrawnUsernames = vi.hoisted(() => [] as string[]);
vi.mock('../credentials.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../credentials.ts')>();
  return {
    ...actual,
    generateUsername: () => nextDrawnUsernames.shift() ?? actual.generateUsername(),
  };
});

const QUOTED_GROUP = 'Acme "East", Inc.';
const PASSWORD = 'Secret-pass-1';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const csv = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  formatCsvLine(header) + rows.map((row) => formatCsvLine(row)).join('');

/** Groups and profiles as staff set them up before an import. */
async function seed(deps: TestDeps): Promise<void> {
  await seedGroups(deps, [
    { name: 'acme' },
    { name: 'north', profile: 'standard' },
    { name: QUOTED_GROUP, profile: 'standard' },
  ]);
  await createProfile(
    deps,
    ACTOR,
    parseInput(createProfileSchema, { name: 'premium', sipHost: 'sip2.example.com' }),
  );
}

async function allCounts(db: Database) {
  return { ...(await countRows(db)), batchImports: await db.$count(batchImports) };
}

/** An export as one string. */
async function exportText(deps: TestDeps, input: Parameters<typeof exportAccounts>[1] = {}) {
  let text = '';
  await exportAccounts(deps, input, (chunk) => {
    text += chunk;
  });
  return text;
}

function expectRefused(result: ImportAccountsResult): BatchSummary {
  if (result.outcome !== 'refused') throw new Error(`expected a refusal, got ${result.outcome}`);
  return result.summary;
}

describe.each(testDatabaseKinds())('batch import and export on %s', (kind) => {
  let database: TestDatabase;
  let deps: TestDeps;
  let nextImport = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = testDeps(database.db);
    await seed(deps);
  });
  afterAll(() => database.close());

  const check = (text: string, isSmsRequested = false) =>
    checkBatch(deps, { source: text, isSmsRequested });
  const runImport = (source: Parameters<typeof importAccounts>[2]['source'], importId?: string) =>
    importAccounts(deps, ACTOR, {
      source,
      importId: importId ?? `test-${++nextImport}`,
      isSmsRequested: false,
    });

  /** Imports a file that must be refused, proves it wrote nothing, and returns its errors. */
  async function refusedErrors(text: string) {
    const before = await allCounts(deps.db);
    const summary = expectRefused(await runImport(text));
    expect(await allCounts(deps.db)).toEqual(before);
    expect(summary.errors.length).toBeGreaterThan(0);
    expect((await check(text)).errors).toEqual(summary.errors);
    return summary.errors;
  }

  it('imports wizard and plain rows of both types with the forms’ defaults, in one go', async () => {
    const wizard = mobileNumber();
    const pgsm = mobileNumber();
    const secondary = mobileNumber();
    const desk = extension();
    const text = csv(
      [
        'way',
        'group',
        'number',
        'type',
        'profile',
        'username',
        'password',
        'secondary_number',
        'obfuscation_key',
        'keep_alive',
        'deny',
        'permit',
      ],
      [
        ['wizard', 'north', wizard, '', '', '', '', '', '', '', '', ''],
        [
          'plain',
          'acme',
          pgsm,
          'PGSM',
          'premium',
          'anna.batch',
          PASSWORD,
          secondary,
          '42',
          'on',
          '',
          '',
        ],
        [
          'plain',
          QUOTED_GROUP,
          desk,
          'snom',
          '',
          '',
          PASSWORD,
          '',
          '',
          '',
          '0.0.0.0/0.0.0.0',
          '216.27.242.66/255.255.255.255;192.168.0.38/24',
        ],
      ],
    );
    const preview = await check(text, true);
    expect(preview).toMatchObject({
      rows: 3,
      accounts: 3,
      byType: { pgsm: 2, snom: 1 },
      byWay: { wizard: 1, plain: 2 },
      byGroup: [
        { group: QUOTED_GROUP, accounts: 1 },
        { group: 'acme', accounts: 1 },
        { group: 'north', accounts: 1 },
      ],
      activationSmsRows: 1,
      smsToQueue: 1,
      errors: [],
      errorCount: 0,
    });
    expect(preview.sample.map((row) => [row.line, row.username])).toEqual([
      [2, null],
      [3, 'anna.batch'],
      [4, null],
    ]);
    const before = await allCounts(deps.db);
    const now = deps.clock.advance(60_000);
    const result = await runImport(text);
    expect(result).toMatchObject({ outcome: 'imported', imported: 3, smsQueued: 0 });

    const rows = await deps.db.select().from(accounts).where(eq(accounts.createdAt, now));
    const byNumber = new Map(rows.map((row) => [row.number, row]));
    expect(byNumber.get(e164(wizard))).toMatchObject({
      type: 'pgsm',
      createdVia: 'wizard',
      enabled: false,
      status: 'created',
      securityModel: 'end-to-site',
      obfuscation: true,
      obfuscationKey: 9,
      keepAlive: false,
      profileId: null,
      statusChangedAt: now,
    });
    expect(byNumber.get(e164(wizard))?.username).toMatch(/^[1-9]\d{9}$/);
    const anna = byNumber.get(e164(pgsm));
    expect(anna).toMatchObject({
      username: 'anna.batch',
      createdVia: 'plain',
      enabled: true,
      secondaryNumber: e164(secondary),
      obfuscationKey: 42,
      keepAlive: true,
    });
    expect(anna && decryptSecret(deps.secretKey, anna.passwordEncrypted)).toBe(PASSWORD);
    // Made with its profile's realm (premium's SIP host).
    expect(anna?.sipHa1Realm).toBe('sip2.example.com');
    expect(anna?.sipHa1).toBe(md5(`anna.batch:sip2.example.com:${PASSWORD}`));
    expect(byNumber.get(desk)).toMatchObject({
      type: 'snom',
      securityModel: null,
      deny: ['0.0.0.0/0.0.0.0'],
      permit: ['216.27.242.66/255.255.255.255', '192.168.0.0/255.255.255.0'],
    });

    expect(await allCounts(deps.db)).toEqual({
      accounts: before.accounts + 3,
      virtualNumbers: before.virtualNumbers + 4,
      auditLog: before.auditLog + 3,
      // One notification a group, not one an account.
      outbox: before.outbox + 3,
      batchImports: before.batchImports + 1,
    });
    const audits = await deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, anna?.id ?? ''));
    expect(audits).toEqual([
      expect.objectContaining({
        actor: ACTOR,
        action: 'account.created',
        subjectType: 'account',
        subjectName: 'anna.batch',
        before: null,
        at: now,
      }),
    ]);
    expect(audits[0]?.after).toMatchObject({
      username: 'anna.batch',
      group: 'acme',
      profile: 'premium',
      password: '********',
    });
    expect(JSON.stringify(audits)).not.toContain(PASSWORD);
    const notes = await deps.db
      .select()
      .from(outbox)
      .where(eq(outbox.createdAt, now))
      .orderBy(asc(outbox.id));
    expect(notes.map((n) => n.payload)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'accounts.imported', group: 'north', accounts: 1 }),
      ]),
    );
    expect(JSON.stringify(notes)).not.toContain(PASSWORD);
  });

  it('reads a BOM, CRLF line ends, blank lines and quoted fields with commas, quotes and new lines', async () => {
    const first = extension();
    const second = mobileNumber();
    const text =
      '\uFEFFWay,Group,Number,Type,Password,Deny\r\n' +
      `plain,"${QUOTED_GROUP.replace(/"/g, '""')}",${first},snom,${PASSWORD},"0.0.0.0/0.0.0.0,\r\n10.1.2.3/8"\r\n` +
      '\r\n' +
      `plain,acme,"${second}",pgsm,"${PASSWORD}",\r\n`;
    const preview = await check(text);
    expect(preview.errors).toEqual([]);
    expect(preview.sample.map((row) => [row.line, row.group, row.number])).toEqual([
      [2, QUOTED_GROUP, first],
      [5, 'acme', e164(second)],
    ]);
    const result = await runImport(Readable.from([Buffer.from(text, 'utf8')]));
    expect(result).toMatchObject({ outcome: 'imported', imported: 2 });
    const [desk] = await deps.db.select().from(accounts).where(eq(accounts.number, first));
    expect(desk?.deny).toEqual(['0.0.0.0/0.0.0.0', '10.0.0.0/255.0.0.0']);
  });

  it('gives the physical line where a record starts, after multi-line fields and blank lines', async () => {
    const text =
      'way,group,number,type,password,deny\n' +
      `plain,acme,${extension()},snom,${PASSWORD},"0.0.0.0/0.0.0.0\n10.0.0.0/8\n"\n` +
      '\n' +
      `plain,acme,1,snom,${PASSWORD},\n`;
    expect(await refusedErrors(text)).toEqual([
      {
        line: 6,
        column: 'number',
        value: '1',
        message: expect.stringMatching(/too short/),
      },
    ]);
  });

  it('refuses the whole file for an unknown or a missing required column, naming it', async () => {
    expect(await refusedErrors(`way,group,number,colour\nplain,acme,${extension()},red\n`)).toEqual(
      [
        expect.objectContaining({
          line: 1,
          column: 'colour',
          message: expect.stringMatching(/not a known column/),
        }),
      ],
    );
    expect(await refusedErrors(`way,number\nwizard,${mobileNumber()}\n`)).toEqual([
      { line: 1, column: 'group', value: '', message: 'required column "group" is missing' },
    ]);
    expect(await refusedErrors('')).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/empty/) }),
    ]);
  });

  it('refuses broken CSV at its line: an unclosed quote, a row of the wrong length', async () => {
    expect(
      await refusedErrors(`way,group,number\nwizard,north,"${mobileNumber()}\nwizard,north,1\n`),
    ).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringMatching(/never closed/) }),
    ]);
    expect(
      await refusedErrors(`way,group,number\nwizard,north\nwizard,north,${mobileNumber()}\n`),
    ).toEqual([{ line: 2, column: '', value: '', message: 'has 2 fields where the header has 3' }]);
    expect(await refusedErrors(`way,group,number\nwizard,no"rth,${mobileNumber()}\n`)).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringMatching(/quote/) }),
    ]);
  });

  it('refuses a file that is not UTF-8 as such, at the line of its first bad byte', async () => {
    const notUtf8 = (line: number) => [
      {
        line,
        column: '',
        value: '',
        message: `this file is not UTF-8 (line ${line}): save it as CSV UTF-8`,
      },
    ];
    // Excel's "CSV" on Windows: Windows-1252, CRLF, é as one byte 0xE9.
    const cp1252 = Buffer.concat([
      Buffer.from(`way,group,number\r\nwizard,north,${mobileNumber()}\r\nwizard,caf`),
      Buffer.from([0xe9]),
      Buffer.from(`,${mobileNumber()}\r\n`),
    ]);
    expect(await refusedErrors(cp1252 as unknown as string)).toEqual(notUtf8(3));
    // Far into a streamed file, and a character cut between two chunks is no error.
    const good = Buffer.from('way,group,number\n');
    const rows = Array.from({ length: 300 }, () => `wizard,north é,${mobileNumber()}\n`).join('');
    const bytes = Buffer.concat([
      good,
      Buffer.from(rows),
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
    ]);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
      bytes.subarray(i * 7, i * 7 + 7),
    );
    expect((await checkBatch(deps, { source: chunks, isSmsRequested: false })).errors).toEqual(
      notUtf8(302),
    );
    // Valid UTF-8 cut at every byte passes: its only errors are the unknown group.
    const valid = Buffer.concat([good, Buffer.from(rows)]);
    const split = Array.from({ length: Math.ceil(valid.length / 5) }, (_, i) =>
      valid.subarray(i * 5, i * 5 + 5),
    );
    const summary = await checkBatch(deps, { source: split, isSmsRequested: false });
    expect(summary.errors[0]).toMatchObject({ line: 2, message: 'no group named "north é"' });
    expect(summary.errorCount).toBe(300);
  });

  const HEADER = [
    'way',
    'group',
    'number',
    'type',
    'password',
    'username',
    'secondary_number',
    'profile',
    'enabled',
    'security_model',
    'obfuscation',
    'obfuscation_key',
    'keep_alive',
    'deny',
    'permit',
    'sealed_password',
  ] as const;
  type Row = Partial<Record<(typeof HEADER)[number], string>>;
  const rowOf = (row: Row) => HEADER.map((column) => row[column] ?? '');
  const plainPgsm = (row: Row = {}): Row => ({
    way: 'plain',
    group: 'acme',
    number: mobileNumber(),
    type: 'pgsm',
    password: PASSWORD,
    ...row,
  });
  const plainSnom = (row: Row = {}): Row => ({
    way: 'plain',
    group: 'acme',
    number: extension(),
    type: 'snom',
    password: PASSWORD,
    ...row,
  });
  const wizardRow = (row: Row = {}): Row => ({
    way: 'wizard',
    group: 'north',
    number: mobileNumber(),
    ...row,
  });

  it.each<[string, Row, keyof Row, RegExp]>([
    ['way', plainPgsm({ way: 'manual' }), 'way', /must be wizard or plain/],
    ['way missing', plainPgsm({ way: '' }), 'way', /is required/],
    ['type', plainPgsm({ type: 'sip' }), 'type', /must be pgsm or snom/],
    ['number', plainPgsm({ number: '+39 12' }), 'number', /not a valid international number/],
    ['number letters', plainPgsm({ number: 'abc' }), 'number', /only digits/],
    ['secondary number', plainPgsm({ secondary_number: '+1' }), 'secondary_number', /not a valid/],
    ['username', plainPgsm({ username: '-bad name' }), 'username', /3 to 64 letters/],
    ['password', plainPgsm({ password: 'short' }), 'password', /at least 8 characters/],
    ['password missing', plainPgsm({ password: '' }), 'password', /is required/],
    ['unknown group', plainPgsm({ group: 'nowhere' }), 'group', /no group named "nowhere"/],
    [
      'unknown profile',
      plainPgsm({ profile: 'gold' }),
      'profile',
      /no provisioning profile named "gold"/,
    ],
    ['enabled', plainPgsm({ enabled: 'maybe' }), 'enabled', /must be yes or no/],
    [
      'security model',
      plainPgsm({ security_model: 'tls' }),
      'security_model',
      /end-to-site or end-to-end/,
    ],
    ['obfuscation', plainPgsm({ obfuscation: 'sometimes' }), 'obfuscation', /must be on or off/],
    ['obfuscation key', plainPgsm({ obfuscation_key: '256' }), 'obfuscation_key', /0 to 255/],
    ['keep-alive', plainPgsm({ keep_alive: 'always' }), 'keep_alive', /must be on or off/],
    ['deny on PGSM', plainPgsm({ deny: '0.0.0.0/0' }), 'deny', /does not apply to PGSM accounts/],
    ['deny rule', plainSnom({ deny: '10.0.0.0/255.0.255.0' }), 'deny', /not contiguous/],
    ['permit rule', plainSnom({ permit: '300.1.1.1' }), 'permit', /not a valid IPv4 or IPv6/],
    [
      'PGSM setting on SNOM',
      plainSnom({ keep_alive: 'on' }),
      'keep_alive',
      /does not apply to SNOM/,
    ],
    [
      'sealed password',
      plainPgsm({ password: '', sealed_password: 'v1:a:b:c' }),
      'sealed_password',
      /cannot be opened/,
    ],
    [
      'both passwords',
      plainPgsm({ sealed_password: 'v1:a:b:c' }),
      'sealed_password',
      /either password or sealed_password/,
    ],
    ['wizard landline', wizardRow({ number: '+39 06 1234 5678' }), 'number', /mobile number/],
    ['wizard extension', wizardRow({ number: '2001' }), 'number', /mobile number/],
    [
      'wizard secondary',
      wizardRow({ secondary_number: mobileNumber() }),
      'secondary_number',
      /one number/,
    ],
    ['wizard password', wizardRow({ password: PASSWORD }), 'password', /generated/],
    ['wizard SNOM', wizardRow({ type: 'snom' }), 'type', /must be pgsm/],
    ['wizard username', wizardRow({ username: 'anna.w' }), 'username', /generated/],
    ['wizard enabled', wizardRow({ enabled: 'yes' }), 'enabled', /stays disabled/],
    [
      'wizard without profile',
      wizardRow({ group: 'acme' }),
      'profile',
      /group "acme" has no profile/,
    ],
    ['wizard rules', wizardRow({ permit: '10.0.0.1' }), 'permit', /does not apply to PGSM/],
  ])('refuses a bad %s with its line, column and value', async (_name, row, column, message) => {
    const good = plainPgsm();
    const text = csv(HEADER, [rowOf(good), rowOf(row)]);
    const errors = await refusedErrors(text);
    expect(errors).toEqual([
      {
        line: 3,
        column,
        value: column.includes('password') && row[column] ? '(hidden)' : (row[column] ?? ''),
        message: expect.stringMatching(message),
      },
    ]);
  });

  it('reports every error of every row, the passwords never shown', async () => {
    const text = csv(HEADER, [
      rowOf(plainPgsm({ number: '+39 12', password: 'bad pass', obfuscation_key: 'x' })),
      rowOf(plainPgsm()),
      rowOf(wizardRow({ group: 'nowhere' })),
    ]);
    const errors = await refusedErrors(text);
    expect(errors.map((e) => [e.line, e.column, e.value])).toEqual([
      [2, 'number', '+39 12'],
      [2, 'password', '(hidden)'],
      [2, 'obfuscation_key', 'x'],
      [4, 'group', 'nowhere'],
    ]);
    expect(JSON.stringify(errors)).not.toContain('bad pass');
  });

  it('refuses duplicates inside the file, naming the first line', async () => {
    const shared = mobileNumber();
    const text = csv(HEADER, [
      rowOf(plainPgsm({ number: shared, username: 'twin.one' })),
      rowOf(wizardRow()),
      rowOf(plainPgsm({ secondary_number: shared })),
      rowOf(plainPgsm({ username: 'twin.one' })),
      rowOf(wizardRow({ number: shared })),
    ]);
    expect(await refusedErrors(text)).toEqual([
      expect.objectContaining({
        line: 4,
        column: 'secondary_number',
        message: `${e164(shared)} is also on line 2`,
      }),
      expect.objectContaining({
        line: 5,
        column: 'username',
        message: 'twin.one is also on line 2',
      }),
      expect.objectContaining({
        line: 6,
        column: 'number',
        message: `${e164(shared)} is also on line 2`,
      }),
    ]);
  });

  it('refuses duplicates of existing accounts, primary or secondary, and usernames', async () => {
    const taken = mobileNumber();
    const takenSecondary = mobileNumber();
    const seeded = await runImport(
      csv(HEADER, [
        rowOf(
          plainPgsm({ number: taken, secondary_number: takenSecondary, username: 'held.name' }),
        ),
      ]),
    );
    expect(seeded.outcome).toBe('imported');
    const text = csv(HEADER, [
      rowOf(wizardRow({ number: takenSecondary })),
      rowOf(plainSnom({ username: 'held.name' })),
      rowOf(plainPgsm({ secondary_number: taken })),
    ]);
    const errors = await refusedErrors(text);
    expect(errors).toEqual([
      expect.objectContaining({
        line: 2,
        column: 'number',
        message: `${e164(takenSecondary)} is already used by account held.name`,
      }),
      expect.objectContaining({
        line: 3,
        column: 'username',
        message: "held.name is already taken (a username or an account's number)",
      }),
      expect.objectContaining({
        line: 4,
        column: 'secondary_number',
        message: `${e164(taken)} is already used by account held.name`,
      }),
    ]);
    const preview = await check(text);
    expect(preview).toMatchObject({ rows: 3, accounts: 0, byType: { pgsm: 0, snom: 0 } });
  });

  it('keeps the first 1,000 errors in file order and counts all of them', async () => {
    const rows = Array.from({ length: 1_500 }, (_, i) =>
      rowOf(
        plainSnom({ number: i % 2 === 0 ? '1' : extension(), password: i % 2 ? 'x' : PASSWORD }),
      ),
    );
    const summary = await check(csv(HEADER, rows));
    expect(summary.errorCount).toBe(1_500);
    expect(summary.errors).toHaveLength(1_000);
    expect(summary.errors[0]?.line).toBe(2);
    expect(summary.errors.at(-1)?.line).toBe(1_001);
    expect(summary.accounts).toBe(0);
  });

  it('writes more rows in one import than 65,535 bind parameters would allow in one statement', async () => {
    const count = 12_000;
    const rows: string[][] = [];
    for (let i = 0; i < count; i++)
      rows.push(
        rowOf(i % 3 === 0 ? plainSnom({ deny: '0.0.0.0/0', permit: '10.0.0.1' }) : wizardRow()),
      );
    // A database of its own, so that the round trip below stays small.
    const own = await createTestDatabase(kind);
    const progress: BatchProgress[] = [];
    try {
      const ownDeps = testDeps(own.db);
      await seed(ownDeps);
      const before = await allCounts(own.db);
      const result = await importAccounts(
        ownDeps,
        ACTOR,
        { source: csv(HEADER, rows), importId: 'twelve-thousand', isSmsRequested: false },
        { onProgress: (p) => progress.push(p) },
      );
      expect(result).toMatchObject({ outcome: 'imported', imported: count });
      expect(await allCounts(own.db)).toEqual({
        accounts: before.accounts + count,
        virtualNumbers: before.virtualNumbers + count,
        auditLog: before.auditLog + count,
        outbox: before.outbox + 2,
        batchImports: before.batchImports + 1,
      });
    } finally {
      await own.close();
    }
    // Checking and writing go along: rows are written while the rest of the file is read.
    const checked = progress.filter((p) => p.phase === 'checking').map((p) => p.rows);
    const written = progress.filter((p) => p.phase === 'importing').map((p) => p.rows);
    expect(checked[0]).toBe(0);
    expect(checked.at(-1)).toBe(count);
    expect(written[0]).toBe(0);
    expect(written).toEqual([...written].sort((a, b) => a - b));
    expect(written.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toEqual({ phase: 'importing', rows: count });
  }, 120_000);

  it('gives a drawn username up to a later row that names it, written already or not', async () => {
    nextDrawnUsernames.push('7000000001', '7000000002');
    const early = mobileNumber();
    const pending = mobileNumber();
    const rows = [
      rowOf(wizardRow({ number: early })),
      rowOf(wizardRow({ number: pending })),
      rowOf(plainSnom({ username: '7000000002' })),
      ...Array.from({ length: 2_600 }, () => rowOf(wizardRow())),
      rowOf(plainPgsm({ username: '7000000001' })),
    ];
    const result = await runImport(csv(HEADER, rows));
    expect(result).toMatchObject({ outcome: 'imported', imported: rows.length });
    for (const [number, username] of [
      [early, '7000000001'],
      [pending, '7000000002'],
    ] as const) {
      const [row] = await deps.db
        .select()
        .from(accounts)
        .where(eq(accounts.number, e164(number)));
      if (!row) throw new Error('account missing');
      expect(row.username).not.toBe(username);
      expect(row.username).toMatch(/^[1-9]\d{9}$/);
      const password = decryptSecret(deps.secretKey, row.passwordEncrypted);
      // Group north's profile is on sip.example.com: its realm.
      expect(row.sipHa1Realm).toBe('sip.example.com');
      expect(row.sipHa1).toBe(md5(`${row.username}:sip.example.com:${password}`));
      const [audit] = await deps.db.select().from(auditLog).where(eq(auditLog.subjectId, row.id));
      expect(audit?.subjectName).toBe(row.username);
      expect(audit?.after).toMatchObject({ username: row.username });
      const [named] = await deps.db.select().from(accounts).where(eq(accounts.username, username));
      expect(named?.createdVia).toBe('plain');
    }
  }, 60_000);

  it('imports an import id once: a retried or double-clicked confirmation writes nothing more', async () => {
    const text = csv(HEADER, [rowOf(wizardRow()), rowOf(plainSnom())]);
    const before = await allCounts(deps.db);
    const [first, second] = await Promise.all([
      runImport(text, 'double-click'),
      runImport(text, 'double-click'),
    ]);
    const outcomes = [first?.outcome, second?.outcome].sort();
    expect(outcomes).toEqual(['imported', 'repeated']);
    const retried = await runImport('not even,a csv\n', 'double-click');
    expect(retried).toMatchObject({ outcome: 'repeated', imported: 2, actor: ACTOR });
    expect(await allCounts(deps.db)).toEqual({
      ...before,
      accounts: before.accounts + 2,
      virtualNumbers: before.virtualNumbers + 2,
      auditLog: before.auditLog + 2,
      outbox: before.outbox + 2,
      batchImports: before.batchImports + 1,
    });
  });

  it('refuses SMS where nothing can queue them, and queues them in the transaction when it can', async () => {
    const text = csv(HEADER, [rowOf(wizardRow()), rowOf(plainPgsm()), rowOf(wizardRow())]);
    const before = await allCounts(deps.db);
    const error = await refusal(() =>
      importAccounts(deps, ACTOR, { source: text, importId: 'sms-1', isSmsRequested: true }),
    );
    expect(error.code).toBe('NOT_ALLOWED');
    expect(await allCounts(deps.db)).toEqual(before);

    const queued: { ids: string[]; isInTransaction: boolean }[] = [];
    const result = await importAccounts(
      deps,
      ACTOR,
      { source: text, importId: 'sms-2', isSmsRequested: true },
      {
        queueActivationSms: async (tx, ids) => {
          const rows = await tx
            .select()
            .from(accounts)
            .where(eq(accounts.id, ids[0] ?? ''));
          queued.push({ ids, isInTransaction: rows.length === 1 });
        },
      },
    );
    expect(result).toMatchObject({ outcome: 'imported', imported: 3, smsQueued: 2 });
    expect(queued).toHaveLength(1);
    expect(queued[0]?.ids).toHaveLength(2);
    expect(queued[0]?.isInTransaction).toBe(true);
    const wizards = await deps.db
      .select()
      .from(accounts)
      .where(eq(accounts.id, queued[0]?.ids[1] ?? ''));
    expect(wizards[0]?.createdVia).toBe('wizard');
  });

  it('exports in the import format, filtered by group and status, passwords sealed only', async () => {
    const text = await exportText(deps, { group: QUOTED_GROUP });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'group,username,way,type,number,secondary_number,profile,enabled,security_model,obfuscation,obfuscation_key,keep_alive,deny,permit,sealed_password',
    );
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line.startsWith('"Acme ""East"", Inc.",')).toBe(true);
    expect(text).not.toContain(PASSWORD);
    expect(await exportText(deps, { status: 'activated' })).toBe(`${lines[0]}\n`);
    const error = await refusal(() => exportText(deps, { group: 'nowhere' }));
    expect(error.code).toBe('NOT_FOUND');
  });

  it('round-trips: export → import into an empty database → export gives the same bytes', async () => {
    const first = await exportText(deps);
    expect(first.split('\n').length).toBeGreaterThan(2_600);
    const empty = await createTestDatabase(kind);
    try {
      const other: TestDeps = { ...testDeps(empty.db), secretKey: deps.secretKey };
      await seed(other);
      const result = await importAccounts(other, ACTOR, {
        source: first,
        importId: 'round-trip',
        isSmsRequested: false,
      });
      expect(result).toMatchObject({ outcome: 'imported' });
      expect(await exportText(other)).toBe(first);
      // The same password behind the same sealed text, the digest computed again for this realm.
      const [original] = await deps.db
        .select()
        .from(accounts)
        .where(eq(accounts.username, 'anna.batch'));
      const [restored] = await other.db
        .select()
        .from(accounts)
        .where(eq(accounts.username, 'anna.batch'));
      expect(restored?.passwordEncrypted).toBe(original?.passwordEncrypted);
      expect(restored?.sipHa1).toBe(original?.sipHa1);
      const numbers = await other.db
        .select()
        .from(virtualNumbers)
        .where(eq(virtualNumbers.accountId, restored?.id ?? ''));
      expect(numbers).toHaveLength(2);

      // Another installation's key cannot open the sealed passwords.
      const stranger: TestDeps = { ...testDeps(empty.db), secretKey: Buffer.alloc(32, 9) };
      const foreign = expectRefused(
        await importAccounts(stranger, ACTOR, {
          source: first.split('\n').slice(0, 3).join('\n'),
          importId: 'foreign',
          isSmsRequested: false,
        }),
      );
      expect(foreign.errors.map((e) => e.column)).toContain('sealed_password');
    } finally {
      await empty.close();
    }
  }, 120_000);
});

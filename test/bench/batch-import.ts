import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { type Database, openDatabase } from '@sipops/db/client';
import { applyMigrations } from '@sipops/db/migrate';
import * as schema from '@sipops/db/schema';
import { formatCsvLine } from '@sipops/shared/batch/csv-format';
import { systemClock } from '@sipops/shared/deps';
import { createGroup, createGroupSchema } from '@sipops/shared/use-cases/create-group';
import { createProfile } from '@sipops/shared/use-cases/create-profile';
import { importAccounts } from '@sipops/shared/use-cases/import-accounts';
import { createProfileSchema } from '@sipops/shared/use-cases/profile-schemas';
import { parseInput } from '@sipops/shared/validation';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import { baseEnv, botCommand, REPO_ROOT } from '../src/sip.ts';

/**
 * `npm run bench`: imports generated accounts into a fresh database and compares the time with
 * Postgres's own COPY of the same CSV into a bare table of text columns, in the same run. On
 * Postgres the import is the terminal command an operator runs, in its own process, so that its
 * time and peak memory are the whole import's: start-up, reading, checking and writing.
 */

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';
const GROUP_COUNT = 20;
const PROFILES = ['standard', 'premium', 'desk'];
const BENCH_COLUMNS = [
  'way',
  'group',
  'type',
  'number',
  'secondary_number',
  'username',
  'password',
  'profile',
  'security_model',
  'obfuscation',
  'obfuscation_key',
  'keep_alive',
  'deny',
  'permit',
] as const;

export type BatchImportBenchOptions = {
  rows?: number;
  adminUrl?: string;
  /** PGlite too (in process, single-threaded): minutes for 100,000 rows. */
  isPgliteIncluded?: boolean;
  log?: (line: string) => void;
};

export type BatchImportFigures = {
  database: 'postgres' | 'pglite';
  rows: number;
  importMs: number;
  copyMs: number;
  ratio: number;
  /** Postgres: COPY of the rows the import wrote into an empty database of the same schema. */
  floorMs?: number;
  /** The import's process: its peak resident set size (Linux), or the bench's rise during it. */
  peakRssMb: number | undefined;
  /** In the bench's own process (PGlite): the rise of its resident set size during the import. */
  rssRiseMb: number | undefined;
};

/** A realistic mix: wizard PGSM rows, plain PGSM with their own settings, SNOM desk phones with rules. */
async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const lines = function* () {
    yield formatCsvLine(BENCH_COLUMNS);
    for (let i = 0; i < rows; i++) {
      const group = `company-${String(i % GROUP_COUNT).padStart(2, '0')}`;
      const mobile = (n: number) =>
        `+39 347 ${String(1_000_000 + n).replace(/(\d{3})(\d{4})/, '$1 $2')}`;
      const kind = i % 4;
      const empty = {
        secondary_number: '',
        username: '',
        password: '',
        profile: '',
        security_model: '',
        obfuscation: '',
        obfuscation_key: '',
        keep_alive: '',
        deny: '',
        permit: '',
      };
      let row: Record<(typeof BENCH_COLUMNS)[number], string>;
      if (kind < 2) {
        row = {
          ...empty,
          way: 'wizard',
          group,
          type: '',
          number: mobile(i),
          profile: PROFILES[i % 2] ?? '',
        };
      } else if (kind === 2) {
        row = {
          ...empty,
          way: 'plain',
          group,
          type: 'pgsm',
          number: mobile(i),
          secondary_number: i % 8 === 2 ? mobile(rows + i) : '',
          username: i % 8 === 2 ? `user.${i}` : '',
          password: `Pass-${i}-${randomBytes(4).toString('hex')}`,
          security_model: i % 3 === 0 ? 'end-to-end' : 'end-to-site',
          obfuscation: i % 5 === 0 ? 'off' : 'on',
          obfuscation_key: String(i % 256),
          keep_alive: i % 7 === 0 ? 'on' : 'off',
        };
      } else {
        row = {
          ...empty,
          way: 'plain',
          group,
          type: 'snom',
          number: String(100_000 + i),
          password: `Desk-${i}-${randomBytes(4).toString('hex')}`,
          profile: 'desk',
          deny: '0.0.0.0/0.0.0.0',
          permit: `10.${(i >> 8) & 255}.${i & 255}.0/24;192.168.${i % 256}.38/255.255.255.255`,
        };
      }
      yield formatCsvLine(BENCH_COLUMNS.map((column) => row[column]));
    }
  };
  await pipeline(lines(), out);
}

async function seed(db: Database): Promise<void> {
  const deps = { db, clock: systemClock, secretKey: randomBytes(32) };
  for (const name of PROFILES)
    await createProfile(
      deps,
      'bench',
      parseInput(createProfileSchema, { name, sipHost: 'sip.example.com' }),
    );
  for (let g = 0; g < GROUP_COUNT; g++)
    await createGroup(
      deps,
      'bench',
      parseInput(createGroupSchema, {
        name: `company-${String(g).padStart(2, '0')}`,
        profile: g % 2 === 0 ? 'standard' : undefined,
      }),
    );
}

/** The rise of this process's RSS while `run` runs, sampled every 50 ms. */
async function measure(run: () => Promise<void>) {
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  try {
    await run();
    const ms = performance.now() - started;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { ms, peakRssMb: undefined, rssRiseMb: (peakRss - startRss) / 2 ** 20 };
  } finally {
    clearInterval(sampler);
  }
}

const BARE_TABLE = `create table bare_accounts (${BENCH_COLUMNS.map((c) => `"${c}" text`).join(', ')})`;
const COPY_SQL = `copy bare_accounts (${BENCH_COLUMNS.map((c) => `"${c}"`).join(', ')}) from stdin with (format csv, header true)`;

/** PGlite lives in the bench's process: the import runs there too. */
async function importInProcess(db: Database, file: string, rows: number) {
  return measure(async () => {
    const result = await importAccounts(
      { db, clock: systemClock, secretKey: randomBytes(32) },
      'bench',
      { source: createReadStream(file), importId: `bench-${Date.now()}`, isSmsRequested: false },
    );
    if (result.outcome !== 'imported' || result.imported !== rows)
      throw new Error(`the bench import did not import: ${JSON.stringify(result).slice(0, 2000)}`);
  });
}

/** The kernel's high-water mark of a process's resident set, in MB; undefined off Linux. */
async function peakRssOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * `npm run sip -- import <file> --json` (without npm, the compiled terminal as npm runs it) on the database at `url`: its time from
 * spawn to exit, and its peak RSS read from /proc until it exits.
 */
async function importByCommand(url: string, file: string, rows: number) {
  const started = performance.now();
  const [program = '', ...args] = botCommand('sip', 'import', file, '--json');
  const child = spawn(program, args, {
    cwd: REPO_ROOT,
    env: {
      ...baseEnv(),
      DATABASE_URL: url,
      SIPOPS_SECRET_KEY: randomBytes(32).toString('hex'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  let peakRssMb: number | undefined;
  const sampler = setInterval(() => {
    if (child.pid === undefined) return;
    void peakRssOf(child.pid).then((mb) => {
      if (mb !== undefined) peakRssMb = Math.max(peakRssMb ?? 0, mb);
    });
  }, 20);
  try {
    const code = await exited;
    const ms = performance.now() - started;
    const output = stdout.trim() ? (JSON.parse(stdout) as { imported?: number }) : {};
    if (code !== 0 || output.imported !== rows)
      throw new Error(`the bench import failed (exit ${code}): ${stdout.slice(0, 2000)}${stderr}`);
    return { ms, peakRssMb, rssRiseMb: undefined };
  } finally {
    clearInterval(sampler);
  }
}

/** A fresh database on the server of `adminUrl`, migrated; dropped by `drop`. */
async function createBenchDatabase(admin: postgres.Sql, adminUrl: string) {
  const name = `sipops_bench_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), maxConnections: 2 });
  try {
    await applyMigrations(handle.db);
    return { url: url.toString(), handle };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The rows an import wrote (besides the groups and profiles it found), in foreign-key order, as
 * `copy … to stdout` queries: the floor of any import into this schema is Postgres loading them.
 */
const WRITTEN_ROWS = [
  { table: 'provisioning_profiles', query: 'select * from provisioning_profiles', isTimed: false },
  { table: 'groups', query: 'select * from groups', isTimed: false },
  { table: 'accounts', query: 'select * from accounts', isTimed: true },
  { table: 'virtual_numbers', query: 'select * from virtual_numbers', isTimed: true },
  {
    table: 'audit_log',
    query: "select * from audit_log where action = 'account.created'",
    isTimed: true,
  },
];

/**
 * Postgres's own COPY of the import's final rows into an empty database of the same schema (its
 * indexes, foreign keys and checks), in one transaction: the time no import can beat.
 */
async function copyWrittenRows(
  admin: postgres.Sql,
  adminUrl: string,
  sourceUrl: string,
  folder: string,
): Promise<number> {
  for (const { table, query } of WRITTEN_ROWS) {
    // A connection a COPY: postgres.js stalls on a second `copy … to stdout` after a large one.
    const source = postgres(sourceUrl, { max: 1, onnotice: () => {} });
    try {
      await pipeline(
        await source.unsafe(`copy (${query}) to stdout`).readable(),
        createWriteStream(join(folder, `${table}.copy`)),
      );
    } finally {
      await source.end();
    }
  }
  const target = await createBenchDatabase(admin, adminUrl);
  await target.handle.close();
  const sql = postgres(target.url, { max: 1, onnotice: () => {} });
  try {
    const load = (tx: Pick<postgres.Sql, 'unsafe'>, table: string) =>
      tx
        .unsafe(`copy ${table} from stdin`)
        .writable()
        .then((into) => pipeline(createReadStream(join(folder, `${table}.copy`)), into));
    for (const { table } of WRITTEN_ROWS.filter((t) => !t.isTimed)) await load(sql, table);
    const started = performance.now();
    await sql.begin(async (tx) => {
      for (const { table } of WRITTEN_ROWS.filter((t) => t.isTimed)) await load(tx, table);
    });
    return performance.now() - started;
  } finally {
    await sql.end();
    await admin.unsafe(
      `drop database if exists ${new URL(target.url).pathname.slice(1)} with (force)`,
    );
  }
}

async function benchPostgres(
  adminUrl: string,
  file: string,
  rows: number,
): Promise<BatchImportFigures> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  let url: string | undefined;
  try {
    const created = await createBenchDatabase(admin, adminUrl);
    url = created.url;
    try {
      await seed(created.handle.db);
    } finally {
      await created.handle.close();
    }
    const imported = await importByCommand(url, file, rows);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    let copyMs: number;
    try {
      await sql.unsafe(BARE_TABLE);
      const started = performance.now();
      await pipeline(createReadStream(file), await sql.unsafe(COPY_SQL).writable());
      copyMs = performance.now() - started;
      const [count] = await sql`select count(*)::int as n from bare_accounts`;
      if (count?.n !== rows) throw new Error(`COPY loaded ${count?.n} rows, not ${rows}`);
    } finally {
      await sql.end();
    }
    const floorMs = await copyWrittenRows(admin, adminUrl, url, dirname(file));
    return { ...figures('postgres', rows, imported, copyMs), floorMs };
  } finally {
    if (url)
      await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
    await admin.end();
  }
}

async function benchPglite(file: string, rows: number): Promise<BatchImportFigures> {
  const client = await PGlite.create();
  try {
    const db = drizzlePglite({ client, schema }) as unknown as Database;
    await applyMigrations(db);
    await seed(db);
    const imported = await importInProcess(db, file, rows);
    await client.exec(BARE_TABLE);
    const started = performance.now();
    await client.query(COPY_SQL.replace('from stdin', "from '/dev/blob'"), [], {
      blob: new Blob([readFileSync(file)]),
    });
    const copyMs = performance.now() - started;
    return figures('pglite', rows, imported, copyMs);
  } finally {
    await client.close();
  }
}

function figures(
  database: BatchImportFigures['database'],
  rows: number,
  imported: { ms: number; peakRssMb: number | undefined; rssRiseMb: number | undefined },
  copyMs: number,
): BatchImportFigures {
  return {
    database,
    rows,
    importMs: imported.ms,
    copyMs,
    ratio: imported.ms / copyMs,
    peakRssMb: imported.peakRssMb,
    rssRiseMb: imported.rssRiseMb,
  };
}

export function formatFigures(f: BatchImportFigures): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `${f.database}: import of ${f.rows} rows ${seconds(f.importMs)} (${Math.round(f.rows / (f.importMs / 1000))} rows/s)${f.peakRssMb !== undefined ? ', `npm run sip -- import` from spawn to exit' : ''}`,
    f.peakRssMb !== undefined
      ? `  peak RSS of the import command ${f.peakRssMb.toFixed(0)} MB (its own process, start-up included)`
      : `  RSS rise of the bench process during the import +${(f.rssRiseMb ?? 0).toFixed(0)} MB (in process)`,
    `  COPY of the same CSV into a bare table ${seconds(f.copyMs)}`,
    ...(f.floorMs === undefined
      ? [`  ratio import / COPY of the CSV ${f.ratio.toFixed(1)}x`]
      : [
          `  COPY of the rows the import wrote (accounts, numbers, audit) into the real schema ${seconds(f.floorMs)}: ${(f.floorMs / f.copyMs).toFixed(1)}x the bare COPY`,
          `  ratio import / COPY of the rows it wrote ${(f.importMs / f.floorMs).toFixed(2)}x (goal: at most 1.5x, under 300 MB)`,
        ]),
  ].join('\n');
}

export async function benchBatchImport(
  options: BatchImportBenchOptions = {},
): Promise<BatchImportFigures[]> {
  const rows = options.rows ?? 100_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const folder = mkdtempSync(join(tmpdir(), 'sipops-bench-'));
  const file = join(folder, 'accounts.csv');
  try {
    await writeCsv(file, rows);
    log(
      `batch import: ${rows} generated rows (half wizard PGSM, a quarter plain PGSM, a quarter SNOM with rules)`,
    );
    const results: BatchImportFigures[] = [];
    const pg = await benchPostgres(options.adminUrl ?? DEFAULT_ADMIN_URL, file, rows);
    log(formatFigures(pg));
    results.push(pg);
    if (options.isPgliteIncluded) {
      const lite = await benchPglite(file, rows);
      log(formatFigures(lite));
      results.push(lite);
    }
    log(
      `  the bench's own process peak RSS (generating, seeding, COPY) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
    return results;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

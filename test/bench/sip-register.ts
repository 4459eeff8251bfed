import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openDatabase } from '@sipops/db/client';
import { applyMigrations } from '@sipops/db/migrate';
import { computeSipHa1, encryptSecret } from '@sipops/shared/credentials';
import { systemClock } from '@sipops/shared/deps';
import { createGroup, createGroupSchema } from '@sipops/shared/use-cases/create-group';
import { createProfile } from '@sipops/shared/use-cases/create-profile';
import { createProfileSchema } from '@sipops/shared/use-cases/profile-schemas';
import { parseInput } from '@sipops/shared/validation';
import postgres from 'postgres';
import { type Kamailio, startKamailio } from '../src/sip/kamailio.ts';

/**
 * `npm run bench -- sip-register`: sipp's REGISTER rate (challenge, then digest) against one
 * Kamailio configuration, first over sipops' registrar views on a database of 100,000 accounts,
 * then over Kamailio's own plain tables (`subscriber`, `dbaliases`, and a plain `access_rules`)
 * holding the same rows. The ratio views / plain tables is the figure: the views must not be
 * the bottleneck.
 */

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DOMAIN = 'sip.example.com';
const KAMAILIO_SQL = '/usr/share/kamailio/postgres';
const SCENARIO = resolve(import.meta.dirname, '../src/sip/register-bench.xml');
const WARM_UP_REGISTERS = 1_000;
const ROUNDS = 4;

export type SipRegisterBenchOptions = {
  accounts?: number;
  registers?: number;
  adminUrl?: string;
  log?: (line: string) => void;
};

export type SipRegisterFigures = {
  accounts: number;
  registers: number;
  viewsPerSecond: number;
  tablesPerSecond: number;
  ratio: number;
};

const usernameOf = (i: number) => String(5_000_000_000 + i);
const passwordOf = (i: number) => `Bench-pass-${i}`;

async function createDatabase(admin: postgres.Sql, adminUrl: string): Promise<string> {
  const name = `sipops_bench_${randomBytes(6).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The sipops database: a profile, a group, and the accounts loaded with COPY. */
async function seedSipops(url: string, accounts: number): Promise<void> {
  const handle = await openDatabase({ url, maxConnections: 2 });
  const key = randomBytes(32);
  try {
    await applyMigrations(handle.db);
    const deps = { db: handle.db, clock: systemClock, secretKey: key };
    await createProfile(
      deps,
      'bench',
      parseInput(createProfileSchema, { name: 'bench', sipHost: DOMAIN }),
    );
    await createGroup(
      deps,
      'bench',
      parseInput(createGroupSchema, { name: 'bench', profile: 'bench' }),
    );
  } finally {
    await handle.close();
  }
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [group] = await sql<{ id: string }[]>`select id from groups where name = 'bench'`;
    if (!group) throw new Error('bench group missing');
    const now = new Date().toISOString();
    const ids: string[] = [];
    const accountLines = function* () {
      for (let i = 0; i < accounts; i++) {
        const id = randomUUID();
        ids.push(id);
        const username = usernameOf(i);
        const password = passwordOf(i);
        yield `${[
          id,
          username,
          encryptSecret(key, password),
          computeSipHa1(username, DOMAIN, password),
          DOMAIN,
          `+3934${String(80_000_000 + i)}`,
          'pgsm',
          'plain',
          group.id,
          'end-to-site',
          't',
          '9',
          'f',
          't',
          'created',
          now,
          now,
          now,
        ].join(',')}\n`;
      }
    };
    await pipeline(
      Readable.from(accountLines()),
      await sql
        .unsafe(
          `copy accounts (id, username, password_encrypted, sip_ha1, sip_ha1_realm, number, type,
             created_via, group_id, security_model, obfuscation, obfuscation_key, keep_alive,
             enabled, status, status_changed_at, created_at, updated_at) from stdin with (format csv)`,
        )
        .writable(),
    );
    const numberLines = function* () {
      for (const [i, id] of ids.entries()) yield `+3934${String(80_000_000 + i)},${id},primary\n`;
    };
    await pipeline(
      Readable.from(numberLines()),
      await sql
        .unsafe('copy virtual_numbers (number, account_id, kind) from stdin with (format csv)')
        .writable(),
    );
    await sql`analyze`;
  } finally {
    await sql.end();
  }
}

/** Kamailio's own tables holding what the views show: the baseline a registrar starts from. */
async function copyToPlainTables(sourceUrl: string, targetUrl: string): Promise<void> {
  const target = postgres(targetUrl, { max: 1, onnotice: () => {} });
  try {
    for (const file of ['standard-create.sql', 'auth_db-create.sql', 'alias_db-create.sql']) {
      await target.unsafe(readFileSync(`${KAMAILIO_SQL}/${file}`, 'utf8'));
    }
    await target.unsafe(`create table access_rules (username varchar(64) not null,
      kind text not null, position integer not null, net cidr not null);
      create index access_rules_username_idx on access_rules (username)`);
    const copies = [
      ['subscriber', 'username, domain, password, ha1, ha1b'],
      ['dbaliases', 'alias_username, alias_domain, username, domain'],
      ['access_rules', 'username, kind, position, net'],
    ] as const;
    for (const [table, columns] of copies) {
      // A connection a COPY: postgres.js stalls on a second `copy … to stdout` on one connection.
      const source = postgres(sourceUrl, { max: 1, onnotice: () => {} });
      try {
        await pipeline(
          await source.unsafe(`copy (select ${columns} from ${table}) to stdout`).readable(),
          await target.unsafe(`copy ${table} (${columns}) from stdin`).writable(),
        );
      } finally {
        await source.end();
      }
    }
    await target`analyze`;
  } finally {
    await target.end();
  }
}

/**
 * Runs `count` REGISTERs from account `offset` on, each a different account; successful ones per
 * second. A warm-up only fills caches: its failures (retransmissions crossing slow first answers
 * on a loaded machine) are logged, not fatal.
 */
async function runRegisters(
  kamailio: Kamailio,
  count: number,
  offset: number,
  folder: string,
  options: { isWarmUp?: boolean; log?: (line: string) => void } = {},
): Promise<number> {
  const users = join(folder, `users-${offset}.csv`);
  const lines = ['SEQUENTIAL'];
  // sipp expands an [authentication] keyword that comes whole from the injection file.
  for (let i = offset; i < offset + count; i++)
    lines.push(
      `${usernameOf(i)};[authentication username=${usernameOf(i)} password=${passwordOf(i)}]`,
    );
  writeFileSync(users, `${lines.join('\n')}\n`);
  const stats = join(folder, `stats-${offset}-${kamailio.sipPort}.csv`);
  const errors = join(folder, `errors-${offset}-${kamailio.sipPort}.log`);
  const started = performance.now();
  await new Promise<void>((done) => {
    execFile(
      'sipp',
      [
        `${kamailio.host}:${kamailio.sipPort}`,
        ...['-sf', SCENARIO, '-inf', users, '-key', 'domain', DOMAIN],
        ...['-m', String(count), '-r', '20000', '-l', '100', '-t', 'u1', '-i', '127.0.0.1'],
        ...['-nostdin', '-timeout', '600s', '-recv_timeout', '10s', '-trace_stat', '-stf', stats],
        ...['-trace_err', '-error_file', errors],
      ],
      { maxBuffer: 64 * 1024 * 1024 },
      () => done(),
    );
  });
  const seconds = (performance.now() - started) / 1000;
  const [header, ...rows] = readFileSync(stats, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(';');
  const last = (rows.at(-1) ?? '').split(';');
  const value = (name: string) => Number(last[columns.indexOf(name)] ?? Number.NaN);
  const successful = value('SuccessfulCall(C)');
  const failed = value('FailedCall(C)');
  const why = () => {
    try {
      return readFileSync(errors, 'utf8').slice(0, 2000);
    } catch {
      return '(sipp wrote no error)';
    }
  };
  if (options.isWarmUp && successful > 0 && failed > 0) {
    options.log?.(
      `  warm-up: ${failed} of ${count} REGISTERs failed (not measured): ${why().split('\n')[0]}`,
    );
  } else if (!(successful > 0) || failed > 0) {
    throw new Error(
      `sipp: ${successful} REGISTERs succeeded, ${failed} failed:\n${why()}\n${kamailio.logs().slice(-3000)}`,
    );
  }
  return successful / seconds;
}

export async function benchSipRegister(
  options: SipRegisterBenchOptions = {},
): Promise<SipRegisterFigures> {
  const accounts = options.accounts ?? 100_000;
  const registers = Math.min(options.registers ?? 20_000, accounts - WARM_UP_REGISTERS);
  const perRound = Math.floor(registers / ROUNDS);
  const adminUrl = options.adminUrl ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  const log = options.log ?? ((line: string) => console.log(line));
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const folder = mkdtempSync(join(tmpdir(), 'sipops-bench-sip-'));
  const created: string[] = [];
  try {
    const viewsUrl = await createDatabase(admin, adminUrl);
    created.push(viewsUrl);
    const tablesUrl = await createDatabase(admin, adminUrl);
    created.push(tablesUrl);
    const seedStarted = performance.now();
    await seedSipops(viewsUrl, accounts);
    await copyToPlainTables(viewsUrl, tablesUrl);
    log(
      `seeded ${accounts} accounts in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    const views = await startKamailio({ databaseUrl: viewsUrl, domain: DOMAIN, children: 4 });
    const tables = await startKamailio({ databaseUrl: tablesUrl, domain: DOMAIN, children: 4 });
    let viewsPerSecond = 0;
    let tablesPerSecond = 0;
    try {
      // Warm both up, then alternate which goes first; each round takes accounts never used
      // before (no registration is merely refreshed) and the best round of each counts.
      await runRegisters(views, WARM_UP_REGISTERS, 0, folder, { isWarmUp: true, log });
      await runRegisters(tables, WARM_UP_REGISTERS, 0, folder, { isWarmUp: true, log });
      for (let round = 0; round < ROUNDS; round++) {
        const offset = WARM_UP_REGISTERS + round * perRound;
        const order = round % 2 === 0 ? [views, tables] : [tables, views];
        for (const kamailio of order) {
          const rate = await runRegisters(kamailio, perRound, offset, folder);
          if (kamailio === views) viewsPerSecond = Math.max(viewsPerSecond, rate);
          else tablesPerSecond = Math.max(tablesPerSecond, rate);
          log(
            `  round ${round + 1} ${kamailio === views ? 'views ' : 'tables'}: ${rate.toFixed(0)} REGISTER/s`,
          );
        }
      }
    } finally {
      await views.stop();
      await tables.stop();
    }
    const ratio = viewsPerSecond / tablesPerSecond;
    log(
      `sipops views:        ${viewsPerSecond.toFixed(0)} REGISTER/s (best of ${ROUNDS} rounds of ${perRound} accounts, ${accounts} in the database)`,
    );
    log(`plain Kamailio tables: ${tablesPerSecond.toFixed(0)} REGISTER/s`);
    log(`ratio views/tables:  ${ratio.toFixed(2)}x`);
    return { accounts, registers, viewsPerSecond, tablesPerSecond, ratio };
  } finally {
    rmSync(folder, { recursive: true, force: true });
    for (const url of created) {
      await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
    }
    await admin.end();
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@sipops/bot/terminal/run-cli';
import { openDatabase } from '@sipops/db/client';
import type { ActivationDeps } from '@sipops/shared/deps';
import { systemClock } from '@sipops/shared/deps';
import { summarizeAccounts } from '@sipops/shared/use-cases/summarize-accounts';
import postgres from 'postgres';
import { bufferedIo } from '../buffered-io.ts';
import { type FakeSlack, type FakeSlackResponse, startFakeSlack } from '../fake-slack.ts';
import {
  FAKE_ACCOUNT_SID,
  FAKE_AUTH_TOKEN,
  FAKE_SERVICE_SID,
  type FakeTwilio,
  type FakeTwilioScript,
  startFakeTwilio,
} from '../fake-twilio.ts';
import { freePort, type RunningServer, startServer, waitForHealth } from '../server.ts';
import { baseEnv, botCommand, REPO_ROOT } from '../sip.ts';
import { createPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';

/**
 * The chaos run: sipops against fake Slack and Twilio while its workers are killed with SIGKILL,
 * its (private) Postgres is stopped hard and restarted, the providers fail, and delivery reports
 * arrive twice and out of order. Afterwards it checks what must hold whatever happened.
 */

export type ChaosOptions = {
  /** How long faults are injected; the drain and the checks come after. */
  seconds: number;
  /** Workload loops running terminal commands at the same time. */
  concurrency?: number;
  /** A worker works this long once it runs (uniformly between the two) before its SIGKILL. */
  workerLifeMs?: [number, number];
  /** Postgres is stopped hard this often (uniformly between the two), and down this long. */
  postgresEveryMs?: [number, number];
  postgresDownMs?: [number, number];
  /** Faults go on past `seconds` (twice as long at most) until this many workers were SIGKILLed. */
  minWorkerKills?: number;
  /** The longest the drain may take once the faults stop. */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
  /** Ends the faults early (Ctrl-C); the drain, the checks and the clean-up still run. */
  signal?: AbortSignal;
};

export type ChaosReport = {
  counts: Record<string, number>;
  violations: string[];
  /** Things worth knowing that break no rule (why a worker ended on its own). */
  notes: string[];
};

const NOTIFY_CHANNEL = 'C0CHAOS01';
/** The channel of group `archived`: Slack refuses every post there, so its notifications fail. */
const ARCHIVED_CHANNEL = 'C0ARCHIVE1';
/** Twilio refuses these numbers for good (error 21211): their SMS become dead letters. */
const isRefusedNumber = (to: string | undefined) => to?.endsWith('7') === true;
const SLACK_TOKEN = 'xoxb-chaos-run';
/** A stack frame, as a Node.js stack trace prints it. */
const STACK_FRAME = /\n\s+at \S.*(:\d+:\d+\)?|\(node:)/;
/** Tuned so that a SIGKILLed worker's lease runs out in seconds; the lease outlasts the timeout. */
const WORKER_FLAGS = [
  '--lease-ms',
  '4000',
  '--max-retry-ms',
  '1500',
  '--provider-timeout-ms',
  '2500',
  '--poll-ms',
  '200',
];

/** The first stack trace in a log with what led to it, or undefined when there is none. */
function stackExcerpt(text: string): string | undefined {
  const at = text.search(STACK_FRAME);
  return at < 0 ? undefined : text.slice(Math.max(0, at - 1500), at + 2500);
}

const between = ([low, high]: [number, number]) => low + Math.random() * (high - low);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

type Op = { n: number; verb: string; account: string; code: number; output: string };

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const counts: Record<string, number> = {};
  const bump = (name: string, by = 1) => {
    counts[name] = (counts[name] ?? 0) + by;
  };
  const violations: string[] = [];
  const notes: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'sipops-chaos-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const children = new Set<ChildProcess>();
  cleanups.push(async () => {
    for (const child of children) child.kill('SIGKILL');
  });

  // Whatever ends this process (a crash, an uncaught exception), what the run started ends too.
  const exitGuards: (() => void)[] = [];
  const onExit = () => {
    for (const guard of exitGuards) guard();
  };
  process.once('exit', onExit);
  cleanups.push(async () => {
    process.off('exit', onExit);
  });
  exitGuards.push(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });

  try {
    const pg: PrivatePostgres = await createPrivatePostgres();
    exitGuards.push(() => pg.destroyNow());
    cleanups.push(() => pg.destroy());
    await pg.start();
    log(`chaos: private Postgres on 127.0.0.1:${pg.port} in ${pg.dir}`);

    const slack: FakeSlack = await startFakeSlack();
    cleanups.push(() => slack.close());
    const twilio: FakeTwilio = await startFakeTwilio();
    cleanups.push(() => twilio.close());

    const port = await freePort();
    const secretKey = randomBytes(32);
    const publicBaseUrl = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      DATABASE_URL: pg.url,
      SIPOPS_SECRET_KEY: secretKey.toString('hex'),
      SIPOPS_DATA_DIR: join(tmp, 'data'),
      PORT: String(port),
      PUBLIC_BASE_URL: publicBaseUrl,
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_API_URL: slack.url,
      SIPOPS_NOTIFY_CHANNEL: NOTIFY_CHANNEL,
      TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN,
      TWILIO_MESSAGING_SERVICE_SID: FAKE_SERVICE_SID,
      TWILIO_API_URL: twilio.url,
      SIPOPS_SMS_PER_SECOND: '50',
    };

    // The web app (Twilio's delivery reports land there) runs no workers: they run apart.
    const server: RunningServer = startServer(
      { ...env, SIPOPS_WORKERS: 'off' },
      botCommand('start'),
    );
    exitGuards.push(() => {
      try {
        if (server.child.pid) process.kill(-server.child.pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    });
    cleanups.push(async () => {
      await Promise.race([server.stop(), sleep(15_000)]);
      if (server.child.exitCode === null && server.child.pid) {
        try {
          process.kill(-server.child.pid, 'SIGKILL');
        } catch {
          // Gone.
        }
      }
    });
    await waitForHealth(server, 180_000);
    // Health answers once the web app listens; the start-up lines follow.
    for (let i = 0; i < 120 && !server.output().includes('  links '); i++) await sleep(250);
    if (!server.output().includes('not delivered here (SIPOPS_WORKERS=off)'))
      throw new Error(`the web app did not leave the outbox to the workers:\n${server.output()}`);
    log('chaos: web app up (its outbox workers off)');

    const handle = await openDatabase({ url: pg.url, maxConnections: 6 });
    cleanups.push(() => handle.close());
    const deps: ActivationDeps = {
      db: handle.db,
      clock: systemClock,
      secretKey,
      publicBaseUrl,
      linkTtlMs: 72 * 3_600_000,
    };
    const sql = postgres(pg.url, { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end({ timeout: 5 }));

    let opNumber = 0;
    const ops: Op[] = [];
    const sip = async (verb: string, account: string, args: string[]): Promise<Op> => {
      const n = ++opNumber;
      const io = bufferedIo();
      const code = await runCli(args, {
        io,
        actor: `terminal:chaos-${n}`,
        cwd: tmp,
        settings: { admins: [], smsMode: 'local' },
        deps: async () => deps,
      }).catch((error: unknown) => {
        io.err(`runCli threw: ${(error as Error).stack}`);
        return -1;
      });
      const op = { n, verb, account, code, output: `${io.stdout}\n${io.stderr}` };
      ops.push(op);
      bump(`terminal ${verb} exit ${code}`);
      if (STACK_FRAME.test(io.stderr) || STACK_FRAME.test(io.stdout) || code === -1)
        violations.push(`terminal ${args.join(' ')} printed a stack trace:\n${io.stderr}`);
      return op;
    };

    for (const args of [
      ['profile', 'create', 'main', '--sip-host', 'sip.example.com', '--brand', 'Acme'],
      ['group', 'create', 'chaos', '--profile', 'main'],
      ['group', 'create', 'archived', '--profile', 'main', '--channel', ARCHIVED_CHANNEL],
    ]) {
      const op = await sip(args.slice(0, 2).join(' '), '', args);
      if (op.code !== 0) throw new Error(`set-up ${args.join(' ')} failed: ${op.output}`);
    }

    // Faults, while the run lasts.
    let isFaulty = true;
    slack.setFaults((method) => {
      if (!isFaulty) return undefined;
      const fault =
        method === 'chat.postMessage'
          ? slackFault()
          : method === 'conversations.history' && Math.random() < 0.1
            ? { status: 503 }
            : undefined;
      if (fault)
        bump(
          `fault slack ${method} ${fault === 'hang' ? 'timeout (posted)' : `${fault.status ?? 200}${fault.isApplied ? ' (posted)' : ''}`}`,
        );
      return fault;
    });
    slack.failChannel(ARCHIVED_CHANNEL, 'is_archived');
    twilio.setFaults((method, to) => {
      if (method === 'POST' && isRefusedNumber(to)) return '400';
      const fault = isFaulty ? twilioFault(method) : undefined;
      if (fault) bump(`fault twilio ${method} ${fault}`);
      return fault;
    });

    const startedAt = Date.now();
    const until = startedAt + options.seconds * 1000;
    // Short of the kills asked for (a loaded machine starts workers slowly): go on, twice as long at most.
    const latest = startedAt + 2 * options.seconds * 1000;
    const minKills = options.minWorkerKills ?? 0;
    const isRunning = () =>
      !options.signal?.aborted &&
      (Date.now() < until || ((counts['worker SIGKILLs'] ?? 0) < minKills && Date.now() < latest));

    // Workers: spawned, left to live a random while, killed with SIGKILL.
    let worker: ChildProcess | undefined;
    const workerLog = createWriteStream(join(tmp, 'workers.log'));
    /** The end of each worker's own output, to say why one ended by itself. */
    const tails = new WeakMap<ChildProcess, string>();
    const spawnWorker = () => {
      const [program = '', ...args] = botCommand('start-workers', ...WORKER_FLAGS);
      const child = spawn(program, args, {
        cwd: REPO_ROOT,
        env: { ...baseEnv(), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      const keep = (chunk: Buffer) => {
        tails.set(child, `${tails.get(child) ?? ''}${chunk.toString()}`.slice(-2000));
        workerLog.write(chunk);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.once('exit', () => children.delete(child));
      bump('worker processes started');
      return child;
    };
    /** Resolves once the worker says it runs (or has exited): kills should land mid-delivery. */
    const ready = (child: ChildProcess) =>
      new Promise<void>((resolve) => {
        let text = '';
        const timer = setTimeout(resolve, 60_000);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        child.stdout?.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('sipops workers are running')) done();
        });
        child.once('exit', done);
      });
    // Two workers at a time, each killed at a random moment of its work, then replaced.
    const killLoops = [0, 1].map(async () => {
      while (isRunning()) {
        const child = spawnWorker();
        worker = child;
        await ready(child);
        await sleep(between(options.workerLifeMs ?? [200, 4000]));
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
          bump('worker SIGKILLs');
        } else {
          bump('worker exits on their own');
          const last = (tails.get(child) ?? '').trim().split('\n').at(-1);
          notes.push(`a worker ended by itself (exit ${child.exitCode}): ${last}`);
        }
      }
    });

    const postgresLoop = (async () => {
      while (true) {
        const wait = between(options.postgresEveryMs ?? [6000, 12_000]);
        if (!isRunning()) break;
        await sleep(wait);
        if (!isRunning()) break;
        await pg.stopImmediately();
        bump('postgres immediate stops');
        await sleep(between(options.postgresDownMs ?? [500, 3000]));
        await pg.start();
      }
    })();

    // Delivery reports: each message gets its final status, reported twice and out of order.
    const finals = new Map<string, 'delivered' | 'undelivered'>();
    const reportCodes = new Map<number, number>();
    const reportLoop = async (shouldRun: () => boolean) => {
      while (shouldRun()) {
        const fresh = twilio.messages.filter((m) => !finals.has(m.sid));
        await Promise.all(
          fresh.map(async (message) => {
            const final = Math.random() < 0.8 ? 'delivered' : 'undelivered';
            finals.set(message.sid, final);
            const reports = ['sent', final, 'sent', final].sort(() => Math.random() - 0.5);
            for (const status of reports) {
              const code = await twilio
                .report(message.sid, status, final === 'undelivered' ? { errorCode: '30003' } : {})
                .catch(() => 0);
              reportCodes.set(code, (reportCodes.get(code) ?? 0) + 1);
              bump('status callbacks sent');
            }
          }),
        );
        await sleep(300);
      }
    };
    const reports = reportLoop(isRunning);

    // The workload: terminal commands on a pool of accounts, a few loops at once.
    let nextNumber = 1_000_000 + Math.floor(Math.random() * 8_000_000);
    const accountsMade: string[] = [];
    const workload = Array.from({ length: options.concurrency ?? 3 }, async () => {
      while (isRunning()) {
        const roll = Math.random();
        if (accountsMade.length < 6 || roll < 0.25) {
          const number = `+39347${nextNumber++}`;
          const isWizard = Math.random() < 0.5;
          const group = Math.random() < 0.15 ? 'archived' : 'chaos';
          const op = await sip(
            isWizard ? 'wizard' : 'create',
            number,
            isWizard
              ? ['wizard', '--group', group, '--number', number, '--json']
              : [
                  'create',
                  '--group',
                  group,
                  '--type',
                  'pgsm',
                  '--number',
                  number,
                  '--password',
                  `Chaos-pass-${number.slice(-4)}`,
                  '--json',
                ],
          );
          if (op.code === 0 || op.code === 3) accountsMade.push(number);
        } else {
          const account = pick(accountsMade);
          const verb = pick(['edit', 'disable', 'enable', 'activate', 'activate'] as const);
          const args =
            verb === 'edit'
              ? ['edit', account, '--obfuscation-key', String(Math.floor(Math.random() * 256))]
              : [verb, account, '--yes'];
          await sip(verb, account, args);
        }
        await sleep(between([20, 200]));
      }
    });

    await Promise.all([...killLoops, postgresLoop, reports, ...workload]);
    const faultSeconds = Math.round((Date.now() - startedAt) / 1000);
    counts['fault seconds'] = faultSeconds;
    log(`chaos: faults stopped after ${faultSeconds} s; draining the outbox`);
    if ((counts['worker SIGKILLs'] ?? 0) < minKills && !options.signal?.aborted)
      violations.push(
        `only ${counts['worker SIGKILLs'] ?? 0} worker SIGKILLs in ${faultSeconds} s (at least ${minKills} asked for)`,
      );

    // The drain: no faults, Postgres up, one worker left alive until the outbox is empty.
    isFaulty = false;
    if (!pg.isRunning()) await pg.start();
    let isDraining = true;
    const drainReports = reportLoop(() => isDraining);
    worker = spawnWorker();
    const drainStarted = Date.now();
    const drainTimeout = options.drainTimeoutMs ?? 120_000;
    /** Waits until no outbox row is open; the rows still open when the time is up. */
    const drainOutbox = async () => {
      let open = Number.POSITIVE_INFINITY;
      while (Date.now() - drainStarted < drainTimeout) {
        try {
          const [row] = await sql<{ open: number }[]>`
            select count(*)::int as open from outbox where state in ('pending', 'sending')`;
          open = row?.open ?? 0;
        } catch {
          // Reconnecting after the last restart.
        }
        if (open === 0) break;
        if (worker?.exitCode !== null) worker = spawnWorker();
        await sleep(1000);
      }
      return open;
    };
    await drainOutbox();
    // The last messages' reports.
    await sleep(1500);
    isDraining = false;
    await drainReports;

    // Each message's final report once more, now that nothing fails: it must be answered 200.
    for (const [sid, final] of finals) {
      const code = await twilio
        .report(sid, final, final === 'undelivered' ? { errorCode: '30003' } : {})
        .catch(() => 0);
      if (code < 200 || code > 299)
        violations.push(`the last report of ${sid} was answered ${code}`);
    }
    for (const [code, n] of reportCodes) counts[`status callbacks answered ${code}`] = n;
    // A report can queue a notification (a failed SMS is posted in its channel): drained too.
    const open = await drainOutbox();
    counts['drain seconds'] = Math.round((Date.now() - drainStarted) / 1000);
    if (open !== 0)
      violations.push(`the outbox did not drain within ${drainTimeout} ms: ${open} rows open`);

    const stop = new Promise((resolve) => worker?.once('exit', resolve));
    worker.kill('SIGTERM');
    await Promise.race([stop, sleep(10_000)]);
    await new Promise((ended) => workerLog.end(ended));
    // The whole log: an early trace may be gone from the output kept in memory.
    const stack = stackExcerpt(readFileSync(join(tmp, 'workers.log'), 'utf8'));
    if (stack) violations.push(`a worker printed a stack trace:\n${stack}`);

    await checkInvariants({ sql, deps, slack, twilio, ops, finals, counts, violations, tmp });
    const serverStack = stackExcerpt(server.output());
    if (serverStack) violations.push(`the web app printed a stack trace:\n${serverStack}`);
    return { counts, violations, notes };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

export function printReport(report: ChaosReport, log: (line: string) => void): void {
  log('chaos: counts');
  for (const [name, value] of Object.entries(report.counts).sort(([a], [b]) => a.localeCompare(b)))
    log(`  ${name.padEnd(44)} ${value}`);
  for (const note of report.notes.slice(0, 20)) log(`  note: ${note}`);
  if (report.violations.length === 0) log('chaos: every check held');
  else {
    log(`chaos: ${report.violations.length} violations`);
    for (const violation of report.violations.slice(0, 50)) log(`  ✗ ${violation}`);
  }
}

/** Slack during the run: mostly fine, some 429s with Retry-After, 500 storms, timeouts. */
let stormUntil = 0;
function slackFault(): FakeSlackResponse | undefined {
  const now = Date.now();
  if (now < stormUntil) return { status: 500, isApplied: Math.random() < 0.3 };
  const roll = Math.random();
  if (roll < 0.03) {
    stormUntil = now + 1500;
    return { status: 500 };
  }
  if (roll < 0.13) return { status: 429, headers: { 'retry-after': '1' }, json: { ok: false } };
  if (roll < 0.18) return { status: 500, isApplied: true };
  if (roll < 0.21) return 'hang';
  if (roll < 0.24) return { json: { ok: false, error: 'is_archived' } };
  return undefined;
}

/** Twilio during the run: 5xx and timeouts, some after it took the message. */
function twilioFault(method: 'GET' | 'POST'): FakeTwilioScript | undefined {
  const roll = Math.random();
  if (method === 'GET') return roll < 0.1 ? '503' : undefined;
  if (roll < 0.1) return '500-after';
  if (roll < 0.18) return 'hang-after';
  if (roll < 0.24) return '503';
  if (roll < 0.28) return 'hang';
  if (roll < 0.32) return '429';
  if (roll < 0.37) return '400';
  return undefined;
}

type CheckContext = {
  sql: postgres.Sql;
  deps: ActivationDeps;
  slack: FakeSlack;
  twilio: FakeTwilio;
  ops: Op[];
  finals: Map<string, 'delivered' | 'undelivered'>;
  counts: Record<string, number>;
  violations: string[];
  tmp: string;
};

const EXPECTED_ACTION: Record<string, string> = {
  create: 'account.created',
  wizard: 'account.created',
  edit: 'account.edited',
  disable: 'account.disabled',
  enable: 'account.enabled',
  activate: 'account.status_changed',
};

async function checkInvariants(c: CheckContext): Promise<void> {
  const { sql, counts, violations } = c;
  const fail = (text: string) => violations.push(text);

  // Every acknowledged change has its audit row and its notification, written by its actor.
  const audit = await sql<{ actor: string; action: string; subject_id: string }[]>`
    select actor, action, subject_id from audit_log where subject_type = 'account'`;
  const notify = await sql<{ actor: string; event: string; order_key: string }[]>`
    select payload->>'actor' as actor, payload->>'event' as event, order_key
    from outbox where kind = 'notify'`;
  const auditKeys = new Set(audit.map((a) => `${a.actor} ${a.action}`));
  const notifyKeys = new Set(notify.map((n) => `${n.actor} ${n.event}`));
  let acknowledged = 0;
  for (const op of c.ops) {
    const action = EXPECTED_ACTION[op.verb];
    // A no-op (disable on a disabled account) is done and changes nothing: no audit, no post.
    if (op.code !== 0 || !action || /already|nothing to change/.test(op.output)) continue;
    acknowledged++;
    const key = `terminal:chaos-${op.n} ${action}`;
    if (!auditKeys.has(key)) fail(`${op.verb} ${op.account} (op ${op.n}) said done, no audit row`);
    if (!notifyKeys.has(key))
      fail(`${op.verb} ${op.account} (op ${op.n}) said done, no outbox row`);
  }
  counts['changes acknowledged'] = acknowledged;
  counts['audit rows'] = audit.length;

  // Per account: as many notifications as audit rows, as many SMS as links; nothing half-written.
  const perAccount = await sql<
    {
      id: string;
      number: string;
      audits: number;
      notifies: number;
      sms: number;
      links: number;
      numbers: number;
      created: number;
    }[]
  >`
    select a.id, a.number,
      (select count(*)::int from audit_log l where l.subject_type = 'account' and l.subject_id = a.id::text) as audits,
      (select count(*)::int from outbox o where o.kind = 'notify' and o.order_key = 'account:' || a.id
         and o.payload->>'event' <> 'sms.failed') as notifies,
      (select count(*)::int from outbox o where o.kind = 'sms' and o.order_key = 'sms:' || a.id) as sms,
      (select count(*)::int from activation_links k where k.account_id = a.id) as links,
      (select count(*)::int from virtual_numbers v where v.account_id = a.id and v.number = a.number) as numbers,
      (select count(*)::int from audit_log l where l.subject_type = 'account' and l.subject_id = a.id::text
         and l.action = 'account.created') as created
    from accounts a`;
  counts.accounts = perAccount.length;
  for (const a of perAccount) {
    if (a.audits !== a.notifies)
      fail(`account ${a.number}: ${a.audits} audit rows but ${a.notifies} notifications`);
    if (a.sms !== a.links) fail(`account ${a.number}: ${a.links} links but ${a.sms} SMS queued`);
    if (a.numbers !== 1) fail(`account ${a.number}: its number is not in virtual_numbers`);
    if (a.created !== 1) fail(`account ${a.number}: ${a.created} creation audit rows`);
  }
  const orphans = await sql<{ n: number }[]>`
    select count(*)::int as n from audit_log l where l.subject_type = 'account'
      and not exists (select 1 from accounts a where a.id::text = l.subject_id)`;
  if ((orphans[0]?.n ?? 0) > 0) fail(`${orphans[0]?.n} audit rows of accounts that do not exist`);

  // Every outbox row ended delivered or dead-lettered.
  const rows = await sql<
    {
      id: string;
      kind: string;
      state: string;
      order_key: string;
      event: string | null;
      attempts: number;
      created_at: Date;
    }[]
  >`select id::text, kind, state, order_key, payload->>'event' as event, attempts, created_at
    from outbox o order by o.id`;
  for (const kind of ['notify', 'sms', 'registrar'])
    for (const state of ['done', 'skipped', 'failed', 'pending', 'sending']) {
      const n = rows.filter((r) => r.kind === kind && r.state === state).length;
      if (n > 0) counts[`outbox ${kind} ${state}`] = n;
    }
  for (const r of rows)
    if (!['done', 'skipped', 'failed'].includes(r.state)) fail(`outbox ${r.id} ended ${r.state}`);

  // Dead letters are shown to staff: the App Home lists the newest and counts them all; a failed
  // SMS is also in `sms list` (and on its account's card) as failed.
  const failed = rows.filter((r) => r.state === 'failed');
  const appHome = await summarizeAccounts(c.deps);
  const shown = appHome.failedDeliveries.map((d) => String(d.id));
  const newest = failed
    .map((r) => r.id)
    .reverse()
    .slice(0, shown.length);
  if (appHome.failedTotal !== failed.length)
    fail(
      `the App Home counts ${appHome.failedTotal} failed deliveries, there are ${failed.length}`,
    );
  if (shown.length !== Math.min(10, failed.length) || shown.join() !== newest.join())
    fail(`the App Home shows dead letters ${shown.join()}, not the newest ${newest.join()}`);
  const unlisted = await sql<{ id: string }[]>`
    select o.id::text from outbox o where o.kind = 'sms' and o.state = 'failed'
      and not exists (select 1 from sms_messages m where m.outbox_id = o.id and m.status = 'failed')`;
  for (const { id } of unlisted) fail(`dead letter ${id} (sms) is not a failed SMS in sms list`);
  counts['dead letters'] = failed.length;
  counts['dead letters listed in the App Home'] = shown.length;

  // Slack: no outbox row posted twice; every delivered one posted; one account's posts in order.
  const posts = [...c.slack.history(NOTIFY_CHANNEL), ...c.slack.history(ARCHIVED_CHANNEL)];
  const postsById = new Map<string, number>();
  const positionOf = new Map<string, number>();
  posts.forEach((post, index) => {
    const id = post.metadata?.event_payload.outbox_id;
    if (id === undefined) return;
    postsById.set(String(id), (postsById.get(String(id)) ?? 0) + 1);
    if (!positionOf.has(String(id))) positionOf.set(String(id), index);
  });
  counts['slack posts'] = posts.length;
  for (const [id, n] of postsById) if (n > 1) fail(`Slack: outbox ${id} was posted ${n} times`);
  const lastPosted = new Map<string, { position: number; row: (typeof rows)[number] }>();
  for (const r of rows.filter((row) => row.kind === 'notify')) {
    const position = positionOf.get(r.id);
    if (r.state === 'done' && position === undefined)
      fail(`Slack: outbox ${r.id} done, not posted`);
    if (position === undefined) continue;
    const previous = lastPosted.get(r.order_key);
    if (previous !== undefined && position < previous.position)
      fail(
        `Slack: ${r.order_key}: outbox ${r.id} (${r.event}, ${r.attempts} tries, written ${r.created_at.toISOString()}, post ${position}) came before outbox ${previous.row.id} (${previous.row.event}, ${previous.row.attempts} tries, written ${previous.row.created_at.toISOString()}, post ${previous.position})`,
      );
    lastPosted.set(r.order_key, { position, row: r });
  }

  // Twilio: no SMS twice for one request; every SMS recorded was sent; reports applied in order.
  const byBody = new Map<string, number>();
  for (const m of c.twilio.messages) byBody.set(m.body, (byBody.get(m.body) ?? 0) + 1);
  counts['sms sent to twilio'] = c.twilio.messages.length;
  for (const [body, n] of byBody)
    if (n > 1) fail(`Twilio: one SMS sent ${n} times: ${body.slice(0, 60)}…`);
  const sms = await sql<{ provider_sid: string | null; status: string }[]>`
    select provider_sid, status from sms_messages`;
  counts['sms recorded'] = sms.length;
  const sids = new Set(c.twilio.messages.map((m) => m.sid));
  let reportsChecked = 0;
  for (const s of sms) {
    if (!s.provider_sid) continue;
    if (!sids.has(s.provider_sid)) fail(`SMS ${s.provider_sid} recorded but Twilio never got it`);
    const final = c.finals.get(s.provider_sid);
    if (final && s.status !== final)
      fail(`SMS ${s.provider_sid} is ${s.status}, reported ${final}`);
    if (final) reportsChecked++;
  }
  counts['sms final statuses checked'] = reportsChecked;
}

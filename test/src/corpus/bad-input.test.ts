import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@sipops/bot/terminal/run-cli';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import type { ActivationDeps } from '@sipops/shared/deps';
import { systemClock } from '@sipops/shared/deps';
import { seedGroups } from '@sipops/shared/testing/test-fixture';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActivationServer, startActivationServer } from '../activation/activation-server.ts';
import { bufferedIo } from '../buffered-io.ts';
import { embeddedEnv, runSip } from '../sip.ts';
import { plainPgsm, plainSnom, wizard } from '../slack/accounts.ts';
import { readable, type SlackHarness, startSlackHarness, USERS } from '../slack/slack-harness.ts';
import { csvCases, httpCases, slackCases, terminalCases } from './corpus-files.ts';
import { LEAK, snapshotDatabase, TABLES } from './snapshot.ts';

/**
 * The bad-input corpus (test/corpus/*.json) through every front end: each case must be refused
 * with its field named, write nothing, and show no stack trace or driver text.
 */

const counts: Record<string, number> = {};

afterAll(() => {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  console.log(
    `bad-input corpus: ${Object.entries(counts)
      .map(([front, n]) => `${front} ${n}`)
      .join(', ')}; ${total} cases`,
  );
});

/** The seeded accounts the cases name: corpus-pgsm, corpus-snom, and a wizard account. */
async function seedCorpusAccounts(deps: ActivationDeps): Promise<void> {
  await seedGroups(deps, [{ name: 'acme', profile: 'standard' }, { name: 'beta' }]);
  await plainPgsm(deps, { username: 'corpus-pgsm', number: '+39 347 555 0000' });
  await plainSnom(deps, { username: 'corpus-snom', number: '2000' });
  await wizard(deps, { number: '+39 347 555 0003' });
}

function testDeps(database: TestDatabase): ActivationDeps {
  return {
    db: database.db,
    clock: systemClock,
    secretKey: Buffer.alloc(32, 7),
    publicBaseUrl: 'https://sipops.example.com',
    linkTtlMs: 72 * 3_600_000,
  };
}

const show = (args: string[]) => JSON.stringify(args);

describe('terminal', () => {
  let database: TestDatabase;
  let deps: ActivationDeps;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    deps = testDeps(database);
    await seedCorpusAccounts(deps);
  });
  afterAll(async () => {
    await database.close();
  });

  it('refuses every case in process (runCli), naming its flag, writing nothing', async () => {
    const cases = terminalCases();
    const failures: string[] = [];
    for (const { args, field } of cases) {
      for (const isJson of [false, true]) {
        const argv = isJson ? [...args, '--json'] : args;
        const before = await snapshotDatabase(deps.db);
        const io = bufferedIo();
        const code = await runCli(argv, {
          io,
          actor: 'terminal:corpus',
          cwd: '/tmp',
          settings: { admins: [], smsMode: 'local' },
          deps: async () => deps,
        });
        const after = await snapshotDatabase(deps.db);
        const problems = [
          code === 1 || code === 2 ? undefined : `exit ${code}`,
          io.stderr.includes(field) ? undefined : `stderr does not name ${field}`,
          LEAK.test(io.stderr) || LEAK.test(io.stdout) ? 'a stack trace or driver text' : undefined,
          JSON.stringify(after) === JSON.stringify(before) ? undefined : 'the database changed',
        ].filter(Boolean);
        if (problems.length > 0)
          failures.push(
            `${show(argv)}: ${problems.join('; ')}\n  stderr: ${io.stderr.slice(0, 300)}`,
          );
      }
    }
    counts['terminal (in process)'] = cases.length;
    expect(failures).toEqual([]);
  }, 300_000);

  it('refuses the same way in real `npm run sip` processes', async () => {
    const env = embeddedEnv();
    const cases = terminalCases().filter((c) => c.isProcess);
    const failures: string[] = [];
    for (const { args, field } of cases) {
      const result = await runSip(args, env);
      const problems = [
        result.code === 1 || result.code === 2 ? undefined : `exit ${result.code}`,
        result.stderr.includes(field) ? undefined : `stderr does not name ${field}`,
        LEAK.test(result.stderr) || LEAK.test(result.stdout) ? 'a stack trace' : undefined,
      ].filter(Boolean);
      if (problems.length > 0)
        failures.push(
          `${show(args)}: ${problems.join('; ')}\n  stderr: ${result.stderr.slice(0, 300)}`,
        );
    }
    // Nothing was written: the embedded database holds no account and no group.
    const accounts = await runSip(['list', '--json'], env);
    const groups = await runSip(['group', 'list', '--json'], env);
    expect(JSON.parse(accounts.stdout)).toEqual([]);
    expect(JSON.parse(groups.stdout)).toEqual([]);
    counts['terminal (real processes)'] = cases.length;
    expect(cases.length).toBeGreaterThanOrEqual(5);
    expect(failures).toEqual([]);
  }, 300_000);
});

describe('CSV import files', () => {
  let database: TestDatabase;
  let deps: ActivationDeps;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    deps = testDeps(database);
    await seedCorpusAccounts(deps);
  });
  afterAll(async () => {
    await database.close();
  });

  it('refuses every file whole, naming the column, writing nothing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sipops-corpus-'));
    const cases = csvCases();
    const failures: string[] = [];
    for (const [index, { name, field, csv }] of cases.entries()) {
      const file = join(folder, `case-${index}.csv`);
      writeFileSync(file, csv);
      for (const extra of [['--json'], ['--dry-run']]) {
        const before = await snapshotDatabase(deps.db);
        const io = bufferedIo();
        const code = await runCli(['import', file, ...extra], {
          io,
          actor: 'terminal:corpus',
          cwd: folder,
          settings: { admins: [], smsMode: 'local' },
          deps: async () => deps,
        });
        const after = await snapshotDatabase(deps.db);
        const output = `${io.stdout}\n${io.stderr}`;
        const problems = [
          code === 1 ? undefined : `exit ${code}`,
          output.toLowerCase().includes(field.toLowerCase()) ? undefined : `does not name ${field}`,
          LEAK.test(output) ? 'a stack trace or driver text' : undefined,
          JSON.stringify(after) === JSON.stringify(before) ? undefined : 'the database changed',
        ].filter(Boolean);
        if (problems.length > 0)
          failures.push(
            `${name} ${extra.join(' ')}: ${problems.join('; ')}\n  ${output.slice(0, 300)}`,
          );
      }
    }
    counts['CSV files'] = cases.length;
    expect(failures).toEqual([]);
  }, 300_000);
});

describe('Slack commands and forms', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness('pglite');
    await plainPgsm(h.deps, { username: 'corpus-pgsm', number: '+39 347 555 0000' });
    await plainSnom(h.deps, { username: 'corpus-snom', number: '2000' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers every bad /sip command naming what was wrong, writing nothing', async () => {
    const { commands } = slackCases();
    const failures: string[] = [];
    for (const { text, field, user } of commands) {
      const before = await snapshotDatabase(h.deps.db);
      const errorsBefore = h.errors.length;
      const sent = await h.command(user === 'admin' ? USERS.admin : USERS.support, text);
      const after = await snapshotDatabase(h.deps.db);
      // A refusal may come as a reply, in the acknowledgement, or in the modal it opened.
      const said = `${readable(sent.replies)}\n${readable(sent.json ?? {})}\n${readable(sent.view ?? {})}`;
      const everything = JSON.stringify([sent.json, sent.calls.map((c) => c.body)]);
      const problems = [
        sent.status === 200 ? undefined : `HTTP ${sent.status}`,
        said.includes(field) ? undefined : `the reply does not name ${field}`,
        LEAK.test(everything) ? 'a stack trace or driver text' : undefined,
        h.errors.length === errorsBefore ? undefined : `the bot logged ${h.errors.at(-1)}`,
        JSON.stringify(after) === JSON.stringify(before) ? undefined : 'the database changed',
      ].filter(Boolean);
      if (problems.length > 0)
        failures.push(`/sip ${text}: ${problems.join('; ')}\n  ${said.slice(0, 300)}`);
    }
    counts['Slack commands'] = commands.length;
    expect(failures).toEqual([]);
  }, 300_000);

  it('refuses every bad form submission on the field’s input, writing nothing', async () => {
    const { forms } = slackCases();
    const failures: string[] = [];
    for (const { open, values, field } of forms) {
      const opened = await h.command(USERS.support, open);
      if (!opened.view) {
        failures.push(`/sip ${open}: no form opened (${readable(opened.replies).slice(0, 200)})`);
        continue;
      }
      const before = await snapshotDatabase(h.deps.db);
      const sent = await h.submit(USERS.support, opened.view, values);
      const after = await snapshotDatabase(h.deps.db);
      const errors = (sent.json?.errors ?? {}) as Record<string, string>;
      const problems = [
        sent.json?.response_action === 'errors' ? undefined : 'not refused on the form',
        field in errors ? undefined : `no error on ${field} (${Object.keys(errors).join(', ')})`,
        LEAK.test(JSON.stringify([sent.json, sent.replies]))
          ? 'a stack trace or driver text'
          : undefined,
        sent.replies.length === 0 ? undefined : 'a reply was posted',
        JSON.stringify(after) === JSON.stringify(before) ? undefined : 'the database changed',
      ].filter(Boolean);
      if (problems.length > 0)
        failures.push(`${open} ${JSON.stringify(values)}: ${problems.join('; ')}`);
    }
    counts['Slack forms'] = forms.length;
    expect(failures).toEqual([]);
  }, 300_000);
});

describe('HTTP routes and headers', () => {
  let app: ActivationServer;

  beforeAll(async () => {
    // Postgres when there is one (the test reads the server's database straight), else PGlite.
    app = await startActivationServer(
      testDatabaseKinds().includes('postgres') ? 'postgres' : 'pglite',
    );
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  /** The bad-link counter is written by design (the throttle); everything else must stay. */
  async function snapshot(): Promise<unknown> {
    if (app.database)
      return snapshotDatabase(
        app.database.db,
        TABLES.filter((t) => t !== 'link_lookup_failures'),
      );
    const results = await Promise.all([
      app.sip('list', '--json'),
      app.sip('group', 'list', '--json'),
      app.sip('profile', 'list', '--json'),
      app.sip('sms', 'list', '--json'),
    ]);
    return results.map((r) => r.stdout);
  }

  it('refuses every bad request with its status, naming what was wrong, writing nothing', async () => {
    const cases = httpCases();
    const failures: string[] = [];
    const before = await snapshot();
    for (const c of cases) {
      const body = c.bodyRepeat ? c.bodyRepeat.text.repeat(c.bodyRepeat.times) : c.body;
      const response = await fetch(`${app.baseUrl}${c.path}`, {
        method: c.method,
        headers: c.headers ?? {},
        redirect: 'manual',
        ...(body === undefined ? {} : { body }),
      }).catch((error: unknown) => error as Error);
      const where = `${c.method} ${c.path.slice(0, 80)} ${JSON.stringify(c.headers ?? {}).slice(0, 80)}`;
      if (response instanceof Error) {
        failures.push(`${where}: no answer (${response.message})`);
        continue;
      }
      const text = await response.text();
      const problems = [
        c.status.includes(response.status) ? undefined : `status ${response.status}`,
        c.field === null || new RegExp(c.field, 'i').test(text)
          ? undefined
          : `the body does not name ${c.field}`,
        LEAK.test(text) ? 'a stack trace or driver text' : undefined,
      ].filter(Boolean);
      if (problems.length > 0)
        failures.push(`${where}: ${problems.join('; ')}\n  ${text.slice(0, 200)}`);
    }
    const after = await snapshot();
    expect(after).toEqual(before);
    expect(LEAK.test(app.server.output())).toBe(false);
    counts['HTTP requests'] = cases.length;
    expect(failures).toEqual([]);
  }, 300_000);
});

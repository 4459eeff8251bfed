import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseEnv, botCommand, REPO_ROOT } from '../sip.ts';

/** `npm start`'s process (without npm and the build) with these arguments and variables. */
function start(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const [program = '', ...programArgs] = botCommand('start', ...args);
    execFile(
      program,
      programArgs,
      { cwd: REPO_ROOT, env: { ...baseEnv(), ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

const STACK_FRAME = /\n\s+at \S/;

describe('choosing the parts a process runs', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sipops-parts-'));
  const embedded = { SIPOPS_DATA_DIR: dataDir };

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    [['--parts', 'web'], {}, '--parts: running only web needs Postgres (set DATABASE_URL)'],
    [[], { SIPOPS_PARTS: 'bot,workers' }, 'SIPOPS_PARTS: running only bot,workers needs Postgres'],
    [[], { SIPOPS_WORKERS: 'off' }, 'SIPOPS_WORKERS=off: running only web,bot needs Postgres'],
  ] as const)(
    'refuses %j %j on the embedded database, naming the choice and DATABASE_URL',
    async (args, env, message) => {
      const run = await start([...args], { ...embedded, ...env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('PGlite');
      expect(run.stderr).not.toMatch(STACK_FRAME);
    },
  );

  it.each([
    [
      ['--parts', 'web,mail'],
      {},
      '--parts: must be parts separated by commas, from web, bot, workers (or all); not "mail"',
    ],
    [[], { SIPOPS_PARTS: ' , ' }, 'SIPOPS_PARTS: must name parts: web, bot, workers (or all)'],
    [
      [],
      { SIPOPS_PARTS: 'web,workers', SIPOPS_WORKERS: 'off' },
      'SIPOPS_PARTS: runs the workers, but SIPOPS_WORKERS=off says not to',
    ],
  ] as const)('refuses %j %j with the variable named', async (args, env, message) => {
    const run = await start([...args], { ...embedded, ...env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('refuses the bot part without Slack, saying which variables to set', async () => {
    const run = await start(['--parts', 'bot'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      SIPOPS_SECRET_KEY: 'ab'.repeat(32),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      '--parts: runs the bot, which needs Slack: set SLACK_SIGNING_SECRET',
    );
  });

  it('answers an unknown flag with the usage, exit 2', async () => {
    const run = await start(['--part', 'web'], embedded);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm start [-- --parts web,bot,workers]');
  });
});

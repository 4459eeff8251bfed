import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const BOT_RUN = join(REPO_ROOT, 'bot/run.mjs');

/** A compiled entry point of the bot (bot/run.mjs), as `npm start` and `npm run sip` run it. */
export function botCommand(entry: 'start' | 'start-workers' | 'sip', ...args: string[]): string[] {
  return [process.execPath, BOT_RUN, entry, ...args];
}

export type SipResult = { code: number; stdout: string; stderr: string };

/** Set by the tests' global setup: an embedded data folder the product made and migrated. */
export const DATA_DIR_TEMPLATE_VARIABLE = 'SIPOPS_TEST_DATA_DIR_TEMPLATE';

/**
 * The environment of a sipops process on the embedded default, in a data folder of its own that
 * holds an empty, migrated database: a copy of the one the global setup made, as `npm run
 * db:migrate` leaves a folder (a new folder when there is none). No key file: the first command
 * makes it.
 */
export function embeddedEnv(): Record<string, string> {
  const env = freshEmbeddedEnv();
  const template = process.env[DATA_DIR_TEMPLATE_VARIABLE];
  if (template)
    cpSync(join(template, 'pglite'), join(env.SIPOPS_DATA_DIR ?? '', 'pglite'), {
      recursive: true,
    });
  return env;
}

/** The same in an empty data folder, for the tests of a first start (initdb, modes, keys). */
export function freshEmbeddedEnv(): Record<string, string> {
  return { SIPOPS_DATA_DIR: mkdtempSync(join(tmpdir(), 'sipops-test-')) };
}

/** The environment of a sipops process on a Postgres database. */
export function postgresEnv(url: string): Record<string, string> {
  return { DATABASE_URL: url, SIPOPS_SECRET_KEY: randomBytes(32).toString('hex') };
}

/** The environment child processes start from: this one's, less what would steer them elsewhere. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !/^(DATABASE_URL|SIPOPS_|SLACK_|TWILIO_|PORT$|BOT_PORT$|PUBLIC_BASE_URL$)/.test(key)
    )
      env[key] = value;
  }
  return env;
}

/** Runs the real terminal command (`npm run sip -- …` without npm) in a child process. */
export function runSip(
  args: string[],
  env: Record<string, string>,
  input?: string,
  asUser?: string,
): Promise<SipResult> {
  const command = botCommand('sip', ...args);
  // Another local user (root only): runuser keeps the environment, so the same data folder.
  const [program = '', ...programArgs] = asUser
    ? ['runuser', '-u', asUser, '--', ...command]
    : command;
  return new Promise((resolvePromise) => {
    const child = execFile(
      program,
      programArgs,
      // A guard against a hung command, generous: a first start on a busy machine takes a while.
      { cwd: REPO_ROOT, env: { ...baseEnv(), ...env }, timeout: 150_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

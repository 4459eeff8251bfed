import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningServer, startServer, waitForHealth } from './server.ts';
import { baseEnv, botCommand, embeddedEnv, REPO_ROOT, runSip } from './sip.ts';

const folder = mkdtempSync(join(tmpdir(), 'sipops-progress-'));

/** A file of `rows` wizard rows of group north, numbers from `first` on. */
function writeRows(name: string, rows: number, first: number): string {
  const lines = ['way,group,number'];
  for (let i = 0; i < rows; i++)
    lines.push(`wizard,north,+39347${String(first + i).padStart(7, '0')}`);
  const path = join(folder, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const PROGRESS_LINE =
  /^import: ([\d,]+) of ([\d,]+) rows checked, ([\d,]+) written \((\d+)%\)(, about \d+ (s|min) left)?$/;
const toNumber = (text: string | undefined) => Number(text?.replace(/,/g, ''));

/** The progress lines of a plain (not a terminal) stderr: checked, written, percent each. */
function progressLines(stderr: string) {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('import: '))
    .map((line) => {
      const match = PROGRESS_LINE.exec(line);
      expect(match, line).not.toBeNull();
      return {
        line,
        checked: toNumber(match?.[1]),
        total: toNumber(match?.[2]),
        written: toNumber(match?.[3]),
        percent: Number(match?.[4]),
      };
    });
}

/** Runs the terminal inside a pseudo-terminal (util-linux `script`), as a person at a shell. */
function runOnTerminal(args: string[], env: Record<string, string>): Promise<string> {
  const command = botCommand('sip', ...args)
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
    .join(' ');
  return new Promise((resolve) => {
    execFile(
      'script',
      ['-qec', command, '/dev/null'],
      { cwd: REPO_ROOT, env: { ...baseEnv(), ...env }, timeout: 120_000 },
      (_error, stdout) => resolve(stdout),
    );
  });
}

/** Runs a destructive command on a pseudo-terminal and answers its question with `answer`. */
function answerOnTerminal(
  args: string[],
  env: Record<string, string>,
  answer: string,
): Promise<{ code: number | null; output: string }> {
  const command = botCommand('sip', ...args)
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { ...baseEnv(), ...env },
    });
    let output = '';
    let isAnswered = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (!isAnswered && output.includes('[y/N]')) {
        isAnswered = true;
        child.stdin.write(`${answer}\n`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Starts an import with --progress and resolves once it has ended, noting in which write to its
 * stderr the first line showing part of the file written arrived, and how many writes there were.
 */
function importWatching(
  path: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; partialAt: number | undefined; writes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      botCommand('sip', 'import', path, '--progress').slice(1),
      {
        cwd: REPO_ROOT,
        env: { ...baseEnv(), ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    let partialAt: number | undefined;
    let writes = 0;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      writes++;
      if (partialAt !== undefined) return;
      const partial = progressLines(stderr.slice(0, stderr.lastIndexOf('\n') + 1)).find(
        (p) => p.written > 0 && p.written < p.total,
      );
      if (partial) partialAt = writes;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, partialAt, writes }));
  });
}

describe('the progress of a terminal import', { timeout: 300_000 }, () => {
  const env = embeddedEnv();
  let server: RunningServer | undefined;

  beforeAll(async () => {
    expect(
      (await runSip(['profile', 'create', 'main', '--sip-host', 'sip.example.com'], env)).code,
    ).toBe(0);
    expect((await runSip(['group', 'create', 'north', '--profile', 'main'], env)).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('prints plain lines with the total, the percentage and the time left, each once, in its own process', async () => {
    const file = writeRows('own.csv', 6_000, 0);
    const result = await runSip(['import', file, '--progress'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('\r');
    const lines = progressLines(result.stderr);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((p) => p.total === 6_000)).toBe(true);
    // Once per line: no line repeats, and the figures only grow.
    expect(new Set(lines.map((p) => p.line)).size).toBe(lines.length);
    for (const [i, p] of lines.entries()) {
      expect(p.checked).toBeGreaterThanOrEqual(lines[i - 1]?.checked ?? 0);
      expect(p.written).toBeGreaterThanOrEqual(lines[i - 1]?.written ?? 0);
    }
    expect(lines.at(-1)?.line).toBe('import: 6,000 of 6,000 rows checked, 6,000 written (100%)');
    expect(result.stdout).toMatch(/^6000 account\(s\) imported/);
  });

  it('draws a bar redrawn in place on a terminal, ended by one line break', async () => {
    const file = writeRows('tty.csv', 3_000, 100_000);
    const output = await runOnTerminal(['import', file, '--dry-run'], env);
    expect(output).toContain('\rcheck [');
    expect(output).toContain(
      '\rcheck [########################] 3,000 of 3,000 rows checked (100%)\x1b[K\r\n',
    );
    // Nothing but the last reading ends a line: the bar stays on one.
    const barLines = output.split('\n').filter((line) => line.includes('check ['));
    expect(barLines).toHaveLength(1);
    expect(output).toContain('3000 account(s) would be imported, nothing written (dry run)');
  });

  it('refuses a file that is not UTF-8 as such, naming its first bad line', async () => {
    const path = join(folder, 'excel.csv');
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from('way,group,number\r\nwizard,north,+393479000001\r\nwizard,caf'),
        Buffer.from([0xe9]),
        Buffer.from(',+393479000002\r\n'),
      ]),
    );
    const result = await runSip(['import', path], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: this file is not UTF-8 (line 3): save it as CSV UTF-8\n',
    );
    expect(result.stderr).not.toContain('no group');
    // Every refusal names the flag, an option of the import's own as well.
    const blankId = await runSip(['import', path, '--import-id', ' '], env);
    expect(blankId.code).toBe(1);
    expect(blankId.stderr).toBe('error: --import-id: is required\n');
    const json = await runSip(['import', path, '--json'], env);
    expect(JSON.parse(json.stdout)).toEqual({
      errors: [
        {
          line: 3,
          column: '',
          value: '',
          message: 'this file is not UTF-8 (line 3): save it as CSV UTF-8',
        },
      ],
    });
  });

  it('streams the progress of an import forwarded to the running server as it goes', async () => {
    const file = writeRows('forwarded.csv', 12_000, 200_000);
    const question = 'disable +393470000001: are you sure? [y/N] ';
    const local = await answerOnTerminal(['disable', '+393470000001'], env, 'n');
    server = startServer({ ...env, PORT: String(await freePort()) }, botCommand('start'));
    await waitForHealth(server, 120_000);
    const result = await importWatching(file, env);
    expect(result.code, result.stderr).toBe(0);
    // A line showing part of the file written came before the rest, not all of them at the end.
    expect(result.partialAt).toBeDefined();
    expect(result.partialAt).toBeLessThan(result.writes);
    const lines = progressLines(result.stderr);
    expect(new Set(lines.map((p) => p.line)).size).toBe(lines.length);
    expect(lines.at(-1)?.line).toBe('import: 12,000 of 12,000 rows checked, 12,000 written (100%)');
    // The question of a destructive verb is the same whether the server runs it or not.
    const forwarded = await answerOnTerminal(['disable', '+393470000001'], env, 'n');
    for (const asked of [local, forwarded]) {
      expect(asked.code).toBe(1);
      expect(asked.output).toContain(question);
      expect(asked.output).toContain('cancelled, nothing changed');
    }
  });
});

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { baseEnv, botCommand, freshEmbeddedEnv, REPO_ROOT } from './sip.ts';

/**
 * `npm run sip -- export | head` and the like: the reader goes away before the command has
 * printed everything. The rest is dropped quietly; no stack trace, and the command ends as it
 * would have.
 */
describe('the terminal with its reader gone', { timeout: 60_000 }, () => {
  it('ends with its own exit code and no stack trace when its standard output is closed', async () => {
    const [program = 'node', ...args] = botCommand('sip', 'help');
    const child = spawn(program, args, {
      cwd: REPO_ROOT,
      env: { ...baseEnv(), ...freshEmbeddedEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before the command writes a byte: its first write meets a pipe nobody reads.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

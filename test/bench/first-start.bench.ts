import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src/server.ts';
import { baseEnv, REPO_ROOT } from '../src/sip.ts';

/**
 * `npm run bench -- first-start`: a fresh clone of this checkout's HEAD (its node_modules
 * hard-linked from here, as `npm install` would leave them), then `npm start` with no
 * configuration, timed until GET /api/health answers 200. Nothing is built or cached yet: the web
 * app, the bot and the embedded database are all made by this first start. Goal: ≤ 60 s.
 */
export async function benchFirstStart(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'sipops-clone-'));
  const clone = join(folder, 'sipops');
  try {
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone]);
    execFileSync('cp', ['-al', join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules')]);
    const port = await freePort();
    const started = performance.now();
    const child = spawn('npm', ['start'], {
      cwd: clone,
      env: { ...baseEnv(), PORT: String(port), TURBO_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      while (true) {
        if (child.exitCode !== null) throw new Error(`npm start exited:\n${output.slice(-2000)}`);
        if (performance.now() - started > 600_000) throw new Error('no healthy start in 10 min');
        const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
          .then((response) => response.status === 200)
          .catch(() => false);
        if (ok) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fresh clone, npm start to a healthy /api/health: ${seconds.toFixed(1)} s (goal ≤ 60 s)`,
      );
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

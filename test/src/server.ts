import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { baseEnv, REPO_ROOT } from './sip.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export type RunningServer = {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
};

/** Starts sipops as an operator does: `npm start`, or its server alone when `command` says so. */
export function startServer(
  env: Record<string, string>,
  command: string[] = ['npm', 'start'],
): RunningServer {
  const port = env.PORT ?? '3000';
  const [program = 'npm', ...args] = command;
  const child = spawn(program, args, {
    cwd: REPO_ROOT,
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stop() reaches npm, turbo and node with one signal.
    detached: true,
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => text,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGINT');
        } catch {
          // Already gone.
        }
      }
      return exited;
    },
  };
}

/** Polls /api/health until it answers 200; returns how long that took. */
export async function waitForHealth(server: RunningServer, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (server.child.exitCode !== null)
      throw new Error(`the server exited early:\n${server.output()}`);
    try {
      const response = await fetch(`${server.baseUrl}/api/health`);
      if (response.status === 200) return Date.now() - started;
    } catch {
      // Not listening yet.
    }
    // Asked often: every test that starts a server waits here, and an answer costs little.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no healthy answer within ${timeoutMs} ms:\n${server.output()}`);
}

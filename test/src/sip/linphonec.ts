/**
 * A stock `linphonec` (Debian's linphone-cli) driven over stdin, for tests.
 *
 *   const phone = await startLinphonec({ name: 'alice', configUri: xmlUrl });
 *   await phone.waitFor(/registered, identity=/, { poll: 'status register' });
 *   phone.send('call sip:+39…@127.0.0.1');
 *   await phone.stop();   // `quit`; the same phone starts again with phone.restart()
 *
 * Each phone has a private HOME (with ~/.local/share/linphone made beforehand, which linphonec
 * needs), its own rc file, free random SIP and RTP ports, IPv6 off and no sound card (`soundcard
 * use files`). The rc holds only that and `[misc] config-uri`: everything else is provisioned.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './kamailio.ts';

const MAX_OUTPUT_CHARS = 400_000;
const STOP_TIMEOUT_MS = 15_000;

export type Linphonec = {
  name: string;
  /** The rc file linphonec reads and rewrites (provisioned settings land here). */
  rcFile: string;
  /** Everything it printed since it (re)started. */
  output: () => string;
  send: (command: string) => void;
  /** Whether it waits at its password prompt (its loop, and its saving of settings, wait too). */
  isAskingPassword: () => boolean;
  /**
   * Waits until the output since `from` (default: everything) matches, sending `poll` every
   * `everyMs` meanwhile; resolves with the match. Fails after `timeoutMs` naming what it saw.
   */
  waitFor: (
    pattern: RegExp,
    options?: { timeoutMs?: number; poll?: string; everyMs?: number; from?: number },
  ) => Promise<RegExpMatchArray>;
  /** `quit`, then the process is gone (killed if it lingers). */
  stop: () => Promise<void>;
  /** Starts linphonec again on the same HOME and rc file, as a user reopening the app. */
  restart: () => Promise<void>;
  /** Stops it and removes its folder. */
  dispose: () => Promise<void>;
};

/** Whether linphonec's last prompt is its password question (`Password for <user> on <realm>:`). */
function isAskingPassword(output: string): boolean {
  const asked = output.lastIndexOf('Password for ');
  return asked >= 0 && asked > output.lastIndexOf('linphonec> ');
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

export async function startLinphonec(options: {
  name: string;
  configUri: string;
}): Promise<Linphonec> {
  const folder = mkdtempSync(join(tmpdir(), `sipops-linphonec-${options.name}-`));
  const home = join(folder, 'home');
  mkdirSync(join(home, '.local', 'share', 'linphone'), { recursive: true });
  const rcFile = join(folder, 'linphonerc');
  const audioPort = await findFreePort();
  let videoPort = await findFreePort();
  while (videoPort === audioPort) videoPort = await findFreePort();
  writeFileSync(
    rcFile,
    [
      '[misc]',
      `config-uri=${options.configUri}`,
      '[sip]',
      // -1: a random free port; no TCP/TLS listener the test does not use.
      'sip_port=-1',
      'sip_tcp_port=0',
      'sip_tls_port=0',
      'use_ipv6=0',
      '[rtp]',
      `audio_rtp_port=${audioPort}`,
      `video_rtp_port=${videoPort}`,
      '',
    ].join('\n'),
  );

  let child: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    output = '';
    const started = spawn('linphonec', ['-c', rcFile], {
      cwd: folder,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS);
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    started.stdin?.on('error', () => {});
    await new Promise<void>((done, fail) => {
      started.once('spawn', done);
      started.once('error', fail);
    });
    child = started;
    phone.send('soundcard use files');
  };

  const phone: Linphonec = {
    name: options.name,
    rcFile,
    output: () => output,
    isAskingPassword: () => isAskingPassword(output),
    send(command) {
      if (child?.stdin?.writable) child.stdin.write(`${command}\n`);
    },
    async waitFor(pattern, { timeoutMs = 60_000, poll, everyMs = 1000, from = 0 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let lastPoll = 0;
      for (;;) {
        const match = output.slice(from).match(pattern);
        if (match) return match;
        if (child && (child.exitCode !== null || child.signalCode !== null))
          throw new Error(
            `${options.name}: linphonec exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${output.slice(-4000)}`,
          );
        if (Date.now() > deadline)
          throw new Error(
            `${options.name}: no ${pattern} within ${timeoutMs / 1000} s; linphonec printed:\n${output.slice(-4000)}`,
          );
        if (poll && Date.now() - lastPoll >= everyMs) {
          lastPoll = Date.now();
          phone.send(poll);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      // A refused registration makes linphonec ask for a password on stdin, and its loop waits
      // there: `quit` would become the password (saved as a new HA1). SIGTERM ends it as `quit`
      // does, saving its settings, which it has not done since the prompt.
      if (phone.isAskingPassword()) running.kill('SIGTERM');
      else phone.send('quit');
      if (!(await waitForExit(running, STOP_TIMEOUT_MS))) {
        running.kill('SIGKILL');
        await waitForExit(running, STOP_TIMEOUT_MS);
      }
    },
    async restart() {
      await phone.stop();
      await launch();
    },
    async dispose() {
      await phone.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
  await launch();
  return phone;
}

/** The rc file's `[section] key`, as linphonec last wrote it; undefined when absent. */
export function readRcEntry(rcFile: string, section: string, key: string): string | undefined {
  let current = '';
  for (const line of readFileSync(rcFile, 'utf8').split('\n')) {
    const header = /^\[(.+)\]\s*$/.exec(line);
    if (header) current = header[1] ?? '';
    else if (current === section && line.startsWith(`${key}=`)) return line.slice(key.length + 1);
  }
  return undefined;
}

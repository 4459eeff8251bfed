/**
 * sipp REGISTER with digest authentication, answering with the registrar's final status code.
 *
 *   const status = await registerWithSipp({
 *     host: kamailio.host, port: kamailio.sipPort, domain: kamailio.domain,
 *     identity: '+393471234567',   // the To/From user: a username or one of its numbers
 *     username: '1234567890',      // the digest (authentication) username
 *     password: 'S3cret-pass',
 *     sourceAddress: '127.0.0.2',  // optional: send from this loopback address (sipp -i)
 *   }); // 200, 403…
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from './kamailio.ts';

export const REGISTER_SCENARIO = resolve(import.meta.dirname, 'register.xml');

export type SippRegister = {
  host: string;
  port: number;
  domain: string;
  /** The user part of the registered identity; default the username. */
  identity?: string;
  username: string;
  password: string;
  sourceAddress?: string;
  expires?: number;
};

/** The status line codes sipp received, in order, from its message log. */
export function receivedStatusCodes(messageLog: string): number[] {
  const codes: number[] = [];
  const pattern = /received[^\n]*\n+\s*SIP\/2\.0 (\d{3})/gi;
  for (const match of messageLog.matchAll(pattern)) codes.push(Number(match[1]));
  return codes;
}

/** The final status code of the REGISTER with credentials (200, 403…). */
export async function registerWithSipp(request: SippRegister): Promise<number> {
  return (await sippRegister(request)).status;
}

/** The realm of the first Digest challenge sipp received. */
export function challengeRealm(messageLog: string): string | undefined {
  return /WWW-Authenticate:\s*Digest[^\n]*realm="([^"]*)"/i.exec(messageLog)?.[1];
}

/** The final status and the realm the registrar challenged with. */
export async function sippRegister(
  request: SippRegister,
): Promise<{ status: number; challengeRealm: string | undefined }> {
  const folder = mkdtempSync(join(tmpdir(), 'sipops-sipp-'));
  const messageFile = join(folder, 'messages.log');
  const localPort = await findFreePort();
  const args = [
    `${request.host}:${request.port}`,
    '-sf',
    REGISTER_SCENARIO,
    '-m',
    '1',
    '-t',
    'u1',
    '-i',
    request.sourceAddress ?? '127.0.0.1',
    '-p',
    String(localPort),
    '-s',
    request.identity ?? request.username,
    '-au',
    request.username,
    '-ap',
    request.password,
    '-key',
    'domain',
    request.domain,
    '-key',
    'expires',
    String(request.expires ?? 3600),
    '-timeout',
    '20s',
    '-recv_timeout',
    '10s',
    '-nostdin',
    '-trace_msg',
    '-message_file',
    messageFile,
  ];
  try {
    const outcome = await new Promise<{ stderr: string; code: number | null }>((done) => {
      execFile('sipp', args, { timeout: 60_000 }, (error, _stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? null : 0;
        done({ stderr, code });
      });
    });
    let log = '';
    try {
      log = readFileSync(messageFile, 'utf8');
    } catch {
      // No log: sipp failed before sending anything; the error below says so.
    }
    const final = receivedStatusCodes(log)
      .filter((code) => code >= 200)
      .at(-1);
    if (final === undefined) {
      throw new Error(
        `sipp received no final response (exit ${outcome.code}): ${outcome.stderr.slice(-2000)}`,
      );
    }
    // A 401 answer to the request with credentials is final too: report it as it came.
    return { status: final, challengeRealm: challengeRealm(log) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

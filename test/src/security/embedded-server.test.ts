import { chmodSync, lstatSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { auditLog } from '@sipops/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEmbeddedRuntime } from '../embedded.ts';
import { freePort, type RunningServer, startServer, waitForHealth } from '../server.ts';
import { botCommand, freshEmbeddedEnv, runSip } from '../sip.ts';

const isRoot = process.getuid?.() === 0;

/** Every path under the folder with its permission bits and kind. */
function modesUnder(folder: string): { path: string; mode: number; kind: string }[] {
  const found: { path: string; mode: number; kind: string }[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    const kind = stat.isDirectory()
      ? 'dir'
      : stat.isSocket()
        ? 'socket'
        : stat.isSymbolicLink()
          ? 'link'
          : 'file';
    found.push({ path, mode: stat.mode & 0o777, kind });
    if (kind === 'dir') for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(folder);
  return found;
}

/** A raw request on the server's command socket, as any local program could send. */
function postToSocket(
  socketPath: string,
  body: string,
): Promise<{ status: number | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: '/terminal',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      // The server may close the socket while a too large body is still being written.
      error.code === 'EPIPE' || error.code === 'ECONNRESET'
        ? resolve({ status: undefined, text: '' })
        : reject(error),
    );
    req.end(body);
  });
}

describe('the embedded server and its local command channel', { timeout: 180_000 }, () => {
  let env: Record<string, string>;
  let server: RunningServer;

  beforeAll(async () => {
    env = { ...freshEmbeddedEnv(), PORT: String(await freePort()) };
    // A folder as an older version (or a careless copy) left it: open to everyone.
    chmodSync(env.SIPOPS_DATA_DIR ?? '', 0o755);
    server = startServer(env, botCommand('start'));
    await waitForHealth(server, 90_000);
    expect(
      (await runSip(['profile', 'create', 'std', '--sip-host', 'sip.example.com'], env)).code,
    ).toBe(0);
    expect((await runSip(['group', 'create', 'north', '--profile', 'std'], env)).code).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps the data folder its owner’s alone: folders 0700, files and sockets 0600', () => {
    const entries = modesUnder(env.SIPOPS_DATA_DIR ?? '');
    expect(entries.some((e) => e.path.includes('pglite') && e.kind === 'file')).toBe(true);
    const open = entries.filter((e) =>
      e.kind === 'dir' ? e.mode !== 0o700 : e.kind !== 'link' && (e.mode & 0o077) !== 0,
    );
    expect(open.map((e) => `${e.path} ${e.mode.toString(8)}`)).toEqual([]);
  });

  it('runs a forwarded command with the server’s settings: the caller’s others are not read', async () => {
    // A variable only a command run alone reads, wrong in the caller's environment.
    const wrong = { ...env, SIPOPS_LINK_TTL: 'banana' };
    const forwarded = await runSip(['group', 'list'], wrong);
    expect(forwarded.code, forwarded.stderr).toBe(0);
    expect(forwarded.stdout).toMatch(/^north\b/m);
    // Alone (no server on that folder) the same variable is read, and refused by name.
    const alone = await runSip(['group', 'list'], {
      ...freshEmbeddedEnv(),
      SIPOPS_LINK_TTL: 'banana',
    });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/SIPOPS_LINK_TTL/);
  });

  it('records the server’s own user as the actor, whatever the caller claims', async () => {
    const socket = join(env.SIPOPS_DATA_DIR ?? '', 'sipops.sock');
    const answer = await postToSocket(
      socket,
      JSON.stringify({
        argv: ['group', 'create', 'forged'],
        actor: 'terminal:mallory',
        cwd: '/',
        isErrTerminal: false,
      }),
    );
    expect(answer.status).toBe(200);
    const lines = answer.text.trim().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({ code: 0 });
  });

  it('refuses a request body larger than its limit instead of reading it all', async () => {
    const socket = join(env.SIPOPS_DATA_DIR ?? '', 'sipops.sock');
    const huge = JSON.stringify({ argv: ['group', 'list', 'x'.repeat(5_000_000)], cwd: '/' });
    const answer = await postToSocket(socket, huge);
    expect(answer.status === 413 || answer.status === undefined).toBe(true);
    // Still serving.
    expect((await runSip(['group', 'list', '--json'], env)).code).toBe(0);
  });

  it('never opens a path a forwarded call names: the terminal sends the file, the server reads only that', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sipops-forwarded-'));
    // A file the server's own user can read, with an account the server would accept.
    const csv = join(folder, 'accounts.csv');
    writeFileSync(csv, 'way,group,number\nwizard,north,+393474000099\n');
    const logo = join(folder, 'logo.png');
    writeFileSync(logo, Buffer.from('89504e470d0a1a0a', 'hex'));
    const socket = join(env.SIPOPS_DATA_DIR ?? '', 'sipops.sock');
    const forged = async (argv: string[]) => {
      const answer = await postToSocket(socket, JSON.stringify({ argv, isErrTerminal: false }));
      expect(answer.status).toBe(200);
      const lines = answer.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { out?: string; err?: string; code?: number });
      return {
        code: lines.at(-1)?.code,
        output: lines.map((l) => l.out ?? l.err ?? '').join(''),
      };
    };

    const dryRun = await forged(['import', csv, '--dry-run', '--json']);
    expect(dryRun.code).toBe(1);
    expect(dryRun.output).toMatch(
      /file: cannot import .*its content did not come with the command/,
    );
    expect(dryRun.output).not.toMatch(/would be imported|dryRun|393474000099/);
    const logoEdit = await forged(['profile', 'edit', 'std', '--logo', logo]);
    expect(logoEdit.code).toBe(1);
    expect(logoEdit.output).toMatch(
      /logo: cannot read .*its content did not come with the command/,
    );

    // The real terminal reads the same files itself and sends them: both go through.
    const sent = await runSip(['import', csv, '--dry-run', '--json'], env);
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ dryRun: true, accounts: 1 });
    const edited = await runSip(['profile', 'edit', 'std', '--logo', logo], env);
    expect(edited.code, edited.stderr).toBe(0);
  });

  it('prints no line of a file that is not a CSV of accounts, forwarded or not', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sipops-forwarded-'));
    const shadowLike = join(folder, 'shadow');
    const secret = '$6$Zx9Ab$q0WcJr2.secret.hash';
    writeFileSync(shadowLike, `root:${secret}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n`);
    const passwdLike = join(folder, 'passwd');
    writeFileSync(
      passwdLike,
      'root:x:0:0:root:/root:/bin/bash\nbin,x,1,1,bin,/bin,/sbin/nologin\n',
    );
    for (const file of [shadowLike, passwdLike])
      for (const extra of [['--dry-run'], ['--json'], ['--dry-run', '--json']]) {
        const result = await runSip(['import', file, ...extra], env);
        expect(result.code, result.stderr).toBe(1);
        const output = `${result.stdout}${result.stderr}`;
        expect(output).toMatch(/line 1.*not a CSV of accounts/);
        expect(output).not.toMatch(/root:|secret|\/bin/);
      }
  });

  it.runIf(isRoot)(
    'serves no other local user: their commands read and change nothing',
    async () => {
      const asNobody = (...args: string[]) => runSip(args, env, undefined, 'nobody');
      const wizard = await runSip(
        ['wizard', '--group', 'north', '--number', '+393474000001', '--json'],
        env,
      );
      expect(wizard.code, wizard.stderr).toBe(0);
      const { username } = JSON.parse(wizard.stdout) as { username: string };
      expect((await runSip(['activate', username, '--yes'], env)).code).toBe(0);

      for (const args of [
        ['sms', 'list', '--json'],
        ['export'],
        ['delete', username, '--yes'],
        ['group', 'create', 'by-nobody'],
      ]) {
        const result = await asNobody(...args);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).not.toBe(0);
        expect(result.stdout).not.toMatch(/\/a\/|north|password/);
        expect(result.stderr).toMatch(/belongs to another user|not readable|permission/i);
      }
      const shadow = await asNobody('import', '/etc/shadow', '--dry-run');
      expect(shadow.code).toBe(1);
      expect(`${shadow.stdout}${shadow.stderr}`).not.toMatch(/root:/);
      expect(shadow.stderr).toMatch(/--file|file: .*not readable/);

      const shown = await runSip(['show', username, '--json'], env);
      expect(shown.code).toBe(0);
      const groups = await runSip(['group', 'list', '--json'], env);
      expect(JSON.parse(groups.stdout).map((g: { name: string }) => g.name)).not.toContain(
        'by-nobody',
      );
    },
  );

  it('wrote the forged call down under the server’s user', async () => {
    await server.stop();
    const actors = await withEmbeddedRuntime(env, async (db) =>
      (
        await db.select({ actor: auditLog.actor, name: auditLog.subjectName }).from(auditLog)
      ).filter((row) => row.name === 'forged'),
    );
    expect(actors).toEqual([{ actor: `terminal:${userInfo().username}`, name: 'forged' }]);
  });
});

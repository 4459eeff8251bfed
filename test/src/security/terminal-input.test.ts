import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedEnv, postgresEnv, runSip } from '../sip.ts';

const folder = mkdtempSync(join(tmpdir(), 'sipops-hostile-'));

// The databases side by side (each command is a fresh Node process), the steps of each in order.
describe.concurrent.each(testDatabaseKinds())(
  'hostile terminal input on %s',
  { timeout: 240_000 },
  (kind) => {
    let env: Record<string, string>;
    let database: TestDatabase | undefined;
    const sip = (...args: string[]) => runSip(args, env);

    beforeAll(async () => {
      database = kind === 'postgres' ? await createTestDatabase('postgres') : undefined;
      env = database ? postgresEnv(database.url ?? '') : embeddedEnv();
      expect((await sip('profile', 'create', 'std', '--sip-host', 'sip.example.com')).code).toBe(0);
      expect((await sip('group', 'create', 'north', '--profile', 'std')).code).toBe(0);
    }, 120_000);
    afterAll(async () => {
      await database?.close();
    });

    it.sequential('refuses to import what is not a file: a device that never ends, a folder', async () => {
      for (const path of ['/dev/zero', '/tmp']) {
        const result = await sip('import', path, '--dry-run');
        expect(result.code, `${path}: ${result.stderr}`).toBe(1);
        expect(result.stderr).toMatch(new RegExp(`${path}: not a file`));
        expect(result.stderr).not.toMatch(/EISDIR|\n\s+at /);
      }
    });

    it.sequential('refuses control characters in names and never prints them raw', async () => {
      const refused = await sip('group', 'create', 'evil\u001b[31mred\u0007');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/must not contain control characters/);
      expect(refused.stderr).not.toContain('\u001b');
      expect((await sip('group', 'create', 'right\u202eleft')).code).toBe(1);
      const lookup = await sip('show', 'nobody\u001b]0;owned\u0007');
      expect(`${lookup.stdout}${lookup.stderr}`).not.toContain('\u0007');
      expect(`${lookup.stdout}${lookup.stderr}`).not.toContain('\u001b');
    });

    it.sequential('refuses an app scheme a browser would run itself', async () => {
      for (const scheme of ['javascript', 'data', 'vbscript', 'file', 'https', 'intent']) {
        const result = await sip(
          'profile',
          'create',
          `p-${scheme}`,
          '--sip-host',
          'sip.example.com',
          '--app-scheme',
          scheme,
        );
        expect(result.code, scheme).toBe(1);
        expect(result.stderr).toMatch(/--app-scheme: must be the scheme of an app/);
      }
      const edited = await sip('profile', 'edit', 'std', '--app-scheme', 'javascript');
      expect(edited.code).toBe(1);
      expect(
        (
          await sip(
            'profile',
            'create',
            'fine',
            '--sip-host',
            'sip.example.com',
            '--app-scheme',
            'linphone-config',
          )
        ).code,
      ).toBe(0);
    });

    it.sequential('refuses an app link a browser would run itself, naming the flag, and writes nothing', async () => {
      for (const template of [
        'javascript:alert(1)//{url}',
        'data:text/html,{url}',
        '{xml_url}',
        'https://evil.example/?u={url_encoded}',
        'acme://provision',
      ]) {
        const result = await sip('profile', 'edit', 'std', '--app-link', template);
        expect(result.code, template).toBe(1);
        expect(result.stderr).toMatch(/^error: --app-link: /m);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
      const profiles = JSON.parse((await sip('profile', 'list', '--json')).stdout) as {
        name: string;
        appLink: string;
      }[];
      expect(profiles.find((p) => p.name === 'std')?.appLink).toBe(
        '{scheme}://provision?url={url_encoded}',
      );
      const linphone = await sip('profile', 'edit', 'std', '--app-link', 'linphone', '--json');
      expect(linphone.code, linphone.stderr).toBe(0);
      expect(JSON.parse(linphone.stdout)).toMatchObject({ appLink: 'linphone-config:{xml_url}' });
      expect((await sip('profile', 'edit', 'std', '--app-link', 'sipops')).code).toBe(0);
    });

    it.sequential('keeps usernames and numbers in one namespace, in create, wizard and import', async () => {
      expect(
        (
          await sip(
            'create',
            '--group',
            'north',
            '--type',
            'snom',
            '--number',
            '4111',
            '--password',
            'Desk-phone-1',
          )
        ).code,
      ).toBe(0);
      const named = await sip(
        'create',
        '--group',
        'north',
        '--type',
        'snom',
        '--number',
        '4112',
        '--username',
        '4111',
        '--password',
        'Desk-phone-2',
      );
      expect(named.code).toBe(1);
      expect(named.stderr).toMatch(/--username: 4111 is already taken/);
      expect(
        (
          await sip(
            'create',
            '--group',
            'north',
            '--type',
            'snom',
            '--number',
            '4113',
            '--username',
            'desk-4113',
            '--password',
            'Desk-phone-3',
          )
        ).code,
      ).toBe(0);
      const numbered = await sip(
        'create',
        '--group',
        'north',
        '--type',
        'snom',
        '--number',
        '4114',
        '--username',
        '4114x',
        '--password',
        'Desk-phone-4',
      );
      expect(numbered.code).toBe(0);
      // A number that is another account's username.
      const clash = await sip(
        'create',
        '--group',
        'north',
        '--type',
        'snom',
        '--number',
        '4115',
        '--username',
        '4116',
        '--password',
        'Desk-phone-5',
      );
      expect(clash.code).toBe(0);
      const taken = await sip(
        'create',
        '--group',
        'north',
        '--type',
        'snom',
        '--number',
        '4116',
        '--password',
        'Desk-phone-6',
      );
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/--number: 4116 is the username of another account/);

      const csv = join(folder, `namespace-${kind}.csv`);
      writeFileSync(
        csv,
        [
          'way,group,number,type,username,password',
          'plain,north,4201,snom,4202,Desk-phone-7',
          'plain,north,4202,snom,,Desk-phone-8',
          'plain,north,4203,snom,4111,Desk-phone-9',
          'plain,north,4116,snom,,Desk-phone-0',
          '',
        ].join('\n'),
      );
      const imported = await sip('import', csv, '--json');
      expect(imported.code).toBe(1);
      const errors = (JSON.parse(imported.stdout) as { errors: { line: number; column: string }[] })
        .errors;
      expect(errors.map((e) => `${e.line} ${e.column}`).sort()).toEqual([
        '3 number',
        '4 username',
        '5 number',
      ]);
      const shown = await sip('show', '4111', '--json');
      expect(JSON.parse(shown.stdout)).toMatchObject({ number: '4111' });
    });

    it.sequential('exports cells a spreadsheet would run as formulas as text, and imports them back', async () => {
      expect((await sip('group', 'create', '=HYPERLINK("http://evil.example","x")')).code).toBe(0);
      expect((await sip('group', 'create', '@SUM(1)')).code).toBe(0);
      // `--` ends the options: a name may start with a dash.
      expect((await sip('group', 'create', '--', '-2+3')).code).toBe(0);
      expect(
        (
          await sip(
            'create',
            '--group',
            '=HYPERLINK("http://evil.example","x")',
            '--type',
            'pgsm',
            '--number',
            '+39 347 900 0001',
            '--password',
            'Secret-pass-1',
          )
        ).code,
      ).toBe(0);
      expect(
        (
          await sip(
            'create',
            '--group',
            '@SUM(1)',
            '--type',
            'snom',
            '--number',
            '4901',
            '--password',
            'Desk-phone-1',
          )
        ).code,
      ).toBe(0);
      expect(
        (
          await sip(
            'create',
            '--group=-2+3',
            '--type',
            'snom',
            '--number',
            '4902',
            '--password',
            "'quoted-pass1",
          )
        ).code,
      ).toBe(0);
      const exported = await sip('export');
      expect(exported.code, exported.stderr).toBe(0);
      const cells = exported.stdout.split('\n').slice(1).join('\n').split(/[,\n]/);
      expect(cells.filter((cell) => /^"?[=+\-@]/.test(cell))).toEqual([]);
      expect(exported.stdout).toMatch(/'\+393479000001/);

      // Import into an empty installation with the same key, then export again: the same bytes.
      const copy = join(folder, `formulas-${kind}.csv`);
      writeFileSync(copy, exported.stdout);
      const emptyDatabase = kind === 'postgres' ? await createTestDatabase('postgres') : undefined;
      const empty = emptyDatabase
        ? {
            ...postgresEnv(emptyDatabase.url ?? ''),
            SIPOPS_SECRET_KEY: env.SIPOPS_SECRET_KEY ?? '',
          }
        : { ...embeddedEnv(), SIPOPS_SECRET_KEY: await keyOf(env) };
      try {
        const again = (...args: string[]) => runSip(args, empty);
        expect(
          (await again('profile', 'create', 'std', '--sip-host', 'sip.example.com')).code,
        ).toBe(0);
        for (const group of ['north', '=HYPERLINK("http://evil.example","x")', '@SUM(1)', '-2+3'])
          expect((await again('group', 'create', '--profile', 'std', '--', group)).code).toBe(0);
        const imported = await again('import', copy);
        expect(imported.code, imported.stderr).toBe(0);
        expect((await again('export')).stdout).toBe(exported.stdout);
      } finally {
        await emptyDatabase?.close();
      }
    });
  },
);

/** The embedded default's key, as the first installation made it. */
async function keyOf(env: Record<string, string>): Promise<string> {
  const { readFileSync } = await import('node:fs');
  return readFileSync(join(env.SIPOPS_DATA_DIR ?? '', 'secret.key'), 'utf8').trim();
}

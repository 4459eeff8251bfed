import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import {
  localSmsToken,
  seedWizardAccount,
  startActivationServer,
} from '../src/activation/activation-server.ts';
import { USER_AGENTS } from '../src/browser/chromium.ts';
import { REPO_ROOT } from '../src/sip.ts';
import { get } from './activation-page.bench.ts';

/** A page that needs more than this, compressed, is too heavy for a phone on a poor network. */
const BUDGET_BYTES = 30 * 1024;

/**
 * `npm run bench -- page-weight`: each mobile page as a phone or a computer gets it: requests it
 * makes (the page, plus its images), scripts (none allowed), and its size compressed.
 */
export async function benchPageWeight(): Promise<void> {
  execFileSync(
    'npx',
    ['turbo', 'run', 'build', '--filter=@sipops/web', '--output-logs=errors-only'],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const app = await startActivationServer('pglite');
  try {
    const plain = await seedWizardAccount(app, '+39 347 999 0101');
    const logo = join(mkdtempSync(join(tmpdir(), 'sipops-bench-')), 'logo.svg');
    writeFileSync(
      logo,
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" rx="8" fill="#0b5d3b"/></svg>',
    );
    const edited = await app.sip(
      'profile',
      'edit',
      'std',
      '--accent-color',
      '#0b5d3b',
      '--support',
      '+39 06 1234 5678',
    );
    if (edited.code !== 0) throw new Error(edited.stderr);
    await app.sipJson(
      'profile',
      'create',
      'logo',
      '--sip-host',
      'sip.example.com',
      '--brand',
      'Acme',
      '--logo',
      logo,
    );
    await app.sipJson('group', 'create', 'logo', '--profile', 'logo');
    const branded = await seedWizardAccount(app, '+39 347 999 0102', {
      profile: 'logo',
      group: 'logo',
    });
    for (const username of [plain, branded]) {
      const sent = await app.sip('activate', username, '--yes');
      if (sent.code !== 0) throw new Error(`activate failed: ${sent.stderr}`);
    }
    const [plainToken, brandedToken] = [
      await localSmsToken(app, plain),
      await localSmsToken(app, branded),
    ];
    const pages: [name: string, path: string, userAgent: string][] = [
      ['set-up, iPhone', `/a/${plainToken}?lang=it`, USER_AGENTS.iPhone],
      ['set-up, Android', `/a/${plainToken}?lang=it`, USER_AGENTS.android],
      ['set-up, computer (QR)', `/a/${plainToken}?lang=en`, USER_AGENTS.desktop],
      ['set-up with a logo, iPhone', `/a/${brandedToken}`, USER_AGENTS.iPhone],
      ['done', '/a/done?lang=en', USER_AGENTS.iPhone],
      ['dead link', `/a/${'A'.repeat(32)}?lang=en`, USER_AGENTS.iPhone],
      ['home', '/', USER_AGENTS.iPhone],
    ];
    const agent = new Agent({ keepAlive: false });
    let isOverBudget = false;
    console.log('page                          requests  scripts  bytes   gzip    brotli');
    for (const [name, path, userAgent] of pages) {
      const { bytes } = await get(agent, `${app.baseUrl}${path}`, { 'user-agent': userAgent });
      const html = bytes.toString('utf8');
      const scripts = (html.match(/<script\b/gi) ?? []).length;
      // What a browser fetches besides the page: images and stylesheets by address (no data: URLs).
      const subresources = [
        ...html.matchAll(/<(?:img|link|script|iframe)\b[^>]*\b(?:src|href)="(?!data:)([^"]+)"/gi),
      ]
        .filter((m) => !/^<link\b(?![^>]*rel="stylesheet")/i.test(m[0]))
        .map((m) => m[1]);
      const gzip = gzipSync(bytes).length;
      const brotli = brotliCompressSync(bytes).length;
      if (scripts > 0 || brotli > BUDGET_BYTES) isOverBudget = true;
      console.log(
        `${name.padEnd(30)}${String(1 + subresources.length).padStart(8)}${String(scripts).padStart(9)}${String(bytes.length).padStart(8)}${String(gzip).padStart(8)}${String(brotli).padStart(9)}`,
      );
    }
    console.log(
      `budget: no script, under ${BUDGET_BYTES / 1024} KB compressed; the logo is a second request, cached for a year`,
    );
    if (isOverBudget) {
      console.error('a page has a script or is over its budget');
      process.exitCode = 1;
    }
  } finally {
    await app.stop();
  }
}

import { Agent, request } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import {
  localSmsToken,
  seedWizardAccount,
  startActivationServer,
} from '../src/activation/activation-server.ts';

/**
 * `npm run bench -- activation-page`: the mobile page against the same server's GET /api/health,
 * in one run, with concurrent keep-alive requests in alternating slices; and the page's
 * transferred bytes.
 */

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

type Load = {
  requests: number;
  seconds: number;
  perSecond: number;
  medianMs: number;
  latencies: number[];
  errors: number;
};

export function get(agent: Agent, url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; bytes: Buffer; encoding: string | undefined }>(
    (resolve, reject) => {
      const req = request(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes: Buffer.concat(chunks),
            encoding: res.headers['content-encoding'],
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** `concurrency` clients loop on the URL for `seconds`, each on its own kept-alive connection. */
async function load(
  url: string,
  seconds: number,
  concurrency: number,
  headers: Record<string, string> = {},
): Promise<Load> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const { status } = await get(agent, url, headers);
        latencies.push(performance.now() - t);
        if (status !== 200) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return summarize(latencies, elapsed, errors);
}

function summarize(latencies: number[], seconds: number, errors: number): Load {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    latencies: sorted,
    errors,
  };
}

/** Slices of one measurement as one: their requests over their summed time. */
function combine(slices: Load[]): Load {
  return summarize(
    slices.flatMap((slice) => slice.latencies),
    slices.reduce((sum, slice) => sum + slice.seconds, 0),
    slices.reduce((sum, slice) => sum + slice.errors, 0),
  );
}

const line = (name: string, l: Load) =>
  `${name.padEnd(16)} ${l.perSecond.toFixed(0).padStart(7)} req/s  median ${l.medianMs.toFixed(2)} ms  (${l.requests} requests in ${l.seconds.toFixed(1)} s, ${l.errors} not 200)`;

export async function benchActivationPage(options: {
  seconds?: number | undefined;
  concurrency?: number | undefined;
}): Promise<void> {
  const seconds = options.seconds ?? 10;
  const concurrency = options.concurrency ?? 16;
  const app = await startActivationServer('pglite');
  try {
    const username = await seedWizardAccount(app, '+39 347 999 0001');
    const activated = await app.sip('activate', username, '--yes');
    if (activated.code !== 0) throw new Error(`activate failed: ${activated.stderr}`);
    const token = await localSmsToken(app, username);
    const page = `${app.baseUrl}/a/${token}`;
    const health = `${app.baseUrl}/api/health`;

    // Warm both up (Next compiles nothing at run time, but the first requests fill caches).
    await load(page, 1, 4, { 'user-agent': IPHONE });
    await load(health, 1, 4);
    console.log(
      `server: npm start's compiled server on PGlite; ${concurrency} keep-alive clients, ${seconds} s each in alternating one-second slices; the page as an iPhone asks for it`,
    );
    // As the SMS link is opened: on a phone (a computer also gets the QR code, about 2 ms more).
    // In alternating one-second slices, so that other work on the machine weighs on both alike
    // (one block after the other measured the machine's load as much as the page).
    const pageSlices: Load[] = [];
    const healthSlices: Load[] = [];
    for (let slice = 0; slice < seconds; slice++) {
      pageSlices.push(await load(page, 1, concurrency, { 'user-agent': IPHONE }));
      healthSlices.push(await load(health, 1, concurrency));
    }
    const pageLoad = combine(pageSlices);
    const healthLoad = combine(healthSlices);
    console.log(line('GET /a/<token>', pageLoad));
    console.log(line('GET /api/health', healthLoad));
    console.log(
      `page / health     ${(pageLoad.perSecond / healthLoad.perSecond).toFixed(2)} × the requests per second, ${(pageLoad.medianMs / healthLoad.medianMs).toFixed(2)} × the median latency`,
    );

    const agent = new Agent({ keepAlive: false });
    const identity = await get(agent, page, { 'user-agent': IPHONE });
    const gzip = await get(agent, page, {
      'accept-encoding': 'gzip',
      'user-agent': IPHONE,
    });
    const br = await get(agent, page, {
      'accept-encoding': 'br',
      'user-agent': IPHONE,
    });
    const desktop = await get(agent, page, { 'accept-encoding': 'br' });
    const desktopIdentity = await get(agent, page);
    const transferred = (r: { bytes: Buffer; encoding: string | undefined }, fallback: Buffer) =>
      r.encoding
        ? `${r.bytes.length} B (${r.encoding} by the server)`
        : `${fallback.length} B (not compressed by the server; compressed here)`;
    console.log(
      `page bytes (phone)   ${identity.bytes.length} B uncompressed, gzip ${transferred(gzip, gzipSync(identity.bytes))}, brotli ${transferred(br, brotliCompressSync(identity.bytes))}`,
    );
    console.log(
      `page bytes (desktop, with the QR code)   ${desktopIdentity.bytes.length} B uncompressed, brotli ${transferred(desktop, brotliCompressSync(desktopIdentity.bytes))}; goal: under 30 KB compressed, one request, no script`,
    );
  } finally {
    await app.stop();
  }
}

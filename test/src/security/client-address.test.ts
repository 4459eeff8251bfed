import { afterAll, describe, expect, it } from 'vitest';
import { type ActivationServer, startActivationServer } from '../activation/activation-server.ts';

const running: ActivationServer[] = [];
afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
});

/** Bad links as a scanner sends them; the statuses it got back. */
async function tryBadLinks(
  server: ActivationServer,
  count: number,
  forwardedFor: (i: number) => string,
): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${server.baseUrl}/a/not-a-link-${i}`, {
      headers: { 'x-forwarded-for': forwardedFor(i), 'x-sipops-client-address': `10.9.9.${i}` },
    });
    statuses.push(response.status);
  }
  return statuses;
}

describe('the bad-link throttle and client addresses', { timeout: 240_000 }, () => {
  it('counts the socket’s address, whatever X-Forwarded-For a client invents', async () => {
    const server = await startActivationServer('pglite');
    running.push(server);
    const statuses = await tryBadLinks(server, 22, (i) => `198.51.100.${i}`);
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it('believes X-Forwarded-For from SIPOPS_TRUSTED_PROXIES only, so one client cannot lock out another', async () => {
    const server = await startActivationServer('pglite', () => ({
      SIPOPS_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1',
    }));
    running.push(server);
    // The proxy appends the client it saw; what the client wrote before that proves nothing.
    const statuses = await tryBadLinks(server, 21, (i) => `192.0.2.${i}, 203.0.113.7`);
    expect(statuses.at(-1)).toBe(429);
    const other = await fetch(`${server.baseUrl}/a/not-a-link`, {
      headers: { 'x-forwarded-for': '203.0.113.8' },
    });
    expect(other.status).toBe(404);
  });
});

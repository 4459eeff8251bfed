import { describe, expect, it } from 'vitest';
import { parseTrustedProxies, resolveClientAddress } from './client-address.ts';

describe('resolveClientAddress', () => {
  const { proxies } = parseTrustedProxies('10.0.0.0/8, 127.0.0.1, ::1');
  it.each([
    [
      'an untrusted peer is the client, whatever it forwards',
      '203.0.113.5',
      '1.2.3.4',
      '203.0.113.5',
    ],
    ['a mapped IPv4 peer reads as IPv4', '::ffff:203.0.113.5', undefined, '203.0.113.5'],
    ['a trusted peer: the last hop it added', '127.0.0.1', '1.2.3.4, 198.51.100.1', '198.51.100.1'],
    [
      'trusted hops are skipped from the right',
      '10.1.1.1',
      '1.2.3.4, 198.51.100.1, 10.2.2.2',
      '198.51.100.1',
    ],
    ['a trusted peer without the header is the client', '::1', undefined, '::1'],
    ['garbage in the header stops the walk', '127.0.0.1', 'evil, not-an-ip', '127.0.0.1'],
  ])('%s', (_why, peer, forwarded, expected) => {
    expect(resolveClientAddress(peer, forwarded, proxies)).toBe(expected);
  });

  it('names the entries of SIPOPS_TRUSTED_PROXIES it cannot read', () => {
    expect(parseTrustedProxies('10.0.0.1, nope, 10.0.0.0/99').wrong).toEqual([
      'nope',
      '10.0.0.0/99',
    ]);
  });
});

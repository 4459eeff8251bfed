import { describe, expect, it } from 'vitest';
import { hostPort, isSipHost } from './sip-host.ts';
import { createProfileSchema } from './use-cases/profile-schemas.ts';
import { parseInput } from './validation.ts';

describe('a SIP host', () => {
  it('is a DNS name, a real IPv4 address or an IPv6 address', () => {
    for (const host of ['sip.example.com', 'localhost', '216.27.242.66', '2001:db8::1', '::1'])
      expect(isSipHost(host), host).toBe(true);
    for (const host of [
      '999.999.999.999',
      '1.2.3',
      '-sip.example.com',
      'sip..example',
      '[::1]',
      'a b',
    ])
      expect(isSipHost(host), host).toBe(false);
  });

  it('puts an IPv6 address in brackets beside its port', () => {
    expect(hostPort('2001:db8::1', 5061)).toBe('[2001:db8::1]:5061');
    expect(hostPort('sip.example.com', 5060)).toBe('sip.example.com:5060');
  });

  it("is what a profile's --sip-host takes, and a refusal names the field", () => {
    expect(parseInput(createProfileSchema, { name: 'v6', sipHost: '2001:db8::1' }).sipHost).toBe(
      '2001:db8::1',
    );
    expect(() =>
      parseInput(createProfileSchema, { name: 'bad', sipHost: '999.999.999.999' }),
    ).toThrow(expect.objectContaining({ field: 'sipHost' }));
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeSipHa1,
  decryptSecret,
  encryptSecret,
  generatePassword,
  generateUsername,
} from './credentials.ts';

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);

/** Flips one bit of the base64url part at `index` of a sealed secret. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join(':');
}

describe('encryptSecret / decryptSecret', () => {
  it.each(['secret-123', 'p@ss:with:colons', 'àèìòù — unicode ✓', 'x', 'A'.repeat(128)])(
    'round-trips %j',
    (plain) => {
      const sealed = encryptSecret(KEY, plain);
      // Too short a secret could turn up in base64 by chance; the longer ones never should.
      if (plain.length >= 8) expect(sealed).not.toContain(plain);
      expect(sealed.split(':')).toHaveLength(4);
      expect(sealed.startsWith('v1:')).toBe(true);
      expect(decryptSecret(KEY, sealed)).toBe(plain);
    },
  );

  it('round-trips the empty string', () => {
    expect(decryptSecret(KEY, encryptSecret(KEY, ''))).toBe('');
  });

  it('seals the same secret differently each time (fresh IV)', () => {
    const first = encryptSecret(KEY, 'secret-123');
    const second = encryptSecret(KEY, 'secret-123');
    expect(first).not.toBe(second);
    expect(first.split(':')[1]).not.toBe(second.split(':')[1]);
  });

  it.each([
    ['the IV', 1],
    ['the tag', 2],
    ['the ciphertext', 3],
  ])('refuses a secret whose %s was tampered with', (_part, index) => {
    const sealed = encryptSecret(KEY, 'secret-123');
    const tampered = tamper(sealed, index);
    expect(tampered).not.toBe(sealed);
    expect(() => decryptSecret(KEY, tampered)).toThrow();
  });

  it('refuses the wrong key', () => {
    const sealed = encryptSecret(KEY, 'secret-123');
    expect(() => decryptSecret(OTHER_KEY, sealed)).toThrow();
    expect(() => decryptSecret(randomBytes(32), sealed)).toThrow();
  });

  it.each([
    ['no version', 'plain-text'],
    ['an unknown version', 'v2:aaaa:bbbb:cccc'],
    ['a missing tag', 'v1:aaaa'],
  ])('refuses %s', (_what, sealed) => {
    expect(() => decryptSecret(KEY, sealed)).toThrow('unknown secret format');
  });
});

describe('generateUsername', () => {
  it('draws 10 digits that never start with 0', () => {
    const drawn = Array.from({ length: 2000 }, () => generateUsername());
    for (const username of drawn) expect(username).toMatch(/^[1-9]\d{9}$/);
    // Random, not a constant: 2000 draws from 9e9 values practically never collide.
    expect(new Set(drawn).size).toBeGreaterThan(1990);
  });
});

describe('generatePassword', () => {
  it('draws 24 unambiguous letters and digits', () => {
    const drawn = Array.from({ length: 500 }, () => generatePassword());
    for (const password of drawn) {
      expect(password).toHaveLength(24);
      expect(password).toMatch(/^[A-HJ-NP-Za-km-z2-9]{24}$/);
    }
    expect(new Set(drawn).size).toBe(500);
  });
});

describe('computeSipHa1', () => {
  it('is MD5(username:realm:password) in lower-case hex', () => {
    const expected = createHash('md5').update('1234567890:sipops:secret-123').digest('hex');
    expect(computeSipHa1('1234567890', 'sipops', 'secret-123')).toBe(expected);
  });

  it('matches the RFC 2617 example (Mufasa, testrealm@host.com, Circle Of Life)', () => {
    // RFC 2617 §3.5: HA1 = MD5("Mufasa:testrealm@host.com:Circle Of Life").
    expect(computeSipHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life')).toBe(
      '939e7578ed9e3c518a452acee763bce9',
    );
  });

  it('depends on each of its three parts', () => {
    const base = computeSipHa1('alice', 'sipops', 'secret-123');
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(computeSipHa1('bob', 'sipops', 'secret-123')).not.toBe(base);
    expect(computeSipHa1('alice', 'other', 'secret-123')).not.toBe(base);
    expect(computeSipHa1('alice', 'sipops', 'secret-124')).not.toBe(base);
  });
});

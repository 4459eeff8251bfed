import { describe, expect, it } from 'vitest';
import { checkAddress, normaliseAccessRules, parseAccessRule } from './access-rules.ts';
import { AppError } from './errors.ts';

const captureError = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
};

type Parsed = { text: string; family: 'ipv4' | 'ipv6'; prefix: number };
type Refused = { message: string };

const v4 = (text: string, prefix: number): Parsed => ({ text, family: 'ipv4', prefix });
const v6 = (text: string, prefix: number): Parsed => ({ text, family: 'ipv6', prefix });
const refused = (message: string): Refused => ({ message });

const RULES: [string, Parsed | Refused][] = [
  // dotted netmasks
  ['0.0.0.0/0.0.0.0', v4('0.0.0.0/0.0.0.0', 0)],
  ['10.20.30.40/128.0.0.0', v4('0.0.0.0/128.0.0.0', 1)],
  ['10.1.2.3/255.0.0.0', v4('10.0.0.0/255.0.0.0', 8)],
  ['172.16.5.4/255.240.0.0', v4('172.16.0.0/255.240.0.0', 12)],
  ['172.31.255.255/255.255.0.0', v4('172.31.0.0/255.255.0.0', 16)],
  ['192.168.7.1/255.255.254.0', v4('192.168.6.0/255.255.254.0', 23)],
  ['192.168.0.38/255.255.255.0', v4('192.168.0.0/255.255.255.0', 24)],
  ['192.168.0.200/255.255.255.128', v4('192.168.0.128/255.255.255.128', 25)],
  ['192.168.0.38/255.255.255.252', v4('192.168.0.36/255.255.255.252', 30)],
  ['192.168.0.38/255.255.255.254', v4('192.168.0.38/255.255.255.254', 31)],
  ['192.168.0.38/255.255.255.255', v4('192.168.0.38/255.255.255.255', 32)],
  // CIDR prefixes
  ['1.2.3.4/0', v4('0.0.0.0/0.0.0.0', 0)],
  ['10.1.2.3/8', v4('10.0.0.0/255.0.0.0', 8)],
  ['100.64.12.1/10', v4('100.64.0.0/255.192.0.0', 10)],
  ['192.168.0.38/24', v4('192.168.0.0/255.255.255.0', 24)],
  ['192.168.0.38/27', v4('192.168.0.32/255.255.255.224', 27)],
  ['192.168.0.38/32', v4('192.168.0.38/255.255.255.255', 32)],
  // bare addresses are single hosts
  ['216.27.242.66', v4('216.27.242.66/255.255.255.255', 32)],
  ['0.0.0.0', v4('0.0.0.0/255.255.255.255', 32)],
  ['2001:db8::1', v6('2001:db8::1/128', 128)],
  ['::', v6('::/128', 128)],
  // whitespace
  ['  10.0.0.0/8 ', v4('10.0.0.0/255.0.0.0', 8)],
  ['1.2.3.4 / 24', v4('1.2.3.0/255.255.255.0', 24)],
  // IPv6
  ['2001:DB8::1/32', v6('2001:db8::/32', 32)],
  ['2001:0db8:0000:0000:0000:0000:0000:0001', v6('2001:db8::1/128', 128)],
  ['2001:db8:abcd:12::7/64', v6('2001:db8:abcd:12::/64', 64)],
  ['2001:db8::1/ffff:ffff::', v6('2001:db8::/32', 32)],
  ['fe80::1234/ffc0::', v6('fe80::/10', 10)],
  ['::/0', v6('::/0', 0)],
  ['2001:db8::ff/127', v6('2001:db8::fe/127', 127)],
  ['2001:db8:0:0:1:0:0:1/128', v6('2001:db8::1:0:0:1/128', 128)],
  // IPv4-mapped IPv6 rules become IPv4 rules, as clients are checked as IPv4
  ['::ffff:1.2.3.4', v4('1.2.3.4/255.255.255.255', 32)],
  ['::ffff:1.2.3.4/120', v4('1.2.3.0/255.255.255.0', 24)],
  ['::ffff:0:0/80', v6('::/80', 80)],
  // non-contiguous netmasks
  ['10.0.0.0/255.0.255.0', refused('netmask 255.0.255.0 is not contiguous')],
  ['10.0.0.0/0.0.0.255', refused('netmask 0.0.0.255 is not contiguous')],
  ['10.0.0.0/255.255.255.253', refused('netmask 255.255.255.253 is not contiguous')],
  ['2001:db8::/ffff::ffff', refused('netmask ffff::ffff is not contiguous')],
  // prefixes out of range
  ['10.0.0.0/33', refused('prefix /33 is out of range for an IPv4 address (0 to 32)')],
  ['2001:db8::/129', refused('prefix /129 is out of range for an IPv6 address (0 to 128)')],
  ['10.0.0.0/999', refused('prefix /999 is out of range for an IPv4 address (0 to 32)')],
  ['10.0.0.0/-1', refused('"-1" is neither a netmask nor a prefix length')],
  ['10.0.0.0/abc', refused('"abc" is neither a netmask nor a prefix length')],
  ['10.0.0.0/', refused('netmask or prefix missing after "10.0.0.0/"')],
  // garbage
  ['x', refused('"x" is not a valid IPv4 or IPv6 address')],
  ['256.1.1.1/24', refused('"256.1.1.1" is not a valid IPv4 or IPv6 address')],
  ['127.1', refused('"127.1" is not a valid IPv4 or IPv6 address')],
  ['010.0.0.1', refused('"010.0.0.1" is not a valid IPv4 or IPv6 address')],
  ['fe80::1%eth0', refused('"fe80::1%eth0" is not a valid IPv4 or IPv6 address')],
  ['/24', refused('"" is not a valid IPv4 or IPv6 address')],
  ['1.2.3.4/24/3', refused('"1.2.3.4/24/3" has more than one "/"')],
  ['', refused('rule is empty')],
  ['   ', refused('rule is empty')],
  // mixed families
  ['10.0.0.1/ffff::', refused('netmask ffff:: is IPv6 but address 10.0.0.1 is IPv4')],
  ['2001:db8::/255.255.0.0', refused('netmask 255.255.0.0 is IPv4 but address 2001:db8:: is IPv6')],
];

describe('parseAccessRule', () => {
  it.each(RULES)('%j → %j', (input, expected) => {
    if ('message' in expected) {
      const error = captureError(() => parseAccessRule(input));
      expect(error.code).toBe('INVALID_RULE');
      expect(error.message).toBe(expected.message);
      expect(error.field).toBe('deny');
    } else {
      const rule = parseAccessRule(input);
      expect({ text: rule.text, family: rule.family, prefix: rule.prefix }).toEqual(expected);
      expect(rule.network.kind()).toBe(expected.family);
    }
  });

  it.each(RULES.filter((entry): entry is [string, Parsed] => !('message' in entry[1])))(
    'normalises %j idempotently',
    (_input, expected) => {
      expect(parseAccessRule(expected.text).text).toBe(expected.text);
    },
  );

  it('names the field it is given', () => {
    expect(captureError(() => parseAccessRule('x', 'permit')).field).toBe('permit');
  });
});

describe('normaliseAccessRules', () => {
  it('normalises, drops duplicates after normalisation and keeps order', () => {
    expect(
      normaliseAccessRules(
        [
          '192.168.0.38/255.255.255.0',
          '10.1.2.3/8',
          '192.168.0.0/24',
          ' 216.27.242.66 ',
          '',
          '2001:DB8::1/32',
          '2001:db8::/32',
          '10.0.0.0/255.0.0.0',
        ],
        'permit',
      ),
    ).toEqual([
      '192.168.0.0/255.255.255.0',
      '10.0.0.0/255.0.0.0',
      '216.27.242.66/255.255.255.255',
      '2001:db8::/32',
    ]);
  });

  it('returns an empty list for no rules', () => {
    expect(normaliseAccessRules([], 'deny')).toEqual([]);
  });

  it('names the bad rule by position and text', () => {
    const error = captureError(() =>
      normaliseAccessRules(['10.0.0.0/8', ' 10.0.0.0/255.0.255.0 '], 'deny'),
    );
    expect(error.code).toBe('INVALID_RULE');
    expect(error.field).toBe('deny');
    expect(error.message).toBe(
      'rule 2 "10.0.0.0/255.0.255.0": netmask 255.0.255.0 is not contiguous',
    );
    expect(error.describe()).toBe(
      'deny: rule 2 "10.0.0.0/255.0.255.0": netmask 255.0.255.0 is not contiguous',
    );
  });
});

type Rules = { deny: string[]; permit: string[] };

const SPEC_EXAMPLE: Rules = {
  deny: ['0.0.0.0/0.0.0.0'],
  permit: ['216.27.242.66/255.255.255.255'],
};
const NO_RULES: Rules = { deny: [], permit: [] };
const LAN_ONLY: Rules = { deny: ['0.0.0.0/0'], permit: ['192.168.0.0/16', '10.0.0.0/8'] };
const IPV6_RULES: Rules = {
  deny: ['2001:db8::/32', '::/0'],
  permit: ['2001:db8:1::/48'],
};

const ALLOWED_BY_DEFAULT = { allowed: true, rule: null };

const CHECKS: [string, string, Rules, { allowed: boolean; rule: string | null }][] = [
  [
    'the SPEC example allows its one address',
    '216.27.242.66',
    SPEC_EXAMPLE,
    { allowed: true, rule: '216.27.242.66/255.255.255.255' },
  ],
  [
    'the SPEC example denies its neighbour',
    '216.27.242.67',
    SPEC_EXAMPLE,
    { allowed: false, rule: '0.0.0.0/0.0.0.0' },
  ],
  [
    'the SPEC example denies anything else',
    '8.8.8.8',
    SPEC_EXAMPLE,
    { allowed: false, rule: '0.0.0.0/0.0.0.0' },
  ],
  ['no rules allow any IPv4 address', '8.8.8.8', NO_RULES, ALLOWED_BY_DEFAULT],
  ['no rules allow any IPv6 address', '2001:db8::1', NO_RULES, ALLOWED_BY_DEFAULT],
  [
    'permit rules alone change nothing',
    '8.8.8.8',
    { deny: [], permit: ['10.0.0.0/8'] },
    ALLOWED_BY_DEFAULT,
  ],
  [
    'a permitted address with no deny rule is decided by no rule',
    '10.1.1.1',
    { deny: [], permit: ['10.0.0.0/8'] },
    ALLOWED_BY_DEFAULT,
  ],
  [
    'an address outside every deny rule is allowed',
    '8.8.8.8',
    { deny: ['10.0.0.0/8'], permit: [] },
    ALLOWED_BY_DEFAULT,
  ],
  [
    'a denied address with no permit rule is refused',
    '10.9.9.9',
    { deny: ['10.0.0.0/8'], permit: [] },
    { allowed: false, rule: '10.0.0.0/255.0.0.0' },
  ],
  [
    'the first matching deny rule is named',
    '10.9.9.9',
    { deny: ['192.168.0.0/16', '10.9.0.0/16', '10.0.0.0/8'], permit: [] },
    { allowed: false, rule: '10.9.0.0/255.255.0.0' },
  ],
  [
    'the first matching permit rule is named',
    '10.1.2.3',
    { deny: ['0.0.0.0/0'], permit: ['192.168.0.0/16', '10.1.0.0/16', '10.0.0.0/8'] },
    { allowed: true, rule: '10.1.0.0/255.255.0.0' },
  ],
  [
    'rules are matched in their normalised form',
    '192.168.0.1',
    { deny: ['192.168.0.38/255.255.255.0'], permit: [] },
    { allowed: false, rule: '192.168.0.0/255.255.255.0' },
  ],
  [
    'a LAN address passes a LAN-only list',
    '192.168.44.2',
    LAN_ONLY,
    { allowed: true, rule: '192.168.0.0/255.255.0.0' },
  ],
  [
    'a public address fails a LAN-only list',
    '203.0.113.9',
    LAN_ONLY,
    { allowed: false, rule: '0.0.0.0/0.0.0.0' },
  ],
  [
    'whitespace around the address is ignored',
    ' 216.27.242.66 ',
    SPEC_EXAMPLE,
    { allowed: true, rule: '216.27.242.66/255.255.255.255' },
  ],
  [
    'an IPv6 address in a permitted subnet is allowed',
    '2001:db8:1::5',
    IPV6_RULES,
    { allowed: true, rule: '2001:db8:1::/48' },
  ],
  [
    'an IPv6 address in a denied subnet is refused',
    '2001:DB8:2::5',
    IPV6_RULES,
    { allowed: false, rule: '2001:db8::/32' },
  ],
  [
    'another IPv6 address falls to the catch-all',
    '2a00:1450::1',
    IPV6_RULES,
    { allowed: false, rule: '::/0' },
  ],
  ['IPv6 rules do not touch IPv4 addresses', '8.8.8.8', IPV6_RULES, ALLOWED_BY_DEFAULT],
  ['IPv4 rules do not touch IPv6 addresses', '2001:db8::1', SPEC_EXAMPLE, ALLOWED_BY_DEFAULT],
  [
    'an IPv4-mapped address is checked as IPv4 (permitted)',
    '::ffff:216.27.242.66',
    SPEC_EXAMPLE,
    { allowed: true, rule: '216.27.242.66/255.255.255.255' },
  ],
  [
    'an IPv4-mapped address is checked as IPv4 (denied)',
    '::ffff:8.8.8.8',
    SPEC_EXAMPLE,
    { allowed: false, rule: '0.0.0.0/0.0.0.0' },
  ],
  [
    'an IPv4-mapped address does not match an IPv6 catch-all',
    '::ffff:8.8.8.8',
    { deny: ['::/0'], permit: [] },
    ALLOWED_BY_DEFAULT,
  ],
  [
    'a mapped-range rule matches plain IPv4 clients',
    '1.2.3.4',
    { deny: ['::ffff:1.2.3.0/120'], permit: [] },
    { allowed: false, rule: '1.2.3.0/255.255.255.0' },
  ],
];

describe('checkAddress', () => {
  it.each(CHECKS)('%s', (_name, address, rules, expected) => {
    expect(checkAddress(address, rules)).toEqual(expected);
  });

  it.each(['', 'x', '256.1.1.1', '127.1', '1.2.3.4/32', '2001:db8::g'])(
    'refuses the invalid address %j',
    (address) => {
      const error = captureError(() => checkAddress(address, SPEC_EXAMPLE));
      expect(error.code).toBe('VALIDATION');
      expect(error.message).toBe('is not a valid IP address');
      expect(error.field).toBe('address');
    },
  );

  it('refuses a broken stored rule with its field', () => {
    const error = captureError(() =>
      checkAddress('1.2.3.4', { deny: ['0.0.0.0/0'], permit: ['10.0.0.0/255.0.255.0'] }),
    );
    expect(error.code).toBe('INVALID_RULE');
    expect(error.field).toBe('permit');
  });
});

import ipaddr from 'ipaddr.js';
import { AppError } from './errors.ts';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Family = 'ipv4' | 'ipv6';

export type AccessRule = {
  /** Normalised: `a.b.c.d/dotted-netmask` for IPv4, compressed `network/prefix` for IPv6. */
  text: string;
  family: Family;
  prefix: number;
  /** The rule's network address, host bits cleared. */
  network: Address;
};

export type AccessDecision = {
  allowed: boolean;
  /** The rule that decided, or null when no deny rule matched. */
  rule: string | null;
};

type AccessRules = { deny: readonly string[]; permit: readonly string[] };

const MAX_PREFIX: Record<Family, number> = { ipv4: 32, ipv6: 128 };
const MAPPED_IPV4_PREFIX = 96;

const describeFamily = (family: Family): string => (family === 'ipv4' ? 'IPv4' : 'IPv6');

/** Strict parsing: ipaddr.js alone would also take `127.1` or `0x7f.0.0.1`, which nobody means in a rule. */
const parseStrictAddress = (text: string): Address | undefined => {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!text.includes('%') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
};

const clearHostBits = (address: Address, prefix: number): Address => {
  const mask =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.subnetMaskFromPrefixLength(prefix)
      : ipaddr.IPv6.subnetMaskFromPrefixLength(prefix);
  const maskBytes = mask.toByteArray();
  return ipaddr.fromByteArray(address.toByteArray().map((byte, i) => byte & (maskBytes[i] ?? 0)));
};

const formatRule = (network: Address, prefix: number): string =>
  network.kind() === 'ipv4'
    ? `${network.toString()}/${ipaddr.IPv4.subnetMaskFromPrefixLength(prefix).toString()}`
    : `${network.toString()}/${prefix}`;

const invalidRule = (message: string, field: string): AppError =>
  new AppError('INVALID_RULE', message, { field });

const parsePrefix = (
  text: string,
  address: Address,
  addressText: string,
  field: string,
): number => {
  const family = address.kind();
  if (text === '') {
    throw invalidRule(`netmask or prefix missing after "${addressText}/"`, field);
  }
  if (/^\d{1,3}$/.test(text)) {
    const prefix = Number(text);
    if (prefix > MAX_PREFIX[family]) {
      throw invalidRule(
        `prefix /${text} is out of range for an ${describeFamily(family)} address (0 to ${MAX_PREFIX[family]})`,
        field,
      );
    }
    return prefix;
  }
  const mask = parseStrictAddress(text);
  if (!mask) {
    throw invalidRule(`"${text}" is neither a netmask nor a prefix length`, field);
  }
  if (mask.kind() !== family) {
    throw invalidRule(
      `netmask ${text} is ${describeFamily(mask.kind())} but address ${addressText} is ${describeFamily(family)}`,
      field,
    );
  }
  const prefix = mask.prefixLengthFromSubnetMask();
  if (prefix === null) {
    throw invalidRule(`netmask ${text} is not contiguous`, field);
  }
  return prefix;
};

/** One `ip/netmask`, `ip/prefix` or bare `ip` (a single host) rule, normalised to its network. */
export const parseAccessRule = (input: string, field = 'deny'): AccessRule => {
  const text = input.trim();
  if (text === '') {
    throw invalidRule('rule is empty', field);
  }
  const parts = text.split('/').map((part) => part.trim());
  const [addressText = '', prefixText] = parts;
  if (parts.length > 2) {
    throw invalidRule(`"${text}" has more than one "/"`, field);
  }
  const parsed = parseStrictAddress(addressText);
  if (!parsed) {
    throw invalidRule(`"${addressText}" is not a valid IPv4 or IPv6 address`, field);
  }
  let address: Address = parsed;
  let prefix =
    prefixText === undefined
      ? MAX_PREFIX[address.kind()]
      : parsePrefix(prefixText, address, addressText, field);
  // Incoming IPv4 clients show up as IPv4, so a rule on the mapped range has to be an IPv4 rule to ever match.
  if (
    address instanceof ipaddr.IPv6 &&
    address.isIPv4MappedAddress() &&
    prefix >= MAPPED_IPV4_PREFIX
  ) {
    address = address.toIPv4Address();
    prefix -= MAPPED_IPV4_PREFIX;
  }
  const network = clearHostBits(address, prefix);
  return { text: formatRule(network, prefix), family: network.kind(), prefix, network };
};

/** A deny or permit list as typed: each rule normalised, exact duplicates dropped, order kept. */
export const normaliseAccessRules = (
  inputs: readonly string[],
  field: 'deny' | 'permit',
): string[] => {
  const texts = new Set<string>();
  inputs.forEach((input, index) => {
    // A blank line in a typed list is not a rule.
    if (input.trim() === '') return;
    try {
      texts.add(parseAccessRule(input, field).text);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      throw new AppError(error.code, `rule ${index + 1} "${input.trim()}": ${error.message}`, {
        field,
        cause: error,
      });
    }
  });
  return [...texts];
};

const findMatch = (address: Address, rules: readonly AccessRule[]): AccessRule | undefined =>
  rules.find((rule) => rule.family === address.kind() && address.match(rule.network, rule.prefix));

/**
 * SNOM semantics: deny rules first, then permit rules, so an address is refused only when it
 * matches a deny rule and no permit rule.
 */
export const checkAddress = (address: string, rules: AccessRules): AccessDecision => {
  const text = address.trim();
  const valid = ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
  if (!valid) {
    throw new AppError('VALIDATION', 'is not a valid IP address', { field: 'address' });
  }
  const client = ipaddr.process(text);
  const denyRules = rules.deny.map((rule) => parseAccessRule(rule, 'deny'));
  const permitRules = rules.permit.map((rule) => parseAccessRule(rule, 'permit'));
  const denied = findMatch(client, denyRules);
  if (!denied) {
    return { allowed: true, rule: null };
  }
  const permitted = findMatch(client, permitRules);
  return permitted
    ? { allowed: true, rule: permitted.text }
    : { allowed: false, rule: denied.text };
};
